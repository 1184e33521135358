from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import SITE_FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.extract import extract_bytes
from monitor.meetings import classify
from monitor.model import Article, Meeting

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2023-06-12, 12:00 in Shanghai.
MONDAY = datetime(2023, 6, 12, 4, 0, tzinfo=UTC)


def article(
    *paragraphs: str,
    title: str = "会议报道",
    published: datetime | None = MONDAY,
    headings: tuple[str, ...] = (),
) -> Article:
    return Article(
        site="test", title=title, paragraphs=paragraphs, headings=headings, published=published
    )


def meeting_of(
    *paragraphs: str,
    locality: str | None = None,
    title: str = "会议报道",
    published: datetime | None = MONDAY,
    headings: tuple[str, ...] = (),
) -> Meeting:
    found = classify(
        article(*paragraphs, title=title, published=published, headings=headings),
        locality=locality,
    )
    assert found is not None
    return found


def names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- kinds and conveners ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locality", "kind", "convener"),
    [
        (
            "市委副书记、市长王明远今天（6月12日）主持召开市政府常务会议，研究优化营商环境工作。",
            "上海",
            "市政府常务会议",
            "上海市人民政府",
        ),
        (
            "中共北京市委常委会今天下午召开会议，传达学习重要讲话精神。",
            None,
            "市委常委会会议",
            "中共北京市委",
        ),
        ("浙江省委常委会今天召开会议，研究部署相关工作。", None, "省委常委会会议", "中共浙江省委"),
        ("浙江省政府昨天召开常务会议，研究稳外贸工作。", None, "省政府常务会议", "浙江省人民政府"),
        ("杭州市政府本周一召开常务会议。", None, "市政府常务会议", "杭州市人民政府"),
        (
            "广西壮族自治区党委常委会今天召开会议。",
            None,
            "自治区委常委会会议",
            "中共广西壮族自治区委员会",
        ),
        ("徐汇区委常委会今天召开会议。", "上海", "区委常委会会议", "中共徐汇区委"),
        (
            "市推进长三角一体化发展领导小组今天上午举行会议，研究部署重点工作。",
            "上海",
            "领导小组会议",
            "上海市推进长三角一体化发展领导小组",
        ),
        (
            "昨天，市委、市政府召开全市优化营商环境大会。",
            "深圳",
            "全市优化营商环境大会",
            "中共深圳市委、深圳市人民政府",
        ),
        (
            "国务院总理李强12日主持召开国务院常务会议，研究推动经济持续回升向好。",
            None,
            "国务院常务会议",
            "国务院",
        ),
        ("国务院总理李强12日主持召开国务院第三次全体会议。", None, "国务院全体会议", "国务院"),
        (
            "国务院总理李强12日主持召开经济形势专家和企业家座谈会，听取意见建议。",
            None,
            "经济形势专家和企业家座谈会",
            "国务院",
        ),
        (
            "中共中央政治局6月12日召开会议，分析研究当前经济形势。",
            None,
            "中共中央政治局会议",
            "中共中央政治局",
        ),
        (
            "中共中央政治局常务委员会6月12日召开会议，研究部署防汛工作。",
            None,
            "中共中央政治局常务委员会会议",
            "中共中央政治局常务委员会",
        ),
        (
            (
                "中共中央总书记、中央财经委员会主任习近平12日下午主持召开二十届中央财经委员会"
                "第一次会议，研究现代化产业体系问题。"
            ),
            None,
            "中央财经委员会会议",
            "中央财经委员会",
        ),
        (
            "中共中央总书记习近平6月12日主持召开中央全面深化改革委员会第二次会议。",
            None,
            "中央全面深化改革委员会会议",
            "中央全面深化改革委员会",
        ),
        ("中央经济工作会议6月11日至12日在北京举行。", None, "中央经济工作会议", "中共中央"),
        (
            "十四届全国人大常委会第三次会议6月12日在北京人民大会堂闭幕。",
            None,
            "全国人大常委会会议",
            "全国人大常委会",
        ),
    ],
)
def test_kind_and_convener(
    text: str, locality: str | None, kind: str, convener: str | None
) -> None:
    found = meeting_of(text, locality=locality)
    assert (found.kind, found.convener) == (kind, convener)


