"""The store: the only package that speaks SQL.

A narrow facade (:class:`Store`) over one SQLite file, so that a PostgreSQL
backend can later sit beside it behind the same methods.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from monitor.clock import Clock, SystemClock
from monitor.errors import StoreError
from monitor.model import IngestResult, Observation
from monitor.store import (
    lean,  # noqa: F401 - before sqlite-utils is imported: see lean.py
    outbox,
    queries,
)
from monitor.store import sources as source_state
from monitor.store.connection import (
    BUSY_TIMEOUT,
    MEMORY,
    CommitGroup,
    open_database,
    translate_errors,
    write_transaction,
)
from monitor.store.ingest import Ingester, NotifyHook
from monitor.store.outbox import OutboxRow
from monitor.store.queries import ItemQuery
from monitor.store.sources import SourceState

DEFAULT_PATH = Path("data") / "monitor.db"
#: Ingests a :meth:`Store.grouped` block commits at once.
GROUP_SIZE = 100

__all__ = [
    "DEFAULT_PATH",
    "ItemQuery",
    "NotifyHook",
    "OutboxRow",
    "SourceState",
    "Store",
    "resolve_path",
]


def resolve_path(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--db`` wins, then ``MONITOR_DB``, then ``./data/monitor.db``."""
    env = os.environ if environ is None else environ
    return option or env.get("MONITOR_DB") or str(DEFAULT_PATH)


