"""The pieces every site parser shares: furniture, captions, mastheads, loose text, localities."""

from __future__ import annotations

import pytest

from monitor.dates import parse_datetime
from monitor.documents import decode, read_document
from monitor.model import Article
from monitor.sites import _html, blocks, masthead, registry


@pytest.mark.parametrize(
    "line",
    [
        "扫描二维码下载APP",
        "下载新浪财经APP",
        "新浪财经APP 行情 资讯 一键掌握",
        "（原标题：李强主持召开国务院常务会议）",
        "资料：市政府新闻办",
        "点击“阅读原文”，了解更多",
        "阅读原文",
        "记者：张三 李四",
        "（作者：王磊）",
        "【我要纠错】 责任编辑：王洲",
        "欢迎关注上海发布微信公众号",
        "市民也可扫描下方二维码，关注“上海发布”获取最新权威信息。",
    ],
)
def test_furniture_lines_are_boilerplate(line: str) -> None:
    assert _html.is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        # Shanghai's public-service app is named in news, not advertised.
        "市民可下载“随申办”APP，实时查看预警信息，并可通过“一网通办”平台办理相关业务。",
        "市民可打开“随申办”APP，进入“城市更新”专栏查询相关政策。",
        # An interview's question starts with the same label as a byline.
        "记者：请问这次会议有哪些新举措？",
        "会议要求，核酸检测结果来源：各区筛查点。",
    ],
)
def test_news_sentences_are_not_boilerplate(line: str) -> None:
    assert not _html.is_boilerplate(line)


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("3月1日，国务院总理李强主持召开国务院常务会议。新华社记者 申宏 摄", True),
        ("（新华社记者 李学仁 摄）", True),
        ("张三 摄", True),
        ("（图/视觉中国）", True),
        ("（图片来源：视觉中国）", True),
        ("这张照片由他拍摄", False),
        ("会议要求，各区要加强统筹协调和督促检查。", False),
    ],
)
def test_captions_end_with_a_photographers_credit(line: str, *, caption: bool) -> None:
    assert _html.is_caption(line) is caption


def test_masthead_lines_above_the_story_are_read_and_skipped() -> None:
    title = "李强主持召开国务院常务会议 研究推动大规模设备更新"
    paragraphs = [
        "李强主持召开国务院常务会议",
        "研究推动大规模设备更新",
        "2024-03-01 21:18 来源： 新华社 字号：默认 大 超大",
        "新华社北京3月1日电 国务院总理李强3月1日主持召开国务院常务会议。",
        "会议还研究了其他事项。",
    ]
    top = masthead.read(paragraphs, title)
    assert (top.start, top.date, top.outlet) == (3, "2024-03-01 21:18", "新华社")


def test_a_story_without_masthead_starts_at_its_first_paragraph() -> None:
    paragraphs = ["市长龚正今天主持召开市政府常务会议。", "会议还研究了其他事项。"]
    assert masthead.read(paragraphs, "市政府常务会议") == masthead.Masthead()


def test_a_lone_label_line_is_not_taken_for_a_masthead_without_a_story_after_it() -> None:
    assert masthead.read(["看看新闻"], "标题").start == 0


def test_block_texts_split_divs_br_sections_and_markdown() -> None:
    root = _html.parse_html(
        "<div>第一段。<br/>第二段。</div><section><strong>小标题</strong></section>"
        "<div class='ad'>广告</div>\n\n## 二级标题\n\n第三段。",
        "test",
    )
    runs = blocks.block_texts(root, lambda element: element.get("class") == "ad")
    assert [(block.text, block.subhead) for block in runs] == [
        ("第一段。", False),
        ("第二段。", False),
        ("小标题", True),
        ("二级标题", True),
        ("第三段。", False),
    ]


