"""A message through any Apprise URL (https://github.com/caronc/apprise): chat, push, JSON.

Apprise's ``async_notify`` runs blocking plugins (most of them use ``requests``)
in its own executor, so the event loop is never blocked. The URL holds the
service's tokens: it never appears in an error, and any piece of it that a plugin
puts in a log line is masked. Every failure is ``retry``: Apprise reports no
"endpoint gone", and its plugins do not expose the HTTP status as a value.
"""

from __future__ import annotations

import re

from monitor.config.channels import AppriseChannel
from monitor.notify.message import Delivery, Message

_SPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[/:@?&=#,;+]+")
# Pieces shorter than this are ports, "v1" and the like; a token is longer.
_MIN_SECRET = 4
_MASK = "***"


async def send(channel: AppriseChannel, message: Message) -> Delivery:
    """Send the subject and text body to the channel's Apprise URL; failures are values."""
    # Imported here: apprise loads its hundred plugins (~0.3 s, 20 MB) at import,
    # which a daemon with no Apprise channel should not pay for.
    import apprise  # noqa: PLC0415

    url = channel.url.get_secret_value()
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return _retry(channel, "invalid Apprise URL (unknown scheme or missing token)")
    seconds = channel.timeout.total_seconds()
    result = await notifier.async_notify(
        body=message.text,
        title=message.subject,
        body_format=apprise.NotifyFormat.TEXT,
        timeout=seconds,
    )
    with result:
        if result.status == apprise.AppriseResultStatus.SUCCESS:
            return Delivery("delivered")
        if result.status == apprise.AppriseResultStatus.TIMEOUT:
            return _retry(channel, f"timed out after {seconds:g} s")
        problems = [entry.message for entry in result.logs() if entry.level in _PROBLEMS]
    reason = problems[-1] if problems else f"notification failed ({result.status.name})"
    return _retry(channel, redact(reason, url))


def redact(text: str, url: str) -> str:
    """``text`` with every longer piece of ``url`` (host, user, tokens, path, query) masked."""
    _, _, rest = url.partition("://")
    pieces = sorted({p for p in _SEPARATORS.split(rest) if len(p) >= _MIN_SECRET}, key=len)
    for piece in [url, *reversed(pieces)]:
        text = text.replace(piece, _MASK)
    return text


_PROBLEMS = {"WARNING", "ERROR", "CRITICAL"}


def _retry(channel: AppriseChannel, problem: str) -> Delivery:
    return Delivery("retry", _SPACE.sub(" ", f"apprise {channel.name}: {problem}").strip())
