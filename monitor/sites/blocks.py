"""Paragraphs of a body whose text is not (only) in ``<p>``: blocks, lists, tables, ``<br>``.

Site parsers read ``<p>`` elements on their fast path; when a body holds
more text than its ``<p>``s (WeChat ``<section>``s, ``<div>``s split by
``<br>``, lists, tables, Markdown paragraphs) they read it block by block
here instead. Pure functions on lxml trees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from monitor.sites._html import SKIP_TAGS, clean, infer_headings

_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "section", "article", "main", "blockquote", "center", "pre", "body"),
        *("ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure", "caption"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "figcaption", "hr"),
    }
)
_CELL_TAGS = frozenset({"td", "th"})
_SUBHEAD_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# A table row's or list item's text: never a sub-headline, however short.
_ITEM_TAGS = frozenset({"tr", "li", "dt", "dd"})
# Elements whose presence means the <p>s alone miss text.
_NOT_PARAGRAPH_TAGS = ("li", "tr", "blockquote", "br", "dd")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
# Loose text beyond this share of what the <p> blocks hold means the body is
# not (only) in <p>.
LOOSE_TEXT_SHARE = 1.25
LOOSE_TEXT_SLACK = 40

# All the text under a node, whitespace runs folded: evaluated in C by libxml2.
_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")

Judge = Callable[[etree._Element], bool]  # noqa: SLF001 - lxml's public element type


def _never(_element: etree._Element) -> bool:
    return False


def needs_blocks(root: etree._Element, in_paragraphs: int) -> bool:
    """Whether ``root`` must be read block by block rather than by its <p>s.

    So it must when it has lists, tables, quotes or line breaks, or much more
    text than the ``in_paragraphs`` characters of its <p>s.
    """
    if next(root.iter(*_NOT_PARAGRAPH_TAGS), None) is not None:
        return True
    total = float(_TEXT_LENGTH(root))
    for hidden in root.iter("script", "style", "noscript", "template"):
        total -= float(_TEXT_LENGTH(hidden))
    return total > in_paragraphs * LOOSE_TEXT_SHARE + LOOSE_TEXT_SLACK


class Block(NamedTuple):
    """One paragraph of a body: its text, marked as a sub-headline, from a row or list item."""

    text: str
    subhead: bool
    item: bool = False


@dataclass(slots=True)
class _Runs:
    """Text collected between block boundaries, and whether all of it was bold."""

    found: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    bold: bool = False
    plain: bool = False

    def add(self, text: str, *, bold: bool) -> None:
        self.parts.append(text)
        if text.strip():
            if bold:
                self.bold = True
            else:
                self.plain = True

    def flush(self, *, subhead: bool = False, item: bool = False) -> None:
        marked = subhead or (self.bold and not self.plain)
        for piece in _BLANK_LINE.split("".join(self.parts)):
            text = clean(_MD_HEADING.sub("", piece))
            if text:
                self.found.append(Block(text, marked or piece.lstrip().startswith("#"), item))
        self.parts.clear()
        self.bold = self.plain = False


@dataclass(frozen=True, slots=True)
class _Walk:
    runs: _Runs
    skip: Judge
    subhead: Judge

    def element(self, element: etree._Element, *, bold: bool, cell: bool) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS or self.skip(element):
            return
        # A table row is one paragraph: its cells, and any blocks inside them, are
        # separated by spaces rather than split apart.
        block = tag in _BLOCK_TAGS and not cell
        if block or (tag == "br" and not cell):
            self.runs.flush()
        elif tag in _CELL_TAGS or (cell and tag in _BLOCK_TAGS):
            self.runs.add(" ", bold=bold)
        bold = bold or tag in {"strong", "b"}
        cell = cell or tag in _CELL_TAGS
        if element.text:
            self.runs.add(element.text, bold=bold)
        for child in element:
            self.element(child, bold=bold, cell=cell)
            if child.tail:
                self.runs.add(child.tail, bold=bold)
        if block:
            subhead = tag in _SUBHEAD_TAGS or self.subhead(element)
            self.runs.flush(subhead=subhead, item=tag in _ITEM_TAGS)


def block_texts(root: etree._Element, skip: Judge = _never, subhead: Judge = _never) -> list[Block]:
    """The text runs of ``root`` split at blocks, ``<br>`` and blank lines.

    ``skip`` names elements whose content is page furniture; ``subhead`` marks
    blocks the site styles as sub-headlines (``<h2>``-``<h6>`` always are).
    """
    runs = _Runs()
    _Walk(runs, skip, subhead).element(root, bold=False, cell=False)
    runs.flush()
    return runs.found


def paragraphs_and_headings(found: list[Block]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The paragraphs' texts, and the sub-headlines among them (marked or inferred)."""
    texts = [block.text for block in found]
    marked = [index for index, block in enumerate(found) if block.subhead]
    items = [index for index, block in enumerate(found) if block.item]
    return tuple(texts), infer_headings(texts, marked, items)