def test_special_group_meeting_keeps_place_from_title() -> None:
    found = meeting_of("省安全生产领导小组今天召开专题会议。", title="湖南：安全生产领导小组开会")
    assert (found.kind, found.convener) == ("领导小组专题会议", "湖南省安全生产领导小组")


def test_place_comes_from_text_before_locality() -> None:
    found = meeting_of("上海市委副书记、市长王刚今天主持召开市政府常务会议。", locality="北京")
    assert found.convener == "上海市人民政府"


def test_local_body_without_any_place_has_no_convener() -> None:
    found = meeting_of("市委常委会今天召开会议，研究近期重点工作。")
    assert (found.kind, found.convener) == ("市委常委会会议", None)


def test_district_body_needs_a_district_name() -> None:
    assert meeting_of("区委常委会今天召开会议。", locality="上海").convener is None


def test_host_title_gives_body_for_a_bare_meeting() -> None:
    found = meeting_of("市委副书记、市长王刚今天主持召开专题会议，研究防汛工作。", locality="上海")
    assert (found.kind, found.convener, found.chair) == ("市政府专题会议", "上海市人民政府", "王刚")


def test_topics_are_the_headings() -> None:
    found = meeting_of("市委常委会今天召开会议。", locality="上海", headings=("稳增长", "惠民生"))
    assert found.topics == ("稳增长", "惠民生")


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("市政府今天召开常务会议。", MONDAY, date(2023, 6, 12)),
        # 20:00 UTC on the 11th is already the 12th in Shanghai.
        ("市政府今天召开常务会议。", datetime(2023, 6, 11, 20, tzinfo=UTC), date(2023, 6, 12)),
        ("市委常委会今晚举行会议。", MONDAY, date(2023, 6, 12)),
        ("市政府昨天召开常务会议。", MONDAY, date(2023, 6, 11)),
        ("市委常委会昨晚举行会议。", MONDAY, date(2023, 6, 11)),
        ("市政府前天召开常务会议。", MONDAY, date(2023, 6, 10)),
        ("市政府本周一召开常务会议。", datetime(2023, 6, 15, 4, tzinfo=UTC), date(2023, 6, 12)),
        ("市政府本周三召开常务会议。", datetime(2023, 6, 16, 4, tzinfo=UTC), date(2023, 6, 14)),
        ("上周五，市委常委会召开会议。", MONDAY, date(2023, 6, 9)),
        ("市政府星期日召开常务会议。", MONDAY, date(2023, 6, 11)),
        ("市政府6月9日召开常务会议。", MONDAY, date(2023, 6, 9)),
        ("12月31日，市政府召开常务会议。", datetime(2022, 1, 1, 2, tzinfo=UTC), date(2021, 12, 31)),
        # A month-day over two months ahead is last year's ...
        ("3月2日，市政府召开常务会议。", datetime(2022, 12, 25, 2, tzinfo=UTC), date(2022, 3, 2)),
        # ... but a date a day ahead is a clock or dateline slip, not last year.
        ("1月1日，市政府召开常务会议。", datetime(2022, 12, 31, 2, tzinfo=UTC), date(2023, 1, 1)),
        ("2023年5月30日，市委、市政府召开会议。", MONDAY, date(2023, 5, 30)),
        ("国务院总理李强5日主持召开国务院常务会议。", MONDAY, date(2023, 6, 5)),
        ("国务院总理李强30日主持召开国务院常务会议。", MONDAY, date(2023, 5, 30)),
        # An explicit date in the meeting sentence wins over 今天.
        ("市政府今天（6月11日）召开常务会议。", MONDAY, date(2023, 6, 11)),
        ("市政府今天召开常务会议。", None, None),
        ("市政府6月9日召开常务会议。", None, None),
        ("2022年5月30日，市政府召开常务会议。", None, date(2022, 5, 30)),
        # A year-old date is history being recounted, not this meeting.
        ("2010年3月1日，市政府召开常务会议。", MONDAY, None),
        ("近日，市政府召开常务会议。", MONDAY, None),
    ],
)
def test_date(text: str, published: datetime | None, expected: date | None) -> None:
    assert meeting_of(text, locality="上海", published=published).date == expected


