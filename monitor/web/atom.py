"""The Atom feed of recent meeting reports (RFC 4287), built with feedgen."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from monitor.web.reports import Report

CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# A tag URI (RFC 4151) never changes with the host name the feed is served under,
# so a reader that moves to another address does not see every entry as new.
TAG = "tag:meeting-monitor,2026:"


def entry_id(item_id: int) -> str:
    """The stable Atom id of one item."""
    return f"{TAG}item/{item_id}"


def render_feed(reports: Sequence[Report], *, title: str, self_url: str) -> bytes:
    """The feed as UTF-8 XML, newest report first; valid with no reports too.

    Args:
        reports: The reports, newest first.
        title: The feed's title.
        self_url: Where the feed is served (its ``rel="self"`` link).

    Returns:
        The Atom document.
    """
    feed = FeedGenerator()
    feed.id(f"{TAG}feed")
    feed.title(title)
    feed.author({"name": title})
    feed.link(href=self_url, rel="self")
    feed.language("zh-CN")
    if reports:
        # Without entries feedgen stamps the current time, which is right then.
        feed.updated(max(report.updated for report in reports))
    for report in reports:
        _add_entry(feed, report)
    return bytes(feed.atom_str(pretty=True))


def summary(report: Report) -> str:
    """One paragraph: kind, convener, date, chair, attendees, topics, other outlets."""
    parts = [f"{report.kind}" + (f"（{report.convener}）" if report.convener else "")]
    parts.append(f"date {report.date or 'unknown'}")
    if report.chair:
        parts.append(f"chaired by {report.chair}")
    if report.attendees:
        parts.append("attendees: " + "、".join(report.attendees))
    if report.topics:
        parts.append("topics: " + "；".join(report.topics))
    others = [f"{link.outlet} {link.href}".strip() for link in report.links[1:]]
    if others:
        parts.append("also at: " + ", ".join(others))
    return "; ".join(parts)


def _add_entry(feed: FeedGenerator, report: Report) -> None:
    entry = feed.add_entry(order="append")
    entry.id(entry_id(report.id))
    entry.title(report.title or report.kind)
    entry.published(report.published)
    entry.updated(report.updated)
    entry.summary(summary(report))
    if report.links:
        # One link only: feedgen 1.0.0 renders an entry link's href but drops its
        # rel and title (lkiesow/python-feedgen#135), and RFC 4287 4.1.1 allows
        # one alternate per type; the other outlets are named in the summary.
        entry.link(href=report.links[0].href)
    else:
        # An entry without an alternate link must carry content (RFC 4287 4.1.1).
        entry.content(summary(report), type="text")
