"""Read and parse one archived document: the work a backfill hands to worker processes.

A module of its own, importing only what parsing needs, because each worker
process imports it (and nothing of the store, the fetcher or the configuration:
~50 MB less per worker).
"""

from __future__ import annotations

from pathlib import Path

from monitor.errors import SourceError
from monitor.extract import extract_bytes
from monitor.model import Extracted


def read_file(path: Path, site: str | None) -> Extracted | str:
    """One archived document parsed, or the one-line reason it could not be."""
    try:
        return extract_bytes(path.read_bytes(), site=site, subject=str(path))
    except OSError as error:
        return f"{path}: cannot read: {error.strerror or error}"
    except SourceError as error:
        return f"{path}: {error.message}"
