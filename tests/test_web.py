"""The HTTP endpoint, served for real on 127.0.0.1 and read with httpx."""

from __future__ import annotations

import asyncio
import io
import socket
import sqlite3
from calendar import timegm
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import feedparser
import httpx
import pytest
from aiohttp import web
from conftest import SITE_FIXTURES
from prometheus_client.parser import text_string_to_metric_families

from monitor.clock import FrozenClock
from monitor.errors import ConfigError, StoreError
from monitor.extract import extract_bytes
from monitor.metrics import Metrics
from monitor.model import Observation, SourceRun
from monitor.store import ItemQuery, SourceState, Store
from monitor.web import build_app, start
from monitor.web.server import parse_listen

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
HOSTILE_TITLE = "市政府常务会议 <script>alert(1)</script> & 通报"
MEETING_SEEDS = sorted(SITE_FIXTURES.glob("*/0*_*.txt"))
NEWS_PAGE = SITE_FIXTURES / "sina" / "live_news_c_2019-09-07_iicezzrq4076655.html"


def fetch(app: web.Application, *paths: str) -> list[httpx.Response]:
    """Serve ``app`` on a free port, GET each path, stop the server."""

    async def main() -> list[httpx.Response]:
        server = await start(app, "127.0.0.1:0")
        try:
            async with httpx.AsyncClient(base_url=server.url, trust_env=False) as client:
                return [await client.get(path) for path in paths]
        finally:
            await server.stop()

    return asyncio.run(main())


def get(app: web.Application, path: str) -> httpx.Response:
    return fetch(app, path)[0]


def url_of(seed: Path) -> str:
    return f"https://news.example.cn/{seed.stem}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "monitor.db", clock=FrozenClock(NOW)) as opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    """Five meeting reports (one seen at two outlets, one with a hostile title), one news item."""
    for seed in MEETING_SEEDS:
        extracted = extract_bytes(seed.read_bytes())
        if seed.name.startswith("000_"):
            article = replace(extracted.article, title=HOSTILE_TITLE)
            extracted = replace(extracted, article=article)
        store.ingest(Observation("seeds", (url_of(seed),), extracted, url_of(seed)))
    assert isinstance(store.clock, FrozenClock)
    store.clock.advance(timedelta(hours=1))  # the mirror copies an hour later
    twin = MEETING_SEEDS[0]
    mirror = "https://mirror.example.cn/twin"
    store.ingest(Observation("mirror", (mirror,), extract_bytes(twin.read_bytes()), mirror))
    news = extract_bytes(NEWS_PAGE.read_bytes())
    store.ingest(Observation("sina", (str(news.article.url),), news, news.article.url))
    store.save_source(
        SourceState("seeds", "archive", last_polled=NOW, next_due=NOW, last_outcome="ok")
    )
    store.save_source(
        SourceState(
            "sina",
            "feed",
            failures=6,
            broken=True,
            last_outcome="timeout",
            last_error="sina: fetch failed: <timeout>",
        )
    )
    return store


def app_for(store: Store, *, alive: bool = True, metrics: Metrics | None = None) -> web.Application:
    return build_app(store, metrics or Metrics(), scheduler_alive=lambda: alive)


def meeting_ids(store: Store) -> dict[str, int]:
    """Item ids of the meeting seeds, by the seed's URL."""
    rows = store.db.execute("SELECT url, item_id FROM item_sources WHERE source = 'seeds'")
    return {str(url): int(item_id) for url, item_id in rows.fetchall()}


# /healthz


def test_healthz_is_200_when_the_scheduler_runs_and_the_database_takes_writes(
    filled: Store,
) -> None:
    response = get(app_for(filled), "/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "scheduler": True,
        "database": True,
        "sources": {"total": 2, "broken": ["sina"], "failing": ["sina"]},
    }


