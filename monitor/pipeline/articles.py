"""Listed entries → stored items: skip the known, parse the rest, ingest each.

An entry is known when any of its keys (listing id, canonical URL) was seen
before, by any source: it costs one indexed look-up and no request. An entry
whose article fails (fetch error, no body) is not stored, so the next poll
tries it again; the failure is one line in the run's errors.

The parsers are imported when the first article needs them: a pass that gets
only 304s (the common case) never loads them (~0.2 s of start-up, and memory).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.config import SourceConfig
from monitor.errors import ParseError, SourceError
from monitor.fetch import Fetcher
from monitor.model import Entry, Extracted, Observation
from monitor.pipeline.tally import Tally
from monitor.store import NotifyHook, Store
from monitor.urls import aliases

_HTML_UTF8 = {"content-type": "text/html; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Articles:
    """What handling entries needs: where to fetch, where to store, how many per poll."""

    store: Store
    fetcher: Fetcher
    max_articles: int
    notify: NotifyHook | None = None

    async def handle(self, source: SourceConfig, entries: Sequence[Entry], tally: Tally) -> None:
        """Ingest the entries not seen before, at most ``max_articles`` of them per poll.

        The rest stay unknown and are taken by the next polls, oldest first when
        the listing is newest first (as feeds are): we take from the top.
        """
        keyed = [(entry, entry_keys(entry)) for entry in entries]
        known = self.store.known_keys([key for _, keys in keyed for key in keys])
        fresh = [(entry, keys) for entry, keys in keyed if known.isdisjoint(keys)]
        tally.entries, tally.skipped = len(keyed), len(keyed) - len(fresh)
        jobs = (self._one(source, entry, keys, tally) for entry, keys in fresh[: self.max_articles])
        await asyncio.gather(*jobs)

    async def _one(
        self, source: SourceConfig, entry: Entry, keys: tuple[str, ...], tally: Tally
    ) -> None:
        tally.attempted += 1
        try:
            extracted, url = await self._extract(source, entry, tally)
        except ParseError as error:
            tally.no_body += 1
            tally.errors.append(f"{entry.url or entry.key}: {error.message}")
            return
        except SourceError as error:
            tally.errors.append(f"{entry.url or entry.key}: {error.message}")
            return
        seen = Observation(source.name, aliases(keys, extracted.article.url), extracted, url)
        tally.stored(self.store.ingest(seen, self.notify))

    async def _extract(
        self, source: SourceConfig, entry: Entry, tally: Tally
    ) -> tuple[Extracted, str | None]:
        from monitor.extract import extract_bytes  # noqa: PLC0415 - see the module docstring
        from monitor.sites import feedentry  # noqa: PLC0415 - see the module docstring

        if entry.content is not None:
            # The listing carries the article (RSSHub does): no request. Its
            # markup is a fragment, so the registry picks the parser.
            body = feedentry.wrap(entry)
            return extract_bytes(body, url=entry.url, headers=_HTML_UTF8, subject=entry.key), (
                entry.url
            )
        if entry.url is None:
            raise SourceError(entry.key, "the entry has neither content nor a link")
        result = await self.fetcher.fetch(entry.url)
        tally.fetched(result)
        if not result.ok:
            raise SourceError(entry.url, f"article not fetched: {result.kind}: {result.error}")
        extracted = extract_bytes(
            result.body,
            url=result.final_url,
            headers=result.headers,
            site=source.site,
            subject=result.final_url,
        )
        return extracted, result.final_url


def entry_keys(entry: Entry) -> tuple[str, ...]:
    """Every alias an entry is known by: its listing key and its canonical URL."""
    return aliases([entry.key], entry.url)
