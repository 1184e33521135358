"""When a reported meeting was held, read off its lead sentence, for :mod:`monitor.meetings`.

Reports date a meeting in a few fixed ways: a full or partial date (``12月9日``, Xinhua's
bare ``9日``), a relative day (``今天``, ``昨晚``, ``本周三``), or ``当天`` pointing back
to the date an earlier sentence of the paragraph gave. The same reading tells a report
from an announcement (a date still to come) or a retrospective (a bare earlier month).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

# A date may sit a day after publication when clocks or datelines disagree; any later,
# and the report announces the meeting rather than reports it ("12月10日" in a story of the 8th).
FUTURE_SLACK: Final = timedelta(days=1)
# A month-day this far ahead of publication is last year's (Jan 2 article, "12月31日");
# nearer, it is an announced date, not last year's meeting.
ROLLBACK_AFTER: Final = timedelta(days=61)
# An explicit date older than this is history being recounted, not this report's meeting.
MAX_AGE: Final = timedelta(days=366)
# The date rank of a sentence whose meeting is not this report's: one still to come
# (an announcement) or one a month or more ago (a retrospective).
NOT_REPORTED: Final = -1
# Ranks of a sentence's date: an explicit day outranks a relative one, which outranks none.
EXPLICIT: Final = 2
RELATIVE: Final = 1

# The lookahead names every character a token can start with: it lets the engine
# skip other characters before trying the branches (a lead's sentences: 6.8 -> 3.6 µs).
DATE_TOKEN: Final = re.compile(
    r"(?=[\d今昨前本上这周星当])"
    r"(?:(?<![\d至到—－~-])(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})[日号]"
    # A range's end is part of its token: a meeting is dated by its first day.
    r"(?:[至到—－~-](?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}[日号])?"
    # 当天 names the day an earlier sentence of the paragraph gave.
    r"|(?P<same>当[天日])"
    r"|(?P<rel>今[天日晚晨早]|昨[天日晚]|前天)"
    r"|(?P<wk>[本上这])?(?:周|星期)(?P<wd>[一二三四五六日天]))"
)
# A month without a day ("今年1月，市委常委会召开会议") recounts; reports of a meeting
# just held name its day. Only an earlier month than publication's counts as recounting.
MONTH_ONLY: Final = re.compile(
    r"(?<![\d年])(?:(?P<y>\d{4})年|去年|今年)?(?P<m>\d{1,2})月(?![\d份]*\d)"
)
DAYS_BACK: Final = {"今": 0, "昨": 1, "前": 2}
WEEKDAYS: Final = "一二三四五六日"


def date_in(segment: str, published: date | None, before: str = "") -> tuple[int, date | None]:
    """EXPLICIT for a day named, RELATIVE for 今天/昨天…, 0 for none; the last one wins.

    ``before`` is the paragraph's text ahead of ``segment``: the date 当天 refers to.
    A winning date after publication (beyond clock slack) ranks NOT_REPORTED: the
    sentence announces the meeting; so does a bare earlier month: it recounts one.
    """
    found: dict[int, date] = {}
    for m in DATE_TOKEN.finditer(segment):
        if m["same"]:
            when = _last_explicit(before + segment[: m.start()], published)
        else:
            when = _resolve(m, published)
        if when is not None:
            found[EXPLICIT if m["d"] or m["same"] else RELATIVE] = when
    rank = max(found, default=0)
    when = found.get(rank)
    if when and published and when > published + FUTURE_SLACK:
        return NOT_REPORTED, None
    if not found and published and _recounted(segment, published):
        return NOT_REPORTED, None
    return rank, when


def _last_explicit(text: str, published: date | None) -> date | None:
    # The nearest earlier day named outright; a relative word there is not what 当天 means.
    days = (_resolve(m, published) for m in DATE_TOKEN.finditer(text) if m["d"])
    return next(reversed([day for day in days if day is not None]), None)


def _recounted(segment: str, published: date) -> bool:
    for m in MONTH_ONLY.finditer(segment):
        year = int(m["y"]) if m["y"] else published.year - m[0].startswith("去年")
        if (year, int(m["m"])) < (published.year, published.month):
            return True
    return False


def _resolve(m: re.Match[str], published: date | None) -> date | None:
    if m["y"] and m["m"]:
        when = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    elif published is None:
        return None
    elif m["rel"]:
        when = published - timedelta(days=DAYS_BACK[m["rel"][0]])
    elif m["wd"]:
        target = WEEKDAYS.index(m["wd"].replace("天", "日"))
        back = {"本": 0, "这": 0, "上": 7}.get(m["wk"] or "")
        if back is None:  # a bare 周三 is the latest one
            back = (published.weekday() - target) % 7 - published.weekday() + target
        when = published + timedelta(days=target - published.weekday() - back)
    elif m["m"]:  # the latest such day not far after publication; nearer is a preview
        years = (published.year + 1, published.year, published.year - 1)
        days = [_safe_date(year, int(m["m"]), int(m["d"])) for year in years]
        when = next((d for d in days if d and d <= published + ROLLBACK_AFTER), None)
    else:  # Xinhua's "5日": this month, or last month if that is still to come
        last = published.replace(day=1) - timedelta(days=1)
        days = [_safe_date(published.year, published.month, int(m["d"]))]
        days.append(_safe_date(last.year, last.month, int(m["d"])))
        when = next((d for d in days if d and d <= published), None)
    if when is None or published is None:
        return when
    # Too old is history recounted; a later date is kept so date_in can call it a preview.
    return when if published - MAX_AGE <= when else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