class Store:
    """The monitor's database: ingest, queries, and (later) source and outbox state."""

    def __init__(
        self,
        path: str | Path = MEMORY,
        *,
        clock: Clock | None = None,
        near_distance: int = 3,
        notify_revisions: bool = False,
    ) -> None:
        """Open (create, migrate) the database at ``path``."""
        self.path = str(path)
        self.db = open_database(path)
        self.clock = clock or SystemClock()
        self.near_distance = near_distance
        self.notify_revisions = notify_revisions
        self._group: CommitGroup | None = None

    @contextlib.contextmanager
    def grouped(
        self, size: int = GROUP_SIZE, on_commit: Callable[[], object] | None = None
    ) -> Iterator[None]:
        """Within the block, ingests commit ``size`` at a time (see :class:`CommitGroup`).

        For bulk loads (``monitor ingest``, backfill); leaving the block commits
        what is pending, whatever ended it. ``on_commit`` runs after each commit:
        what reports an ingest as done should wait for it.
        """
        group = self._group = CommitGroup(self.db, self.path, size, on_commit)
        try:
            yield
        finally:
            self._group = None
            group.commit()

    def copy_in_memory(self) -> Store:
        """A private in-memory copy of this database (``--dry-run``: change nothing here)."""
        copy = Store(MEMORY, clock=self.clock, near_distance=self.near_distance)
        copy.notify_revisions = self.notify_revisions
        with translate_errors(self.path):
            self.db.conn.backup(copy.db.conn)
        return copy

    def backup(self, target: str | Path) -> int:
        """A consistent copy at ``target`` (SQLite's online backup; writers may go on); its size.

        Raises:
            StoreError: ``target`` cannot be written.
        """
        with translate_errors(str(target)):
            copy = sqlite3.connect(target)
            try:
                self.db.conn.backup(copy)
            finally:
                copy.close()
        return Path(target).stat().st_size

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()

    def __enter__(self) -> Self:
        """Use as a context manager that closes the database."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close on leaving the block."""
        self.close()

    def ingest(self, seen: Observation, notify: NotifyHook | None = None) -> IngestResult:
        """Record one observation in one transaction, with its outbox rows.

        Inside :meth:`grouped`, a savepoint of the group's transaction.
        """
        ingester = Ingester(self.db, self.clock.now(), self.near_distance, self.notify_revisions)
        if self._group is not None:
            self._group.begin()
        with write_transaction(self.db, self.path):
            result = ingester.ingest(seen, notify)
        if self._group is not None:
            self._group.done()
        return result

    def items(self, query: ItemQuery) -> list[dict[str, Any]]:
        """Items newest first."""
        with translate_errors(self.path):
            return queries.items(self.db, query)

    def item(self, item_id: int) -> dict[str, Any] | None:
        """One item in full, or None."""
        with translate_errors(self.path):
            return queries.item(self.db, item_id)

    def index_pending(self) -> int:
        """Bring the search index up to date; returns the number of items added."""
        with write_transaction(self.db, self.path):
            return queries.index_pending(self.db)

    def search(self, text: str, limit: int = 50) -> list[dict[str, Any]]:
        """Full-text search over titles and texts, the index brought up to date first.

        A database that cannot be written to (read-only, locked) is searched as
        far as it is indexed.
        """
        with contextlib.suppress(StoreError):
            self.index_pending()
        with translate_errors(self.path):
            return queries.search(self.db, text, limit)

    def source(self, name: str) -> SourceState | None:
        """What the store remembers of one source, if it was ever polled."""
        with translate_errors(self.path):
            return source_state.state(self.db, name)

    def sources(self) -> list[SourceState]:
        """Every source the store knows, by name."""
        with translate_errors(self.path):
            return source_state.states(self.db)

    def due_sources(self, names: list[str]) -> list[str]:
        """Which of ``names`` are due now (never polled, or their next-due time passed)."""
        with translate_errors(self.path):
            return source_state.due(self.db, self.clock.now(), names)

    def save_source(self, state: SourceState) -> None:
        """Record a source's state after a poll."""
        self.save_sources([state])

    def save_sources(self, states: list[SourceState]) -> None:
        """Record several sources' states in one transaction."""
        with write_transaction(self.db, self.path):
            source_state.save(self.db, states)

    def known_keys(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` belong to an entry already seen (any source)."""
        with translate_errors(self.path):
            return queries.known_keys(self.db, keys)

    def writable(self, timeout: float = 0.2) -> bool:
        """Whether a write transaction can be taken within ``timeout`` seconds (health checks).

        The probe waits less than the usual busy timeout: ``/healthz`` runs on the
        daemon's event loop and must not stall it for 10 s behind another writer.
        """
        conn = self.db.conn
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        try:
            with write_transaction(self.db, self.path):
                pass
        except StoreError:
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        return True

    def outbox_counts(self) -> dict[str, int]:
        """Outbox rows by status (``pending``, ``delivered``, ``dead``…)."""
        with translate_errors(self.path):
            return queries.outbox_counts(self.db)

    def outbox_due(self, channels: list[str], limit: int) -> list[OutboxRow]:
        """Pending deliveries of ``channels`` due now, oldest first."""
        with translate_errors(self.path):
            return outbox.due(self.db, self.clock.now(), channels, limit)

    def outbox_rows(self, *, dead: bool = False, limit: int = 1000) -> list[OutboxRow]:
        """Pending (or dead) deliveries, oldest first."""
        with translate_errors(self.path):
            return outbox.listing(self.db, dead=dead, limit=limit)

    def outbox_delivered(self, ids: list[int], batch: str | None = None) -> None:
        """Record that these rows were delivered (together, as ``batch``, for a digest)."""
        with write_transaction(self.db, self.path):
            outbox.mark_delivered(self.db, ids, self.clock.now(), batch)

    def outbox_failed(self, row_id: int, error: str, next_attempt: datetime, *, dead: bool) -> None:
        """Record a failed attempt: to be retried at ``next_attempt``, or dead."""
        with write_transaction(self.db, self.path):
            outbox.mark_failed(self.db, row_id, error, next_attempt, dead=dead)

    def outbox_postpone(self, ids: list[int], until: datetime) -> None:
        """Hold rows back until ``until`` without counting an attempt."""
        with write_transaction(self.db, self.path):
            outbox.postpone(self.db, ids, until)

    def outbox_requeue(self, ids: list[int] | None = None) -> int:
        """Dead rows (these, or all) pending again, due now; returns how many."""
        with write_transaction(self.db, self.path):
            return outbox.requeue(self.db, ids, self.clock.now())

    def outbox_sent_since(self, channel: str, since: datetime) -> tuple[int, datetime | None]:
        """Messages sent on ``channel`` since ``since`` (a digest is one), and the first's time."""
        with translate_errors(self.path):
            return outbox.sent_since(self.db, channel, since)

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: ``ok`` or the problems found."""
        with translate_errors(self.path):
            return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
