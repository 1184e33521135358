"""Store.grouped: bulk ingests committed a group at a time, each one still atomic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from corpus import write_corpus

from monitor.extract import extract_bytes
from monitor.model import Observation
from monitor.store import Store


def observations(folder: Path, count: int) -> list[Observation]:
    paths = write_corpus(folder / "docs", count)
    return [Observation("bulk", (f"file:{p.name}",), extract_bytes(p.read_bytes())) for p in paths]


def committed_items(path: Path) -> int:
    # Another connection sees only what was committed.
    with sqlite3.connect(path) as other:
        return int(other.execute("SELECT COUNT(*) FROM items").fetchone()[0])


def test_ingests_are_committed_a_group_at_a_time(tmp_path: Path) -> None:
    db, docs = tmp_path / "m.db", observations(tmp_path, 25)
    with Store(db) as store, store.grouped(size=10):
        for n, seen in enumerate(docs, start=1):
            assert store.ingest(seen).kind == "new"
            # A full group commits when the next ingest starts.
            assert committed_items(db) == (n - 1) // 10 * 10
    assert committed_items(db) == 25  # the last, partial group on leaving


def test_a_failed_ingest_is_undone_alone_and_the_others_kept(tmp_path: Path) -> None:
    db, docs = tmp_path / "m.db", observations(tmp_path, 5)

    def refuse(_seen: Observation) -> list[str]:
        raise RuntimeError("a hook that fails")

    with Store(db) as store, store.grouped(size=100):
        store.ingest(docs[0])
        store.ingest(docs[1])
        with pytest.raises(RuntimeError):
            store.ingest(docs[2], refuse)
        store.ingest(docs[3])
    with Store(db) as store:
        titles = {row["title"] for row in store.db.query("SELECT title FROM items")}
    assert titles == {d.extracted.article.title for d in (docs[0], docs[1], docs[3])}
    assert committed_items(db) == 3


def test_leaving_the_block_by_an_error_commits_what_was_done(tmp_path: Path) -> None:
    db, docs = tmp_path / "m.db", observations(tmp_path, 3)

    def interrupted() -> None:
        with Store(db) as store, store.grouped(size=100):
            for seen in docs:
                store.ingest(seen)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert committed_items(db) == 3


def test_an_ingest_outside_a_group_commits_at_once(tmp_path: Path) -> None:
    db, docs = tmp_path / "m.db", observations(tmp_path, 1)
    with Store(db) as store:
        store.ingest(docs[0])
        assert committed_items(db) == 1
