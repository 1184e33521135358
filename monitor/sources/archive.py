"""Local archives: folders of saved documents, walked recursively in a stable order.

Hexo ``source/_posts`` and ``post/``, Jekyll ``_posts``, saved pages: any layout.

The walk yields file paths and their entry keys only; reading and parsing is
the pipeline's job, so known files can be skipped before any work is done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path

from monitor.errors import SourceError
from monitor.urls import file_key

#: What a saved article can be stored as; other files in an archive are ignored.
DOCUMENT_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".shtml", ".txt")


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """One document in an archive: where it is, its entry key, when it last changed."""

    path: Path
    key: str
    modified: datetime


def walk(
    folder: Path, *, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> Iterator[ArchiveFile]:
    """Every document under ``folder``, sorted by relative path.

    ``include`` and ``exclude`` are glob patterns matched against the path
    relative to ``folder`` (``*/0*.txt``, ``*.origin.txt``); without
    ``include`` a file is a document by its suffix. Hidden files and folders
    are skipped, and symbolic links to folders are not followed (no loops).

    Raises:
        SourceError: ``folder`` is not a readable folder.
    """
    if not folder.is_dir():
        raise SourceError(str(folder), "archive folder does not exist or is not a folder")
    found: list[tuple[str, Path]] = []
    for root, folders, files in os.walk(folder, onerror=_raise(folder)):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in files:
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if not name.startswith(".") and _wanted(relative, include, exclude):
                found.append((relative, path))
    for _, path in sorted(found):
        described = _describe(path)
        if described is not None:
            yield described


def _wanted(relative: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    if any(fnmatchcase(relative, pattern) for pattern in exclude):
        return False
    if include:
        return any(fnmatchcase(relative, pattern) for pattern in include)
    return relative.lower().endswith(DOCUMENT_SUFFIXES)


def _describe(path: Path) -> ArchiveFile | None:
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return None  # removed (or a dangling link) since the folder was listed
    return ArchiveFile(path, file_key(path), modified)


def _raise(folder: Path) -> Callable[[OSError], None]:
    def fail(error: OSError) -> None:
        raise SourceError(str(folder), f"cannot read the archive: {error.strerror or error}")

    return fail
