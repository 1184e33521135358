"""Identity and deduplication, layer by layer, against an in-memory store."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import SITE_FIXTURES

from monitor.clock import FrozenClock
from monitor.errors import StoreError
from monitor.extract import extract_bytes
from monitor.model import Extracted, Observation
from monitor.store import ItemQuery, Store, schema
from monitor.store.ingest import bands, signed64
from monitor.text import content_hash, paragraph_fingerprints, simhash


def seed(prefix: str) -> bytes:
    return next(SITE_FIXTURES.glob(f"*/{prefix}_*.txt")).read_bytes()


def seen(data: bytes, key: str, source: str = "test", url: str | None = None) -> Observation:
    return Observation(source, (key,), extract_bytes(data), url)


@pytest.fixture
def store() -> Store:
    return Store(clock=FrozenClock())


def count(store: Store, table: str) -> int:
    return int(store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608


def test_a_seed_ingested_twice_is_one_item(store: Store) -> None:
    first = store.ingest(seen(seed("000"), "file:///a"))
    again = store.ingest(seen(seed("000"), "file:///a"))
    assert first.kind == "new"
    assert again.kind == "unchanged"
    assert again.item_id == first.item_id
    assert count(store, "items") == 1


def test_rewrapped_with_other_whitespace_and_markup_is_the_same_item(store: Store) -> None:
    original = seed("000").decode()
    rewrapped = re.sub(r"<p([^>]*)>", r"\n\n  <p\1><span>", original).replace(
        "</p>", "</span> </p>\n"
    )
    rewrapped = rewrapped.replace("\u3000\u3000", "\u3000 ")
    assert rewrapped != original
    first = store.ingest(seen(original.encode(), "file:///hexo/a.md"))
    second = store.ingest(seen(rewrapped.encode(), "file:///mirror/b.html", source="mirror"))
    assert (second.kind, second.item_id, second.reason) == ("outlet", first.item_id, "same content")
    assert count(store, "items") == 1
    assert count(store, "item_sources") == 2


def test_a_seed_with_one_paragraph_dropped_is_a_near_duplicate(store: Store) -> None:
    original = seed("002").decode()
    paragraphs = re.findall(r"<p>.*?</p>", original)
    shortest = min(paragraphs, key=len)
    first = store.ingest(seen(original.encode(), "file:///a"))
    dropped = store.ingest(seen(original.replace(shortest, "").encode(), "file:///b", "other"))
    assert dropped.kind == "outlet"
    assert dropped.item_id == first.item_id
    assert dropped.reason.startswith("near duplicate (")


def test_a_long_paragraph_dropped_is_caught_by_shared_paragraphs(store: Store) -> None:
    original = seed("002").decode()
    longest = max(re.findall(r"<p>.*?</p>", original), key=len)
    shortened = original.replace(longest, "").encode()
    far = extract_bytes(original.encode()).simhash ^ extract_bytes(shortened).simhash
    assert far.bit_count() > 3  # beyond SimHash's reach
    first = store.ingest(seen(original.encode(), "file:///a"))
    dropped = store.ingest(seen(shortened, "file:///b", "other"))
    assert (dropped.kind, dropped.item_id) == ("outlet", first.item_id)
    assert dropped.reason == "near duplicate (4 of 5 paragraphs shared)"


def test_a_seed_with_a_few_characters_edited_is_a_near_duplicate_by_simhash(store: Store) -> None:
    original = seed("004").decode()
    edited = original.replace("全力", "全面", 1).replace("取得", "获得", 1)
    assert edited != original
    first = store.ingest(seen(original.encode(), "file:///a"))
    near = store.ingest(seen(edited.encode(), "file:///b", "other"))
    assert (near.kind, near.item_id) == ("outlet", first.item_id)
    assert near.reason.startswith("near duplicate (distance ")


def test_an_unrelated_seed_is_a_new_item(store: Store) -> None:
    first = store.ingest(seen(seed("000"), "file:///a"))
    other = store.ingest(seen(seed("003"), "file:///b"))
    assert other.kind == "new"
    assert other.item_id != first.item_id


def test_a_feed_that_changes_its_guids_makes_no_new_items(store: Store) -> None:
    results = [store.ingest(seen(seed("001"), f"guid-{poll}", source="feed")) for poll in range(5)]
    assert [result.kind for result in results] == ["new"] + ["duplicate"] * 4
    assert count(store, "items") == 1


def test_a_key_once_seen_is_never_forgotten(store: Store) -> None:
    data = extract_bytes(seed("001"))
    store.ingest(Observation("feed", ("guid-1", "https://x.cn/a"), data))
    back = store.ingest(Observation("feed", ("https://x.cn/a",), data))
    assert back.kind == "unchanged"


def _same_meeting_elsewhere(extracted: Extracted) -> Extracted:
    text = "据报道，上海市政府今天召开常务会议，研究部署近期重点工作，会议由市长主持。"
    article = replace(extracted.article, title="市政府开会", paragraphs=(text,), headings=())
    return replace(
        extracted,
        article=article,
        content_hash=content_hash(text),
        simhash=simhash(text),
        paragraph_fingerprints=paragraph_fingerprints(article.paragraphs),
    )


def test_the_same_meeting_from_another_outlet_in_other_words_is_attached(store: Store) -> None:
    extracted = extract_bytes(seed("000"))
    assert extracted.meeting is not None
    first = store.ingest(Observation("sina", ("a",), extracted))
    elsewhere = store.ingest(Observation("kankanews", ("b",), _same_meeting_elsewhere(extracted)))
    assert (elsewhere.kind, elsewhere.item_id, elsewhere.reason) == (
        "outlet",
        first.item_id,
        "same meeting",
    )


def test_a_different_meeting_date_is_a_new_item(store: Store) -> None:
    extracted = extract_bytes(seed("000"))
    assert extracted.meeting is not None
    store.ingest(Observation("sina", ("a",), extracted))
    other = _same_meeting_elsewhere(extracted)
    other = replace(other, meeting=replace(extracted.meeting, date=date(2021, 12, 2)))
    assert store.ingest(Observation("kankanews", ("b",), other)).kind == "new"


def test_an_updated_entry_is_a_revision_and_does_not_notify(store: Store) -> None:
    original = seed("000")
    changed = original.replace(
        "会议还研究了其他事项。".encode(), "会议还研究了其他重要事项。".encode()
    )
    assert changed != original
    first = store.ingest(seen(original, "https://x.cn/a"), notify=lambda _: ["desk"])
    revised = store.ingest(seen(changed, "https://x.cn/a"), notify=lambda _: ["desk"])
    assert (revised.kind, revised.item_id, revised.notified) == ("revision", first.item_id, ())
    assert count(store, "revisions") == 1
    assert count(store, "outbox") == 1
    assert store.item(first.item_id) is not None


def test_outbox_rows_are_written_with_new_items_only(store: Store) -> None:
    def wants_meetings(observed: Observation) -> list[str]:
        return ["desk", "mail"] if observed.extracted.meeting else []

    new = store.ingest(seen(seed("000"), "a"), notify=wants_meetings)
    store.ingest(seen(seed("000"), "b"), notify=wants_meetings)
    assert new.notified == ("desk", "mail")
    rows = store.db.execute("SELECT channel, idempotency_key, status FROM outbox ORDER BY id")
    assert rows.fetchall() == [
        ("desk", f"item-{new.item_id}-desk", "pending"),
        ("mail", f"item-{new.item_id}-mail", "pending"),
    ]


def test_a_failed_ingest_leaves_nothing_half_written(store: Store) -> None:
    def broken_hook(_: Observation) -> list[str]:
        message = "hook failed"
        raise RuntimeError(message)

    with pytest.raises(RuntimeError):
        store.ingest(seen(seed("000"), "a"), notify=broken_hook)
    for table in ("items", "entries", "entry_keys", "item_sources", "outbox"):
        assert count(store, table) == 0


def test_items_search_and_show(store: Store) -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        store.ingest(seen(seed(prefix), prefix))
    meetings = store.items(ItemQuery(meetings_only=True))
    assert len(meetings) == 5
    assert [row["published"][:10] for row in meetings] == sorted(
        (row["published"][:10] for row in meetings), reverse=True
    )
    assert {row["title"] for row in store.search("常务会议")} >= {
        "上海市政府举行常务会议，强调毫不放松抓好疫情防控"
    }
    assert store.search("龚正")  # two characters: the LIKE fallback
    assert store.search("不存在的词语组合") == []
    assert store.items(ItemQuery(since=date(2022, 5, 1)))[-1]["published"] >= "2022-05-01"
    shown = store.item(meetings[0]["id"])
    assert shown is not None
    assert shown["outlets"][0]["source"] == "test"


def test_fingerprints_are_stored_as_signed_64_bit_and_split_into_bands() -> None:
    assert signed64(2**64 - 1) == -1
    assert signed64(5) == 5
    assert bands(0x1234_5678_9ABC_DEF0) == (0x1234, 0x5678, 0x9ABC, 0xDEF0)


def test_migrations_from_empty_reach_the_latest_version(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db") as store:
        assert schema.version(store.db.conn) == schema.LATEST
        assert store.integrity_check() == "ok"


def test_migrations_from_each_previous_schema_keep_the_data(tmp_path: Path) -> None:
    data = extract_bytes(seed("000"))
    for previous in range(1, schema.LATEST):
        path = tmp_path / f"v{previous}.db"
        conn = sqlite3.connect(path, isolation_level=None)
        schema.migrate(conn, str(path), target=previous)
        conn.close()
        with Store(path) as store:
            assert schema.version(store.db.conn) == schema.LATEST
            store.ingest(Observation("s", ("k",), data))
        with Store(path) as store:
            assert store.search("常务会议")
            assert count(store, "items") == 1


def test_a_database_newer_than_the_code_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer than this monitor"):
        Store(path)
    assert path.read_bytes() == before
