"""Listings from feeds, list pages and JSON APIs: real shapes, hostile bodies, arbitrary bytes."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import ConfigError, ParseError
from monitor.model import Listing
from monitor.sources.feed import parse_feed
from monitor.sources.jsonapi import parse_json
from monitor.sources.page import parse_page

LISTINGS = FIXTURES / "listings"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def fixture(name: str) -> bytes:
    return (LISTINGS / name).read_bytes()


# --- feeds -------------------------------------------------------------------------------


def test_rsshub_rss_keys_by_guid_and_keeps_full_description() -> None:
    listing = parse_feed(
        fixture("rsshub_sina.rss.xml"),
        url="https://rsshub.example/sina/finance/china",
        headers={"Content-Type": "application/xml; charset=utf-8"},
    )
    assert listing.title == "新浪财经－国内滚动"
    assert listing.next_url is None
    full, teaser = listing.entries
    assert full.key == "https://finance.sina.com.cn/china/2024-05-20/doc-inavxyzq1234567.shtml"
    assert full.url == full.key  # utm_source dropped by canonical_url
    assert full.title == "李强主持召开国务院常务会议"
    assert full.published == beijing(2024, 5, 20, 10, 30)
    assert full.content is not None
    assert full.content.startswith("<p>国务院总理李强主持召开国务院常务会议")
    assert full.content.count("<p>") == 6
    assert teaser.key == "sina-doc-inavxyzq7654321"
    assert teaser.url == "https://rsshub.example/china/2024-05-20/doc-inavxyzq7654321.shtml"
    assert teaser.published == beijing(2024, 5, 20, 9, 15)  # no offset: Beijing time
    assert teaser.content is None  # a one-line summary is not the article


def test_atom_prefers_rel_next_and_resolves_relative_links() -> None:
    listing = parse_feed(fixture("atom_paged.atom"), url="https://news.example.org/atom/page1.xml")
    assert listing.title == "上海发布 · 政务"
    assert listing.next_url == "https://news.example.org/atom/page2.xml"
    first, second = listing.entries
    assert first.key == "tag:example.org,2024:entry-101"
    assert first.url == "https://news.example.org/2024/05/20/101.html"
    assert first.published == beijing(2024, 5, 20, 9, 30)
    assert first.content == "<p>市政府常务会议今天召开。</p>"
    assert second.key == "https://news.example.org/2024/05/19/100.html"  # no <id>: the link
    assert second.published == beijing(2024, 5, 19, 9, 0)


def test_atom_prev_archive_when_there_is_no_next() -> None:
    body = fixture("atom_paged.atom").replace(b'<link rel="next" href="page2.xml"/>', b"")
    listing = parse_feed(body, url="https://news.example.org/atom/page1.xml")
    assert listing.next_url == "https://news.example.org/atom/archive/2024-04.xml"


def test_json_feed() -> None:
    listing = parse_feed(fixture("jsonfeed.json"), url="https://www.kankanews.example/feed.json")
    assert listing.title == "看看新闻 · 要闻"
    assert listing.next_url == "https://www.kankanews.example/feed.json?page=2"
    assert [entry.key for entry in listing.entries] == ["kk-2001", "2002"]
    first, second = listing.entries
    assert first.url == "https://www.kankanews.example/a/2024-05-20/2001.html"
    assert first.title == "市委常委会召开会议"
    assert first.content == "<p>市委常委会今天召开会议。</p>"
    assert first.published == beijing(2024, 5, 20, 8, 0)
    assert second.url == "https://www.kankanews.example/a/2024-05-19/2002.html"
    assert second.content == "纯文本正文。"
    assert second.published == beijing(2024, 5, 19, 18, 30)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "1", "items": []}', "without a JSON Feed version"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "without an items list"),
        (b'{"version": ', "invalid JSON"),
    ],
)
def test_json_that_is_not_a_json_feed(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        parse_feed(body, url="https://x.example/feed.json")
    assert str(caught.value).startswith("https://x.example/feed.json: not a feed: ")


def test_gbk_rss_with_encoding_declaration() -> None:
    body = fixture("gbk.rss.xml")
    assert "区政府".encode("gbk") in body
    listing = parse_feed(body, url="http://www.gov.example.cn/rss/zwdt.xml")
    assert listing.title == "人民政府网站 · 政务动态"
    (entry,) = listing.entries
    assert entry.title == "区政府召开专题会议"
    assert entry.key == "http://www.gov.example.cn/rss/zwdt/2024/0520/101.htm"
    assert entry.published == beijing(2024, 5, 20, 10, 0)


@pytest.mark.parametrize(
    "body",
    [
        (
            b"<!DOCTYPE html><html><head><title>News</title></head>"
            b"<body><a href='/a'>a</a></body></html>"
        ),
        b"",
        b"\x00\xff\xfe garbage",
        b"just some text",
    ],
)
def test_a_body_that_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_feed(body, url="https://x.example/rss")
    message = str(caught.value)
    assert message.startswith("https://x.example/rss: not a feed: ")
    assert "\n" not in message


def billion_laughs(levels: int = 10, padding: int = 0) -> bytes:
    entities = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    pad = f"<!-- {'x' * padding} -->" if padding else ""
    return (
        f'<?xml version="1.0"?>{pad}<!DOCTYPE rss [{"".join(entities)}]>'
        f'<rss version="2.0"><channel><title>bomb &lol{levels - 1};</title>'
        f"<item><title>&lol{levels - 1};</title><link>http://x.example/1</link></item>"
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("padding", "refusal"),
    [(0, "declares XML entities"), (70_000, "XML entity expansion refused")],
    ids=["declared-early", "past-the-head-check"],
)
def test_xml_bomb_is_refused_in_bounded_memory_and_time(padding: int, refusal: str) -> None:
    # Fully expanded, this is 3 * 10**10 bytes. With padding the entity check on the
    # body's head misses it, and expat's amplification limit must stop it.
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ParseError, match=refusal):
            parse_feed(billion_laughs(padding=padding), url="https://x.example/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 10
    assert peak < 64 * 2**20


def test_external_entity_is_not_fetched() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
        b"<link>http://x.example/1</link></item></channel></rss>"
    )
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_feed(body, url="https://x.example/xxe")


# --- list pages --------------------------------------------------------------------------

PAGE_URL = "https://www.example.gov.cn/xwfb/index.html"


def page_listing(selector: str | None, pattern: str | None) -> Listing:
    body = fixture("list_page.html").decode("utf-8")
    return parse_page(body, url=PAGE_URL, selector=selector, pattern=pattern)


def test_page_selector_narrows_and_pattern_filters() -> None:
    listing = page_listing("ul.news-list li", r"/xwfb/\d{4}/")
    assert listing.title == "新闻发布 - 列表"
    assert listing.next_url == "https://www.example.gov.cn/xwfb/index_2.html"
    assert [(entry.key, entry.title) for entry in listing.entries] == [
        ("https://www.example.gov.cn/xwfb/2024/0520/c1.html", "市政府新闻发布会 （全文）"),
        ("https://www.example.gov.cn/xwfb/2024/0519/c2.html", "市政府常务会议召开"),
    ]
    assert all(entry.url == entry.key for entry in listing.entries)


def test_page_selector_alone_keeps_other_hosts_but_not_fragments_or_duplicates() -> None:
    listing = page_listing("ul.news-list a", None)
    assert [entry.key for entry in listing.entries] == [
        "https://www.example.gov.cn/xwfb/2024/0520/c1.html",
        "https://www.example.gov.cn/xwfb/2024/0519/c2.html",
        "https://other.example.com/ad.html",
    ]


def test_page_without_selector_skips_javascript_and_mailto() -> None:
    keys = [entry.key for entry in page_listing(None, None).entries]
    assert keys[0] == "https://www.example.gov.cn/index.html"
    assert len(keys) == 5
    assert not any(key.startswith(("javascript", "mailto")) for key in keys)


def test_page_bad_selector_or_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a valid CSS selector"):
        page_listing("ul[", None)
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        page_listing(None, "(")


def test_empty_page_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="empty body"):
        parse_page("  \n", url=PAGE_URL, selector=None, pattern=None)


# --- JSON APIs ---------------------------------------------------------------------------

SINA_ROLL = "https://feed.mix.sina.com.cn/api/roll/get?pageid=155&lid=1686&num=50&page=1"


def test_sina_roll_api() -> None:
    listing = parse_json(
        fixture("sina_roll.json"),
        url=SINA_ROLL,
        items_path="result.data",
        id_field="docid",
        time_field="ctime",
    )
    assert [entry.key for entry in listing.entries] == [
        "comos:inavxyzq1234567",
        "comos:inavxyzq7654321",
        "comos:inavxyzq0000001",
    ]
    first, _, no_link = listing.entries
    assert first.url == "https://finance.sina.com.cn/china/2024-05-20/doc-inavxyzq1234567.shtml"
    assert first.title == "李强主持召开国务院常务会议"
    assert first.published == beijing(2024, 5, 20, 10, 30)  # 1716172200
    assert no_link.url is None


def test_sina_roll_without_id_field_keys_by_url_and_skips_linkless_items() -> None:
    listing = parse_json(fixture("sina_roll.json"), url=SINA_ROLL, items_path="result.data")
    assert [entry.key for entry in listing.entries] == [
        "https://finance.sina.com.cn/china/2024-05-20/doc-inavxyzq1234567.shtml",
        "https://finance.sina.com.cn/roll/2024-05-20/doc-inavxyzq7654321.shtml",
    ]
    assert listing.entries[0].published is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1716172200, beijing(2024, 5, 20, 10, 30)),
        (1716172200.0, beijing(2024, 5, 20, 10, 30)),
        ("1716172200", beijing(2024, 5, 20, 10, 30)),
        (1716172200000, beijing(2024, 5, 20, 10, 30)),  # milliseconds
        ("2024-05-20 10:30:00", beijing(2024, 5, 20, 10, 30)),
        ("2024-05-20T02:30:00Z", beijing(2024, 5, 20, 10, 30)),
        (True, None),
        ("soon", None),
        (10**30, None),
        (None, None),
    ],
)
def test_json_times(value: object, expected: datetime | None) -> None:
    body = json.dumps({"list": [{"id": 7, "link": "/a", "t": value}]}).encode()
    listing = parse_json(
        body,
        url="https://x.example/api",
        items_path="list",
        url_field="link",
        id_field="id",
        time_field="t",
    )
    (entry,) = listing.entries
    assert (entry.key, entry.url, entry.published) == ("7", "https://x.example/a", expected)


def test_json_paths_index_lists() -> None:
    body = b'{"pages": [{"items": [{"url": "https://x.example/1", "t": {"text": "One"}}]}]}'
    listing = parse_json(
        body, url="https://x.example/api", items_path="pages.0.items", title_field="t.text"
    )
    assert [(entry.key, entry.title) for entry in listing.entries] == [
        ("https://x.example/1", "One")
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"result": {}}', "no 'result.data' in the JSON response"),
        (b'{"result": {"data": {"a": 1}}}', "'result.data' is a JSON dict, not a list"),
        (b'{"result": []}', "no 'result.data' in the JSON response"),
        (b"<html>", "not JSON (looking for 'result.data')"),
        (b"\xff\xfe\x00", "not JSON (looking for 'result.data')"),
    ],
)
def test_json_errors_name_the_path(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_json(body, url=SINA_ROLL, items_path="result.data")
    assert str(caught.value).startswith(f"{SINA_ROLL}: {message}")
    assert "\n" not in str(caught.value)


# --- arbitrary bytes -----------------------------------------------------------------------


def outcome(parse: Callable[[], Listing]) -> Listing | ParseError:
    """The listing, or the ParseError: anything else propagates and fails the test."""
    try:
        return parse()
    except ParseError as error:
        return error


FEEDISH = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"<rss", b"<feed", b"<item>", b"<?xml", b"{", b"<!ENTITY"]).flatmap(
        lambda head: st.binary(max_size=200).map(lambda tail: head + tail)
    ),
)


@settings(max_examples=200, deadline=None)
@given(FEEDISH)
def test_parse_feed_on_arbitrary_bytes_gives_a_listing_or_parse_error(body: bytes) -> None:
    result = outcome(lambda: parse_feed(body, url="https://x.example/feed"))
    if isinstance(result, ParseError):
        assert str(result).startswith("https://x.example/feed: not a feed")
    else:
        assert all(entry.key for entry in result.entries)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["result", "data", "url", "id", "t"]), children, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200), JSONISH.map(lambda value: json.dumps(value).encode())))
def test_parse_json_on_arbitrary_bytes_gives_a_listing_or_parse_error(body: bytes) -> None:
    result = outcome(
        lambda: parse_json(
            body,
            url="https://x.example/api",
            items_path="result.data",
            id_field="id",
            time_field="t",
        )
    )
    if isinstance(result, ParseError):
        assert "'result.data'" in str(result)
    else:
        assert all(entry.key for entry in result.entries)