# --- chair and attendees ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "chair"),
    [
        ("市政府今天召开常务会议。会议由市委副书记、市长王刚主持。", "王刚"),
        ("市委常委会今天召开会议。市委书记陈华主持会议并强调，要抓好落实。", "陈华"),
        ("中共中央政治局6月12日召开会议。中共中央总书记习近平主持会议。", "习近平"),
        ("十四届全国人大常委会第三次会议6月12日在北京闭幕。赵乐际委员长主持会议。", "赵乐际"),
        ("市防汛领导小组今天召开会议，市委书记、领导小组组长诸葛宇杰主持。", "诸葛宇杰"),
        ("市委副书记、市长欧阳明远今天上午（6月12日）主持召开市政府常务会议。", "欧阳明远"),
        ("市政府今天召开常务会议，研究防汛工作。", None),
    ],
)
def test_chair(text: str, chair: str | None) -> None:
    assert meeting_of(text, locality="上海").chair == chair


@pytest.mark.parametrize(
    ("closing", "attendees"),
    [
        ("市领导陈东、吴明、周丽出席会议。", ("陈东", "吴明", "周丽")),
        (
            "市人大常委会主任蒋立、市政协主席董平、市委副书记诸葛宇杰出席会议。",
            ("蒋立", "董平", "诸葛宇杰"),
        ),
        (
            (
                "市委常委郑华、刘新，市人大常委会、市政府、市政协负责同志，"
                "市高级法院院长、市检察院检察长等出席会议。"
            ),
            ("郑华", "刘新"),
        ),
        ("市委副书记、市长、领导小组组长王刚出席会议并讲话。", ("王刚",)),
        ("市领导王　强、李明出席。", ("王强", "李明")),
        ("相关市领导出席会议。", ()),
        ("有关部门负责同志参加会议。", ()),
        ("会议设分会场，共1100余人参加会议。", ()),
        ("出席会议的还有市委常委赵敏、钱进。", ("赵敏", "钱进")),
        ("会议指出，市长王刚强调要抓好落实。", ()),
        ("市长王刚出席开幕式。", ()),
    ],
)
def test_attendees(closing: str, attendees: tuple[str, ...]) -> None:
    found = meeting_of("市委常委会今天召开会议。市委书记陈华主持会议。", closing, locality="上海")
    assert found.attendees == attendees


def test_chair_is_not_an_attendee() -> None:
    found = meeting_of("市委常委会今天召开会议。市委书记陈华主持会议。", "陈华、李明出席会议。")
    assert found.attendees == ("李明",)


def test_whole_text_is_searched_for_attendees() -> None:
    filler = tuple("会议指出，要做好各项工作。" for _ in range(6))
    found = meeting_of("市委常委会今天召开会议。", *filler, "市委常委吴明出席会议。")
    assert found.attendees == ("吴明",)


# --- not a held meeting -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "沪指今日收涨0.5%，成交额超8000亿元，北向资金净买入30亿元。",
        "市政府将于下周召开常务会议，研究相关工作。",
        "市委常委会拟于本月底召开会议。",
        "中共中央政治局即将召开会议。",
        "国务院总理李强将于下周主持召开国务院常务会议。",
        "国务院新闻办公室定于6月13日举行新闻发布会。",
        "全区各级党组织认真传达学习市委常委会会议精神，迅速行动起来。",
        "各部门认真学习贯彻中央经济工作会议精神。",
        "某公司发布公告称将回购股份。会议指出，要稳步推进改革。",
        "XX股份有限公司今天召开2023年第一次临时股东大会。",
        "公司董事长张三今天主持召开董事会会议，审议年度报告。",
        "公司将于5月10日举行2022年度业绩说明会。",
        "集团今天召开新品发布会。",
        "集团安全生产领导小组今天召开会议。",
        "市政府新闻办今天举行新闻发布会，介绍有关情况。",
        "今年以来，全市经济运行总体平稳。",
    ],
)
def test_not_a_held_meeting(text: str) -> None:
    assert classify(article(text, title="新闻"), locality="上海") is None


def test_trigger_only_in_late_paragraphs_is_ignored() -> None:
    lead = ("全市经济运行总体平稳。",) * 3
    assert classify(article(*lead, "市委常委会今天召开会议。"), locality="上海") is None


