"""History in one go: archives and paged feeds through the same pipeline, silently.

A document already stored is recognised by its key before it is read (one
indexed look-up per 500 files), so a backfill run again, or resumed after an
interruption, costs little: every document is its own transaction, and what was
committed is skipped. Nothing is notified unless asked.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config import SourceConfig
from monitor.dates import to_shanghai
from monitor.errors import SourceError
from monitor.fetch import Fetcher, FetchLimits
from monitor.model import Extracted, Listing, Observation
from monitor.pipeline.articles import Articles
from monitor.pipeline.listings import parse_listing
from monitor.pipeline.tally import Tally
from monitor.sources.archive import ArchiveFile, walk
from monitor.store import NotifyHook, Store
from monitor.urls import aliases

if TYPE_CHECKING:
    from monitor.reading import Unread

    Reader = Callable[..., Iterator[Extracted | Unread]]

#: Files looked up at once, and documents between two search-index updates.
BATCH = 500
#: Below this many documents to read, worker processes cost more than they save.
PARALLEL_FROM = 200
#: Documents a worker takes at a time.
CHUNK = 16
#: Feed pages followed at most (RFC 5005 ``next`` / ``prev-archive``).
MAX_PAGES = 1000
#: Articles fetched from one listing page at most.
MAX_ARTICLES = 10_000


@dataclass
class Progress:
    """What a backfill has done so far."""

    total: int = 0
    done: int = 0
    known: int = 0
    out_of_range: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    meetings: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        """New items stored."""
        return self.outcomes["new"]

    @property
    def duplicates(self) -> int:
        """Documents that were an item already stored (another outlet, or the same)."""
        return self.outcomes["outlet"] + self.outcomes["duplicate"]


@dataclass(frozen=True, slots=True)
class Window:
    """Which publication dates to keep; an article without a date is kept."""

    since: date | None = None
    until: date | None = None

    def keeps(self, extracted: Extracted) -> bool:
        """Whether ``extracted`` was published inside the window."""
        return self.keeps_time(extracted.article.published)

    def keeps_time(self, published: datetime | None) -> bool:
        """Whether a publication time is inside the window (no time: yes)."""
        if published is None:
            return True
        day = to_shanghai(published).date()
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def before(self, published: datetime | None) -> bool:
        """Whether a time is older than the window: a newest-first history can stop there."""
        return (
            self.since is not None
            and published is not None
            and (to_shanghai(published).date() < self.since)
        )


@dataclass
class Backfill:
    """Ingests history into ``store`` as ``source``; ``notify`` is None unless asked."""

    store: Store
    source: str
    window: Window = field(default_factory=Window)
    notify: NotifyHook | None = None
    progress: Progress = field(default_factory=Progress)
    report: Callable[[Progress], None] = lambda _: None
    workers: int = field(default_factory=lambda: max(1, (os.cpu_count() or 2) - 1))

    def folder(self, folder: Path, *, site: str | None = None) -> None:
        """Every document under ``folder`` not stored yet.

        Reading and parsing run in ``workers`` other processes while this one
        stores (SQLite has one writer): on 2 cores, 258 → 3xx documents/s.

        Raises:
            SourceError: ``folder`` is not a readable folder.
        """
        files = list(walk(folder))
        self.progress.total += len(files)
        todo: list[ArchiveFile] = []
        for batch in _batches(files, BATCH):
            known = self.store.known_keys([found.key for found in batch])
            todo.extend(found for found in batch if found.key not in known)
        self.progress.known += len(files) - len(todo)
        self.progress.done += len(files) - len(todo)
        workers = self.workers if len(todo) >= PARALLEL_FROM else 0
        # Imported here: a resumed run may read nothing, and workers import only this.
        from monitor.reading import Unread, read_file  # noqa: PLC0415

        with _readers(workers) as read, self.store.grouped():
            results = read(read_file, [found.path for found in todo], repeat(site))
            for count, (found, result) in enumerate(zip(todo, results, strict=True), start=1):
                if isinstance(result, Unread):
                    self.progress.errors.append(result.line)
                else:
                    keys = aliases([found.key], result.article.url)
                    self._store(Observation(self.source, keys, result))
                self.progress.done += 1
                self.report(self.progress)
                if count % BATCH == 0:
                    self.store.index_pending()
        self.store.index_pending()

    def _store(self, seen: Observation) -> None:
        if not self.window.keeps(seen.extracted):
            self.progress.out_of_range += 1
            return
        result = self.store.ingest(seen, self.notify)
        self.progress.outcomes[result.kind] += 1
        if result.kind == "new" and seen.extracted.meeting is not None:
            self.progress.meetings += 1

    async def feed(self, config: SourceConfig, fetcher: Fetcher, max_articles: int) -> None:
        """A network source and its history.

        First the listing and the older pages it links to (RFC 5005 ``next`` /
        ``prev-archive``, a page's ``rel="next"``), then numbered pages from
        ``history_url`` until one lists nothing.
        """
        articles = Articles(self.store, fetcher, max_articles, self.notify)
        url: str | None = config.url
        seen_pages: set[str] = set()
        while url and url not in seen_pages and len(seen_pages) < MAX_PAGES:
            seen_pages.add(url)
            listing = await self._page(config, url, fetcher, articles)
            if listing is None or self._older_than_wanted(listing):
                break
            url = listing.next_url
        if config.history_url is None:
            return
        for number in range(config.history_first, config.history_first + config.history_pages):
            url = config.history_url.format(page=number)
            if url in seen_pages:
                continue
            seen_pages.add(url)
            listing = await self._page(config, url, fetcher, articles)
            if listing is None or not listing.entries or self._older_than_wanted(listing):
                return  # past the last page, or before --since

    async def _page(
        self, config: SourceConfig, url: str, fetcher: Fetcher, articles: Articles
    ) -> Listing | None:
        """One listing page fetched and its wanted entries stored; None when it failed."""
        result = await fetcher.fetch(url)
        if not result.ok:
            self.progress.errors.append(f"{url}: {result.kind}: {result.error}")
            return None
        try:
            listing = parse_listing(config, result)
        except SourceError as error:
            self.progress.errors.append(f"{url}: {error.message}")
            return None
        wanted = [e for e in listing.entries if self.window.keeps_time(e.published)]
        self.progress.out_of_range += len(listing.entries) - len(wanted)
        self.progress.total += len(wanted)
        tally = Tally()
        await articles.handle(config, wanted, tally)
        self._count(tally)
        self.store.index_pending()
        return listing

    def _older_than_wanted(self, listing: Listing) -> bool:
        # Histories are newest first: a page older than --since ends the walk.
        return bool(listing.entries) and all(
            self.window.before(e.published) for e in listing.entries
        )

    def _count(self, tally: Tally) -> None:
        self.progress.done += tally.entries
        self.progress.known += tally.skipped
        self.progress.outcomes.update(tally.ingested)
        self.progress.errors.extend(tally.errors)
        self.report(self.progress)


@contextmanager
def _readers(workers: int) -> Iterator[Reader]:
    """``map`` in this process (``workers`` = 0), or over a pool of worker processes."""
    if workers <= 0:
        yield map
        return
    # spawn, not fork: a forked child would inherit the open database connection.
    context = multiprocessing.get_context("spawn")
    from monitor.reading import watch_parent  # noqa: PLC0415 - as read_file, in Backfill.folder

    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=watch_parent,
        initargs=(os.getpid(),),
    ) as pool:

        def mapped(*args: Iterable[object]) -> Iterator[Extracted | Unread]:
            return pool.map(*args, chunksize=CHUNK)  # type: ignore[arg-type]

        yield mapped


def _batches(items: Sequence[ArchiveFile], size: int) -> Iterator[Sequence[ArchiveFile]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def feeds(backfill: Backfill, configs: Sequence[SourceConfig], limits: FetchLimits) -> None:
    """Backfill network sources one after the other, through one fetcher."""
    async with Fetcher(limits) as fetcher:
        for config in configs:
            backfill.source = config.name
            await backfill.feed(config, fetcher, max_articles=MAX_ARTICLES)
