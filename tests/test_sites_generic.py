"""The generic parser: any outlet we have no site parser for."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from monitor.extract import extract_bytes

BEIJING = timezone(timedelta(hours=8))
LEAD = (
    "北京市委常委会6月12日召开会议，传达学习重要讲话精神，研究部署近期重点工作。"
    "市委书记尹力主持会议。"
)
BODY = (
    "会议指出，要深入贯彻落实党中央决策部署，扎实推动高质量发展，"
    "切实做好民生保障各项工作，确保取得实效。"
)
PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8">
<title>北京市委常委会召开会议 - 某某日报</title>
<link rel="canonical" href="https://news.example.cn/a/2023/0612/1.html">
<meta property="article:published_time" content="2023-06-12T20:30:00+08:00">
</head><body>
<nav><a href="/">首页</a> <a href="/gn">国内</a></nav>
<article><h1>北京市委常委会召开会议</h1>
<p>{LEAD}</p><p>{BODY}</p><p>{BODY}</p>
<p>责任编辑：张三</p></article>
<footer>版权所有 © 某某日报</footer>
</body></html>"""


def test_an_unknown_outlet_is_read_by_the_generic_parser() -> None:
    extracted = extract_bytes(PAGE.encode())
    article = extracted.article
    assert extracted.site == "generic"
    assert article.title == "北京市委常委会召开会议"
    assert article.url == "https://news.example.cn/a/2023/0612/1.html"
    assert article.published == datetime(2023, 6, 12, 20, 30, tzinfo=BEIJING)
    assert article.paragraphs[0] == LEAD
    assert all("责任编辑" not in paragraph for paragraph in article.paragraphs)
    assert all("版权" not in paragraph for paragraph in article.paragraphs)
    assert extracted.meeting is not None
    assert extracted.meeting.convener == "中共北京市委"
    assert extracted.meeting.chair == "尹力"


def test_plain_text_takes_the_first_line_as_title() -> None:
    text = f"北京市委常委会召开会议\n\n{LEAD}\n\n{BODY}\n"
    extracted = extract_bytes(text.encode(), site="generic")
    assert extracted.article.title == "北京市委常委会召开会议"
    assert extracted.article.paragraphs == (LEAD, BODY)
