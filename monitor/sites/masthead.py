"""The lines a page prints above its story: headline, date, outlet.

Extractors that read a whole page (trafilatura, a text snapshot) return them
as the first paragraphs; left there they hide the lead from the meeting
rules and split the content hash of one story seen at two outlets. Pure
functions on paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.sites import _html

# 2024-03-01 21:18 来源：新华社 / 2024年03月01日 21:18 新华社 / 2022-06-13 19:20:00
_DATE_LINE = re.compile(
    r"^(?:发布时间\s*[:：]\s*)?(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)\s*(.{0,40})$"
)
_SOURCE_LABEL = re.compile(r"^(?:来源|稿源|信息来源|文章来源)\s*[:：]\s*")
# What may follow the outlet on a date line: an author, an editor, page tools.
_AFTER_OUTLET = re.compile(r"\s+(?:作者|记者|编辑|责编|字号|浏览|阅读|点击)\S*.*$")
# A line that can only be an outlet or a section label: short, no punctuation.
_LABEL = re.compile(r"^[^，。、；！？,;!?：:“”]{2,16}$")
MAX_LINES = 6


@dataclass(frozen=True, slots=True)
class Masthead:
    """What the lines above the story said, and where the story starts."""

    start: int = 0
    date: str | None = None
    outlet: str | None = None


def read(paragraphs: list[str], title: str) -> Masthead:
    """The masthead among the first few ``paragraphs`` of a page titled ``title``.

    Stops at the first paragraph that is none of: a piece of the headline, a
    date line, a source line, a short label. Nothing is taken unless a story
    paragraph follows.
    """
    headline = _html.clean(title).replace(" ", "")
    date = outlet = label = None
    for index, paragraph in enumerate(paragraphs[:MAX_LINES]):
        compact = paragraph.replace(" ", "")
        if compact and compact in headline:
            continue
        found = _DATE_LINE.match(paragraph)
        if found:
            date = date or found.group(1)
            outlet = outlet or _outlet(found.group(2))
            continue
        if _SOURCE_LABEL.match(paragraph) and len(paragraph) <= _html.HEADING_MAX_CHARS // 2:
            outlet = outlet or _outlet(paragraph)
            continue
        if _LABEL.match(paragraph) and index + 1 < len(paragraphs):
            label = label or paragraph
            continue
        return Masthead(index, date, outlet or label)
    return Masthead()


def _outlet(text: str) -> str | None:
    name = _AFTER_OUTLET.sub("", _SOURCE_LABEL.sub("", _html.clean(text)))
    return name or None
