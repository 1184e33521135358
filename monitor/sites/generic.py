"""Any other page: readability-style extraction with trafilatura.

trafilatura scores the page's blocks and keeps the main text, which is what we
want for an outlet we have no parser for. It misses on very short pages; then
BeautifulSoup collects the page's ``<p>`` blocks as a last resort. Plain text
is taken line by line, the first line as title. Metadata we can read exactly
(front matter, ``article:published_time``, canonical link) wins over guesses.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from monitor.dates import parse_datetime
from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.sites import _html, masthead

NAME = "generic"
LOCALITY = None


def claims(document: Document) -> bool:  # noqa: ARG001 - the registry's fallback takes anything
    """Always true: the generic parser is the registry's last resort."""
    return True


def parse(document: Document) -> Article:
    """The main text of any page, post or text file."""
    if document.format == "text":
        lines = [_html.clean(line) for line in document.body.split("\n")]
        lines = [line for line in lines if line and not _html.is_boilerplate(line)]
        if len(lines) < 2:  # noqa: PLR2004 - a title and at least one paragraph
            raise ParseError(NAME, "parse failed: no title and body in the text")
        return _article(document, lines[0], lines[1:], None, _editor(lines))
    extracted = _extract(document)
    title = document.front("title") or (extracted.title if extracted else None)
    paragraphs = _extracted_paragraphs(extracted) or _soup_paragraphs(document.body)
    if not title:
        title = _soup_title(document.body)
    if not title or not paragraphs:
        raise ParseError(NAME, "parse failed: no main text found")
    editor = _editor(str(extracted.text).split("\n")) if extracted and extracted.text else None
    return _article(document, title, paragraphs, extracted, editor)


# Page meta names for the publication time, most exact first (gov.cn's
# firstpublishedtime has the time of day; its publishdate only the day).
_TIME_META = ("article:published_time", "firstpublishedtime", "pubdate", "publishdate")
_OUTLET_META = ("contentsource", "source", "article:author")


def _article(
    document: Document,
    title: str,
    paragraphs: list[str],
    extracted: Any,  # noqa: ANN401 - trafilatura's Document is untyped
    editor: str | None,
) -> Article:
    top = masthead.read(paragraphs, title)
    paragraphs = paragraphs[top.start :]
    if not paragraphs:
        raise ParseError(NAME, "parse failed: no body paragraphs")
    root = _html.parse_html(document.body, NAME) if document.format != "text" else None
    meta = _html.head_metadata(root) if root is not None else {}
    times = [document.front("date"), *(meta.get(key) for key in _TIME_META), top.date]
    if extracted is not None and extracted.date:
        times.append(str(extracted.date))
    outlets = [document.front("author"), *(meta.get(key) for key in _OUTLET_META), top.outlet]
    return Article(
        site=NAME,
        title=_html.clean(title),
        paragraphs=tuple(paragraphs),
        headings=_html.infer_headings(paragraphs),
        published=_best_time(times),
        url=meta.get("link:canonical") or document.url,
        editor=editor,
        outlet=next((name for name in outlets if name), None)
        or (extracted.sitename if extracted else None),
    )


def _best_time(candidates: list[str | None]) -> datetime | None:
    """The first candidate that parses; a later one on the same day may add the time of day."""
    found = [moment for text in candidates if text and (moment := parse_datetime(text))]
    if not found:
        return None
    first = found[0]
    if first.time() == time(0):
        return next(
            (m for m in found[1:] if m.date() == first.date() and m.time() != time(0)), first
        )
    return first


def _editor(lines: list[str]) -> str | None:
    for line in lines:
        found = _html.EDITOR_CREDIT.search(line) if "编" in line else None
        if found:
            return found.group(1)
    return None


def _extract(document: Document) -> Any:  # noqa: ANN401 - trafilatura's Document is untyped
    # Imported here: trafilatura pulls in htmldate, justext and more (~0.4 s),
    # which the site parsers' hot path must not pay for.
    import trafilatura  # noqa: PLC0415

    try:
        return trafilatura.bare_extraction(
            document.body,
            url=document.url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
        )
    except (ValueError, TypeError, AttributeError):
        # trafilatura raises these on degenerate trees; the soup fallback follows.
        return None


def _extracted_paragraphs(extracted: Any) -> list[str]:  # noqa: ANN401
    if extracted is None or not extracted.text:
        return []
    lines = (_html.clean(line) for line in str(extracted.text).split("\n"))
    return [line for line in lines if line and not _html.is_boilerplate(line)]


def _soup_paragraphs(markup: str) -> list[str]:
    # Imported at first use: the last resort costs ~0.08 s of start-up (soupsieve).
    from bs4 import BeautifulSoup  # noqa: PLC0415

    soup = BeautifulSoup(markup, "lxml")
    texts = (_html.clean(p.get_text(" ")) for p in soup.find_all("p"))
    return [text for text in texts if text and not _html.is_boilerplate(text)]


def _soup_title(markup: str) -> str | None:
    from bs4 import BeautifulSoup  # noqa: PLC0415 - see _soup_paragraphs

    soup = BeautifulSoup(markup, "lxml")
    for tag in ("h1", "title"):
        found = soup.find(tag)
        if found is not None and found.get_text(strip=True):
            return str(found.get_text(" ", strip=True))
    return None
