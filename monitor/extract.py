"""Document → everything the monitor knows about it, with no I/O.

The one place the pure stages are chained: site parser, identity (content
hash, SimHash) and the meeting classifier. ``monitor parse``, ingest and the
daemon all call :func:`extract`, so a document reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor import meetings, text
from monitor.documents import read_document
from monitor.model import Document, Extracted, Meeting
from monitor.sites import registry


def extract(document: Document, *, site: str | None = None) -> Extracted:
    """Parse, fingerprint and classify ``document``.

    Raises:
        ParseError: no parser could read an article from it.
        ConfigError: ``site`` names no parser.
    """
    article, chosen = registry.parse(document, site)
    # Article.text is the paragraphs joined by PARAGRAPH_BREAK: the same identity.
    content_hash, simhash, paragraph_fingerprints = text.article_identity(article.paragraphs)
    return Extracted(
        article=article,
        site=chosen.name,
        content_hash=content_hash,
        simhash=simhash,
        meeting=meetings.classify(article, locality=chosen.locality),
        paragraph_fingerprints=paragraph_fingerprints,
    )


def extract_bytes(
    data: bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    site: str | None = None,
    subject: str = "document",
) -> Extracted:
    """:func:`extract` straight from bytes (decoding errors are :class:`DecodeError`)."""
    return extract(read_document(data, url=url, headers=headers, subject=subject), site=site)


def as_record(extracted: Extracted) -> dict[str, Any]:
    """The JSON shape of ``monitor parse --json``: exactly these keys, in this order."""
    article = extracted.article
    meeting = extracted.meeting
    return {
        "site": extracted.site,
        "url": article.url,
        "source_url": article.source_url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "editor": article.editor,
        "outlet": article.outlet,
        "paragraphs": list(article.paragraphs),
        "headings": list(article.headings),
        "text": article.text,
        "content_hash": extracted.content_hash,
        "simhash": text.simhash_hex(extracted.simhash),
        "meeting": None if meeting is None else _meeting_record(meeting),
    }


def _meeting_record(meeting: Meeting) -> dict[str, Any]:
    return {
        "kind": meeting.kind,
        "convener": meeting.convener,
        "date": meeting.date.isoformat() if meeting.date else None,
        "chair": meeting.chair,
        "attendees": list(meeting.attendees),
        "topics": list(meeting.topics),
    }
