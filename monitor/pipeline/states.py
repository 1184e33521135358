"""Source states between polls: read once a pass, written back a batch at a time.

A pass of 1,000 unchanged feeds spent a third of its time on two SQLite round
trips per poll: reading the source's state, then a write transaction of one
row (a commit each, ~0.1 ms a poll inside a busy event loop). Polls that
finish together now share one transaction, committed on the next turn of the
event loop or once :data:`BATCH` states wait, and a pass reads every state in
one query.

A state waiting here is what :meth:`StateBook.get` returns, so the next poll
of a source always sees its last one. A state that cannot be saved (the
database is locked or full) stays waiting and is tried again; one lost in a
crash costs one extra conditional GET, never an item or a notification:
items and their outbox rows are committed by the ingest itself.
"""

from __future__ import annotations

import asyncio
import logging

from monitor.errors import StoreError
from monitor.store import SourceState, Store

logger = logging.getLogger("monitor.pipeline")

#: Waiting states saved at once rather than on the loop's next turn.
BATCH = 200
#: Seconds before trying again after the database refused a batch.
RETRY_SECONDS = 5.0


class StateBook:
    """The poller's view of source states: the store's, plus what is not saved yet.

    Outside an event loop (or with ``deferred=False``) every state is saved as
    it is put, as before.
    """

    def __init__(self, store: Store, *, deferred: bool = True) -> None:
        """Nothing is read until :meth:`get` or :meth:`preload`."""
        self._store = store
        self._deferred = deferred
        self._pending: dict[str, SourceState] = {}
        self._loaded: dict[str, SourceState] = {}
        self._flush: asyncio.Handle | None = None
        self._retrying = False

    def preload(self, names: list[str]) -> None:
        """Read the states of ``names`` in one query, each for its next :meth:`get`.

        Raises:
            StoreError: the database cannot be read.
        """
        wanted = set(names)
        self._loaded = {
            state.name: state for state in self._store.sources() if state.name in wanted
        }

    def get(self, name: str) -> SourceState | None:
        """The last state of source ``name``: waiting, preloaded (once) or stored.

        Raises:
            StoreError: the database cannot be read.
        """
        waiting = self._pending.get(name)
        if waiting is not None:
            return waiting
        loaded = self._loaded.pop(name, None)
        if loaded is not None:
            return loaded
        return self._store.source(name)

    def put(self, state: SourceState) -> None:
        """Record ``state``: saved with the next batch (now, outside an event loop).

        Raises:
            StoreError: saved at once, and the database refused it.
        """
        self._loaded.pop(state.name, None)
        loop = _running_loop() if self._deferred else None
        if loop is None:
            self._store.save_source(state)
            return
        self._pending[state.name] = state
        if self._retrying:
            return  # the retry saves it; trying each put would stall the loop each time
        if len(self._pending) >= BATCH:
            self.flush()
        elif self._flush is None:
            self._flush = loop.call_soon(self.flush)

    def flush(self) -> bool:
        """Save every waiting state in one transaction; False (and kept) if refused."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if not self._pending:
            return True
        self._retrying = False
        waiting = list(self._pending.values())
        try:
            self._store.save_sources(waiting)
        except StoreError as error:
            logger.warning(
                "state of %d sources not saved (%s); kept, trying again in %.0f s",
                len(waiting),
                error,
                RETRY_SECONDS,
                extra={"event": "state-not-saved", "sources": len(waiting)},
            )
            loop = _running_loop()
            if loop is not None:
                self._retrying = True
                self._flush = loop.call_later(RETRY_SECONDS, self.flush)
            return False
        self._pending.clear()  # saving is synchronous: nothing was put meanwhile
        return True

    def close(self) -> None:
        """Save what waits; what cannot be saved is logged as lost (re-polled next start)."""
        if not self.flush():
            logger.warning(
                "state of %d sources lost: they are polled again at the next start",
                len(self._pending),
                extra={"event": "state-lost", "sources": len(self._pending)},
            )
            if self._flush is not None:
                self._flush.cancel()
                self._flush = None
            self._pending.clear()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
