"""Canonical URLs: one spelling per page, so an entry key is seen once."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say who sent a reader, not which page it is.
_TRACKING_PREFIXES = ("utm_", "spm", "_hs", "mc_")
_TRACKING = frozenset({"from", "fromsource", "share_token", "wfr", "isappinstalled", "scene"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The canonical spelling of ``url``.

    Lower-case scheme and host; no fragment, default port or tracking parameters;
    query sorted. Anything that is not an http(s) URL is returned stripped but unchanged.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower()
    try:
        port = parts.port
    except ValueError:
        return url
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(key)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


def file_key(path: Path) -> str:
    """The entry key of a local document: its absolute ``file://`` URI, symlinks resolved."""
    # Path.resolve() looks up every component of the path (~50 µs a file here):
    # a bulk ingest reads thousands of files from a few folders, so each folder
    # is resolved once and only the file itself is checked for a link (~5 µs).
    if path.is_symlink():
        return path.resolve().as_uri()
    return (_real_folder(str(path.absolute().parent)) / path.name).as_uri()


@lru_cache(maxsize=256)
def _real_folder(folder: str) -> Path:
    return Path(folder).resolve()


def aliases(keys: Sequence[str], article_url: str | None) -> tuple[str, ...]:
    """An entry's keys and the canonical form of the URL its article names, each once, in order.

    The article's own URL (``<link rel=canonical>``, a front-matter ``link``)
    makes the same report found by another route the same entry.
    """
    found = [*keys, canonical_url(article_url)] if article_url else list(keys)
    return tuple(dict.fromkeys(found))
