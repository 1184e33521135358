"""Per-source polling state survives restarts and decides what is due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.clock import FrozenClock
from monitor.store import SourceState, Store

NOW = datetime(2024, 5, 30, 12, 0, tzinfo=UTC)


def test_a_saved_state_reads_back_after_a_restart(tmp_path: Path) -> None:
    state = SourceState(
        name="sina",
        kind="json",
        url="https://feed.example.cn/roll",
        etag='W/"abc"',
        last_modified="Thu, 30 May 2024 11:00:00 GMT",
        next_due=NOW + timedelta(minutes=10),
        last_polled=NOW,
        last_outcome="ok",
        failures=0,
        empty_polls=1,
        broken=False,
    )
    with Store(tmp_path / "m.db", clock=FrozenClock(NOW)) as store:
        store.save_source(state)
    with Store(tmp_path / "m.db", clock=FrozenClock(NOW)) as store:
        assert store.source("sina") == state
        assert store.sources() == [state]
        assert store.source("other") is None


def test_due_sources_honour_next_due_and_include_new_ones() -> None:
    clock = FrozenClock(NOW)
    store = Store(clock=clock)
    store.save_source(SourceState("a", next_due=NOW + timedelta(minutes=5)))
    store.save_source(SourceState("b", next_due=NOW - timedelta(seconds=1)))
    assert store.due_sources(["a", "b", "new"]) == ["b", "new"]
    clock.advance(timedelta(minutes=5))
    assert store.due_sources(["a", "b", "new"]) == ["a", "b", "new"]


def test_a_failing_source_keeps_its_error_and_is_never_disabled() -> None:
    store = Store(clock=FrozenClock(NOW))
    state = SourceState("x", failures=7, last_outcome="timeout", last_error="timed out after 20 s")
    store.save_source(state)
    store.save_source(replace(state, failures=8, next_due=NOW))
    saved = store.source("x")
    assert saved is not None
    assert (saved.failures, saved.last_error, saved.broken) == (8, "timed out after 20 s", False)
    assert store.due_sources(["x"]) == ["x"]
