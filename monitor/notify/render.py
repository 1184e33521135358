"""A notice as a subject, a text body and an HTML body, through the channel's templates.

Templates are Jinja2 source strings from the configuration (``subject``, ``body``);
they run in a :class:`jinja2.sandbox.SandboxedEnvironment` (a config file must not
run code) with :class:`jinja2.StrictUndefined` (a misspelt name is an error, not an
empty string). A template sees:

- ``notice``: the :class:`~monitor.notify.message.Notice` (``title``, ``url``, ``site``,
  ``published``, ``first_seen``, ``excerpt``, ``outlets``, ``links``, ``event``);
- ``meeting``: ``notice.meeting`` (``kind``, ``convener``, ``date``, ``chair``,
  ``attendees``, ``topics``), ``None`` for an item that reports no meeting;
- ``links``: ``notice.links``, each with ``href`` and ``label``;
- the filter ``when``: a datetime as ``2021-11-25 19:45`` (Beijing time).

The subject is collapsed to one line (a header must not contain a line break). A
custom ``body`` is the text part; the HTML part is the same text, escaped. Digests
always use the built-in digest templates: a channel's templates describe one item.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from monitor.config.channels import Channel
from monitor.dates import to_shanghai
from monitor.errors import ConfigError
from monitor.model import Meeting
from monitor.notify.message import Message, Notice, Outlet, digest_payload, event_payload

_SPACE = re.compile(r"\s+")

SUBJECT = (
    "{% if meeting %}【{{ meeting.kind }}】"
    "{{ [meeting.date, meeting.convener, meeting.chair and meeting.chair ~ '主持']"
    " | select | join(' ') }}"
    "{% else %}{{ notice.title }}{% endif %}"
)

TEXT = """\
{% if meeting %}{{ meeting.kind }}
{% if meeting.date %}日期：{{ meeting.date }}
{% endif %}{% if meeting.convener %}召集：{{ meeting.convener }}
{% endif %}{% if meeting.chair %}主持：{{ meeting.chair }}
{% endif %}{% if meeting.topics %}
议题：
{% for topic in meeting.topics %}{{ loop.index }}. {{ topic }}
{% endfor %}{% endif %}{% if meeting.attendees %}
出席：{{ meeting.attendees | join('、') }}
{% endif %}
{% endif %}{{ notice.title }}
{% if notice.published %}发布：{{ notice.published | when }}
{% endif %}{% if not meeting %}
{{ notice.excerpt }}
{% endif %}{% if links %}
报道：
{% for link in links %}- {{ link.label }} {{ link.href }}
{% endfor %}{% endif %}"""

HTML = """\
{% if meeting %}<h2>{{ meeting.kind }}</h2>
<p>{% if meeting.date %}日期：{{ meeting.date }}<br>{% endif %}\
{% if meeting.convener %}召集：{{ meeting.convener }}<br>{% endif %}\
{% if meeting.chair %}主持：{{ meeting.chair }}{% endif %}</p>
{% if meeting.topics %}<h3>议题</h3>
<ol>{% for topic in meeting.topics %}<li>{{ topic }}</li>{% endfor %}</ol>
{% endif %}{% if meeting.attendees %}<p>出席：{{ meeting.attendees | join('、') }}</p>
{% endif %}{% endif %}<p><strong>{{ notice.title }}</strong>\
{% if notice.published %}<br>发布：{{ notice.published | when }}{% endif %}</p>
{% if not meeting %}<p>{{ notice.excerpt }}</p>
{% endif %}{% if links %}<h3>报道</h3>
<ul>{% for link in links %}<li><a href="{{ link.href }}">{{ link.label }}</a></li>{% endfor %}</ul>
{% endif %}"""

DIGEST_SUBJECT = "{{ notices | length }} 条{{ '会议' if all_meetings }}报道"

DIGEST_TEXT = """\
{% for notice in notices %}{{ loop.index }}. {{ notice | headline }}
{% for link in notice.links %}   {{ link.label }} {{ link.href }}
{% endfor %}{% endfor %}"""

DIGEST_HTML = """\
<ol>{% for notice in notices %}<li>{{ notice | headline }}\
{% for link in notice.links %}<br><a href="{{ link.href }}">{{ link.label }}</a>{% endfor %}\
</li>{% endfor %}</ol>"""


def compose(channel: Channel, notice: Notice, key: str) -> Message:
    """The message ``channel`` sends about ``notice``.

    Raises:
        ConfigError: The channel's subject or body template failed to compile or render.
    """
    context = {"notice": notice, "meeting": notice.meeting, "links": notice.links}
    subject = _render(channel, "subject", channel.subject or SUBJECT, context)
    if channel.body is None:
        text = _render(channel, "body", TEXT, context)
        html = _render(channel, "body", HTML, context, html=True)
    else:
        text = _render(channel, "body", channel.body, context)
        html = f'<div style="white-space: pre-wrap">{html_lib.escape(text)}</div>'
    return Message(
        key=key,
        event=notice.event,
        subject=_one_line(subject) or notice.title,
        text=text,
        html=html,
        payload=event_payload(notice),
    )


def compose_digest(channel: Channel, notices: Sequence[Notice], key: str) -> Message:
    """One message about several notices, for a channel past its hourly cap."""
    context = {
        "notices": tuple(notices),
        "all_meetings": all(n.meeting is not None for n in notices),
    }
    return Message(
        key=key,
        event="digest",
        subject=_one_line(_render(channel, "subject", DIGEST_SUBJECT, context)),
        text=_render(channel, "body", DIGEST_TEXT, context),
        html=_render(channel, "body", DIGEST_HTML, context, html=True),
        payload=digest_payload(notices),
    )


def compose_sample(channel: Channel, key: str) -> Message:
    """A made-up meeting report as ``channel`` would send it (``monitor notify-test``)."""
    return compose(channel, _SAMPLE, key)


def validate_templates(channel: Channel) -> None:
    """Compile the channel's templates and render them once, for errors at start-up.

    They are rendered for a sample meeting report and, unless the channel takes
    meetings only, for a sample item that reports none.

    Raises:
        ConfigError: A template failed to compile or render.
    """
    samples = [_SAMPLE] if channel.filter.meetings_only else [_SAMPLE, _SAMPLE_ITEM]
    for sample in samples:
        compose(channel, sample, "validate")


def _render(
    channel: Channel, field: str, source: str, context: Mapping[str, Any], *, html: bool = False
) -> str:
    try:
        return _template(source, html=html).render(context)
    except TemplateSyntaxError as exc:
        problem = f"line {exc.lineno}: {exc.message}"
    # Anything a user template raises while rendering is the template's fault: it
    # sees only our frozen values, and the sandbox keeps it from reaching further.
    except Exception as exc:  # noqa: BLE001
        problem = f"{type(exc).__name__}: {exc}"
    message = _one_line(f"{field} template failed: {problem}")
    raise ConfigError(f"channels.{channel.name}", message)


@lru_cache(maxsize=128)
def _template(source: str, *, html: bool) -> Template:
    return (_HTML_ENV if html else _TEXT_ENV).from_string(source)


def _environment(*, html: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["when"] = _when
    env.filters["headline"] = _headline
    return env


def _when(value: datetime) -> str:
    return to_shanghai(value).strftime("%Y-%m-%d %H:%M")


def _headline(notice: Notice) -> str:
    meeting = notice.meeting
    if meeting is None:
        return notice.title
    chair = f"{meeting.chair}主持" if meeting.chair else ""
    parts = (str(meeting.date or ""), meeting.convener or "", chair)
    return f"【{meeting.kind}】{' '.join(p for p in parts if p)} {notice.title}".strip()


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


_TEXT_ENV = _environment(html=False)
_HTML_ENV = _environment(html=True)

_SAMPLE_TIME = datetime.fromisoformat("2026-11-20T18:00:00+08:00")
_SAMPLE = Notice(
    item_id=0,
    title="市政府召开常务会议",
    url="https://example.org/a.html",
    site="sample",
    published=_SAMPLE_TIME,
    first_seen=_SAMPLE_TIME,
    excerpt="市政府今天召开常务会议。",
    meeting=Meeting(
        kind="常务会议",
        convener="上海市政府",
        date=_SAMPLE_TIME.date(),
        chair="龚正",
        attendees=("某某",),
        topics=("研究某项工作",),
    ),
    outlets=(
        Outlet("sample", "https://example.org/a.html", "市政府召开常务会议", "样例", _SAMPLE_TIME),
    ),
    outlet="样例",
)
_SAMPLE_ITEM = Notice(
    item_id=0,
    title="一条新闻",
    url=None,
    site="sample",
    published=None,
    first_seen=_SAMPLE_TIME,
    excerpt="正文。",
    meeting=None,
    outlets=(),
)
