"""One poll of one source, against nginx (real 304s) and our fault server."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import pytest
from conftest import SITE_FIXTURES
from faultserver import FaultServer, serve_faults

from monitor.clock import FrozenClock
from monitor.config import PollingConfig, SourceConfig
from monitor.fetch import Fetcher, FetchLimits
from monitor.model import SourceRun
from monitor.pipeline import Poller
from monitor.store import ItemQuery, Store

if TYPE_CHECKING:
    from nginx import Nginx

pytest_plugins = ["nginx"]
SINA_PAGES = sorted((SITE_FIXTURES / "sina").glob("live_*.html"))
LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, deadline=5, max_bytes=2 * 1024 * 1024)


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with serve_faults() as server:
        yield server


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(clock=FrozenClock()) as opened:
        yield opened


def source(url: str, kind: str = "feed", **fields: Any) -> SourceConfig:
    return SourceConfig.model_validate({"name": "test", "kind": kind, "url": url, **fields})


def poll(store: Store, config: SourceConfig, **polling: Any) -> SourceRun:
    async def go() -> SourceRun:
        async with Fetcher(LIMITS) as fetcher:
            poller = Poller(
                store,
                fetcher,
                PollingConfig.model_validate(polling),
                store.clock,
                random.Random(7),
            )
            return await poller.run(config)

    return asyncio.run(go())


def rss(items: list[tuple[str, str, str | None]]) -> str:
    """An RSS 2.0 feed of (guid, link, full content or None) items."""
    entries = []
    for guid, link, content in items:
        description = f"<description>{escape(content)}</description>" if content else ""
        entries.append(
            f"<item><title>条目 {guid}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{guid}</guid>{description}</item>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>测试</title><link>http://example.org/</link>{''.join(entries)}"
        "</channel></rss>"
    )


def publish_pages(nginx: Nginx) -> list[str]:
    """The real saved Sina pages under /a/ on nginx; their URLs."""
    (nginx.root / "a").mkdir(exist_ok=True)
    urls = []
    for page in SINA_PAGES:
        shutil.copy(page, nginx.root / "a" / page.name)
        urls.append(nginx.url(f"/a/{page.name}"))
    return urls


def access_count(nginx: Nginx, path: str) -> int:
    return sum(f"GET {path} " in line for line in nginx.access_log.read_text().splitlines())


def test_a_feed_is_listed_its_articles_fetched_and_parsed_then_304(
    nginx: Nginx, store: Store
) -> None:
    urls = publish_pages(nginx)
    (nginx.root / "feed.xml").write_text(rss([(f"g{i}", url, None) for i, url in enumerate(urls)]))
    config = source(nginx.url("/feed.xml"))

    first = poll(store, config)
    assert first.outcome == "ok"
    assert (first.entries, first.skipped, first.new) == (len(urls), 0, len(urls))
    assert [kind for kind, _ in first.fetches] == ["ok"] * (1 + len(urls))
    sites = {row["site"] for row in store.items(_all())}
    assert sites == {"sina"}

    second = poll(store, config)
    assert second.outcome == "not-modified"
    assert (second.entries, second.new, len(second.fetches)) == (0, 0, 1)
    state = store.source("test")
    assert state is not None
    assert state.etag
    assert state.last_modified
    for url in urls:  # each article was fetched once, never again
        assert access_count(nginx, url.removeprefix(nginx.base)) == 1


def test_known_entries_are_not_fetched_again(nginx: Nginx, store: Store) -> None:
    urls = publish_pages(nginx)
    feed = nginx.root / "feed.xml"
    feed.write_text(rss([("g0", urls[0], None)]))
    config = source(nginx.url("/feed.xml"))
    assert poll(store, config).new == 1

    # A new GUID for the same link, and one more entry: only the new link is fetched.
    feed.write_text(rss([("other-guid", urls[0], None), ("g1", urls[1], None)]))
    run = poll(store, config)
    assert (run.entries, run.skipped, run.new) == (2, 1, 1)
    assert access_count(nginx, urls[0].removeprefix(nginx.base)) == 1


def test_entries_with_full_content_are_not_fetched(nginx: Nginx, store: Store) -> None:
    body = "<p>" + "上海市政府常务会议研究部署重点工作。" * 20 + "</p>"
    paragraphs = "".join(f"<p>第{n}段：{body}</p>" for n in range(3))
    (nginx.root / "feed.xml").write_text(
        rss([("full-1", "http://example.invalid/a/1.html", paragraphs)])
    )
    run = poll(store, source(nginx.url("/feed.xml")))
    assert run.new == 1
    assert len(run.fetches) == 1  # the feed only; example.invalid was never asked
    [row] = store.items(_all())
    assert row["title"] == "条目 full-1"
    assert row["url"] == "http://example.invalid/a/1.html"


def test_a_json_list_api_is_read_by_its_configured_paths(nginx: Nginx, store: Store) -> None:
    urls = publish_pages(nginx)
    items = ",".join(
        f'{{"docid": "comos:{n}", "url": "{url}", "title": "t{n}", "ctime": "1700000000"}}'
        for n, url in enumerate(urls)
    )
    (nginx.root / "roll.json").write_text(f'{{"result": {{"data": [{items}]}}}}')
    config = source(
        nginx.url("/roll.json"),
        "json",
        items_path="result.data",
        id_field="docid",
        time_field="ctime",
    )
    run = poll(store, config)
    assert (run.outcome, run.new) == ("ok", len(urls))


def test_a_list_page_is_read_by_its_link_pattern(nginx: Nginx, store: Store) -> None:
    urls = publish_pages(nginx)
    links = "".join(f'<li><a href="{url.removeprefix(nginx.base)}">x</a></li>' for url in urls)
    (nginx.root / "list.html").write_text(
        f'<html><body><ul>{links}</ul><a href="/about.html">about</a></body></html>'
    )
    run = poll(store, source(nginx.url("/list.html"), "page", link_pattern=r"/a/live_"))
    assert (run.outcome, run.entries, run.new) == ("ok", len(urls), len(urls))


def test_a_failing_source_backs_off_and_counts_failures(faults: FaultServer, store: Store) -> None:
    config = source(faults.url("/status/500"), interval="10m")
    now = store.clock.now()
    runs = [poll(store, config) for _ in range(3)]
    assert [run.outcome for run in runs] == ["http-error"] * 3
    assert [run.failures for run in runs] == [1, 2, 3]
    assert all(run.failed for run in runs)
    assert all(run.next_due >= now + timedelta(minutes=10) for run in runs)
    assert runs[0].errors == ("HTTP 500 Internal Server Error",) or "500" in runs[0].errors[0]
    state = store.source("test")
    assert state is not None
    assert not state.broken  # failing is retried, never disabled
    assert state.last_error is not None


def test_retry_after_is_a_floor_on_the_next_poll(faults: FaultServer, store: Store) -> None:
    run = poll(store, source(faults.url("/status/429?retry-after=7200"), interval="1m"))
    assert run.outcome == "http-error"
    assert run.next_due >= store.clock.now() + timedelta(hours=2)


def test_max_age_is_a_floor_after_success(faults: FaultServer, store: Store) -> None:
    # /cache serves a page with max-age=300: not a feed, but its max-age still counts
    run = poll(store, source(faults.url("/cache"), "page", interval="1m", link_pattern="x"))
    assert run.outcome == "empty"
    assert run.next_due >= store.clock.now() + timedelta(seconds=300)


@pytest.mark.parametrize(
    ("path", "outcome"),
    [
        ("/slow-first-byte?delay=4", "timeout"),
        ("/endless", "too-large"),
        ("/gzip-bomb", "too-large"),
        ("/truncated", "connection"),
        ("/loop", "redirects"),
        ("/ok", "parse-error"),  # a page where a feed should be
    ],
)
def test_each_fault_is_an_outcome(
    faults: FaultServer, store: Store, path: str, outcome: str
) -> None:
    run = poll(store, source(faults.url(path)))
    assert run.outcome == outcome
    assert run.failures == 1
    assert len(run.errors) == 1
    assert "\n" not in run.errors[0]


def test_a_source_listing_nothing_three_times_is_marked_broken_once(
    nginx: Nginx, store: Store
) -> None:
    feed = nginx.root / "feed.xml"
    config = source(nginx.url("/feed.xml"))
    runs = []
    for n in range(4):
        feed.write_text(rss([]).replace("测试", "测试" * (n + 1)))  # new size: no 304
        runs.append(poll(store, config))
    assert [run.outcome for run in runs] == ["empty"] * 4
    assert [run.broken for run in runs] == [False, False, True, True]
    assert [run.newly_broken for run in runs] == [False, False, True, False]
    assert not any(run.failed for run in runs)


def test_articles_without_a_body_mark_the_source_broken(nginx: Nginx, store: Store) -> None:
    (nginx.root / "empty.html").write_text("<html><body><div></div></body></html>")
    (nginx.root / "feed.xml").write_text(rss([("e1", nginx.url("/empty.html"), None)]))
    run = poll(store, source(nginx.url("/feed.xml")))
    assert (run.outcome, run.new, run.broken, run.newly_broken) == ("ok", 0, True, True)
    assert "empty.html" in run.errors[0]
    # Not stored, so the next poll tries the article again (the feed itself is a 304).
    assert store.known_keys([nginx.url("/empty.html")]) == set()


def test_a_gbk_article_page_is_decoded(nginx: Nginx, store: Store) -> None:
    page = SINA_PAGES[0].read_text(encoding="utf-8").replace("utf-8", "gbk")
    (nginx.root / "gbk.html").write_bytes(page.encode("gb18030"))
    (nginx.root / "feed.xml").write_text(rss([("gbk", nginx.url("/gbk.html"), None)]))
    run = poll(store, source(nginx.url("/feed.xml")))
    assert run.new == 1
    [row] = store.items(_all())
    assert row["site"] == "sina"


def test_an_article_that_fails_is_an_error_line_and_retried(
    nginx: Nginx, faults: FaultServer, store: Store
) -> None:
    urls = publish_pages(nginx)
    (nginx.root / "feed.xml").write_text(
        rss([("ok", urls[0], None), ("bad", faults.url("/status/502"), None)])
    )
    run = poll(store, source(nginx.url("/feed.xml")))
    assert (run.outcome, run.new, run.failed) == ("ok", 1, False)
    assert len(run.errors) == 1
    assert "502" in run.errors[0]
    assert not run.broken


def test_an_archive_reads_new_and_changed_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(SITE_FIXTURES, folder, ignore=shutil.ignore_patterns("*.json", "*.origin.txt"))
    config = SourceConfig(name="test", kind="archive", path=str(folder))
    # File times are real, so this clock must be too.
    clock = FrozenClock(datetime.now(UTC))
    with Store(clock=clock) as store:
        first = poll(store, config)
        assert first.outcome == "ok"
        # Every file is new or, where two fixtures report one meeting, that item again.
        assert first.new > 0
        assert set(first.ingested) <= {"new", "outlet", "duplicate"}
        assert sum(first.ingested.values()) == first.entries
        clock.advance(timedelta(minutes=10))
        second = poll(store, config)
        assert (second.skipped, second.new) == (second.entries, 0)

        changed = next(folder.glob("sina/0*.txt"))
        changed.write_text(changed.read_text() + "\n\n<p>更正：补充一段新的内容。</p>\n")
        later = (clock.now() + timedelta(minutes=1)).timestamp()
        os.utime(changed, (later, later))
        clock.advance(timedelta(minutes=10))
        third = poll(store, config)
        assert (third.skipped, dict(third.ingested)) == (third.entries - 1, {"revision": 1})


def test_a_missing_archive_folder_is_a_failure(tmp_path: Path, store: Store) -> None:
    run = poll(store, SourceConfig(name="test", kind="archive", path=str(tmp_path / "nope")))
    assert run.outcome == "read-error"
    assert run.failed


def test_a_changed_url_drops_the_old_validators(nginx: Nginx, store: Store) -> None:
    (nginx.root / "a.xml").write_text(rss([]))
    (nginx.root / "b.xml").write_text(rss([]))
    poll(store, source(nginx.url("/a.xml")))
    run = poll(store, source(nginx.url("/b.xml")))
    assert run.outcome == "empty"  # not a 304 borrowed from a.xml


def _all() -> ItemQuery:
    return ItemQuery(limit=100)
