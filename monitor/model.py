"""Frozen values passed between the stages of the pipeline.

Every stage boundary carries one of these; no dicts travel between modules.
Datetimes are always timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Literal

DocumentFormat = Literal["html", "text", "front-matter"]

#: What separates paragraphs in :attr:`Article.text` (identity hashes depend on it).
PARAGRAPH_BREAK = "\n\n"
_EMPTY_HEADERS: Mapping[str, str] = MappingProxyType({})
_EMPTY_FRONT: Mapping[str, str | tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded document, ready for a site parser.

    ``body`` is the HTML or plain text after any front matter was removed;
    ``front_matter`` keeps the Hexo/Jekyll header: scalars as strings, lists
    as tuples of strings. Header names are lower-case.
    """

    body: str
    format: DocumentFormat
    encoding: str
    url: str | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: _EMPTY_HEADERS)
    front_matter: Mapping[str, str | tuple[str, ...]] = field(default_factory=lambda: _EMPTY_FRONT)

    def front(self, key: str) -> str | None:
        """A scalar front-matter value, or the first item of a list."""
        value = self.front_matter.get(key)
        if isinstance(value, tuple):
            return value[0] if value else None
        return value

    def front_items(self, key: str) -> tuple[str, ...]:
        """A front-matter value as a tuple, whether it was a list or a scalar."""
        value = self.front_matter.get(key)
        if value is None:
            return ()
        return value if isinstance(value, tuple) else (value,)


@dataclass(frozen=True, slots=True)
class Article:
    """What a site parser makes of a document: clean, boilerplate-free."""

    site: str
    title: str
    paragraphs: tuple[str, ...]
    headings: tuple[str, ...] = ()
    published: datetime | None = None
    url: str | None = None
    source_url: str | None = None
    editor: str | None = None
    outlet: str | None = None

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return PARAGRAPH_BREAK.join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Entry:
    """One item a source lists: its identity there, where the article is, what the listing says.

    ``key`` is the listing's own identity for it (feed GUID, JSON id, else the
    canonical URL); ``content`` is the full body when the listing carries it
    (RSSHub feeds do), so the article need not be fetched.
    """

    key: str
    url: str | None
    title: str | None = None
    published: datetime | None = None
    content: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """What one fetch of a source lists, and where older entries are (RFC 5005 paging)."""

    entries: tuple[Entry, ...]
    title: str | None = None
    next_url: str | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """A parsed article with its identity and, if it reports one, its meeting."""

    article: Article
    site: str
    content_hash: str
    simhash: int
    meeting: Meeting | None
    paragraph_fingerprints: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Observation:
    """One sighting of a document: which source, under which keys, what it said.

    ``keys`` are the entry's aliases (canonical URL, feed GUID, file URI); any
    one of them seen before makes this the same entry.
    """

    source: str
    keys: tuple[str, ...]
    extracted: Extracted
    url: str | None = None


IngestKind = Literal["new", "outlet", "duplicate", "revision", "unchanged"]


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest did: a new item, another outlet of an item, a revision, nothing."""

    kind: IngestKind
    item_id: int
    reason: str = ""
    notified: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Meeting:
    """A government or party meeting that an article reports as held."""

    kind: str
    convener: str | None
    date: date | None
    chair: str | None
    attendees: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceRun:
    """One poll of one source, whatever happened: a value, never an exception.

    ``outcome`` is ``ok`` (listed, entries handled), ``not-modified`` (304), ``empty``
    (listed nothing), or the failure's kind (a fetch kind such as ``timeout``, or
    ``parse-error`` / ``read-error``). ``ingested`` counts ingest outcomes by kind;
    ``skipped`` counts entries already known; ``errors`` are one line each (an article
    that failed is retried next poll); ``fetches`` are (kind, seconds) of every request.
    """

    source: str
    outcome: str
    started: datetime
    elapsed: float
    next_due: datetime
    entries: int = 0
    skipped: int = 0
    ingested: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    errors: tuple[str, ...] = ()
    fetches: tuple[tuple[str, float], ...] = ()
    failures: int = 0
    broken: bool = False
    newly_broken: bool = False

    @property
    def failed(self) -> bool:
        """Whether the source itself failed (not merely one of its articles)."""
        return self.outcome not in {"ok", "not-modified", "empty"}

    @property
    def new(self) -> int:
        """New items this poll found."""
        return self.ingested.get("new", 0)
