"""Meeting reports as the feed and the page show them, read from the store.

The store hands out rows as dicts with ISO timestamp strings; this module turns
them into one frozen value per report, timestamps timezone-aware, so the
renderers never touch a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.notify.message import moment, web_url
from monitor.store import ItemQuery, Store

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Link:
    """Where a report can be read, and at which outlet."""

    href: str
    outlet: str


@dataclass(frozen=True, slots=True)
class Report:
    """One meeting report: the item, its meeting, and every outlet it was seen at.

    ``links`` lists the item's own URL first, then the other outlets' URLs,
    each once, web (http, https) addresses only; it is empty when no outlet
    gave one (a local archive file).
    """

    id: int
    title: str
    published: datetime
    updated: datetime
    kind: str
    convener: str | None
    date: str | None
    chair: str | None
    topics: tuple[str, ...]
    attendees: tuple[str, ...]
    outlets: int
    links: tuple[Link, ...]


def recent_reports(store: Store, limit: int = 50) -> list[Report]:
    """The ``limit`` most recent meeting reports, newest first.

    Raises:
        StoreError: The database could not be read.
    """
    reports = []
    for row in store.items(ItemQuery(meetings_only=True, limit=limit)):
        detail = store.item(int(row["id"]))
        # None only if the item vanished between the two reads: skip it.
        if detail is not None:
            reports.append(_report(row, detail))
    return reports


def _report(row: Mapping[str, Any], detail: Mapping[str, Any]) -> Report:
    # The store always writes first_seen; a hand-edited row may lack it.
    first_seen = moment(row["first_seen"]) or _EPOCH
    published = moment(row["published"]) or first_seen
    updated = moment(detail.get("updated")) or first_seen
    return Report(
        id=int(row["id"]),
        title=str(row["title"] or ""),
        published=published,
        # An article dated after we first saw it (a future-dated page) must not
        # claim to have been updated before it was published.
        updated=max(updated, published),
        kind=str(row["meeting_kind"]),
        convener=_text(row["meeting_convener"]),
        date=_text(row["meeting_date"]),
        chair=_text(row["meeting_chair"]),
        topics=tuple(str(topic) for topic in detail.get("meeting_topics") or ()),
        attendees=tuple(str(name) for name in detail.get("meeting_attendees") or ()),
        outlets=int(row["outlets"] or 0),
        links=_links(detail),
    )


def _links(detail: Mapping[str, Any]) -> tuple[Link, ...]:
    candidates = [(detail.get("url"), detail.get("outlet"))]
    candidates += [
        (outlet.get("url"), outlet.get("outlet") or outlet.get("source"))
        for outlet in detail.get("outlets") or ()
    ]
    links: dict[str, Link] = {}
    for href, outlet in candidates:
        # Only web addresses: a file:// path means nothing to a reader elsewhere,
        # and a javascript: URL from a hostile page must never become a link.
        web = web_url(href)
        if web is not None and web not in links:
            links[web] = Link(web, str(outlet or ""))
    return tuple(links.values())


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