def test_healthz_is_503_when_the_scheduler_is_dead(filled: Store) -> None:
    response = get(app_for(filled, alive=False), "/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["scheduler"] is False
    assert response.json()["database"] is True


def test_healthz_is_503_while_another_process_holds_the_write_lock(filled: Store) -> None:
    # writable() probes with a 0.2 s busy timeout, not the store's 10 s.
    other = sqlite3.connect(filled.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        response = get(app_for(filled), "/healthz")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert response.status_code == 503
    assert response.json()["database"] is False
    assert filled.writable()
    # The probe's short wait is undone: ingests still wait the usual 10 s.
    assert filled.db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    assert response.json()["sources"]["total"] == 2  # readers still read in WAL mode
    assert get(app_for(filled), "/healthz").status_code == 200


CORRUPT = "database file is corrupt (run PRAGMA integrity_check)"


class UnreadableStore(Store):
    """A store whose reads fail as a corrupt file's would."""

    def items(self, query: ItemQuery) -> list[dict[str, Any]]:  # noqa: ARG002
        raise StoreError(self.path, CORRUPT)

    def sources(self) -> list[SourceState]:
        raise StoreError(self.path, CORRUPT)

    def outbox_counts(self) -> dict[str, int]:
        raise StoreError(self.path, CORRUPT)


def test_a_store_error_is_a_one_line_503_never_a_traceback(tmp_path: Path) -> None:
    with UnreadableStore(tmp_path / "monitor.db") as store:
        responses = fetch(app_for(store), "/", "/feed.atom", "/metrics", "/healthz")
    for response in responses[:3]:
        assert response.status_code == 503
        assert response.json()["error"].endswith(CORRUPT)
        assert "Traceback" not in response.text
    health = responses[3]
    assert health.status_code == 503
    assert health.json()["database"] is False


# /metrics


def test_metrics_shows_polls_outbox_and_broken_sources(filled: Store) -> None:
    metrics = Metrics()
    poll = SourceRun(
        "seeds",
        "ok",
        NOW,
        0.8,
        NOW + timedelta(minutes=5),
        ingested=MappingProxyType({"new": 5}),
        fetches=(("article", 0.01),),
    )
    metrics.observe_run(poll)
    metrics.observe_run(poll)
    response = get(app_for(filled, metrics=metrics), "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    assert found["monitor_polls_total", (("outcome", "ok"), ("source", "seeds"))] == 2
    assert found["monitor_items_total", (("kind", "new"),)] == 10
    assert found["monitor_sources_broken", ()] == 1
    assert found["monitor_last_poll_timestamp_seconds", (("source", "seeds"),)] == NOW.timestamp()


# /feed.atom


def parse_feed(response: httpx.Response) -> Any:
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(io.BytesIO(response.content))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_feed_lists_the_meeting_reports_newest_first(filled: Store) -> None:
    parsed = parse_feed(get(app_for(filled), "/feed.atom"))
    ids = meeting_ids(filled)
    entries = parsed.entries
    assert len(entries) == len(MEETING_SEEDS)  # the news item is no meeting
    published = [timegm(entry.published_parsed) for entry in entries]
    assert published == sorted(published, reverse=True)
    by_link = {entry.link: entry for entry in entries}
    assert set(by_link) == set(ids)
    for url, item_id in ids.items():
        assert by_link[url].id == f"tag:meeting-monitor,2026:item/{item_id}"


def test_a_feed_entry_has_aware_dates_a_summary_and_other_outlets(filled: Store) -> None:
    parsed = parse_feed(get(app_for(filled), "/feed.atom"))
    twin = next(entry for entry in parsed.entries if entry.link == url_of(MEETING_SEEDS[0]))
    # The seed says 2020-03-11 19:02:21 in Beijing (+08:00).
    assert timegm(twin.published_parsed) == timegm((2020, 3, 11, 11, 2, 21))
    assert timegm(twin.updated_parsed) == NOW.timestamp()
    assert twin.title == "上海疫情防控领导小组会议传达习近平总书记重要讲话精神"
    assert "领导小组会议" in twin.summary
    assert "2020-03-11" in twin.summary
    assert "李强" in twin.summary
    assert "https://mirror.example.cn/twin" in twin.summary
    hostile = next(entry for entry in parsed.entries if entry.link == url_of(MEETING_SEEDS[2]))
    assert hostile.title == HOSTILE_TITLE


def test_a_naive_stored_time_is_read_as_beijing_time(filled: Store) -> None:
    item_id = meeting_ids(filled)[url_of(MEETING_SEEDS[0])]
    filled.db.execute("UPDATE items SET published = '2020-03-11 19:02:21' WHERE id = ?", [item_id])
    parsed = parse_feed(get(app_for(filled), "/feed.atom"))
    entry = next(entry for entry in parsed.entries if entry.id.endswith(f"/{item_id}"))
    assert timegm(entry.published_parsed) == timegm((2020, 3, 11, 11, 2, 21))


def test_only_web_addresses_become_links(store: Store) -> None:
    extracted = extract_bytes(MEETING_SEEDS[1].read_bytes())
    store.ingest(
        Observation("archive", ("file:///archive/a.md",), extracted, "file:///archive/a.md")
    )
    store.ingest(Observation("evil", ("evil",), extracted, "javascript:alert(1)"))
    feed, page = fetch(app_for(store), "/feed.atom", "/")
    (entry,) = parse_feed(feed).entries
    assert "javascript:" not in feed.text
    assert "file:///" not in feed.text
    assert "统筹疫情防控和经济社会发展工作会议" in entry.content[0].value  # content stands in
    assert "javascript:" not in page.text
    assert "file:///" not in page.text


def test_the_feed_of_an_empty_store_is_valid(store: Store) -> None:
    parsed = parse_feed(get(app_for(store), "/feed.atom"))
    assert parsed.entries == []
    assert parsed.feed.id == "tag:meeting-monitor,2026:feed"


# the page


def test_the_page_lists_meetings_escaped_and_sources(filled: Store) -> None:
    response = get(app_for(filled), "/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert "<script>alert" not in page
    assert "市政府常务会议 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 通报" in page
    assert f'<a href="{url_of(MEETING_SEEDS[1])}">' in page
    assert "统筹疫情防控和经济社会发展工作会议" in page
    assert "sina: fetch failed: &lt;timeout&gt;" in page
    assert 'class="broken"' in page
    assert "最强“中国芯”" not in page  # not a meeting


def test_the_page_of_an_empty_store(store: Store) -> None:
    response = get(app_for(store), "/")
    assert response.status_code == 200
    assert "No meeting reports yet." in response.text


def test_any_other_path_is_404(store: Store) -> None:
    assert [response.status_code for response in fetch(app_for(store), "/nope", "/feed")] == [
        404,
        404,
    ]


# starting


def test_a_port_in_use_is_a_config_error(store: Store) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=r"^server\.listen: cannot listen on 127\.0\.0\.1:"):
            asyncio.run(start(app_for(store), f"127.0.0.1:{port}"))


def test_an_address_of_no_local_interface_is_a_config_error(store: Store) -> None:
    with pytest.raises(ConfigError, match=r"^server\.listen: cannot listen on 192\.0\.2\.1:0"):
        asyncio.run(start(app_for(store), "192.0.2.1:0"))


@pytest.mark.parametrize("listen", ["localhost", ":8080", "h:99999", "h:http", "[zz::1]:80"])
def test_a_malformed_listen_value_is_a_config_error(listen: str) -> None:
    with pytest.raises(ConfigError, match=r"^server\.listen: "):
        parse_listen(listen)


def test_listen_values() -> None:
    assert parse_listen("127.0.0.1:0") == ("127.0.0.1", 0)
    assert parse_listen("[::1]:8080") == ("::1", 8080)
    assert parse_listen("localhost:9100") == ("localhost", 9100)
