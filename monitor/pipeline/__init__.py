"""One poll of one source: list → fetch → parse → classify → store, as a ``SourceRun``.

The same whether the daemon, ``monitor run --once`` or a backfill drives it.
Whatever goes wrong becomes the run's outcome or one of its error lines; the
source's state (validators, next due, failures, health) is saved after every
poll, so the store, not a timer, knows when the source is due. With
``defer_states`` (the daemon and ``run --once``) it goes through a
:class:`StateBook`: polls that finish together share one transaction.

Outcomes: ``ok``, ``empty`` (listed nothing), ``not-modified`` (304), a fetch
failure kind (``timeout``, ``http-error``…), ``parse-error`` (the listing is not
what its kind expects), ``read-error`` (an archive folder is missing), or
``store-error`` (the database refused; nothing about the source is recorded).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from monitor import schedule
from monitor.clock import Clock, SystemClock
from monitor.config import PollingConfig, SourceConfig
from monitor.errors import SourceError, StoreError
from monitor.fetch import Fetcher, Validators
from monitor.model import SourceRun
from monitor.pipeline.archive import Archive
from monitor.pipeline.articles import Articles
from monitor.pipeline.listings import parse_listing
from monitor.pipeline.states import StateBook
from monitor.pipeline.tally import Tally
from monitor.store import NotifyHook, SourceState, Store

__all__ = ["Poller"]


@dataclass
class Poller:
    """Polls sources into one store through one fetcher."""

    store: Store
    fetcher: Fetcher
    polling: PollingConfig = field(default_factory=PollingConfig)
    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.Random)
    notify: NotifyHook | None = None
    baseline: bool = True
    defer_states: bool = False
    states: StateBook = field(init=False)

    def __post_init__(self) -> None:
        """The state book, saving at once unless ``defer_states``."""
        self.states = StateBook(self.store, deferred=self.defer_states)

    async def run(self, source: SourceConfig) -> SourceRun:
        """Poll ``source`` once and record its state; never raises for the source's faults."""
        started, began = self.clock.now(), time.monotonic()
        tally = Tally()
        try:
            stored = self.states.get(source.name)
            previous = stored or SourceState(source.name)
            # A new source's first poll is its baseline: what it lists now is the
            # past, recorded without notifying anyone.
            notify = None if stored is None and self.baseline else self.notify
            await self._poll(source, previous, tally, notify)
            state = self._settle(source, previous, tally)
            self.states.put(state)
            if tally.ingested.get("new"):
                self.store.index_pending()
        except StoreError as error:
            tally.fail("store-error", str(error))
            state = SourceState(source.name, next_due=started + source.interval)
            previous = state
        return SourceRun(
            source=source.name,
            outcome=tally.outcome,
            started=started,
            elapsed=time.monotonic() - began,
            next_due=state.next_due or started,
            entries=tally.entries,
            skipped=tally.skipped,
            ingested=MappingProxyType(dict(tally.ingested)),
            errors=((tally.error,) if tally.error else ()) + tuple(tally.errors),
            fetches=tuple(tally.fetches),
            failures=state.failures,
            broken=state.broken,
            newly_broken=state.broken and not previous.broken,
        )

    async def _poll(
        self,
        source: SourceConfig,
        previous: SourceState,
        tally: Tally,
        notify: NotifyHook | None,
    ) -> None:
        if source.kind == "archive":
            archive = Archive(self.store, self.polling.max_articles, notify)
            archive.poll(source, previous.last_polled, tally)
            return
        url = source.url or ""
        # Validators belong to the URL they came from: a changed URL starts afresh.
        same = previous.url == url
        sent = Validators(previous.etag, previous.last_modified) if same else Validators()
        result = await self.fetcher.fetch(url, sent)
        tally.fetched(result)
        tally.validators, tally.max_age = result.validators, result.max_age
        if result.kind == "not-modified":
            tally.outcome = "not-modified"
            return
        if not result.ok:
            tally.retry_after = result.retry_after
            tally.fail(result.kind, result.error or result.kind)
            return
        try:
            listing = parse_listing(source, result)
        except SourceError as error:
            # Keep the old validators: a 304 must not hide a listing we never read.
            tally.validators = sent
            tally.fail("parse-error", error.message)
            return
        articles = Articles(self.store, self.fetcher, self.polling.max_articles, notify)
        await articles.handle(source, listing.entries, tally)

    def _settle(self, source: SourceConfig, previous: SourceState, tally: Tally) -> SourceState:
        now = self.clock.now()
        policy = schedule.Policy(
            source.interval, self.polling.max_backoff, self.polling.broken_after
        )
        base = replace(
            previous,
            kind=source.kind,
            url=source.url or source.path,
            last_polled=now,
            etag=tally.validators.etag,
            last_modified=tally.validators.last_modified,
        )
        if tally.failed:
            failures = previous.failures + 1
            due = schedule.after_failure(
                now, policy, failures=failures, retry_after=tally.retry_after, rng=self.rng
            )
            return replace(
                base,
                next_due=due,
                last_outcome=tally.outcome,
                failures=failures,
                last_error=tally.error,
            )
        if tally.outcome == "ok" and tally.entries == 0:
            tally.outcome = "empty"
        empty = previous.empty_polls + 1 if tally.outcome == "empty" else 0
        if tally.outcome == "not-modified":
            empty = previous.empty_polls  # nothing new is not nothing listed
        broken = schedule.is_broken(policy, empty_polls=empty, no_body=tally.all_without_body)
        if tally.outcome == "not-modified":
            broken = previous.broken  # a 304 proves nothing either way
        return replace(
            base,
            next_due=schedule.after_success(now, policy, max_age=tally.max_age, rng=self.rng),
            last_outcome=tally.outcome,
            failures=0,
            empty_polls=empty,
            broken=broken,
            last_error=_health_error(tally, broken=broken),
        )


def _health_error(tally: Tally, *, broken: bool) -> str | None:
    if not broken:
        return tally.errors[0] if tally.errors else None
    if tally.all_without_body:
        return f"broken: no article body found ({tally.errors[0]})"
    return "broken: the listing had no entries several polls in a row"
