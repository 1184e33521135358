"""Reading publication times as they appear in Chinese news pages and archives.

Every result is timezone-aware. A time without an offset is read as Beijing
time (Asia/Shanghai), which is what every mainland outlet prints.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# One pattern for the numeric forms: 2022-05-30 19:22:23 +0800,
# 2022-05-30T19:22:23+08:00, 2021/11/25 19:45, 2021年11月25日 19:45, 2021.11.25.
_NUMERIC = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    # gov.cn's firstpublishedtime joins date and time with "-": 2024-03-01-21:18:45.
    r"(?:(?:-|[T\s]*)(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>Z|z|UTC|GMT|[+-]\d{2}:?\d{2})?"
)


def to_shanghai(moment: datetime) -> datetime:
    """The same instant in Beijing time; a naive value is taken as Beijing time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def parse_datetime(text: str) -> datetime | None:
    """Parse a publication time; None when the text holds none.

    Accepts RFC 2822 (``Thu, 25 Nov 2021 11:45:03 GMT``, Hexo), ISO 8601 with
    a space or ``T`` and with or without an offset (Jekyll: ``+0800``), and the
    Chinese ``2021年11月25日 19:45``. The result is expressed in Beijing time.
    """
    text = text.strip()
    if not text:
        return None
    if text[:1].isalpha():
        try:
            moment = parsedate_to_datetime(text)
            # RFC 5322: "-0000" is UTC from a sender that does not say its zone;
            # parsedate_to_datetime returns it naive, as for no zone at all.
            if moment.tzinfo is None and text.endswith("-0000"):
                moment = moment.replace(tzinfo=UTC)
            return to_shanghai(moment)
        except (TypeError, ValueError, IndexError):
            pass
    match = _NUMERIC.search(text)
    if match is None:
        return None
    return _from_match(match)


def _from_match(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    try:
        naive = datetime(  # noqa: DTZ001 - the zone is attached just below
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
        )
    except ValueError:
        return None
    zone = _zone(parts["tz"])
    return to_shanghai(naive.replace(tzinfo=zone) if zone else naive)


def _zone(label: str | None) -> timezone | None:
    if not label:
        return None
    if label.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    sign = -1 if label[0] == "-" else 1
    digits = label[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if offset > timedelta(hours=14):
        return None
    return timezone(sign * offset)