def test_held_meeting_may_itself_study_a_speech() -> None:
    found = meeting_of(
        "市疫情防控领导小组今天上午举行会议，传达学习重要讲话精神。", locality="上海"
    )
    assert (found.kind, found.convener) == ("领导小组会议", "上海市疫情防控领导小组")


# --- robustness -------------------------------------------------------------------------

FRAGMENTS = (
    *"，。、（）：\n",
    "市委常委会",
    "市政府",
    "国务院总理李强",
    "领导小组",
    "今天",
    "昨天",
    "上周三",
    "11月25日",
    "5日",
    "2000年1月1日",
    "召开",
    "举行",
    "主持召开",
    "会议",
    "常务会议",
    "中央经济工作会议",
    "在北京",
    "主持会议",
    "市领导",
    "出席会议",
    "将于",
)


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(max_size=30),
    parts=st.lists(st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTS)), max_size=40),
    published=st.datetimes(
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - hypothesis adds the zone
        max_value=datetime(2090, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from([UTC, SHANGHAI]),
    ),
    locality=st.sampled_from([None, "上海", "杭州"]),
)
def test_classify_never_raises(
    title: str, parts: list[str], published: datetime, locality: str | None
) -> None:
    text = "".join(parts)
    found = classify(article(text, text[::-1], title=title, published=published), locality=locality)
    assert found is None or isinstance(found, Meeting)
    if found is not None and found.date is not None:
        local = published.astimezone(SHANGHAI).date()
        assert abs(found.date - local) <= timedelta(days=366)


# --- the seed reports, read by the real site parsers ---------------------------------


def seed_meeting(prefix: str) -> tuple[Meeting | None, tuple[str, ...]]:
    path = next(SITE_FIXTURES.glob(f"*/{prefix}_*.txt"))
    extracted = extract_bytes(path.read_bytes())
    return extracted.meeting, extracted.article.headings


def test_seed_000_city_government_executive_meeting() -> None:
    found, headings = seed_meeting("000")
    assert found == Meeting(
        "市政府常务会议", "上海市人民政府", date(2021, 11, 25), "龚正", (), headings
    )
    assert len(headings) == 3


def test_seed_001_leading_group_special_meeting() -> None:
    found, headings = seed_meeting("001")
    assert found == Meeting(
        "领导小组专题会议",
        "上海市新冠肺炎疫情防控工作领导小组",
        date(2022, 7, 25),
        "李强",
        ("龚正",),
        headings,
    )


def test_seed_002_standing_committee_meeting() -> None:
    found, headings = seed_meeting("002")
    assert found == Meeting(
        "市委常委会会议", "中共上海市委", date(2022, 3, 23), "李强", (), headings
    )


def test_seed_003_plain_text_leading_group_meeting() -> None:
    found, _ = seed_meeting("003")
    assert found == Meeting(
        "领导小组会议",
        "上海市新冠肺炎疫情防控工作领导小组",
        date(2020, 3, 11),
        "李强",
        names("陈寅 吴清 周慧琳 诸葛宇杰 许昆林 彭沉雷 陈群 龚道安 宗明 汤志平"),
        # No sub-headings: the agenda named in the lead after "举行会议".
        (
            "贯彻习近平总书记在湖北省考察新冠肺炎疫情防控工作时的重要讲话精神",
            "我市疫情防控和复工复产复市重点工作",
        ),
    )


def test_seed_004_named_meeting_of_two_conveners() -> None:
    found, headings = seed_meeting("004")
    assert found == Meeting(
        "统筹疫情防控和经济社会发展工作会议",
        "中共上海市委、上海市人民政府",
        date(2022, 5, 30),
        "龚正",
        names("蒋卓庆 董云虎 诸葛宇杰 郑钢淼 刘学新 吴清 周慧琳 胡文容 赵嘉鸣 朱芝松 刘杰 陈金山"),
        headings,
    )
    assert len(headings) == 5


def test_live_pages_without_a_meeting_give_none() -> None:
    for path in SITE_FIXTURES.glob("sina/live_*.html"):
        assert extract_bytes(path.read_bytes()).meeting is None
