"""Sina Finance (新浪财经) articles.

Two forms share one body structure:

- the live article page (finance.sina.com.cn, the same CMS template on
  news.sina.com.cn): ``h1.main-title``, ``.date-source`` with ``span.date`` and
  ``.source``, Open Graph / ``article:published_time`` meta tags, the body in
  ``#artibody`` (older pages: ``div.article``);
- archived copies (Hexo posts) whose front matter holds title, date, author and
  categories, and whose body is the inner HTML of ``#artibody``.

Inside the body, sub-headlines are ``<p cms-style="… strong-Bold">`` (or bold
paragraphs), the editor is ``p.article-editor``, and the app QR block
``div.appendQr_wrap`` and keyword comments are page furniture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from monitor.dates import parse_datetime
from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.sites import _html, blocks

NAME = "sina"
LOCALITY = None  # a national outlet: the meeting's place comes from the text

_HOSTS = re.compile(r"(?:^|\.)(?:sina\.com\.cn|sina\.cn|sina\.com)$")
_SIGNATURE = re.compile(
    r'id=["\']artibody["\']|cms-style=|class=["\'](?:article-editor|show_author)["\']'
)
# A saved live page names its own URL (og:url, canonical) on a Sina host.
_OWN_URL = re.compile(r'content=["\']https?://[\w.]*\bsina\.com\.cn/[^"\']*\.s?html["\']')
# Each query with the words one of which every match holds in an attribute:
# a query whose words the markup lacks is not run (see _html.absent_words).
# An archived post has no #artibody, quotes or .date-source: 4 of its 8 queries go.
_BODY_XPATHS = tuple(
    (words, etree.XPath(path))
    for words, path in (
        (("artibody",), '//*[@id="artibody"]'),
        (("article",), '//div[@id="article"]'),
        (("article",), '//div[@class="article"]'),
        (("article-content",), '//div[contains(@class, "article-content")]'),
        # The mobile template (sina.cn): <section class="art_pic_card art_content">.
        (("art_content",), '//*[contains(@class, "art_content")]'),
        ((), "//body"),
    )
)
_QUOTE_WORDS = ("quote_",)
_QUOTES = etree.XPath('.//span[starts-with(@id, "quote_")]')
_EDITOR_WORDS = ("article-editor", "show_author")
_EDITOR_BLOCKS = etree.XPath(
    './/*[contains(@class, "article-editor") or contains(@class, "show_author")]'
)
_DATE_SOURCE_WORDS = ("date-source", "time-source", "top_bar")
_QUERY_WORDS = frozenset(
    (
        *(word for words, _ in _BODY_XPATHS for word in words),
        *_QUOTE_WORDS,
        *_EDITOR_WORDS,
        *_DATE_SOURCE_WORDS,
    )
)
_MAIN_TITLE = etree.XPath('//h1[contains(@class, "main-title")]')
_H1 = etree.XPath("//h1")
_TITLE = etree.XPath("//title")
# The date and source line: .date-source, or .time-source on older templates.
_DATE_SOURCE = (
    '//*[contains(@class, "date-source") or contains(@class, "time-source") or @id="top_bar"]'
)
_DATE = etree.XPath(_DATE_SOURCE + '//*[contains(concat(" ", @class, " "), " date ")]')
_SOURCE = etree.XPath(
    _DATE_SOURCE
    + '//*[contains(concat(" ", @class, " "), " source ") or @data-sudaclick="media_name"]'
)
_FURNITURE = (
    "appendQr_wrap",
    "article-editor",
    "show_author",
    "img_wrapper",
    "show_statement",
    "ct_hqimg",
    "article-notice",
    "otherContent_01",
    "finance_app_zqtg",
)
_FURNITURE_CLASS = re.compile("|".join(map(re.escape, _FURNITURE)))
_EDITOR = re.compile(r"(?:责任编辑|编辑)\s*[:：]\s*(\S+)")
_TITLE_SUFFIX = re.compile(r"\s*[_|｜-]\s*(?:新浪财经|新浪网|新浪新闻|手机新浪网).*$")
_SINA_OUTLET = "新浪财经"
# An archived body's own credit line names only the outlet: "来源：上海发布",
# "（文章来源：新华社）".
_OUTLET_CHARS = range(2, 21)
_CREDIT_END = ("", "）", ")")


def claims(document: Document) -> bool:
    """True when the URL, the archive's front matter or the markup say Sina."""
    host = urlsplit(document.url or "").hostname or ""
    if _HOSTS.search(host):
        return True
    hints = (*document.front_items("categories"), *document.front_items("author"))
    if any("新浪" in hint for hint in hints):
        return True
    if document.format == "text":
        return False
    return bool(_SIGNATURE.search(document.body) or _OWN_URL.search(document.body, 0, 65536))


def parse(document: Document) -> Article:
    """The article of a Sina page or archived Sina post."""
    root = _html.parse_html(document.body, NAME)
    absent = _html.absent_words(document.body, _QUERY_WORDS)
    body = _body(root, absent)
    # Sina injects live stock quotes after company names: "贝莱德(431.2, 7.37, 1.74%)".
    for quote in _run(_QUOTES, _QUOTE_WORDS, body, absent):
        _html.drop_tree(quote)
    found, credited = _paragraphs(body)
    paragraphs, headings = blocks.paragraphs_and_headings(found)
    if not paragraphs:
        raise ParseError(NAME, "parse failed: no article body (#artibody) found")
    meta = _html.head_metadata(root) if document.format == "html" else {}
    title = document.front("title") or _title(root, meta)
    if not title:
        raise ParseError(NAME, "parse failed: no title")
    return Article(
        site=NAME,
        title=_html.clean(title),
        paragraphs=paragraphs,
        headings=headings,
        published=_published(document, root, meta, absent),
        url=meta.get("link:canonical") or meta.get("og:url") or document.url,
        source_url=None,
        editor=_editor(body, absent),
        outlet=_first_text(root, _SOURCE, absent)
        or meta.get("mediaid")
        or credited
        or document.front("author")
        or _SINA_OUTLET,
    )


