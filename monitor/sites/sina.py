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
from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree

from monitor.dates import parse_datetime
from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.sites import _html

NAME = "sina"
LOCALITY = None  # a national outlet: the meeting's place comes from the text

_HOSTS = re.compile(r"(?:^|\.)(?:sina\.com\.cn|sina\.cn|sina\.com)$")
_SIGNATURE = re.compile(r'id=["\']artibody["\']|cms-style=|class=["\']article-editor["\']')
_BODY_XPATHS = (
    '//*[@id="artibody"]',
    '//div[contains(@class, "article-content")]',
    '//div[@class="article"]',
    "//body",
)
_FURNITURE = (
    "appendQr_wrap",
    "article-editor",
    "img_wrapper",
    "show_statement",
    "ct_hqimg",
    "article-notice",
    "otherContent_01",
    "finance_app_zqtg",
)
_EDITOR = re.compile(r"(?:责任编辑|编辑)\s*[:：]\s*(\S+)")
_TITLE_SUFFIX = re.compile(r"\s*[_|｜-]\s*(?:新浪财经|新浪网|新浪新闻|手机新浪网).*$")
_SINA_OUTLET = "新浪财经"


def claims(document: Document) -> bool:
    """True when the URL, the archive's front matter or the markup say Sina."""
    host = urlsplit(document.url or "").hostname or ""
    if _HOSTS.search(host):
        return True
    hints = (*document.front_items("categories"), *document.front_items("author"))
    if any("新浪" in hint for hint in hints):
        return True
    return document.format != "text" and _SIGNATURE.search(document.body) is not None


def parse(document: Document) -> Article:
    """The article of a Sina page or archived Sina post."""
    root = _html.parse_html(document.body, NAME)
    body = _body(root)
    editor = _editor(body)
    paragraphs, marked = _paragraphs(body)
    if not paragraphs:
        raise ParseError(NAME, "parse failed: no article body (#artibody) found")
    title = document.front("title") or _title(root)
    if not title:
        raise ParseError(NAME, "parse failed: no title")
    return Article(
        site=NAME,
        title=_html.clean(title),
        paragraphs=tuple(paragraphs),
        headings=_html.infer_headings(paragraphs, marked),
        published=_published(document, root),
        url=_html.link_href(root, "canonical")
        or _html.meta_content(root, "og:url")
        or document.url,
        source_url=None,
        editor=editor,
        outlet=_outlet(document, root),
    )


def _body(root: etree._Element) -> etree._Element:
    for xpath in _BODY_XPATHS:
        found = root.xpath(xpath)
        if found:
            body: etree._Element = found[0]
            return body
    return root


def _editor(body: etree._Element) -> str | None:
    for element in body.xpath('.//*[contains(@class, "article-editor")]'):
        match = _EDITOR.search(_html.element_text(element))
        if match:
            return match.group(1)
    return None


def _is_furniture(element: etree._Element) -> bool:
    for ancestor in element.iterancestors():
        classes = ancestor.get("class") or ""
        if any(name in classes for name in _FURNITURE):
            return True
    return any(name in (element.get("class") or "") for name in _FURNITURE)


def _paragraphs(body: etree._Element) -> tuple[list[str], list[int]]:
    paragraphs: list[str] = []
    marked: list[int] = []
    for element in body.iter("p"):
        if _is_furniture(element):
            continue
        text = _html.element_text(element)
        if not text or _html.is_boilerplate(text):
            continue
        if "strong-Bold" in (element.get("cms-style") or "") or _html.is_bold_block(element):
            marked.append(len(paragraphs))
        paragraphs.append(text)
    return paragraphs, marked


def _title(root: etree._Element) -> str | None:
    title = (
        _html.first_text(root, '//h1[contains(@class, "main-title")]')
        or _html.meta_content(root, "og:title")
        or _html.first_text(root, "//h1")
        or _html.first_text(root, "//title")
    )
    return _TITLE_SUFFIX.sub("", title) if title else None


def _published(document: Document, root: etree._Element) -> datetime | None:
    candidates = (
        document.front("date"),
        _html.meta_content(root, "article:published_time", "weibo: article:create_at"),
        _html.first_text(root, '//*[contains(@class, "date-source")]//*[contains(@class, "date")]'),
        _html.first_text(root, '//*[@id="top_bar"]//*[contains(@class, "date")]'),
    )
    for candidate in candidates:
        if candidate:
            moment = parse_datetime(candidate)
            if moment is not None:
                return moment
    return None


def _outlet(document: Document, root: etree._Element) -> str:
    return (
        _html.first_text(
            root, '//*[contains(@class, "date-source")]//*[contains(@class, "source")]'
        )
        or _html.meta_content(root, "mediaid", "article:author")
        or document.front("author")
        or _SINA_OUTLET
    )
