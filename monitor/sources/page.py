"""HTML list pages into a ``Listing``: article links by CSS selector and/or URL pattern.

Pure: the decoded page in, the links it lists out, in page order, once each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError

from monitor.errors import ConfigError, ParseError
from monitor.model import Entry, Listing
from monitor.urls import canonical_url

_ARTICLE_SCHEMES = ("http://", "https://")
_NEXT = CSSSelector('link[rel~="next"][href], a[rel~="next"][href]')
_BASE = CSSSelector("base[href]")
_TITLE = CSSSelector("title")
_LINKS = CSSSelector("a[href]")


def parse_page(body: str, *, url: str, selector: str | None, pattern: str | None) -> Listing:
    """The article links of the list page ``body`` fetched from ``url``.

    ``selector`` picks links (or elements containing links); ``pattern`` is a
    regular expression searched in each link's absolute URL. With both, the
    selector narrows and the pattern filters; with neither, every link counts.
    ``javascript:``, ``mailto:`` and fragment-only links are never articles.

    Raises:
        ConfigError: ``selector`` or ``pattern`` is not valid.
        ParseError: ``body`` is not an HTML document.
    """
    matcher = _compile_pattern(pattern)
    links = _compile_selector(selector) if selector else _LINKS
    root = _document(body, url)
    base = _base_url(root, url)
    entries: dict[str, Entry] = {}
    for anchor in _anchors(links(root)):
        absolute = _resolve(anchor.get("href"), base)
        if absolute is None or (matcher is not None and not matcher.search(absolute)):
            continue
        key = canonical_url(absolute)
        if key not in entries:  # the first mention wins: page order
            entries[key] = Entry(key=key, url=key, title=_link_text(anchor))
    return Listing(
        entries=tuple(entries.values()),
        title=_first_text(_TITLE(root)),
        next_url=_next_url(root, base),
    )


def _compile_pattern(pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ConfigError(pattern, f"not a valid regular expression: {error}") from None


def _compile_selector(selector: str) -> CSSSelector:
    try:
        return CSSSelector(selector)
    except SelectorError as error:
        raise ConfigError(selector, f"not a valid CSS selector: {error}") from None


def _document(body: str, url: str) -> lxml.html.HtmlElement:
    if not body.strip():
        raise ParseError(url, "not a page: empty body")
    try:
        # Bytes, so an XML declaration with an encoding inside a str is no error.
        parser = lxml.html.HTMLParser(encoding="utf-8")
        return lxml.html.document_fromstring(body.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ParseError(url, f"not a page: {error}") from None


def _anchors(elements: Iterable[etree._Element]) -> Iterator[etree._Element]:
    # A selector may name the links or the list items around them.
    for element in elements:
        if element.tag == "a":
            if element.get("href") is not None:
                yield element
        else:
            yield from _LINKS(element)


def _resolve(href: str | None, base: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    absolute = urljoin(base, href)
    return absolute if absolute.lower().startswith(_ARTICLE_SCHEMES) else None


def _base_url(root: etree._Element, url: str) -> str:
    bases = _BASE(root)
    href = bases[0].get("href") if bases else None
    return urljoin(url, href.strip()) if href and href.strip() else url


def _next_url(root: etree._Element, base: str) -> str | None:
    for element in _NEXT(root):
        absolute = _resolve(element.get("href"), base)
        if absolute is not None:
            return absolute
    return None


def _link_text(anchor: etree._Element) -> str | None:
    text = " ".join("".join(anchor.itertext()).split())
    return text or (anchor.get("title") or "").strip() or None


def _first_text(elements: Sequence[etree._Element]) -> str | None:
    return _link_text(elements[0]) if elements else None
