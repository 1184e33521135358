"""Header arithmetic: Retry-After, max-age, charset, backoff, and bounded decoding."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from faultserver import encode
from hypothesis import given
from hypothesis import strategies as st

from monitor.httpinfo import (
    DEFAULT_BACKOFF_CAP,
    ContentCodingError,
    ContentDecoder,
    backoff,
    content_charset,
    max_age,
    retry_after,
)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


# --- Retry-After --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", timedelta(seconds=120)),
        (" 0 ", timedelta(0)),
        ("Wed, 01 May 2024 12:02:00 GMT", timedelta(minutes=2)),  # IMF-fixdate
        ("Wednesday, 01-May-24 12:00:30 GMT", timedelta(seconds=30)),  # RFC 850
        ("Wed May  1 12:00:05 2024", timedelta(seconds=5)),  # asctime, read as GMT
        ("Wed, 01 May 2024 20:00:10 +0800", timedelta(seconds=10)),  # a zone, tolerated
        ("Tue, 30 Apr 2024 12:00:00 GMT", timedelta(0)),  # past: retry now
    ],
)
def test_retry_after_forms(value: str, expected: timedelta) -> None:
    assert retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    "value", [None, "", "soon", "-5", "1.5", "１２", "120 s", "9" * 5000, "Wed, 99 Foo 2024"]
)
def test_retry_after_garbage_is_none(value: str | None) -> None:
    assert retry_after(value, now=NOW) is None


def test_retry_after_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        retry_after("10", now=datetime(2024, 5, 1))  # noqa: DTZ001 - the point of the test


@given(st.integers(min_value=0, max_value=10**9))
def test_retry_after_seconds_round_trip(seconds: int) -> None:
    assert retry_after(str(seconds), now=NOW) == timedelta(seconds=seconds)


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(9999, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_retry_after_dates_round_trip(when: datetime) -> None:
    when = when.replace(microsecond=0)
    expected = max(when - NOW, timedelta(0))
    assert retry_after(format_datetime(when, usegmt=True), now=NOW) == expected


@given(st.text())
def test_retry_after_never_raises_and_never_goes_negative(value: str) -> None:
    result = retry_after(value, now=NOW)
    assert result is None or result >= timedelta(0)


# --- Cache-Control ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("max-age=300", timedelta(seconds=300)),
        ("public, max-age=60", timedelta(seconds=60)),
        ("Max-Age = 60 , must-revalidate", timedelta(seconds=60)),
        ('max-age="45"', timedelta(seconds=45)),
        ("max-age=10, max-age=20", timedelta(seconds=10)),  # the first counts
        ("max-age=0", timedelta(0)),
        ("no-cache, max-age=60", None),
        ("max-age=60, no-store", None),
        ('private, no-cache="set-cookie", max-age=60', None),
        ("max-age=abc", None),
        ("max-age=-1", None),
        ("max-age=", None),
        ("s-maxage=60", None),
        ("public", None),
        ("", None),
        (None, None),
    ],
)
def test_max_age(header: str | None, expected: timedelta | None) -> None:
    assert max_age(header) == expected


@given(st.text())
def test_max_age_never_raises(header: str) -> None:
    result = max_age(header)
    assert result is None or result >= timedelta(0)


# --- charset ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=GBK", "gbk"),
        ('text/html;charset="utf-8"', "utf-8"),
        ("text/html; CHARSET=gb2312; q=1", "gb2312"),
        ("text/html; charset=klingon-8", "klingon-8"),  # as declared: decoding decides
        ("text/html", None),
        ("text/html; charset=", None),
        ("", None),
        (None, None),
    ],
)
def test_content_charset(content_type: str | None, expected: str | None) -> None:
    assert content_charset(content_type) == expected


# --- backoff ------------------------------------------------------------------------------


def ceiling(failures: int, base: timedelta, cap: timedelta) -> timedelta:
    """The docstring's formula, in integer microseconds so it cannot overflow."""
    micro = timedelta(microseconds=1)
    return min(cap // micro, base // micro << (failures - 1)) * micro


@given(
    failures=st.integers(min_value=1, max_value=10_000),
    base_ms=st.integers(min_value=1, max_value=3_600_000),
    cap_s=st.integers(min_value=0, max_value=7 * 86_400),
    seed=st.integers(),
)
def test_backoff_stays_within_zero_and_the_capped_ceiling(
    failures: int, base_ms: int, cap_s: int, seed: int
) -> None:
    base, cap = timedelta(milliseconds=base_ms), timedelta(seconds=cap_s)
    delay = backoff(failures, base=base, cap=cap, rng=random.Random(seed))
    assert timedelta(0) <= delay <= ceiling(failures, base, cap) <= cap


def test_backoff_ceiling_doubles_until_the_default_cap_of_a_day() -> None:
    rng = random.Random(7)
    base = timedelta(minutes=1)
    for failures in range(1, 20):
        samples = [backoff(failures, base=base, rng=rng) for _ in range(300)]
        top = ceiling(failures, base, DEFAULT_BACKOFF_CAP)
        assert max(samples) <= top
        assert max(samples) > top * 0.95  # full jitter reaches the top of its window
        assert min(samples) < top * 0.05  # ... and its bottom
    assert ceiling(12, base, DEFAULT_BACKOFF_CAP) == DEFAULT_BACKOFF_CAP


def test_backoff_grows_on_average() -> None:
    rng = random.Random(3)
    means = [
        statistics.fmean(
            backoff(failures, base=SECOND, cap=timedelta(hours=1), rng=rng).total_seconds()
            for _ in range(500)
        )
        for failures in range(1, 9)
    ]
    assert means == sorted(means)
    assert means[-1] > 50 * means[0]


def test_backoff_edges() -> None:
    rng = random.Random(1)
    assert backoff(0, base=SECOND, rng=rng) == timedelta(0)
    assert backoff(-3, base=SECOND, rng=rng) == timedelta(0)
    assert backoff(10**12, base=SECOND, rng=rng) <= DEFAULT_BACKOFF_CAP  # no overflow
    assert backoff(5, base=SECOND, cap=timedelta(0), rng=rng) == timedelta(0)
    with pytest.raises(ValueError, match="base"):
        backoff(1, base=timedelta(0), rng=rng)


# --- bounded decoding ---------------------------------------------------------------------


def decode_in_chunks(decoder: ContentDecoder, payload: bytes, cuts: list[int]) -> list[bytes]:
    pieces: list[bytes] = []
    start = 0
    for cut in [*sorted(cuts), len(payload)]:
        pieces.extend(decoder.feed(payload[start:cut]))
        start = max(start, cut)
    pieces.append(decoder.flush())
    return pieces


@given(
    data=st.binary(max_size=5000) | st.integers(0, 300_000).map(bytes),
    coding=st.sampled_from(["gzip", "deflate", "deflate-raw"]),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
)
def test_decoding_any_split_gives_the_data_in_bounded_pieces(
    data: bytes, coding: str, cuts: list[int]
) -> None:
    header = "deflate" if coding == "deflate-raw" else coding
    decoder = ContentDecoder(header, step=4096)
    pieces = decode_in_chunks(decoder, encode(coding, data), cuts)
    assert b"".join(pieces) == data
    assert max(map(len, pieces)) <= 4096


@pytest.mark.parametrize("header", [None, "", "identity", "utf-8", "br"])
def test_identity_and_unknown_codings_pass_through(header: str | None) -> None:
    decoder = ContentDecoder(header)
    assert decoder.coding is None
    assert list(decoder.feed(b"plain")) == [b"plain"]
    assert decoder.flush() == b""


def test_corrupt_and_stacked_codings_are_errors() -> None:
    with pytest.raises(ContentCodingError, match="not valid gzip"):
        list(ContentDecoder("gzip").feed(b"this is not gzip"))
    with pytest.raises(ContentCodingError, match="unsupported Content-Encoding gzip, br"):
        ContentDecoder("gzip, br")
