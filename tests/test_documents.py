"""Decoding and front matter: every charset path and every failure is a value or DecodeError."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.documents import decode, read_document, split_front_matter
from monitor.errors import DecodeError

TEXT = "上海市政府召开常务会议，研究部署重点工作。"


def test_utf8_with_and_without_bom() -> None:
    assert decode(TEXT.encode()) == (TEXT, "utf-8")
    assert decode(codecs.BOM_UTF8 + TEXT.encode()) == (TEXT, "utf-8")


def test_utf16_bom() -> None:
    assert decode(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))[0] == TEXT


def test_http_charset_is_used() -> None:
    assert decode(TEXT.encode("gbk"), "text/html; charset=GBK") == (TEXT, "gb18030")


def test_gb2312_label_is_widened_to_gb18030() -> None:
    # 镕 is in GBK but not in GB2312: pages labelled gb2312 contain such characters.
    text = "朱镕基主持召开会议"
    page = f'<meta charset="gb2312"><p>{text}</p>'.encode("gbk")
    assert text in decode(page)[0]


def test_meta_charset_is_used_without_http_charset() -> None:
    traditional = "臺北市政府召開會議，研究部署重點工作。"
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5">'
        f"</head><body>{traditional}</body></html>"
    )
    decoded, codec = decode(page.encode("big5"))
    assert codec == "big5hkscs"
    assert traditional in decoded


def test_bom_wins_over_a_wrong_declaration() -> None:
    data = codecs.BOM_UTF8 + TEXT.encode()
    assert decode(data, "text/html; charset=gbk") == (TEXT, "utf-8")


def test_wrong_declaration_falls_back_to_detection() -> None:
    data = (TEXT * 5).encode("gbk")
    decoded, codec = decode(data, "text/html; charset=utf-8")
    assert decoded == TEXT * 5
    assert codec == "gb18030"


def test_undeclared_gbk_is_detected() -> None:
    decoded, _ = decode((TEXT * 3).encode("gb18030"))
    assert decoded == TEXT * 3


@pytest.mark.parametrize("data", [b"", b"   \n ", b"\x00\x01\x02binary\x00" * 10])
def test_unreadable_input_is_a_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError, match="decode failed"):
        decode(data)


def test_front_matter_keeps_strings_and_lists() -> None:
    text = (
        "\n---\ntitle: '会议'\ndate: 2022-05-30 19:22:23 +0800\n"
        "categories:\n - 金融\n - 新浪财经\n---\n<p>正文</p>"
    )
    front, body = split_front_matter(text)
    assert front == {
        "title": "会议",
        "date": "2022-05-30 19:22:23 +0800",
        "categories": ("金融", "新浪财经"),
    }
    assert body == "<p>正文</p>"


def test_front_matter_that_yaml_rejects_still_gives_its_fields() -> None:
    front, body = split_front_matter("---\ntitle: 市委常委会: 部署工作\nlayout: [post\n---\n正文")
    assert front is not None
    assert front["title"] == "市委常委会: 部署工作"
    assert body == "正文"


def test_document_format() -> None:
    assert read_document(b"---\ntitle: x\n---\n<p>a</p>").format == "front-matter"
    assert read_document("<html><body><p>正文</p></body></html>".encode()).format == "html"
    assert read_document("标题\n\n正文".encode()).format == "text"
    assert read_document(b"plain", headers={"Content-Type": "text/html"}).format == "html"


def test_crlf_becomes_lf() -> None:
    assert read_document(b"a\r\nb\rc").body == "a\nb\nc"


@given(st.binary(max_size=2048))
def test_any_bytes_decode_or_raise_decode_error(data: bytes) -> None:
    try:
        document = read_document(data)
    except DecodeError as error:
        message = str(error)
    else:
        message = "document: decode failed" if isinstance(document.body, str) else "bad body"
    assert message.startswith("document: decode failed")
