"""Feed entries carrying their article: wrapped by the pipeline, read block by block."""

from __future__ import annotations

from datetime import datetime

import pytest

from monitor.documents import read_document
from monitor.errors import ParseError
from monitor.extract import extract_bytes
from monitor.model import Entry
from monitor.sites import feedentry

LEAD = "市政府召开常务会议，研究部署近期重点工作。会议指出，要坚持稳中求进。"


def read(content: str, title: str = "市政府召开常务会议") -> tuple[str, ...]:
    entry = Entry(key="k", url="https://example.org/a.html", title=title, content=content)
    return feedentry.parse(read_document(feedentry.wrap(entry))).paragraphs


def test_only_wrapped_entries_are_claimed() -> None:
    wrapped = feedentry.wrap(Entry(key="k", url=None, title="t", content=f"<p>{LEAD}</p>"))
    assert feedentry.claims(read_document(wrapped))
    assert not feedentry.claims(read_document(f"<html><body><p>{LEAD}</p></body></html>".encode()))
    assert extract_bytes(wrapped).site == "feed"


def test_innermost_blocks_in_order_wrappers_and_the_title_skipped() -> None:
    content = (
        f"<div><p>市政府召开常务会议</p><div><p>{LEAD}</p><p>第二段。</p></div></div>"
        "<ul><li>第一项。</li><li>第二项。</li></ul><p>责任编辑：张三</p>"
    )
    assert read(content) == (LEAD, "第二段。", "第一项。", "第二项。")


def test_text_with_line_breaks_and_no_blocks() -> None:
    assert read(f"{LEAD}<br>第二段。<br><br>第三段。") == (LEAD, "第二段。", "第三段。")


def test_title_time_and_link_come_from_the_entry() -> None:
    moment = datetime.fromisoformat("2024-05-20T10:30:00+08:00")
    entry = Entry("k", "https://example.org/a.html", "标题 & <符号>", moment, f"<p>{LEAD}</p>")
    article = feedentry.parse(read_document(feedentry.wrap(entry)))
    assert (article.title, article.published, article.url) == (
        "标题 & <符号>",
        moment,
        "https://example.org/a.html",
    )


def test_an_entry_without_text_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no title or no text"):
        read("<p></p>")
