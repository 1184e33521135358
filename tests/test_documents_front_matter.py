"""The simple front-matter reader gives exactly what PyYAML's BaseLoader gives, or defers."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.documents import _plain_yaml, split_front_matter

LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

PIECES = st.sampled_from(
    [*"ab c:#-'\"[]{},!&*|>%@`\\?.~", "会议", "\u3000", "\t", "\u00a0", ": ", " #", "://", "- "]
)
VALUE = st.tuples(
    st.sampled_from(["", "'", '"']), st.lists(PIECES, max_size=6), st.sampled_from(["", " "])
).map(lambda parts: parts[0] + "".join(parts[1]) + parts[0] + parts[2])
KEY_LINE = st.tuples(
    st.sampled_from(["title", "date", "Title", "a-b", "y"]),
    st.sampled_from([": ", ":", " : "]),
    VALUE,
).map("".join)
ITEM_LINE = st.tuples(st.sampled_from(["", " ", "  "]), st.sampled_from(["- ", "-"]), VALUE).map(
    "".join
)
OTHER_LINE = st.sampled_from(["", " ", "# note", "  x: y", "..."])
HEADER = st.lists(st.one_of(KEY_LINE, ITEM_LINE, OTHER_LINE), max_size=6).map(
    lambda lines: "".join(line + "\n" for line in lines)
)


@settings(max_examples=500, deadline=None)
@given(HEADER)
def test_the_simple_reader_agrees_with_yaml_or_defers(header: str) -> None:
    fast = _plain_yaml(header)
    if fast is not None:
        assert (yaml.load(header, Loader=LOADER) or {}) == fast  # noqa: S506 - BaseLoader


def test_a_typical_header_is_read_without_yaml() -> None:
    header = (
        "title: '上海市政府举行常务会议'\ncategories: \n - 金融\n - 新浪财经\n"
        "date: Thu, 25 Nov 2021 11:45:03 GMT\ncomments: false\nempty:\n"
    )
    assert _plain_yaml(header) == {
        "title": "上海市政府举行常务会议",
        "categories": ["金融", "新浪财经"],
        "date": "Thu, 25 Nov 2021 11:45:03 GMT",
        "comments": "false",
        "empty": "",
    }
    fields, body = split_front_matter(f"---\n{header}---\nbody")
    assert fields == {
        "title": "上海市政府举行常务会议",
        "categories": ("金融", "新浪财经"),
        "date": "Thu, 25 Nov 2021 11:45:03 GMT",
        "comments": "false",
        "empty": "",
    }
    assert body == "body"


def test_anything_unusual_is_left_to_yaml() -> None:
    for header in ("a: |\n  x\n", "a: 'it''s'\n", "a: b: c\n", "a: x\n  y\n", "a: [1, 2]\n"):
        assert _plain_yaml(header) is None


def test_a_header_yaml_rejects_keeps_its_lists() -> None:
    # An unquoted colon in the title makes this invalid YAML; the lines still say a lot.
    fields, body = split_front_matter(
        "---\ntitle: 市委常委会: 研究部署经济工作\ncategories:\n  - shanghaifabu\n- 上海发布新闻\n"
        "date: 2024-12-09 20:45:00 +0800\n---\n<p>正文。</p>\n"
    )
    assert fields == {
        "title": "市委常委会: 研究部署经济工作",
        "categories": ("shanghaifabu", "上海发布新闻"),
        "date": "2024-12-09 20:45:00 +0800",
    }
    assert body.strip() == "<p>正文。</p>"
