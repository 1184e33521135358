"""Read and parse one archived document: for the archive poll and backfill's worker processes.

A module of its own, importing only what parsing needs, because each backfill
worker process imports it (and nothing of the store, the fetcher or the
configuration: ~50 MB less per worker).
"""

from __future__ import annotations

import os
import threading
import time
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


def watch_parent(parent: int, every: float = 1.0) -> None:
    """In a worker: exit when ``parent`` is gone (a worker pool's initializer).

    A pool's workers wait on a pipe the parent holds; after a ``kill -9`` of the
    parent they were left waiting forever. Reparented, a worker exits within
    ``every`` seconds.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
