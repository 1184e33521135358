"""看看新闻 Knews (kankanews.com) articles.

The form we have is the page saved as rendered text (what a browser's "save as
text" or a text-mode crawler keeps): app chrome, then the title on its own line,
then one line ``YYYY-MM-DD HH:MM[:SS] <outlet>``, then one line per paragraph,
then the 版权声明 / 关键词 lines, comments and a recommended-video list. The
date line anchors everything: the title is the last line above it and the body
runs from below it to the first line of page furniture.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from monitor.dates import parse_datetime
from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.sites import _html

NAME = "kankanews"
LOCALITY = "上海"  # a Shanghai outlet: "市委" in its reports means Shanghai's

_HOSTS = re.compile(r"(?:^|\.)kankanews\.com$")
_SIGNATURE = re.compile(r"看看新闻\s*(?:Knews|APP)|kankanews\.com", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)\s*(?:来源\s*[:：])?\s*(.*?)\s*$"
)
# Where the body ends: the first line of page furniture below it.
_BODY_END = re.compile(
    r"^\s*(?:版权声明|免责声明|关键词\s*[:：]|(?:全部|热门)?评论\s*$|请先登录|推荐视频|相关(?:新闻|阅读|视频))"
)
_EDITOR = re.compile(r"^\s*(?:责任编辑|编辑)\s*[:：]\s*(\S+)")
_CHROME = re.compile(r"^(?:⁺|登录|退出登录|个人中心|历史|收藏|订阅|点赞|分享|用手机看|时讯)$")
_OUTLET = "看看新闻Knews"


def claims(document: Document) -> bool:
    """True for Knews pages saved as text (by URL or by the Knews signature).

    The live HTML page is left to the generic parser: no real saved copy of it
    could be found to build and test a parser against.
    """
    if document.format != "text":
        return False
    host = urlsplit(document.url or "").hostname or ""
    return bool(_HOSTS.search(host) or _SIGNATURE.search(document.body))


def parse(document: Document) -> Article:
    """The article of a Knews page saved as text."""
    lines = document.body.split("\n")
    anchor = _date_line(lines)
    if anchor is None:
        raise ParseError(NAME, "parse failed: no 'date outlet' line under a title")
    match = _DATE_LINE.match(lines[anchor])
    assert match is not None  # noqa: S101 - _date_line just matched it
    title = _title(lines, anchor)
    if title is None:
        raise ParseError(NAME, "parse failed: no title above the date line")
    paragraphs, editor = _body(lines[anchor + 1 :])
    if not paragraphs:
        raise ParseError(NAME, "parse failed: no body below the date line")
    return Article(
        site=NAME,
        title=title,
        paragraphs=tuple(paragraphs),
        headings=_html.infer_headings(paragraphs),
        published=parse_datetime(match.group(1)),
        url=document.url,
        editor=editor,
        outlet=_html.clean(match.group(2)) or _OUTLET,
    )


def _date_line(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _DATE_LINE.match(line) and _title(lines, index) is not None:
            return index
    return None


def _title(lines: list[str], anchor: int) -> str | None:
    for line in reversed(lines[max(0, anchor - 5) : anchor]):
        text = _html.clean(line)
        if text and not _CHROME.match(text):
            return text
    return None


def _body(lines: list[str]) -> tuple[list[str], str | None]:
    paragraphs: list[str] = []
    editor = None
    for line in lines:
        if _BODY_END.match(line):
            break
        text = _html.clean(line)
        found = _EDITOR.match(text)
        if found:
            editor = found.group(1)
            continue
        if text and not _html.is_boilerplate(text):
            paragraphs.append(text)
    return paragraphs, editor
