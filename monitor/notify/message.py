"""What a notification is about, what it says, and what became of it: frozen values, no I/O.

:func:`notice_from_item` reads the dict :meth:`monitor.store.Store.item` returns
into a :class:`Notice`, timestamps timezone-aware (naive ones are Beijing time);
:func:`item_payload` and :func:`digest_payload` make the JSON body a webhook
sends; :class:`Message` is one rendered notification, :class:`Delivery` the
outcome of one attempt to send it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from monitor.dates import to_shanghai
from monitor.model import Meeting

Event = Literal["meeting.reported", "item.new", "digest"]
Outcome = Literal["delivered", "retry", "gone"]

EXCERPT_CHARS = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WEB = ("http://", "https://")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Outlet:
    """One place the item was seen: the source that listed it and the outlet's page.

    ``url`` is None unless it is a web (http, https) address: a ``file://`` path
    means nothing to a reader elsewhere, and a ``javascript:`` URL from a hostile
    page must never become a link.
    """

    source: str
    url: str | None
    title: str
    outlet: str | None
    seen: datetime


@dataclass(frozen=True, slots=True)
class Link:
    """A web address to read the item at, and the outlet's name (or the source's)."""

    href: str
    label: str


@dataclass(frozen=True, slots=True)
class Notice:
    """One stored item as a notification tells it."""

    item_id: int
    title: str
    url: str | None
    site: str
    published: datetime | None
    first_seen: datetime
    excerpt: str
    meeting: Meeting | None
    outlets: tuple[Outlet, ...]
    outlet: str | None = None

    @property
    def event(self) -> Event:
        """``meeting.reported`` for a meeting report, else ``item.new``."""
        return "item.new" if self.meeting is None else "meeting.reported"

    @property
    def links(self) -> tuple[Link, ...]:
        """Every web address the item was seen at, each once, its own URL first."""
        candidates = [(self.url, self.outlet or self.site)]
        candidates += [(o.url, o.outlet or o.source) for o in self.outlets]
        links: dict[str, Link] = {}
        for href, label in candidates:
            if href is not None and href not in links:
                links[href] = Link(href, label)
        return tuple(links.values())


@dataclass(frozen=True, slots=True)
class Message:
    """One rendered notification for one channel.

    ``key`` is the caller's idempotency key (the outbox row's): the webhook id and
    the e-mail Message-ID derive from it, so a repeat is recognisable. ``payload``
    is the JSON body a webhook sends (plain dicts and lists, treat as read-only).
    """

    key: str
    event: Event
    subject: str
    text: str
    html: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one attempt to send a message achieved; a failure is a value, not an exception.

    ``delivered``: the receiver took it (``error`` may still warn, e.g. one of several
    recipients refused). ``retry``: try again later, after ``retry_after`` if the
    receiver asked. ``gone``: the receiver says the endpoint no longer exists (HTTP 410);
    stop sending to this channel. ``error`` is one line without secrets.
    """

    outcome: Outcome
    error: str | None = None
    retry_after: timedelta | None = None


def notice_from_item(row: Mapping[str, Any]) -> Notice:
    """The notice for one item, from the dict ``Store.item(id)`` returns."""
    first_seen = moment(row.get("first_seen")) or _EPOCH
    return Notice(
        item_id=int(row["id"]),
        title=str(row.get("title") or ""),
        url=web_url(row.get("url")),
        site=str(row.get("site") or ""),
        published=moment(row.get("published")),
        first_seen=first_seen,
        excerpt=excerpt(str(row.get("text") or "")),
        meeting=_meeting(row),
        outlets=tuple(_outlet(o, first_seen) for o in row.get("outlets") or ()),
        outlet=_text(row.get("outlet")),
    )


def moment(value: object) -> datetime | None:
    """A stored ISO timestamp as an aware Beijing-time datetime; naive ones are Beijing time."""
    if isinstance(value, datetime):
        return to_shanghai(value)
    if not value:
        return None
    try:
        return to_shanghai(datetime.fromisoformat(str(value)))
    except ValueError:
        return None


def web_url(value: object) -> str | None:
    """``value`` if it is an http(s) URL, else None."""
    return value if isinstance(value, str) and value.startswith(_WEB) else None


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text``, whitespace collapsed, ``…`` if cut."""
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def item_payload(notice: Notice) -> dict[str, Any]:
    """The JSON-able ``data`` of one item: its fields, its meeting and every outlet."""
    return {
        "id": notice.item_id,
        "title": notice.title,
        "url": notice.url,
        "site": notice.site,
        "outlet": notice.outlet,
        "published": _iso(notice.published),
        "first_seen": notice.first_seen.isoformat(),
        "excerpt": notice.excerpt,
        "meeting": _meeting_payload(notice.meeting),
        "outlets": [
            {
                "source": o.source,
                "url": o.url,
                "title": o.title,
                "outlet": o.outlet,
                "seen": o.seen.isoformat(),
            }
            for o in notice.outlets
        ],
    }


def event_payload(notice: Notice) -> dict[str, Any]:
    """The whole webhook body for one item (Standard Webhooks' ``type``/``timestamp``/``data``).

    ``timestamp`` is when the event happened (we first saw the item), not when this
    attempt runs, so a retry sends the very same bytes.
    """
    return {
        "type": notice.event,
        "timestamp": notice.first_seen.isoformat(),
        "data": item_payload(notice),
    }


def digest_payload(notices: Sequence[Notice]) -> dict[str, Any]:
    """The webhook body for a digest: ``data.items`` holds one item payload per notice."""
    latest = max((n.first_seen for n in notices), default=_EPOCH)
    return {
        "type": "digest",
        "timestamp": latest.isoformat(),
        "data": {"count": len(notices), "items": [item_payload(n) for n in notices]},
    }


def _meeting(row: Mapping[str, Any]) -> Meeting | None:
    kind = _text(row.get("meeting_kind"))
    if kind is None:
        return None
    return Meeting(
        kind=kind,
        convener=_text(row.get("meeting_convener")),
        date=_date(row.get("meeting_date")),
        chair=_text(row.get("meeting_chair")),
        attendees=tuple(str(name) for name in row.get("meeting_attendees") or ()),
        topics=tuple(str(topic) for topic in row.get("meeting_topics") or ()),
    )


def _outlet(row: Mapping[str, Any], default_seen: datetime) -> Outlet:
    return Outlet(
        source=str(row.get("source") or ""),
        url=web_url(row.get("url")),
        title=str(row.get("title") or ""),
        outlet=_text(row.get("outlet")),
        seen=moment(row.get("seen")) or default_seen,
    )


def _meeting_payload(meeting: Meeting | None) -> dict[str, Any] | None:
    if meeting is None:
        return None
    return {
        "kind": meeting.kind,
        "convener": meeting.convener,
        "date": None if meeting.date is None else meeting.date.isoformat(),
        "chair": meeting.chair,
        "attendees": list(meeting.attendees),
        "topics": list(meeting.topics),
    }


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
