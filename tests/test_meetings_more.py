"""Meetings: announcements, list items, 新区, places, chairs, leads and topics.

Short texts in the shape of Xinhua, 上海发布 and Sina reports; each case stands
for a shape of report, not for one story.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.meetings import classify
from monitor.model import Article, Meeting

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2023-06-12, 20:00 in Shanghai.
EVENING = datetime(2023, 6, 12, 20, tzinfo=SHANGHAI)


def find(
    *paragraphs: str,
    title: str = "会议报道",
    locality: str | None = None,
    published: datetime = EVENING,
    headings: tuple[str, ...] = (),
) -> Meeting | None:
    article = Article(
        site="test", title=title, paragraphs=paragraphs, headings=headings, published=published
    )
    return classify(article, locality=locality)


def held(*paragraphs: str, **kwargs: object) -> Meeting:
    found = find(*paragraphs, **kwargs)  # type: ignore[arg-type]
    assert found is not None
    return found


# --- announced, not held ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # A weekly preview's list item: the dated sitting is next week.
        "十四届全国人大常委会第五次会议6月26日至28日在北京举行，审议有关法律草案。",
        # Xinhua's opening-day announcement, with its dateline date before the real one.
        "新华社北京6月12日电 十四届全国人大二次会议6月20日在北京开幕，会期约一周。",
        "据悉，国务院总理李强将于6月14日上午主持召开国务院常务会议，研究部署有关工作。",
        "市委副书记、市长王刚定于6月15日主持召开市政府常务会议。",
        "市政府本周三召开常务会议，研究部署防汛工作。",
    ],
)
def test_a_meeting_dated_after_publication_is_not_held(text: str) -> None:
    assert find(text, title="下周看点") is None


def test_the_day_after_publication_is_clock_slack() -> None:
    found = held("市委常委会6月13日举行会议。", title="市委常委会举行会议", locality="上海")
    assert found.date == date(2023, 6, 13)


def test_december_read_in_january_is_last_year() -> None:
    found = held(
        "新华社杭州1月1日电 中共浙江省委常委会12月31日召开会议，研究部署新年工作。",
        title="浙江省委常委会召开会议",
        published=datetime(2024, 1, 2, 8, tzinfo=SHANGHAI),
    )
    assert (found.date, found.convener) == (date(2023, 12, 31), "中共浙江省委")


def test_a_host_with_a_date_word_keeps_a_clean_name() -> None:
    found = held("国务院总理李明于6月12日上午主持召开国务院常务会议。")
    assert found.chair == "李明"


# --- list items that are titles, not people ---------------------------------------------


@pytest.mark.parametrize(
    ("closing", "attendees"),
    [
        (
            "中共中央总书记、国家主席、中央军委主席王平，国家副主席赵东出席会议。",
            ("王平", "赵东"),
        ),
        ("中共中央政治局常委、国务院总理李明，国务院副总理张军出席会议。", ("李明", "张军")),
        ("委员长会议成员王东明、刘新出席会议。", ("王东明", "刘新")),
        # A title the table does not know still ends the way titles end.
        ("市政府参事、研究员陈立出席会议。", ("陈立",)),
        ("国务院、国家主席出席会议。", ()),
    ],
)
def test_bare_titles_are_not_attendees(closing: str, attendees: tuple[str, ...]) -> None:
    found = held("中共中央政治局今天召开会议。总书记周华主持会议。", closing)
    assert found.attendees == attendees


# --- places -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locality", "kind", "convener"),
    [
        ("中共浦东新区区委常委会今天召开会议。", "上海", "区委常委会会议", "中共浦东新区委"),
        (
            "浦东新区区委副书记、区长王刚今天主持召开区政府常务会议。",
            "上海",
            "区政府常务会议",
            "浦东新区人民政府",
        ),
        ("滨海新区区政府今天召开常务会议。", "天津", "区政府常务会议", "滨海新区人民政府"),
    ],
)
def test_a_new_area_keeps_its_name(text: str, locality: str, kind: str, convener: str) -> None:
    found = held(text, locality=locality)
    assert (found.kind, found.convener) == (kind, convener)


def test_a_place_the_lead_mentions_does_not_override_the_site() -> None:
    found = held(
        "市委常委会今天举行会议，传达学习总书记在湖南考察时的重要讲话精神。", locality="上海"
    )
    assert found.convener == "中共上海市委"


def test_a_place_written_onto_the_body_still_wins() -> None:
    found = held("湖南省委常委会今天召开会议，研究部署防汛工作。", locality="上海")
    assert found.convener == "中共湖南省委"


def test_a_wire_dateline_places_a_bare_body() -> None:
    found = held("新华社重庆6月12日电 市委常委会今天召开会议，研究部署防汛工作。")
    assert found.convener == "中共重庆市委"


# --- chairs and meeting names -----------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "市委副书记、市长王刚主持座谈会并讲话。",
        "市委副书记、市长王刚主持全体会议。",
        "市委副书记、市长王刚主持开幕会。",
    ],
)
def test_chair_of_a_named_meeting(sentence: str) -> None:
    found = held("市政府今天召开外资企业座谈会，听取意见建议。", sentence, locality="上海")
    assert found.chair == "王刚"


def test_a_meeting_name_may_list_groups() -> None:
    found = held(
        "6月12日，国务院召开专家、企业家和科教文卫体等领域代表座谈会，听取意见建议。"
        "国务院总理李明主持座谈会并讲话。",
        "张军出席座谈会。",
    )
    assert (found.kind, found.convener, found.chair, found.attendees) == (
        "专家、企业家和科教文卫体等领域代表座谈会",
        "国务院",
        "李明",
        ("张军",),
    )


# --- what the report is about -----------------------------------------------------------


def test_a_meeting_named_only_after_the_first_sentence_is_passed_on_news() -> None:
    found = find(
        "新浪财经讯 6月12日，A股三大指数集体高开，沪指涨1.2%。",
        "消息面上，中共中央政治局6月11日召开会议，分析研究当前经济形势。",
        title="A股收评：三大指数集体上涨",
    )
    assert found is None


def test_a_meeting_named_in_the_title_may_be_dated_later() -> None:
    found = held(
        "6月12日上午，全市优化营商环境大会在世博中心举办。",
        "6月11日，市委常委会举行会议，研究部署有关工作。",
        title="市委常委会举行会议",
        locality="上海",
    )
    assert (found.kind, found.date) == ("市委常委会会议", date(2023, 6, 11))


@pytest.mark.parametrize(
    "text",
    [
        "第十届全国肿瘤防治学术大会今天在上海开幕，千余名专家学者参会。",
        "2023中国汽车产业发展年会今天在北京开幕。",
        "第三届全国智慧城市博览会暨推进大会今天开幕。",
    ],
)
def test_scholarly_and_trade_conferences_are_not_government_meetings(text: str) -> None:
    assert find(text) is None


# --- topics -----------------------------------------------------------------------------


def test_topics_come_from_agenda_sentences_without_headings() -> None:
    found = held(
        "市政府今天召开常务会议。",
        "会议听取了市发展改革委关于上半年经济运行情况的汇报，研究部署下半年重点工作。",
        "会议指出，要稳住经济基本盘。",
        "会议审议通过了《上海市促进人工智能产业发展条例（草案）》《关于加快发展服务贸易的若干措施》。",
        "市领导吴明、周丽出席会议。",
        "会议还研究了其他事项。",
        locality="上海",
    )
    assert found.topics == (
        "上半年经济运行情况",
        "下半年重点工作",
        "《上海市促进人工智能产业发展条例（草案）》",
        "《关于加快发展服务贸易的若干措施》",
    )


def test_attendee_and_sentence_lines_are_not_headings() -> None:
    found = held(
        "市委副书记、市长王刚今天主持召开市政府常务会议，研究部署防汛工作。",
        "会议原则同意《上海市防汛工作方案》。",
        locality="上海",
        headings=("会议强调，要全力做好防汛工作", "市领导吴明、周丽出席会议"),
    )
    assert found.topics == ("防汛工作", "《上海市防汛工作方案》")


def test_real_headings_stay_the_topics() -> None:
    found = held(
        "市政府今天召开常务会议。",
        "会议审议通过了《上海市防汛工作方案》。",
        locality="上海",
        headings=("全力做好防汛防台工作", "市领导吴明出席会议"),
    )
    assert found.topics == ("全力做好防汛防台工作",)


# --- bodies and tenses of the remaining shapes ------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "convener"),
    [
        (
            "市政府党组今天召开会议，传达学习有关会议精神。",
            "市政府党组会议",
            "中共上海市人民政府党组",
        ),
        (
            "中共中央政治局于6月10日至11日召开民主生活会。",
            "民主生活会",
            "中共中央政治局",
        ),
        # Session numbers go, the body before them stays.
        ("市政协十四届二次会议今天上午开幕。", "市政协会议", "政协上海市委员会"),
    ],
)
def test_party_groups_life_meetings_and_sessions(text: str, kind: str, convener: str) -> None:
    found = held(text, locality="上海")
    assert (found.kind, found.convener) == (kind, convener)


def test_a_bare_earlier_month_recounts_history() -> None:
    text = "今年1月，市委常委会召开会议，研究部署全年改革任务。"
    assert find(text, title="回眸：深化改革这半年", locality="上海") is None


def test_the_leads_agenda_is_read_after_the_meeting_it_names() -> None:
    found = held(
        "新华社北京6月7日电 国务院总理王明6月7日主持召开国务院常务会议，"
        "研究促进民间投资的政策措施，审议通过《关于加强基层医疗卫生服务的意见》，讨论《中华人民共和国某某法（草案）》。",
        "会议指出，民间投资是我国投资的重要组成部分。",
        "会议还研究了其他事项。",
    )
    assert found.topics == (
        "促进民间投资的政策措施",
        "《关于加强基层医疗卫生服务的意见》",
        "《中华人民共和国某某法（草案）》",
    )


# --- hosts' titles, plenums, congresses and 当天 -----------------------------------------


@pytest.mark.parametrize(
    ("lead", "convener"),
    [
        # The first title is the highest post; the body is read off it, past the dateline.
        (
            (
                "新华社北京6月12日电 中共中央总书记、国家主席、中央军委主席王明12日上午"
                "在京主持召开民营企业座谈会并发表重要讲话。"
            ),
            "中共中央",
        ),
        # A deputy's post heads no body: a 市委副书记、市长 convenes as mayor.
        ("市委副书记、市长王刚今天下午主持召开民营企业座谈会。", "上海市人民政府"),
        # No title names a body: still a held meeting, its convener unknown.
        ("国家主席王明今天主持召开民营企业座谈会。", None),
    ],
)
def test_a_host_convenes_under_his_first_heading_title(lead: str, convener: str | None) -> None:
    found = held(lead, locality="上海")
    assert (found.kind, found.convener, found.date) == ("民营企业座谈会", convener, EVENING.date())


@pytest.mark.parametrize(
    ("lead", "locality", "kind", "convener", "day"),
    [
        (
            (
                "新华社北京6月12日电 中国共产党第二十届中央委员会第四次全体会议，"
                "于2023年6月9日至12日在北京举行。"
            ),
            None,
            "中央委员会全体会议",
            "中共中央",
            date(2023, 6, 9),
        ),
        (
            "中国共产党江苏省第十四届委员会第八次全体会议，于6月11日至12日在南京举行。",
            None,
            "省委全体会议",
            "中共江苏省委",
            date(2023, 6, 11),
        ),
        (
            "中国共产党上海市第十二届委员会第五次全体会议，于5月30日至6月1日在上海举行。",
            "上海",
            "市委全体会议",
            "中共上海市委",
            date(2023, 5, 30),
        ),
    ],
)
def test_a_plenum_is_its_partys_committee_dated_by_its_first_day(
    lead: str, locality: str | None, kind: str, convener: str, day: date
) -> None:
    found = held(lead, title="全会公报", locality=locality)
    assert (found.kind, found.convener, found.date) == (kind, convener, day)


@pytest.mark.parametrize(
    ("lead", "kind", "convener"),
    [
        (
            "上海市第十六届人民代表大会第二次会议今天上午在世博中心开幕。",
            "市人大会议",
            "上海市人民代表大会",
        ),
        (
            "市十六届人大常委会第五次会议今天上午举行第一次全体会议。",
            "市人大常委会会议",
            "上海市人民代表大会常务委员会",
        ),
        (
            "浙江省第十四届人民代表大会常务委员会第三次会议今天在杭州闭幕。",
            "省人大常委会会议",
            "浙江省人民代表大会常务委员会",
        ),
        (
            "政协江苏省第十三届委员会第二次会议今天上午在南京开幕。",
            "省政协会议",
            "政协江苏省委员会",
        ),
    ],
)
def test_congress_and_cppcc_sessions_under_their_full_names(
    lead: str, kind: str, convener: str
) -> None:
    found = held(lead, title="大会开幕", locality="上海")
    assert (found.kind, found.convener, found.date) == (kind, convener, EVENING.date())


def test_dangtian_is_the_day_named_earlier_in_the_paragraph() -> None:
    found = held(
        "6月10日上午，市委书记王刚赴临港新片区调研。当天下午，市委常委会举行会议，"
        "研究部署防汛工作。",
        title="市委常委会举行会议",
        locality="上海",
    )
    assert (found.kind, found.date) == ("市委常委会会议", date(2023, 6, 10))


def test_dangtian_does_not_reach_into_an_earlier_paragraph() -> None:
    found = held(
        "6月10日上午，市委书记王刚赴临港新片区调研。",
        "当天下午，市委常委会举行会议，研究部署防汛工作。",
        title="市委常委会举行会议",
        locality="上海",
    )
    assert found.date is None
