"""The fast paths of extraction give what the plain definitions they replaced give.

Each test keeps the earlier, obviously-correct form of a function as a reference
and compares it with the optimized one on generated input, including the
characters that make the fast paths step aside (markup, entities, NUL,
full-width and zero-width characters, combining marks).
"""

# ruff: noqa: SLF001 - the fast paths and their fallbacks are private helpers

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from monitor import meeting_dates, meetings, text
from monitor import meeting_rules as rules
from monitor.model import PARAGRAPH_BREAK
from monitor.simhash import simhash_of_key
from monitor.sites import _html, shanghaifabu, sina

# Characters the cleaning steps treat specially, mixed into ordinary Chinese text.
_SPECIAL = (
    "<>&;#x \n\t\u3000\u00a0\u200b\u200d\u2060\ufeff"
    "\ufe60\ufe64\uff06\uff1c\uff0c\uff21\u0301\u00e9\x00"
)
_CHARS = st.sampled_from(_SPECIAL + "会议指出要做好工作市委常委amp lt gt 12")
_TEXTS = st.text(_CHARS, max_size=40)


# --- monitor.text ------------------------------------------------------------

_OLD_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_OLD_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_OLD_DIRTY = re.compile("[<&\u200b-\u200d\u2060\ufeff\uff01-\uff5e\u3000]")


def _old_nfkc(value: str) -> str:
    for char in set(_OLD_FULL_WIDTH.findall(value)):
        value = value.replace(char, text._FULL_WIDTH_MAP[char])
    if unicodedata.is_normalized("NFKC", value):
        return value
    return unicodedata.normalize("NFKC", value)


def _old_hash_key(value: str) -> str:
    while _OLD_DIRTY.search(value) is not None or not unicodedata.is_normalized("NFKC", value):
        cleaned = _old_nfkc(_OLD_INVISIBLE.sub("", text.strip_markup(value)))
        if cleaned == value:
            break
        value = cleaned
    return "".join(value.split())


def _old_article_identity(paragraphs: list[str]) -> tuple[str, int, tuple[int, ...]]:
    key = _old_hash_key(PARAGRAPH_BREAK.join(paragraphs))
    found: dict[int, None] = {}
    for paragraph in paragraphs:
        part = _old_hash_key(paragraph)
        if len(part) >= text.MIN_PARAGRAPH_KEY:
            digest = hashlib.sha256(part.encode("utf-8")).digest()
            found[int.from_bytes(digest[:8], "big", signed=True)] = None
    content = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return content, simhash_of_key(key), tuple(found)


@settings(max_examples=400)
@given(_TEXTS)
def test_hash_key_is_the_plain_definition(value: str) -> None:
    assert text.hash_key(value) == _old_hash_key(value)


@settings(max_examples=400)
@given(st.lists(_TEXTS, max_size=6))
def test_article_identity_is_the_plain_definition(paragraphs: list[str]) -> None:
    assert text.article_identity(paragraphs) == _old_article_identity(paragraphs)


_PLAIN_CHINESE = st.text(st.sampled_from("会议，指出（要）\u200b\u3000ＡＢ１ é"), max_size=30)


@given(st.lists(_PLAIN_CHINESE, max_size=6))
def test_article_identity_of_plain_chinese_paragraphs(paragraphs: list[str]) -> None:
    # The common case: full-width punctuation and nothing that spans paragraphs.
    assert text.article_identity(paragraphs) == _old_article_identity(paragraphs)


# --- monitor.sites._html -------------------------------------------------------

_OLD_SPACE = re.compile(r"\s+")


