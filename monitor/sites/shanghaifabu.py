"""上海发布 (Shanghai Release) articles as mirrored by finance-news archives.

The mirror keeps each article as a Jekyll post: front matter (title, date with
offset, ``categories: shanghaifabu``), the article's HTML paragraphs with
``<p><strong>…</strong></p>`` sub-headlines, a ``p.em_media`` credit line
``（文章来源：上海发布）``, then Markdown: an autolink to the share page the text
was taken from (the original source) and ``[返回…](…)`` back links.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from monitor.dates import parse_datetime
from monitor.errors import ParseError
from monitor.model import Article, Document
from monitor.sites import _html, blocks

NAME = "shanghaifabu"
LOCALITY = "上海"

_HINT = re.compile(r"shanghaifabu|上海发布")
_AUTOLINK = re.compile(r"^\s*<(https?://[^>\s]+)>\s*$", re.MULTILINE)
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]+)\)")
_MD_LINE = re.compile(r"^\s*(?:\[[^\]\n]*\]\([^)\s]+\)\s*[｜|·]?\s*)+$", re.MULTILINE)
# The outlet's credit line opens its paragraph: "（文章来源：上海发布）"; a
# picture's credit (图片来源) names the photo agency, not the outlet.
# A credit line opens with its label; a sentence that names an editor is text.
_EDITOR = re.compile(r"^[（(]?\s*" + _html.EDITOR_CREDIT.pattern)
_H1 = etree.XPath("//h1")
_ORIGINAL_LINK = re.compile(r"阅读原文|原文链接|查看原文|原文地址")
# A credit line is short; a long paragraph that mentions 来源 is body text.
_CREDIT_MAX_CHARS = 30


def claims(document: Document) -> bool:
    """True for mirrored posts categorised or tagged as 上海发布."""
    hints = (
        *document.front_items("categories"),
        *document.front_items("category"),
        *document.front_items("tags"),
    )
    return any(_HINT.search(hint) for hint in hints)


def parse(document: Document) -> Article:
    """The article of a mirrored 上海发布 post."""
    source_url = _source_url(document.body, document.url)
    markup = _drop_lines(_MD_LINE, "[", _drop_lines(_AUTOLINK, "<http", document.body))
    root = _html.parse_html(markup, NAME)
    found, outlet, editor = _paragraphs(root)
    paragraphs, headings = blocks.paragraphs_and_headings(found)
    if not paragraphs:
        raise ParseError(NAME, "parse failed: no paragraphs in the post body")
    title = document.front("title") or _html.first_text(root, _H1)
    if not title:
        raise ParseError(NAME, "parse failed: no title")
    date = document.front("date")
    return Article(
        site=NAME,
        title=_html.clean(title),
        paragraphs=paragraphs,
        headings=headings,
        published=parse_datetime(date) if date else None,
        url=document.url,
        source_url=source_url,
        editor=editor,
        outlet=outlet or "上海发布",
    )


def _earliest_line(text: str, literal: str) -> int | None:
    r"""A line start no match of a ``^\s*literal…`` MULTILINE pattern starts before.

    None when ``literal`` is nowhere in ``text``. Such a pattern makes the
    regex engine try a match at every position of the post; starting at the
    line of the first ``literal`` skips the HTML before the Markdown links
    (a corpus post's autolink and link lines: 76 -> 17 µs).
    """
    found = text.find(literal)
    if found < 0:
        return None
    start = found
    while start > 0 and text[start - 1].isspace():  # ^\s* may span blank lines
        start -= 1
    if start == 0:
        return 0
    # The first line start among that whitespace, else the line's own start.
    newline = text.find("\n", start, found)
    return newline + 1 if newline >= 0 else text.rfind("\n", 0, start) + 1


def _drop_lines(pattern: re.Pattern[str], literal: str, text: str) -> str:
    r"""``pattern.sub("", text)`` for a pattern whose matches start ``^\s*literal``."""
    start = _earliest_line(text, literal)
    if start is None:
        return text
    # ^ matches at a slice's start as it does at a line start of the text.
    return text[:start] + pattern.sub("", text[start:])


def _source_url(body: str, base: str | None) -> str | None:
    start = _earliest_line(body, "<http")
    found = _AUTOLINK.search(body, start) if start is not None else None
    if found:
        return found.group(1)
    # Without the autolink, only a link that says it is the original; the
    # body's other links (a map, a policy text) point elsewhere.
    for match in _MD_LINK.finditer(body):
        if _ORIGINAL_LINK.search(match.group(1)):
            return urljoin(base, match.group(2)) if base else match.group(2)
    return None


def _paragraphs(root: etree._Element) -> tuple[list[blocks.Block], str | None, str | None]:
    """The body's paragraphs, the credited outlet and the editor."""
    found: list[blocks.Block] = []
    found_credits: dict[str, str] = {}
    for block in _blocks(root):
        text = block.text
        if _credit(text, found_credits) or not text or _html.is_boilerplate(text):
            continue
        if _html.is_caption(text):
            continue
        found.append(block)
    return found, found_credits.get("outlet"), found_credits.get("editor")


def _blocks(root: etree._Element) -> list[blocks.Block]:
    """(text, sub-headline) of each paragraph: the <p>s, or every block when text lies outside them.

    WeChat articles keep paragraphs in <section>s and some mirrors keep the
    Markdown paragraphs of the original. The credit lines come last.
    """
    found: list[blocks.Block] = []
    media: list[blocks.Block] = []
    for element in root.iter("p", "h2", "h3", "h4"):
        text = _html.element_text(element)
        if "em_media" in (element.get("class") or ""):
            media.append(blocks.Block(text, subhead=False))  # a credit, or a picture's line
        elif not _is_centred_caption(element, text):
            subhead = element.tag != "p" or _html.is_bold_block(element)
            found.append(blocks.Block(text, subhead))
    if blocks.needs_blocks(root, sum(len(block.text) for block in found)):
        return blocks.block_texts(root, _is_centred_caption)
    return found + media


def _is_centred_caption(element: etree._Element, text: str | None = None) -> bool:
    """A short centred line that is not bold: the caption under a picture.

    ``text`` is the element's text when the caller has it already.
    """
    if element.tag != "p" or "center" not in (element.get("style") or ""):
        return False
    text = _html.element_text(element) if text is None else text
    return len(text) <= _html.HEADING_MAX_CHARS and not _html.is_bold_block(element)


def _credit(text: str, found_credits: dict[str, str]) -> bool:
    """Whether ``text`` is a credit line; what it names goes into ``found_credits``."""
    editor = _EDITOR.match(text)
    if editor:
        found_credits["editor"] = editor.group(1)
        return True
    outlet = _html.SOURCE_CREDIT.match(text) if "来源" in text else None
    if outlet and len(text) < _CREDIT_MAX_CHARS:
        found_credits["outlet"] = outlet.group(1)
        return True
    return False
