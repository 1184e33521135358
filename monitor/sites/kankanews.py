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
from dataclasses import dataclass
from urllib.parse import urlsplit

from monitor.dates import parse_datetime
from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.sites import _html

NAME = "kankanews"
LOCALITY = "上海"  # a Shanghai outlet: "市委" in its reports means Shanghai's

_HOSTS = re.compile(r"(?:^|\.)kankanews\.com$")
_SIGNATURE = re.compile(r"看看新闻\s*(?:Knews|APP)|kankanews\.com", re.IGNORECASE)
# The line under the title: a date (2024-09-02 18:30:00, 2024/09/02, 2024年09月02日
# 18:30), maybe a label before it, and the outlet (maybe with an author) after it.
_DATE_LINE = re.compile(
    r"""^\s*(?:发布时间\s*[:：]\s*)?(?P<before>[^\d\s，。]{2,14}\s+)?
    (?P<when>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)
    (?:\s+(?:来源\s*[:：]\s*)?(?P<after>[^，。,]{0,30}?))?\s*$""",
    re.VERBOSE,
)
# Where the body ends: the first line of page furniture below it. Not every
# page has the 版权声明 line (only exclusives do) or a bare 评论 heading (a
# count may follow it), so the comment box, the recommendation lists and the
# site footer each end the body too.
_BODY_END = re.compile(
    r"""^\s*(?:版权声明|免责声明|关键词\s*[:：]
      | (?:全部|热门|最新)?评论\s*[(（]?\d*[)）]?\s*$ | 发表评论 | 请先登录 | 暂无评论
      | (?:推荐|相关|热门|精彩)(?:视频|新闻|阅读|推荐)\s*$ | 猜你喜欢 | 看全部\s*$
      | 看看新闻\s*$ | [•·]\s*关于我们 | 关于我们\s*$ | Copyright | 举报电话 | 沪ICP备)""",
    re.VERBOSE | re.IGNORECASE,
)
# A video player's controls, as rendered text: times, "/", buttons, speeds.
_PLAYER = re.compile(
    r"^(?:\d{1,2}:\d{2}(?::\d{2})?|/|播放|暂停|重播|倍速|全屏|退出全屏|静音|\d(?:\.\d+)?[xX倍]"
    r"|清晰度|标清|高清|超清|自动|画中画)$"
)
# A recommended video's byline under its headline: "时讯2025/12/15".
_LIST_META = re.compile(r"^\S{0,12}\d{4}/\d{1,2}/\d{1,2}$")
_RUNNING_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_CREDIT_LINE_MAX_CHARS = 40
# What may follow the outlet: an author or an editor.
_CREDIT_TAIL = re.compile(r"\s*(?:作者|记者|编辑|责编)\s*[:：].*$")
# A line under a date line that names the outlet rather than starting the body.
_OUTLET_LINE = re.compile(r"^(?:来源\s*[:：]\s*)?[^，。、；！？,;!?]{2,16}$")
# The body's first paragraph is a sentence, not a list item's headline.
_LEAD_MIN_CHARS = 40
_SENTENCE_END = "。！？!?…”"
_CHROME = re.compile(r"^(?:⁺|登录|退出登录|个人中心|历史|收藏|订阅|点赞|分享|用手机看|时讯)$")
# A subtitle line under the headline: "——研究部署…".
_SUBTITLE = re.compile(r"^[—–-]{1,2}")
_OUTLET = "看看新闻Knews"


@dataclass(frozen=True, slots=True)
class _Anchor:
    """The date line: where it is, its time, the outlet it names, where the body starts."""

    index: int
    when: str
    outlet: str | None
    editor: str | None
    start: int


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
    title = _title(lines, anchor.index)
    if title is None:
        raise ParseError(NAME, "parse failed: no title above the date line")
    paragraphs, editor = _body(lines[anchor.start :])
    if not paragraphs:
        raise ParseError(NAME, "parse failed: no body below the date line")
    return Article(
        site=NAME,
        title=title,
        paragraphs=tuple(paragraphs),
        headings=_html.infer_headings(paragraphs),
        published=parse_datetime(anchor.when),
        url=document.url,
        editor=editor or anchor.editor,
        outlet=anchor.outlet or _OUTLET,
    )


def _date_line(lines: list[str]) -> _Anchor | None:
    """The article's date line: under a title, above a body that starts with a sentence.

    A page may list other stories with their times above the article (a
    "24 hours" box); their date lines carry a headline, not a body.
    """
    first = None
    for index, line in enumerate(lines):
        match = _DATE_LINE.match(line)
        if match is None or _title(lines, index) is None:
            continue
        anchor = _anchor(lines, index, match)
        if _is_sentence(_lead(lines, anchor.start)):
            return anchor
        first = first or anchor
    return first


def _lead(lines: list[str], start: int) -> str:
    """The first line of the body that is not a video player's controls."""
    for line in lines[start : start + 12]:
        text = _html.clean(line)
        if text and not _PLAYER.match(text):
            return text
    return ""


def _is_sentence(line: str) -> bool:
    if _DATE_LINE.match(line):
        return False
    return len(line) >= _LEAD_MIN_CHARS or (bool(line) and line[-1] in _SENTENCE_END)


def _anchor(lines: list[str], index: int, match: re.Match[str]) -> _Anchor:
    """The outlet named with the date (after it, before it, or alone on the next line)."""
    named = _html.clean(match["after"] or "") or _html.clean(match["before"] or "")
    start = index + 1
    if not named:
        for below in range(index + 1, min(index + 3, len(lines))):
            line = _html.clean(lines[below])
            if line and _OUTLET_LINE.match(line) and not _BODY_END.match(line):
                named, start = line.removeprefix("来源").lstrip(":： "), below + 1
            if line:
                break
    editor = _html.EDITOR_CREDIT.search(named)
    outlet = _CREDIT_TAIL.sub("", named) or None
    return _Anchor(index, match["when"], outlet, editor[1] if editor else None, start)


def _title(lines: list[str], anchor: int) -> str | None:
    """The line above the date line, or above that when it is a subtitle."""
    for line in reversed(lines[max(0, anchor - 6) : anchor]):
        text = _html.clean(line)
        if text and not _CHROME.match(text) and not _SUBTITLE.match(text):
            return text
    return None


def _body(lines: list[str]) -> tuple[list[str], str | None]:
    paragraphs: list[str] = []
    editor = None
    for index, line in enumerate(lines):
        text = _html.clean(line)
        if _BODY_END.match(text) or _listed_video(text, lines[index + 1 : index + 4]):
            break
        if not text or _PLAYER.match(text):
            continue
        if len(text) <= _CREDIT_LINE_MAX_CHARS and (found := _html.EDITOR_CREDIT.search(text)):
            editor = found[1]
        if not (_html.is_boilerplate(text) or _html.is_caption(text)):
            paragraphs.append(text)
    return paragraphs, editor


def _listed_video(text: str, below: list[str]) -> bool:
    """A recommended video: its running time, its headline, then its channel and date."""
    if not _RUNNING_TIME.match(text):
        return False
    return any(_LIST_META.match(_html.clean(line)) for line in below)
