from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.dates import SHANGHAI, parse_datetime

BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu, 25 Nov 2021 11:45:03 GMT", datetime(2021, 11, 25, 19, 45, 3, tzinfo=BEIJING)),
        ("2022-05-30 19:22:23 +0800", datetime(2022, 5, 30, 19, 22, 23, tzinfo=BEIJING)),
        ("2022-05-30T11:22:23Z", datetime(2022, 5, 30, 19, 22, 23, tzinfo=BEIJING)),
        ("2022-05-30T19:22:23+08:00", datetime(2022, 5, 30, 19, 22, 23, tzinfo=BEIJING)),
        ("2020-03-11 19:02:21", datetime(2020, 3, 11, 19, 2, 21, tzinfo=BEIJING)),
        ("2021年11月25日 19:45", datetime(2021, 11, 25, 19, 45, tzinfo=BEIJING)),
        ("2021年11月25日", datetime(2021, 11, 25, tzinfo=BEIJING)),
        ("2021/1/5 08:00", datetime(2021, 1, 5, 8, 0, tzinfo=BEIJING)),
    ],
)
def test_publication_times(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is SHANGHAI


@pytest.mark.parametrize("text", ["", "yesterday", "2021-13-45 10:00", "Thu, 99 Foo 2021"])
def test_no_time_in_text(text: str) -> None:
    assert parse_datetime(text) is None


@given(st.text())
def test_never_raises_and_is_aware(text: str) -> None:
    parsed = parse_datetime(text)
    assert parsed is None or parsed.tzinfo is not None
