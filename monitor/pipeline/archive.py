"""An archive source: a local folder of saved documents, read like a listing.

A file already stored and not modified since the last poll costs a ``stat``
and one look-up; a changed file is read again and stored as a revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from monitor.config import SourceConfig
from monitor.errors import ParseError, SourceError
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
        from monitor.extract import extract_bytes  # noqa: PLC0415

        tally.attempted += 1
        try:
            data = found.path.read_bytes()
            extracted = extract_bytes(data, site=source.site, subject=str(found.path))
        except OSError as error:
            tally.errors.append(f"{found.path}: cannot read: {error.strerror or error}")
            return
        except ParseError as error:
            tally.no_body += 1
            tally.errors.append(f"{found.path}: {error.message}")
            return
        except SourceError as error:
            tally.errors.append(f"{found.path}: {error.message}")
            return
        keys = aliases([found.key], extracted.article.url)
        seen = Observation(source.name, keys, extracted, extracted.article.url)
        tally.stored(self.store.ingest(seen, self.notify))