def _run(
    xpath: etree.XPath, words: tuple[str, ...], root: etree._Element, absent: frozenset[str]
) -> list[Any]:
    """What ``xpath`` finds, without running it when nothing can match."""
    if words and absent.issuperset(words):
        return []
    found = xpath(root)
    return found if isinstance(found, list) else []


def _first_text(root: etree._Element, xpath: etree.XPath, absent: frozenset[str]) -> str | None:
    """:func:`_html.first_text` of a query under ``.date-source``, when the page has one."""
    if absent.issuperset(_DATE_SOURCE_WORDS):
        return None
    return _html.first_text(root, xpath)


def _body(root: etree._Element, absent: frozenset[str]) -> etree._Element:
    for words, xpath in _BODY_XPATHS:
        found = _run(xpath, words, root, absent)
        if found and isinstance(found[0], etree._Element):  # noqa: SLF001
            return found[0]
    return root


def _editor(body: etree._Element, absent: frozenset[str]) -> str | None:
    for element in _run(_EDITOR_BLOCKS, _EDITOR_WORDS, body, absent):
        match = _EDITOR.search(_html.element_text(element))
        if match:
            return match.group(1)
    return None


def _is_furniture(element: etree._Element, known: dict[etree._Element, bool]) -> bool:
    """Whether ``element`` or an ancestor has a furniture class; ``known`` remembers answers.

    Paragraphs share their ancestors: asking each ancestor once, not once per
    paragraph, took a quarter of a Sina parse.
    """
    path: list[etree._Element] = []
    node: etree._Element | None = element
    found = False
    while node is not None:
        remembered = known.get(node)
        if remembered is not None:
            found = remembered
            break
        classes = node.get("class")
        if classes and _FURNITURE_CLASS.search(classes) is not None:
            found = True
            path.append(node)
            break
        path.append(node)
        node = node.getparent()
    for seen in path:
        known[seen] = found
    return found


def _paragraphs(body: etree._Element) -> tuple[list[blocks.Block], str | None]:
    """The body's paragraphs, and the outlet a 来源 line in it credits."""
    found: list[blocks.Block] = []
    credited = None
    known: dict[etree._Element, bool] = {}
    for element in body.iter("p"):
        if _is_furniture(element, known):
            continue
        text = _html.element_text(element)
        if not text or _html.is_boilerplate(text) or _is_caption(element, text):
            credited = credited or _credited(text)
            continue
        found.append(blocks.Block(text, _is_subhead(element)))
    if blocks.needs_blocks(body, sum(len(block.text) for block in found)):
        # Lists, tables, quotes, <br> lines, or paragraphs kept in <div>s.
        return _block_paragraphs(body, known), credited
    return found, credited


def _credited(text: str) -> str | None:
    found = _html.SOURCE_CREDIT.match(text) if "来源" in text else None
    if found and len(found[1]) in _OUTLET_CHARS and text[found.end() :] in _CREDIT_END:
        return found[1]
    return None


def _block_paragraphs(
    body: etree._Element, known: dict[etree._Element, bool]
) -> list[blocks.Block]:
    def skip(element: etree._Element) -> bool:
        if element.tag == "p" and _is_centred(element):
            text = _html.element_text(element)
            if _is_caption(element, text):
                return True
        return _is_furniture(element, known)

    return [
        block
        for block in blocks.block_texts(body, skip, _is_subhead)
        if not (_html.is_boilerplate(block.text) or _html.is_caption(block.text))
    ]


def _is_subhead(element: etree._Element) -> bool:
    return "strong-Bold" in (element.get("cms-style") or "") or _html.is_bold_block(element)


def _is_centred(element: etree._Element) -> bool:
    # cms-style="font-L align-Center", style="text-align:center", align="center".
    marks = (element.get("cms-style") or "") + (element.get("style") or "")
    return "enter" in marks or "enter" in (element.get("align") or "")


def _is_caption(element: etree._Element, text: str) -> bool:
    """A photo caption: a short centred line, or one crediting a photographer."""
    if _html.is_caption(text):
        return True
    return (
        len(text) <= _html.HEADING_MAX_CHARS and _is_centred(element) and not _is_subhead(element)
    )


def _title(root: etree._Element, meta: dict[str, str]) -> str | None:
    title = (
        _html.first_text(root, _MAIN_TITLE)
        or meta.get("og:title")
        or _html.first_text(root, _H1)
        or _html.first_text(root, _TITLE)
    )
    return _TITLE_SUFFIX.sub("", title) if title else None


def _published(
    document: Document, root: etree._Element, meta: dict[str, str], absent: frozenset[str]
) -> datetime | None:
    for text in _date_candidates(document, root, meta, absent):
        moment = parse_datetime(text) if text else None
        if moment is not None:
            return moment
    return None


def _date_candidates(
    document: Document, root: etree._Element, meta: dict[str, str], absent: frozenset[str]
) -> Iterator[str | None]:
    # Lazily, best first: the archive's front matter, then the page's creation
    # time. Sina's article:published_time moves when a page is republished
    # (news.sina.com.cn shows 04:04 while that meta says 06:52); the creation
    # meta matches the date the page shows, to the second.
    yield document.front("date")
    yield meta.get("weibo: article:create_at")
    yield _first_text(root, _DATE, absent)
    yield meta.get("article:published_time")
