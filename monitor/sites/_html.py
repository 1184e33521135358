"""What every site parser shares: an lxml tree, clean text, boilerplate and headings.

Pure functions; no site knowledge beyond what all Chinese news pages have in common.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from monitor.errors import ParseError

# lxml's own HTML parser, not lxml.html's: that one's element class lookup
# runs Python code for every element object made, ~1 µs each (iterating a
# post's 17 elements: 15 -> 2 µs). The trees are the same; only drop_tree
# below is lxml.html's.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "select"})

# Paragraphs that are page furniture, not the report. Each line is a kind of
# block found across Chinese news sites, matched at the paragraph's start
# unless the pattern says otherwise.
BOILERPLATE = re.compile(
    r"""^(?:
        [（(【\[]?\s*(?:责任编辑|责编|编辑|校对|审核|监制|主编|值班编辑|实习编辑)\s*[:：]  # credits
      | [（(]?\s*(?:文章|稿件|本文|信息|图片)?来源\s*[:：]        # source credits
      | [（(【\[]?\s*原标题\s*[:：]                              # the title it was syndicated under
      | 原创\s*[:：]                                            # WeChat repost bylines
      | 版权声明 | 免责声明 | 声明\s*[:：] | 新浪声明                # copyright and disclaimers
      | 关键词\s*[:：] | 标签\s*[:：] | 相关链接\s*[:：] | 附件\s*\d*\s*[:：]  # keywords, links
      | [（(]?\s*(?:资料|素材|图片|图文|视频|综合)\s*[:：／/].{0,30}$     # material credits
      | .{0,20}扫描?(?:下方|文末|下面|上方)二维码                  # "扫描下方二维码，关注…"
      | 海量资讯、精准解读                                      # Sina's app slogan
      | (?:全部|热门|最新)?评论\s*$ | 我要评论 | 请先登录 | 暂无评论   # comment prompts
      | (?:推荐|相关|热门)(?:视频|阅读|新闻|文章)\s*$               # recommendation lists
      | (?:返回|回到)(?:首页|顶部|列表)                             # back links
      | 点击(?:进入|查看|阅读|关注) | 点击.{0,6}阅读原文 | 阅读原文\s*$ | 【?我要纠错】?
      | 长按(?:识别|二维码) | (?:关注|欢迎关注).{0,12}(?:公众号|微信号)
    )""",
    re.VERBOSE,
)

# Bylines: an outlet maybe, a label, then names and further labels only (an
# interview's "记者：" question is a sentence, and stays).
_BYLINE = re.compile(
    r"""^[（(]?\s*[^\s，。,:：]{0,12}?(?:记者|作者|摄像|摄影|通讯员)\s*[:：／/]\s*
    (?:[\u4e00-\u9fff·\s、] | (?:编辑|责编|摄像|摄影|通讯员|实习生)\s*[:：]){2,60}[）)]?$""",
    re.VERBOSE,
)
BYLINE_MAX_CHARS = 80

# App promotion: a short line with no full stop ("扫码下载APP", "新浪财经APP 行情
# 资讯"); a sentence telling readers to open a service's app (随申办) is news.
_PROMO = re.compile(
    r"""^(?:
        .{0,20}(?:扫描?(?:下方)?二维码 | 扫一扫 | 扫码)
      | .{0,20}(?:下载|打开).{0,12}(?:APP|客户端)
      | [^，,]{0,12}(?:APP|客户端)(?:\s|$)
    )""",
    re.VERBOSE,
)
PROMO_MAX_CHARS = 40

# Sentence-final punctuation: a paragraph ending otherwise is a headline or a fragment.
_TERMINAL = "。！？!?…；;”’」』）)"
HEADING_MAX_CHARS = 80


def parse_html(markup: str, subject: str) -> etree._Element:
    """An lxml HTML tree of ``markup`` (a page or a fragment)."""
    try:
        root = etree.fromstring(markup, _PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(subject, f"parse failed: {exc}") from exc
    if root is None:  # lxml.html.document_fromstring's words
        raise ParseError(subject, "parse failed: Document is empty")
    return root


def drop_tree(element: etree._Element) -> None:
    """Remove ``element`` and its content, its tail text kept (lxml.html's drop_tree)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


# A character reference can spell any character, so it is the one way for a
# tree's attribute or text to hold an ASCII word its markup does not spell out.
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+))|&(?:lowbar|UnderBar|fjlig);?")
_LONGEST_CODE = 8  # digits; anything longer is out of range (U+FFFD), or treated as unsafe


def absent_words(markup: str, words: Iterable[str]) -> frozenset[str]:
    """The ``words`` (ASCII letters, digits, "-", "_") no attribute or text of markup's tree holds.

    A parser skips a query whose matches need an absent word: the substring
    test costs ~0.2 µs, an XPath query ~7 µs even on a small tree. Empty when
    a character reference in ``markup`` may spell an ASCII character.
    """
    for match in _REFERENCE.finditer(markup):
        digits = match[1] or match[2]
        if digits is None or len(digits) > _LONGEST_CODE:
            return frozenset()  # one of HTML5's three named references to ASCII
        character = chr(min(int(digits, 16 if match[1] else 10), 0x10FFFF))
        # Only a letter, digit, "-" or "_" can be part of a word (a style's
        # escaped "&#123;" braces cannot).
        if character.isascii() and (character.isalnum() or character in "-_"):
            return frozenset()
    return frozenset(word for word in words if word not in markup)


def clean(text: str) -> str:
    """Whitespace (including U+3000 indents and NBSP) folded and trimmed."""
    # str.split() splits on exactly what \s matches (str.isspace): the same
    # result as re.sub + strip, ~5x faster on a paragraph (18 -> 4 µs a page).
    return " ".join(text.split())


def element_text(element: etree._Element) -> str:
    """Visible text of an element, script and style content left out."""
    if not len(element):
        # A leaf, as six paragraphs in seven are: its own text is all there is
        # (a <br> leaf's "\n" would be trimmed by clean anyway).
        return "" if element.tag in SKIP_TAGS else clean(element.text or "")
    parts: list[str] = []
    _visible_text(element, parts)
    return clean("".join(parts))


def _visible_text(element: etree._Element, parts: list[str]) -> None:
    # Appending to one list, not chaining generators: a generator per element
    # cost more than the text it yielded.
    tag = element.tag
    if isinstance(tag, str) and tag in SKIP_TAGS:
        return
    if tag == "br":
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            _visible_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def is_boilerplate(paragraph: str) -> bool:
    """True for page furniture (editor, source, copyright, app and comment lines)."""
    if BOILERPLATE.match(paragraph) is not None:
        return True
    if len(paragraph) <= BYLINE_MAX_CHARS and _BYLINE.match(paragraph) is not None:
        return True
    return (
        len(paragraph) <= PROMO_MAX_CHARS
        and "。" not in paragraph
        and _PROMO.match(paragraph) is not None
    )


def is_bold_block(element: etree._Element) -> bool:
    """True when all of a block's text sits inside ``<strong>``/``<b>``: a sub-headline."""
    if not len(element):  # no children, so not bold: spares converting a paragraph's text again
        return False
    if (element.text or "").strip():
        return False
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return False
    for child in children:
        if child.tag not in {"strong", "b"} and not is_bold_block(child):
            return False
        if (child.tail or "").strip():
            return False
    return True


# Credit lines the parsers read a name from: the editor ("责任编辑：王洲",
# "【我要纠错】 责任编辑：王洲") and the outlet an article credits ("（文章来源：上海发布）").
EDITOR_CREDIT = re.compile(r"(?:责任编辑|责编|编辑)\s*[:：]\s*([^\s）)】]+)")
SOURCE_CREDIT = re.compile(r"^[（(]?\s*(?:文章|稿件|本文|信息)?来源\s*[:：]\s*([^\s）)]+)")

# A photo credit closes a caption ("新华社记者 申宏 摄") or opens it ("（图/视觉中国）").
_PHOTOGRAPHER = re.compile(
    r"(?:(?:记者|摄影|通讯员)\s*[\u4e00-\u9fff·]{2,4}(?:[\s、][\u4e00-\u9fff·]{2,4})*\s*"
    r"|[\u4e00-\u9fff·]{2,4}\s+)摄[）)]?$"
)
_PICTURE_CREDIT = re.compile(r"[（(]?\s*图(?:片)?(?:来源)?\s*[:：／/]")
CAPTION_MAX_CHARS = 120


def is_caption(paragraph: str) -> bool:
    """True for a photo caption: a short paragraph with its photographer's credit."""
    if len(paragraph) > CAPTION_MAX_CHARS:
        return False
    if paragraph.endswith(("摄", "摄）", "摄)")):
        # Searched from near the end: the credit is the caption's last few words.
        return _PHOTOGRAPHER.search(paragraph, max(0, len(paragraph) - 40)) is not None
    return _PICTURE_CREDIT.match(paragraph) is not None


# A line of a schedule or list ("10月1日 19:30 开幕式演出"), not a headline.
_TABLE_ROW_SPACES = 2
_DATED_LINE = re.compile(r"\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}|\d{4}[-/.年]")


def looks_like_heading(paragraph: str) -> bool:
    """A short paragraph with no sentence-final punctuation reads as a sub-headline."""
    return (
        0 < len(paragraph) <= HEADING_MAX_CHARS
        and paragraph[-1] not in _TERMINAL
        and not paragraph.endswith((":", "："))
        and _DATED_LINE.match(paragraph) is None
        and paragraph.count(" ") < _TABLE_ROW_SPACES  # a table row's cells
    )


def infer_headings(
    paragraphs: list[str], marked: Iterable[int] = (), items: Iterable[int] = ()
) -> tuple[str, ...]:
    """Sub-headlines among ``paragraphs``: marked bold by the page, or reading as headlines.

    The first paragraph (the lead) and the last (nothing follows it) are never
    inferred, only taken when the page marks them; nor are table rows and list
    ``items``.
    """
    chosen = set(marked)
    never = set(items)
    for index in range(1, len(paragraphs) - 1):
        if index not in never and looks_like_heading(paragraphs[index]):
            chosen.add(index)
    return tuple(paragraphs[index] for index in sorted(chosen) if index < len(paragraphs))


def head_metadata(root: etree._Element) -> dict[str, str]:
    """``<meta>`` contents by name/property/itemprop, and ``<link>`` hrefs as ``link:REL``.

    One pass over the tree: parsers ask for several keys, and an XPath query
    per key cost more than the whole rest of a Sina parse.
    """
    found: dict[str, str] = {}
    for element in root.iter("meta", "link"):
        if element.tag == "meta":
            key = element.get("property") or element.get("name") or element.get("itemprop")
            value = element.get("content")
        else:
            key = f"link:{element.get('rel') or ''}"
            value = element.get("href")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), clean(value))
    return found


def first_text(root: etree._Element, xpath: etree.XPath) -> str | None:
    """Visible text of the first element a compiled ``xpath`` finds, if it has any."""
    result = xpath(root)
    if not isinstance(result, list):
        return None
    for element in result:
        if isinstance(element, etree._Element):  # noqa: SLF001 - lxml's public element type
            text = element_text(element)
            if text:
                return text
    return None
