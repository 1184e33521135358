"""Source states saved in batches: visible at once, saved together, kept when refused."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.clock import FrozenClock
from monitor.pipeline import states as states_module
from monitor.pipeline.states import BATCH, StateBook
from monitor.store import SourceState, Store

NOW = datetime(2024, 5, 30, 12, 0, tzinfo=UTC)


def state(name: str, minutes: int = 10, etag: str | None = None) -> SourceState:
    return SourceState(name, kind="feed", etag=etag, next_due=NOW + timedelta(minutes=minutes))


def stored(path: Path, name: str) -> SourceState | None:
    with Store(path, clock=FrozenClock(NOW)) as store:
        return store.source(name)


def test_outside_an_event_loop_a_state_is_saved_as_it_is_put(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db") as store:
        StateBook(store).put(state("a"))
        assert stored(tmp_path / "m.db", "a") == state("a")


def test_states_put_together_are_saved_on_the_next_turn_and_read_before(tmp_path: Path) -> None:
    path = tmp_path / "m.db"

    async def go(store: Store) -> None:
        book = StateBook(store)
        for index in range(5):
            book.put(state(f"s{index}"))
        assert stored(path, "s0") is None  # not yet: waiting for the loop's next turn
        assert book.get("s3") == state("s3")  # but the next poll sees it
        await asyncio.sleep(0)
        assert [stored(path, f"s{index}") for index in range(5)] == [
            state(f"s{index}") for index in range(5)
        ]

    with Store(path) as store:
        asyncio.run(go(store))


def test_a_full_batch_is_saved_at_once(tmp_path: Path) -> None:
    path = tmp_path / "m.db"

    async def go(store: Store) -> None:
        book = StateBook(store)
        for index in range(BATCH):
            book.put(state(f"s{index:04}"))
        assert len(store.sources()) == BATCH  # no turn of the loop needed

    with Store(path) as store:
        asyncio.run(go(store))


def test_the_newest_state_of_a_source_wins(tmp_path: Path) -> None:
    path = tmp_path / "m.db"

    async def go(store: Store) -> None:
        book = StateBook(store)
        book.put(state("a", etag="old"))
        book.put(state("a", etag="new"))
        await asyncio.sleep(0)

    with Store(path) as store:
        asyncio.run(go(store))
    assert stored(path, "a") == state("a", etag="new")


def test_preloaded_states_are_read_in_one_query_and_used_once(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    with Store(path) as store:
        store.save_sources([state("a"), state("b"), state("c")])
        book = StateBook(store)
        book.preload(["a", "b"])
        store.save_source(state("a", etag="changed elsewhere"))
        assert book.get("a") == state("a")  # the preloaded copy, once
        assert book.get("a") == state("a", etag="changed elsewhere")  # then the store
        assert book.get("c") == state("c")
        assert book.get("missing") is None


def test_a_refused_batch_is_kept_and_saved_when_the_database_frees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "m.db"
    monkeypatch.setattr(states_module, "RETRY_SECONDS", 0.2)
    Store(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)

    async def go(store: Store) -> None:
        store.db.conn.execute("PRAGMA busy_timeout = 50")
        book = StateBook(store)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        book.put(state("a"))
        await asyncio.sleep(0.05)
        assert book.get("a") == state("a")  # kept
        blocker.execute("COMMIT")
        await asyncio.sleep(0.4)  # the retry
        assert stored(path, "a") == state("a")

    with caplog.at_level(logging.WARNING, "monitor.pipeline"), Store(path) as store:
        asyncio.run(go(store))
    blocker.close()
    [line] = [r.getMessage() for r in caplog.records if r.name == "monitor.pipeline"]
    assert line.startswith("state of 1 sources not saved (")
    assert "locked" in line
    assert line.endswith("kept, trying again in 0 s")


def test_closing_saves_what_waits(tmp_path: Path) -> None:
    path = tmp_path / "m.db"

    async def go(store: Store) -> None:
        book = StateBook(store)
        book.put(state("a"))
        book.close()

    with Store(path) as store:
        asyncio.run(go(store))
    assert stored(path, "a") == state("a")


def test_closing_on_a_locked_database_says_what_is_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "m.db"
    Store(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)

    async def go(store: Store) -> None:
        store.db.conn.execute("PRAGMA busy_timeout = 50")
        book = StateBook(store)
        book.put(state("a"))
        blocker.execute("BEGIN IMMEDIATE")
        book.close()
        blocker.execute("ROLLBACK")

    with caplog.at_level(logging.WARNING, "monitor.pipeline"), Store(path) as store:
        asyncio.run(go(store))
    blocker.close()
    assert stored(path, "a") is None
    assert "state of 1 sources lost: they are polled again at the next start" in caplog.text
