"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed 1.x) into a ``Listing``: bytes in, no I/O.

feedparser does the XML formats; JSON Feed it does not know, so that is read here
with the json module.
"""

from __future__ import annotations

import calendar
import io
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from monitor.dates import parse_datetime, to_shanghai
from monitor.errors import ParseError
from monitor.model import Entry, Listing
from monitor.urls import canonical_url

#: RSSHub puts the whole article in ``description``; a teaser is shorter than this.
FULL_SUMMARY_CHARS = 500

_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
# A feed has no reason to declare entities; refusing them keeps billion-laughs and
# external-entity bodies away from the XML parser altogether. Expat (>= 2.4) also
# bounds amplification, and feedparser turns external entities off: this is the
# first of two fences. The DTD comes before the root element, so the head suffices.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024
_TAG = re.compile(r"<[^>]*>")
_PAGING_RELS = ("next", "prev-archive")
_NO_ROOT = "no RSS, Atom or RDF root element"


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> Listing:
    """The entries of the feed ``body`` fetched from ``url``.

    ``headers`` are the HTTP response headers; feedparser reads the charset from
    ``Content-Type``. Relative links resolve against ``url``.

    Raises:
        ParseError: ``body`` is not a feed (an HTML page, garbage, an XML bomb).
    """
    if _looks_like_json(body):
        return _parse_json_feed(body, url=url)
    head = body[:_HEAD_BYTES].replace(b"\x00", b"")  # UTF-16 declarations too
    if _ENTITY_DECLARATION.search(head):
        raise ParseError(url, "not a feed: declares XML entities (refused)")
    response_headers = {key.lower(): value for key, value in (headers or {}).items()}
    response_headers.setdefault("content-location", url)
    # A BytesIO, never bytes or a str: feedparser would read those as a path or fetch a URL.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=response_headers)
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    title = _clean(feed.get("title"))
    # An HTML page has no feed version (its <title> may still be read as one);
    # a broken feed with neither entries nor title has nothing to offer either.
    bozo_and_empty = bool(parsed.get("bozo")) and title is None
    if not entries and (not parsed.get("version") or bozo_and_empty):
        why = parsed.get("bozo_exception") if parsed.get("version") else _NO_ROOT
        raise ParseError(url, f"not a feed: {_one_line(why)}")
    if "amplification" in str(parsed.get("bozo_exception", "")):
        # Expat stopped an entity bomb and feedparser fell back to its loose parser:
        # whatever that salvaged is not what the server meant.
        raise ParseError(url, "not a feed: XML entity expansion refused")
    listed = (_rss_entry(entry, url) for entry in entries)
    return Listing(
        entries=tuple(entry for entry in listed if entry is not None),
        title=title,
        next_url=_next_url(feed.get("links", []), url),
    )


def _rss_entry(entry: Mapping[str, Any], base: str) -> Entry | None:
    link = _clean(entry.get("link"))
    page = canonical_url(urljoin(base, link)) if link else None
    key = _clean(entry.get("id")) or page
    if key is None:  # nothing identifies it: it could never be told from the next one
        return None
    return Entry(
        key=key,
        url=page,
        title=_clean(entry.get("title")),
        published=_rss_time(entry),
        content=_rss_content(entry),
    )


def _rss_time(entry: Mapping[str, Any]) -> datetime | None:
    for field in ("published", "updated", "created"):
        raw = entry.get(field)
        # The raw text first: feedparser reads a time without an offset as UTC,
        # but Chinese feeds mean Beijing time, which parse_datetime assumes.
        moment = parse_datetime(raw) if isinstance(raw, str) else None
        if moment is not None:
            return moment
        parsed = entry.get(f"{field}_parsed")
        if parsed is not None:
            return to_shanghai(datetime.fromtimestamp(calendar.timegm(parsed), UTC))
    return None


def _rss_content(entry: Mapping[str, Any]) -> str | None:
    contents = entry.get("content") or []
    for content in contents:
        value = _clean(content.get("value"))
        if value:
            return value
    summary = _clean(entry.get("summary"))
    if summary and len(_TAG.sub("", summary).strip()) > FULL_SUMMARY_CHARS:
        return summary
    return None


def _next_url(links: list[Mapping[str, Any]], base: str) -> str | None:
    for rel in _PAGING_RELS:  # RFC 5005: a paged feed's next page, else the archive
        for link in links:
            href = _clean(link.get("href"))
            if link.get("rel") == rel and href:
                return urljoin(base, href)
    return None


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _parse_json_feed(body: bytes, *, url: str) -> Listing:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise ParseError(url, f"not a feed: invalid JSON: {_one_line(error)}") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION):
        raise ParseError(url, "not a feed: JSON without a JSON Feed version")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(url, "not a feed: JSON Feed without an items list")
    listed = (_json_entry(item, url) for item in items if isinstance(item, dict))
    next_url = _text(document.get("next_url"))
    return Listing(
        entries=tuple(entry for entry in listed if entry is not None),
        title=_text(document.get("title")),
        next_url=urljoin(url, next_url) if next_url else None,
    )


def _json_entry(item: Mapping[str, Any], base: str) -> Entry | None:
    link = _text(item.get("url")) or _text(item.get("external_url"))
    page = canonical_url(urljoin(base, link)) if link else None
    raw_id = item.get("id")  # JSON Feed 1.0 allowed numbers
    key = _text(raw_id) or (str(raw_id) if isinstance(raw_id, int) else None) or page
    if key is None:
        return None
    published = _text(item.get("date_published")) or _text(item.get("date_modified"))
    return Entry(
        key=key,
        url=page,
        title=_text(item.get("title")),
        published=parse_datetime(published) if published else None,
        content=_text(item.get("content_html")) or _text(item.get("content_text")),
    )


def _text(value: object) -> str | None:
    return _clean(value) if isinstance(value, str) else None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _one_line(error: object) -> str:
    text = " ".join(str(error).split()) if error is not None else ""
    return text[:200] or "no feed elements"
