"""Notices from stored items, and what the default and custom templates make of them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import SITE_FIXTURES
from pydantic import SecretStr

from monitor.clock import FrozenClock
from monitor.config.channels import AppriseChannel, ChannelFilter, EmailChannel, WebhookChannel
from monitor.errors import ConfigError
from monitor.extract import extract_bytes
from monitor.model import Observation
from monitor.notify.message import Notice, notice_from_item
from monitor.notify.render import compose, compose_digest, validate_templates
from monitor.store import Store

PAGE = "https://finance.sina.com.cn/roll/2021-11-25/doc-meeting.shtml"


def stored(pattern: str, *sightings: tuple[str, str]) -> dict[str, Any]:
    """The Store.item dict of a fixture ingested once per (source, url)."""
    store = Store(clock=FrozenClock())
    data = next(SITE_FIXTURES.glob(pattern)).read_bytes()
    item_id = 0
    for source, url in sightings:
        item_id = store.ingest(Observation(source, (url,), extract_bytes(data), url)).item_id
    row = store.item(item_id)
    store.close()
    assert row is not None
    return row


@pytest.fixture(scope="module")
def meeting_row() -> dict[str, Any]:
    # The same report seen by a feed (web page) and a local archive (file path).
    return stored("sina/000_*.txt", ("sina-feed", PAGE), ("archive", "file:///srv/a.txt"))


@pytest.fixture(scope="module")
def meeting(meeting_row: dict[str, Any]) -> Notice:
    return notice_from_item(meeting_row)


@pytest.fixture(scope="module")
def plain() -> Notice:
    url = "https://news.sina.com.cn/c/2019-09-07/doc-iicezzrq4076655.shtml"
    return notice_from_item(stored("sina/live_news_*.html", ("sina-news", url)))


def webhook(**fields: Any) -> WebhookChannel:
    return WebhookChannel(kind="webhook", name="desk", url="http://127.0.0.1:9/hook", **fields)


def test_a_notice_has_aware_times_its_meeting_and_only_web_links(meeting: Notice) -> None:
    assert meeting.published == datetime(2021, 11, 25, 11, 45, 3, tzinfo=UTC)
    assert meeting.published.utcoffset() is not None
    assert meeting.first_seen == datetime(2024, 1, 1, tzinfo=UTC)
    assert meeting.meeting is not None
    assert meeting.meeting.kind == "市政府常务会议"
    assert len(meeting.outlets) == 2
    assert {o.url for o in meeting.outlets} == {PAGE, None}  # file:// is no link
    assert [link.href for link in meeting.links] == [PAGE]
    assert 0 < len(meeting.excerpt) <= 201
    assert "\n" not in meeting.excerpt


def test_naive_stored_times_are_beijing_time(meeting_row: dict[str, Any]) -> None:
    row = {**meeting_row, "published": "2021-11-25 19:45:03", "first_seen": "2024-01-01T08:00:00"}
    notice = notice_from_item(row)
    assert notice.published == datetime(2021, 11, 25, 11, 45, 3, tzinfo=UTC)
    assert notice.first_seen == datetime(2024, 1, 1, tzinfo=UTC)


def test_default_subject_names_kind_date_convener_and_chair(meeting: Notice) -> None:
    message = compose(webhook(), meeting, "desk:1")
    assert message.subject == "【市政府常务会议】2021-11-25 上海市人民政府 龚正主持"
    assert message.event == "meeting.reported"
    assert message.key == "desk:1"


def test_default_text_numbers_topics_and_links_every_outlet(meeting: Notice) -> None:
    text = compose(webhook(), meeting, "k").text
    assert meeting.meeting is not None
    for number, topic in enumerate(meeting.meeting.topics, start=1):
        assert f"{number}. {topic}" in text
    assert meeting.title in text
    assert PAGE in text
    assert "file://" not in text


def test_default_text_lists_attendees_when_there_are_some() -> None:
    row = stored("kankanews/003_*.txt", ("kankanews", "https://www.kankanews.com/a/1.html"))
    notice = notice_from_item(row)
    assert notice.meeting is not None
    assert notice.meeting.attendees
    text = compose(webhook(), notice, "k").text
    assert "出席：" + "、".join(notice.meeting.attendees) in text


def test_an_item_without_a_meeting_is_titled_by_its_title(plain: Notice) -> None:
    message = compose(webhook(), plain, "k")
    assert message.event == "item.new"
    assert message.subject == plain.title
    assert plain.excerpt in message.text
    assert message.payload["data"]["meeting"] is None


def test_the_payload_is_json_with_the_meeting_and_every_outlet(meeting: Notice) -> None:
    payload = compose(webhook(), meeting, "k").payload
    assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload
    assert payload["type"] == "meeting.reported"
    assert payload["timestamp"] == meeting.first_seen.isoformat()
    data = payload["data"]
    assert data["meeting"]["date"] == "2021-11-25"
    assert data["meeting"]["chair"] == "龚正"
    assert {o["source"] for o in data["outlets"]} == {"sina-feed", "archive"}


def test_html_body_escapes_what_the_page_said(meeting: Notice) -> None:
    hostile = Notice(**{**_fields(meeting), "title": "<script>alert(1)</script>&"})
    html = compose(webhook(), hostile, "k").html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html
    assert f'<a href="{PAGE}">' in html


def test_custom_templates_are_used(meeting: Notice) -> None:
    channel = webhook(
        subject="{{ meeting.chair }}：{{ notice.title }}",
        body="{% for t in meeting.topics %}* {{ t }}\n{% endfor %}<b>{{ links | length }}</b>",
    )
    message = compose(channel, meeting, "k")
    assert message.subject == f"龚正：{meeting.title}"
    assert message.text.startswith("* 刻不容缓")
    assert message.text.endswith("<b>1</b>")
    assert "&lt;b&gt;1&lt;/b&gt;" in message.html


def test_a_subject_is_one_line(meeting: Notice) -> None:
    message = compose(webhook(subject="{{ notice.title }}\n\nmore\r\nlines"), meeting, "k")
    assert "\n" not in message.subject
    assert "\r" not in message.subject


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{{ notice.title", "line 1"),  # syntax
        ("{{ nothing_here }}", "UndefinedError"),  # StrictUndefined
        ("{{ 1 // 0 }}", "ZeroDivisionError"),
        ("{% for x in %}{% endfor %}", "line 1"),
    ],
)
def test_a_broken_template_is_a_one_line_config_error(
    meeting: Notice, template: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        compose(webhook(body=template), meeting, "k")
    assert caught.value.subject == "channels.desk"
    assert str(caught.value).startswith("channels.desk: body template failed: ")
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ notice.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ notice.title.format.__self__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    ],
)
def test_the_sandbox_refuses_to_reach_python_internals(meeting: Notice, template: str) -> None:
    with pytest.raises(ConfigError, match=r"^channels\.desk: subject template failed: "):
        compose(webhook(subject=template), meeting, "k")


def test_validate_templates_checks_at_start_up() -> None:
    validate_templates(webhook())
    validate_templates(webhook(subject="{{ meeting.kind }}"))  # meetings only: fine
    with pytest.raises(ConfigError, match="subject template failed"):
        # A channel told about every item must not assume a meeting.
        validate_templates(
            webhook(subject="{{ meeting.kind }}", filter=ChannelFilter(meetings_only=False))
        )
    with pytest.raises(ConfigError, match=r"channels\.mail: body template failed"):
        validate_templates(
            EmailChannel(
                kind="email",
                name="mail",
                host="h",
                sender="a@b.c",
                recipients=("d@e.f",),
                body="{% if %}",
            )
        )
    validate_templates(AppriseChannel(kind="apprise", name="chat", url=SecretStr("json://h/x")))


def test_digest_counts_and_lists_every_notice(meeting: Notice, plain: Notice) -> None:
    message = compose_digest(webhook(subject="{{ broken"), [meeting, plain], "desk:digest:1")
    assert message.event == "digest"
    assert message.subject == "2 条报道"
    assert compose_digest(webhook(), [meeting], "k").subject == "1 条会议报道"
    assert meeting.title in message.text
    assert plain.title in message.text
    assert PAGE in message.text
    assert f'<a href="{PAGE}">' in message.html
    payload = message.payload
    assert payload["type"] == "digest"
    assert payload["data"]["count"] == 2
    assert [i["id"] for i in payload["data"]["items"]] == [meeting.item_id, plain.item_id]


def _fields(notice: Notice) -> dict[str, Any]:
    return {name: getattr(notice, name) for name in Notice.__dataclass_fields__}