def test_loose_text_is_measured_against_the_paragraphs() -> None:
    root = _html.parse_html("<div>" + "正文" * 100 + "</div><p>会议还研究了其他事项。</p>", "t")
    assert blocks.needs_blocks(root, len("会议还研究了其他事项。"))
    assert not blocks.needs_blocks(root, 210)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01-21:18:45", "2024-03-01T21:18:45+08:00"),  # gov.cn firstpublishedtime
        ("Thu, 25 Nov 2021 11:45:03 -0000", "2021-11-25T19:45:03+08:00"),  # RFC 5322 UTC
        ("Thu, 25 Nov 2021 11:45:03", "2021-11-25T11:45:03+08:00"),  # no zone: Beijing
    ],
)
def test_date_forms(text: str, expected: str) -> None:
    moment = parse_datetime(text)
    assert moment is not None
    assert moment.isoformat() == expected


def test_an_undeclared_short_gb18030_page_still_decodes() -> None:
    text = "看看新闻Knews\n市委常委会今天举行会议。⁺"
    assert decode(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize(
    ("url", "city"),
    [
        ("https://www.kankanews.com/detail/abc", "上海"),
        ("https://www.shanghai.gov.cn/nw4411/20240520/x.html", "上海"),
        ("https://www.gov.cn/yaowen/liebiao/202403/content_6935316.htm", None),
        (None, None),
    ],
)
def test_the_generic_parsers_locality_comes_from_the_host(
    url: str | None, city: str | None
) -> None:
    article = Article(site="generic", title="t", paragraphs=("p",), url=url)
    assert registry.locality(registry.BY_NAME["generic"], article) == city
    assert registry.locality(registry.BY_NAME["kankanews"], article) == "上海"


def test_a_kankanews_page_read_by_the_generic_parser_knows_its_city() -> None:
    from monitor.extract import extract  # noqa: PLC0415

    page = (
        "<html><head><title>市政府常务会议研究部署防汛工作</title></head><body>"
        "<h1>市政府常务会议研究部署防汛工作</h1><div>2022-06-13 19:20:00</div>"
        "<p>市长龚正今天主持召开市政府常务会议，研究部署防汛防台工作，要求全力以赴做好各项准备。</p>"
        "<p>会议还研究了其他事项。</p></body></html>"
    )
    document = read_document(page.encode(), url="https://www.kankanews.com/detail/x")
    found = extract(document)
    assert found.meeting is not None
    assert found.meeting.convener == "上海市人民政府"


def test_lists_tables_and_line_breaks_need_blocks() -> None:
    for markup in (
        "<ul><li>一是。</li></ul>",
        "<table><tr><td>甲</td></tr></table>",
        "<p>一<br>二</p>",
    ):
        assert blocks.needs_blocks(_html.parse_html(markup, "t"), 1000)


def test_a_table_row_is_one_paragraph_even_with_paragraphs_in_its_cells() -> None:
    root = _html.parse_html(
        "<table><tr><td><p>政策</p></td><td><p>期限</p></td></tr>"
        "<tr><td>研发费用加计扣除</td><td>长期实施</td></tr></table><ul><li>一是。</li><li>二是。</li></ul>",
        "t",
    )
    found = blocks.block_texts(root)
    assert [(block.text, block.item) for block in found] == [
        ("政策 期限", True),
        ("研发费用加计扣除 长期实施", True),
        ("一是。", True),
        ("二是。", True),
    ]


def test_table_rows_and_list_items_are_never_inferred_headings() -> None:
    found = [
        blocks.Block("国务院常务会议决定延续实施部分税费优惠政策。", subhead=False),
        blocks.Block("政策 期限", subhead=False, item=True),
        blocks.Block("加快培育外贸新动能", subhead=False),
        blocks.Block("会议还研究了其他事项。", subhead=False),
    ]
    assert blocks.paragraphs_and_headings(found)[1] == ("加快培育外贸新动能",)


def test_a_parsers_bug_is_a_parse_error_for_that_document(monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.errors import ParseError  # noqa: PLC0415

    def broken(_document: object) -> Article:
        raise ImportError("lxml.html.clean module is now a separate project")

    site = registry.BY_NAME["generic"]
    monkeypatch.setitem(
        registry.BY_NAME, "generic", registry.Site("generic", None, site.claims, broken)
    )
    document = read_document(b"<html><body><p>text</p></body></html>")
    with pytest.raises(ParseError, match=r"internal error \(ImportError: lxml\.html\.clean"):
        registry.parse(document, "generic")
