"""JSON list APIs into a ``Listing``: items found by dotted paths, bytes in, no I/O.

The motivating case is Sina's roll API (``feed.mix.sina.com.cn/api/roll/get``),
whose items sit at ``result.data`` with ``docid``, ``url``, ``title`` and
``ctime``/``intime`` as Unix seconds in strings.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from monitor.dates import parse_datetime, to_shanghai
from monitor.errors import ParseError
from monitor.model import Entry, Listing
from monitor.urls import canonical_url

# Unix times above this are milliseconds (JavaScript's Date.now()), a common
# alternative in Chinese APIs; in seconds it would be the year 5138.
_MILLISECONDS_FROM = 10**11
_MISSING = object()
# ASCII only and bounded: int() rejects superscripts and strings over 4,300 digits.
_UNIX_DIGITS = re.compile(r"[0-9]{1,18}")
_INDEX = re.compile(r"[0-9]{1,9}")


def parse_json(  # noqa: PLR0913 - one keyword per field of the source's configuration
    body: bytes,
    *,
    url: str,
    items_path: str,
    url_field: str = "url",
    title_field: str = "title",
    id_field: str | None = None,
    time_field: str | None = None,
) -> Listing:
    """The entries listed by the JSON API response ``body`` fetched from ``url``.

    Paths are dotted (``result.data``; a number indexes a list). The key is
    ``id_field``'s value when present, else the canonical URL; items with
    neither are skipped. Times may be Unix seconds or milliseconds (numbers or
    digit strings) or date strings; without an offset they are Beijing time.

    Raises:
        ParseError: the body is not JSON, or ``items_path`` is missing or not a list.
    """
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        message = " ".join(str(error).split())[:200]
        raise ParseError(url, f"not JSON (looking for {items_path!r}): {message}") from None
    items = lookup(document, items_path)
    if items is _MISSING:
        raise ParseError(url, f"no {items_path!r} in the JSON response")
    if not isinstance(items, list):
        kind = type(items).__name__
        raise ParseError(url, f"{items_path!r} is a JSON {kind}, not a list")
    fields = (url_field, title_field, id_field, time_field)
    listed = (_entry(item, url, *fields) for item in items)
    return Listing(entries=tuple(entry for entry in listed if entry is not None))


def lookup(document: object, path: str) -> object:
    """The value at the dotted ``path`` in ``document``, or a sentinel when absent."""
    value = document
    for step in path.split(".") if path else ():
        if isinstance(value, dict):
            value = value.get(step, _MISSING)
        elif (
            isinstance(value, list)
            and _INDEX.fullmatch(step) is not None
            and int(step) < len(value)
        ):
            value = value[int(step)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _entry(  # noqa: PLR0913, PLR0917 - the four field names, passed straight through
    item: object,
    base: str,
    url_field: str,
    title_field: str,
    id_field: str | None,
    time_field: str | None,
) -> Entry | None:
    if not isinstance(item, dict):
        return None
    link = _text(lookup(item, url_field))
    page = canonical_url(urljoin(base, link)) if link else None
    identity = _identity(lookup(item, id_field)) if id_field else None
    key = identity or page
    if key is None:
        return None
    published = _time(lookup(item, time_field)) if time_field else None
    return Entry(key=key, url=page, title=_text(lookup(item, title_field)), published=published)


def _identity(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _time(value: Any) -> datetime | None:  # noqa: ANN401 - any JSON value
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and _UNIX_DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int | float):
        return _from_unix(value)
    return parse_datetime(value) if isinstance(value, str) else None


def _from_unix(value: float) -> datetime | None:
    if not math.isfinite(value) or value <= 0:
        return None
    seconds = value / 1000 if value >= _MILLISECONDS_FROM else value
    try:
        return to_shanghai(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):  # beyond year 9999
        return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None
