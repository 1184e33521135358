"""An archive source: a local folder of saved documents, read like a listing.

A file already stored and not modified since the last poll costs a ``stat``
and one look-up; a changed file is read again and stored as a revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from monitor.config import SourceConfig
from monitor.errors import SourceError
from monitor.model import Observation
from monitor.pipeline.tally import Tally
from monitor.sources.archive import ArchiveFile, walk
from monitor.store import NotifyHook, Store
from monitor.urls import aliases


@dataclass(frozen=True, slots=True)
class Archive:
    """Reads one archive source into the store."""

    store: Store
    max_articles: int
    notify: NotifyHook | None = None

    def poll(self, source: SourceConfig, last_polled: datetime | None, tally: Tally) -> None:
        """Ingest the files that are new or changed since ``last_polled``."""
        try:
            files = list(
                walk(Path(source.path or "."), include=source.include, exclude=source.exclude)
            )
        except SourceError as error:
            tally.fail("read-error", error.message)
            return
        known = self.store.known_keys([found.key for found in files])
        todo = [
            found
            for found in files
            if found.key not in known or last_polled is None or found.modified > last_polled
        ]
        tally.entries, tally.skipped = len(files), len(files) - len(todo)
        for found in todo[: self.max_articles * 20]:  # local reads are cheap; bound one pass anyway
            self._one(source, found, tally)

    def _one(self, source: SourceConfig, found: ArchiveFile, tally: Tally) -> None:
        # Imported at the first file to read: a pass with nothing new never loads the parsers.
        from monitor.reading import Unread, read_file  # noqa: PLC0415

        tally.attempted += 1
        extracted = read_file(found.path, source.site)
        if isinstance(extracted, Unread):
            tally.no_body += extracted.no_body
            tally.errors.append(extracted.line)
            return
        keys = aliases([found.key], extracted.article.url)
        seen = Observation(source.name, keys, extracted, extracted.article.url)
        tally.stored(self.store.ingest(seen, self.notify))
