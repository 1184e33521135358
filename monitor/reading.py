"""Read and parse one archived document: for the archive poll and backfill's worker processes.

A module of its own, importing only what parsing needs, because each backfill
worker process imports it (and nothing of the store, the fetcher or the
configuration: ~50 MB less per worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monitor.errors import ParseError, SourceError
from monitor.extract import extract_bytes
from monitor.model import Extracted


@dataclass(frozen=True, slots=True)
class Unread:
    """Why a document was not read, in one line; ``no_body`` when its parser found no article."""

    line: str
    no_body: bool = False


def read_file(path: Path, site: str | None) -> Extracted | Unread:
    """One archived document parsed, or why it could not be."""
    try:
        return extract_bytes(path.read_bytes(), site=site, subject=str(path))
    except OSError as error:
        return Unread(f"{path}: cannot read: {error.strerror or error}")
    except ParseError as error:
        return Unread(f"{path}: {error.message}", no_body=True)
    except SourceError as error:
        return Unread(f"{path}: {error.message}")