@given(st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\u00a0\u2028\u3000\u200b会a"), max_size=30))
def test_clean_folds_what_the_regex_folded(value: str) -> None:
    assert _html.clean(value) == _OLD_SPACE.sub(" ", value).strip()


def _old_element_text(element: etree._Element) -> str:
    parts: list[str] = []
    _html._visible_text(element, parts)
    return _OLD_SPACE.sub(" ", "".join(parts)).strip()


_FRAGMENTS = st.lists(
    st.sampled_from(
        (
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<br>",
            "<script>x</script>",
            "<style>y</style>",
            "会议",
            " ",
            "\n",
        )
    ),
    max_size=12,
)


@given(_FRAGMENTS)
def test_element_text_of_leaves_and_trees(parts: list[str]) -> None:
    root = _html.parse_html("<div>" + "".join(parts) + "</div>", "test")
    for element in root.iter():
        assert _html.element_text(element) == _old_element_text(element)


_WORDS = ("artibody", "quote_", "top_bar", "date-source")
_ATTRIBUTE_PIECES = st.lists(
    st.sampled_from(
        (
            *("arti", "body", "quote", "_", "&#95;", "&lowbar;", "&#x62;", "&#98", "date"),
            *("-", "&#45;", "source", "top", "bar", "&amp;", "&#123;", "&#x4e00;", "x"),
        )
    ),
    max_size=6,
)


@settings(max_examples=300)
@given(_ATTRIBUTE_PIECES, _ATTRIBUTE_PIECES)
def test_absent_words_are_absent_from_the_tree(id_value: list[str], class_value: list[str]) -> None:
    markup = f'<div id="{"".join(id_value)}" class={"".join(class_value)}>t</div>'
    absent = _html.absent_words(markup, _WORDS)
    root = _html.parse_html(markup, "test")
    values = [value for element in root.iter() for value in element.attrib.values()]
    for word in absent:
        assert not any(word in value for value in values), (word, values)


# --- monitor.sites.shanghaifabu --------------------------------------------------

_LINES = st.lists(
    st.sampled_from(
        (
            *("<p>正文</p>", "", "  ", "\t", "<http://a.cn/x?y=1>", " <https://b.cn/z> "),
            *("[返回](//c.cn/)", "[返回首页](//c.cn/)｜[更多](x)", "正文 [链接](y) 正文"),
            *("<a>", "[", "<http"),
        )
    ),
    max_size=8,
)


@settings(max_examples=300)
@given(_LINES, st.sampled_from(["\n", "\n\n", " \n"]))
def test_dropped_lines_are_what_sub_drops(lines: list[str], joiner: str) -> None:
    body = joiner.join(lines)
    for pattern, literal in ((shanghaifabu._AUTOLINK, "<http"), (shanghaifabu._MD_LINE, "[")):
        assert shanghaifabu._drop_lines(pattern, literal, body) == pattern.sub("", body)
    found = shanghaifabu._AUTOLINK.search(body)
    if found is not None:
        assert shanghaifabu._source_url(body, None) == found.group(1)


# --- monitor.meetings ------------------------------------------------------------

_OLD_DATE_TOKEN = re.compile(
    r"(?<![\d至到—－~-])(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})[日号]"
    r"(?:[至到—－~-](?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}[日号])?"
    r"|(?P<same>当[天日])"
    r"|(?P<rel>今[天日晚晨早]|昨[天日晚]|前天)"
    r"|(?P<wk>[本上这])?(?:周|星期)(?P<wd>[一二三四五六日天])"
)
_MEETING_CHARS = "2025年12月3日号今天昨晚前天当本周三星期日上至-１２。，！\n会议"
_MEETING_TEXT = st.text(st.sampled_from(_MEETING_CHARS), max_size=40)


@settings(max_examples=400)
@given(_MEETING_TEXT)
def test_date_tokens_are_what_the_plain_pattern_finds(value: str) -> None:
    def spans(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
        return [(m.span(), m.groupdict()) for m in pattern.finditer(value)]

    assert spans(meeting_dates.DATE_TOKEN) == spans(_OLD_DATE_TOKEN)


@settings(max_examples=400)
@given(_MEETING_TEXT, st.integers(0, 45), st.integers(0, 50))
def test_sentence_start_is_after_the_last_mark(value: str, pos: int, reach: int) -> None:
    pos = min(pos, len(value))
    for marks in ("。！？!?\n", rules.CLAUSE_MARKS):
        floor = max(0, pos - reach)
        expected = max(floor - 1, *[value.rfind(mark, floor, pos) for mark in marks]) + 1
        assert meetings._start(value, pos, marks, reach) == expected


def test_html_unescape_still_spans_paragraphs() -> None:
    # An entity split by a paragraph break must take the slow path, as before.
    paragraphs = ["会议&am", "p;指出要做好工作"]
    assert text.article_identity(paragraphs) == _old_article_identity(paragraphs)
    assert html.unescape("&amp;") == "&"


def _old_is_bold_block(element: etree._Element) -> bool:
    if (element.text or "").strip():
        return False
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return False
    for child in children:
        if child.tag not in {"strong", "b"} and not _old_is_bold_block(child):
            return False
        if (child.tail or "").strip():
            return False
    return True


@given(_FRAGMENTS)
def test_bold_blocks_are_what_they_were(parts: list[str]) -> None:
    root = _html.parse_html("<div>" + "".join(parts) + "</div>", "test")
    for element in root.iter():
        assert _html.is_bold_block(element) == _old_is_bold_block(element)


def test_every_skippable_sina_query_names_its_words() -> None:
    # A query is skipped when none of its words is in the markup: an XPath edited
    # without its words would be skipped on pages it matches. Each word must be
    # one of the query's own quoted literals (a whole value or its start).
    guarded = [
        *sina._BODY_XPATHS,
        (sina._QUOTE_WORDS, sina._QUOTES),
        (sina._EDITOR_WORDS, sina._EDITOR_BLOCKS),
        (sina._DATE_SOURCE_WORDS, sina._DATE),
        (sina._DATE_SOURCE_WORDS, sina._SOURCE),
    ]
    for words, xpath in guarded:
        for word in words:
            assert f'"{word}' in xpath.path, (word, xpath.path)
        assert words or "@" not in xpath.path, xpath.path  # an unguarded query reads no attribute
