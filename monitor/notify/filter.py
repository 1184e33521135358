"""Which channels want a new item: each channel's filter against one observation. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.config.channels import Channel, ChannelFilter
from monitor.model import Observation
from monitor.store import NotifyHook


def wants(rules: ChannelFilter, seen: Observation) -> bool:
    """Whether an item first seen as ``seen`` passes ``rules``; empty lists match anything."""
    meeting = seen.extracted.meeting
    if rules.meetings_only and meeting is None:
        return False
    if rules.sources and seen.source not in rules.sources:
        return False
    if rules.kinds and (meeting is None or not _any_in(rules.kinds, meeting.kind)):
        return False
    if rules.conveners and (meeting is None or not _any_in(rules.conveners, meeting.convener)):
        return False
    if rules.keywords:
        article = seen.extracted.article
        return _any_in(rules.keywords, article.title) or _any_in(rules.keywords, article.text)
    return True


def hook(channels: Sequence[Channel]) -> NotifyHook:
    """The store's notify hook: the names of the enabled channels that want an observation."""
    enabled = [channel for channel in channels if channel.enabled]

    def matching(seen: Observation) -> list[str]:
        return [channel.name for channel in enabled if wants(channel.filter, seen)]

    return matching


def _any_in(needles: Sequence[str], haystack: str | None) -> bool:
    # Substrings, not equality: "常务会议" matches the kind "市政府常务会议".
    return haystack is not None and any(needle in haystack for needle in needles)
