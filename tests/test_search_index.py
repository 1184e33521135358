"""Search through the positionless trigram index: exact substrings, newest first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from monitor.store import Store, schema
from monitor.store.queries import trigram_query


def add(store: Store, title: str, text: str) -> int:
    """An item with just a title and a text, as far as search cares."""
    cursor = store.db.execute(
        "INSERT INTO items (content_hash, hash_version, simhash, band0, band1, band2, band3, "
        "site, title, text, first_seen, updated) "
        "VALUES (?, 1, 0, 0, 0, 0, 0, 'test', ?, ?, '2026-01-01', '2026-01-01')",
        [f"{title}|{text}", title, text],
    )
    return int(cursor.lastrowid or 0)


def found(store: Store, query: str) -> list[int]:
    return [int(row["id"]) for row in store.search(query)]


def test_every_trigram_present_is_not_enough_the_substring_must_be() -> None:
    with Store() as store:
        whole = add(store, "标题", "市政府举行常务会议。")
        scattered = add(store, "标题", "常务会上说，会议将举行。务会议")  # all trigrams, apart
        assert found(store, "常务会议") == [whole]
        assert scattered not in found(store, "会议举行")


def test_title_or_text_newest_first_and_limited() -> None:
    with Store() as store:
        ids = [add(store, "常务会议", "无关"), add(store, "无关", "召开常务会议")]
        add(store, "常务", "会议")  # split between title and text: no match
        assert found(store, "常务会议") == ids[::-1]
        assert len(store.search("常务会议", limit=1)) == 1


def test_ascii_case_and_special_characters() -> None:
    with Store() as store:
        upper = add(store, "t", "来自ABC公司的50%_消息")
        quoted = add(store, "t", 'he said "yes" AND no')
        assert found(store, "abc公司") == [upper]
        assert found(store, "50%_") == [upper]
        assert found(store, "0%x") == []
        assert found(store, '"yes" AND') == [quoted]
        assert found(store, "AND no") == [quoted]
        assert found(store, "A") == [quoted, upper]  # short: the LIKE fallback


def test_trigram_query_quotes_each_distinct_trigram() -> None:
    assert trigram_query("常务会议") == '"常务会" AND "务会议"'
    assert trigram_query('a"bcd') == '"a""b" AND """bc" AND "bcd"'
    assert trigram_query("哈哈哈哈") == '"哈哈哈"'


def test_search_index_migration_reindexes_existing_items(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, str(path), target=4)
    conn.execute(
        "INSERT INTO items (content_hash, hash_version, simhash, band0, band1, band2, band3, "
        "site, title, text, first_seen, updated) "
        "VALUES ('h', 1, 0, 0, 0, 0, 0, 'test', '旧标题', '旧的常务会议', 'x', 'x')"
    )
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    conn.execute("UPDATE fts_state SET last_id = 1")
    conn.close()
    with Store(path) as store:
        definition = store.db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'items_fts'"
        ).fetchone()[0]
        assert "detail=none" in definition
        assert found(store, "常务会议") == [1]
        assert store.db.execute("SELECT last_id FROM fts_state").fetchone()[0] == 1
        assert store.integrity_check() == "ok"


def test_an_edited_indexed_item_is_found_by_its_new_text_only() -> None:
    with Store() as store:
        item = add(store, "标题", "原来的常务会议")
        assert found(store, "常务会议") == [item]
        store.db.execute("UPDATE items SET text = '改过的专题会议' WHERE id = ?", [item])
        assert found(store, "常务会议") == []
        assert found(store, "专题会议") == [item]
        store.db.execute("DELETE FROM items WHERE id = ?", [item])
        assert found(store, "专题会议") == []
        assert store.integrity_check() == "ok"
