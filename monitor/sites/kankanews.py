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
# Where the body ends: the first line of page furniture below it. Not every
# page has the 版权声明 line (only exclusives do) or a bare 评论 heading (a
# count may follow it), so the comment box, the recommendation lists, a
# video's running time and the site footer each end the body too.
_BODY_END = re.compile(
    r"""^\s*(?:版权声明|免责声明|关键词\s*[:：]
      | (?:全部|热门|最新)?评论\s*[(（]?\d*[)）]?\s*$ | 发表评论 | 请先登录 | 暂无评论
      | (?:推荐|相关|热门|精彩)(?:视频|新闻|阅读|推荐)\s*$ | 猜你喜欢 | 看全部\s*$
      | \d{1,2}:\d{2}(?::\d{2})?\s*$                    # a listed video's running time
      | 看看新闻\s*$ | [•·]\s*关于我们 | 关于我们\s*$ | Copyright | 举报电话 | 沪ICP备)""",
    re.VERBOSE | re.IGNORECASE,
)
_EDITOR = re.compile(r"^\s*[（(]?\s*(?:责任编辑|责编|编辑)\s*[:：]\s*([^\s）)]+)")
# What may follow the date on its line: the outlet, and maybe an author.
_CREDIT_TAIL = re.compile(r"\s+(?:作者|记者|编辑|责编)\s*[:：].*$")
# A line under a date line that names the outlet rather than starting the body.
_OUTLET_LINE = re.compile(r"^(?:来源\s*[:：]\s*)?[^，。、；！？,;!?]{2,16}$")
# The body's first paragraph is a sentence, not a list item's headline.
_LEAD_MIN_CHARS = 40
_SENTENCE_END = "。！？!?…”"
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
    outlet, start = _outlet(lines, anchor, match.group(2))
    paragraphs, editor = _body(lines[start:])
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
        outlet=outlet or _OUTLET,
    )


def _date_line(lines: list[str]) -> int | None:
    """The article's date line: under a title, above a body that starts with a sentence.

    A page may list other stories with their times above the article (a
    "24 hours" box); their date lines carry a headline, not a body.
    """
    first = None
    for index, line in enumerate(lines):
        match = _DATE_LINE.match(line)
        if match is None or _title(lines, index) is None:
            continue
        _, start = _outlet(lines, index, match.group(2))
        lead = next((text for line in lines[start : start + 4] if (text := _html.clean(line))), "")
        if _is_sentence(lead) and not _DATE_LINE.match(lead):
            return index
        first = index if first is None else first
    return first


def _is_sentence(line: str) -> bool:
    return len(line) >= _LEAD_MIN_CHARS or (bool(line) and line[-1] in _SENTENCE_END)


def _outlet(lines: list[str], anchor: int, tail: str) -> tuple[str | None, int]:
    """The outlet named with the date, and the index of the body's first line.

    The outlet follows the date on its line, or (on pages with a video
    player) stands alone on the next one.
    """
    outlet = _CREDIT_TAIL.sub("", _html.clean(tail))
    if outlet:
        return outlet, anchor + 1
    for index in range(anchor + 1, min(anchor + 3, len(lines))):
        line = _html.clean(lines[index])
        if not line:
            continue
        if _OUTLET_LINE.match(line) and not _BODY_END.match(line):
            return _CREDIT_TAIL.sub("", line.removeprefix("来源").lstrip(":： ")), index + 1
        break
    return None, anchor + 1


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
        text = _html.clean(line)
        if _BODY_END.match(text):
            break
        found = _EDITOR.match(text)
        if found:
            editor = found.group(1)
            continue
        if text and not _html.is_boilerplate(text):
            paragraphs.append(text)
    return paragraphs, editor
