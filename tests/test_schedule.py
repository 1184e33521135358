"""The rescheduling rules: pure functions of the outcome, the policy and a seeded RNG."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from monitor import schedule

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
TEN_MINUTES = schedule.Policy(timedelta(minutes=10))


def test_success_waits_the_interval_plus_at_most_the_jitter() -> None:
    rng = random.Random(1)
    dues = [schedule.after_success(NOW, TEN_MINUTES, max_age=None, rng=rng) for _ in range(200)]
    assert min(dues) >= NOW + timedelta(minutes=10)
    assert max(dues) <= NOW + timedelta(minutes=11)
    assert len(set(dues)) > 100  # spread, not one instant


def test_a_longer_max_age_is_a_floor() -> None:
    due = schedule.after_success(NOW, TEN_MINUTES, max_age=timedelta(hours=1), rng=random.Random(1))
    assert due >= NOW + timedelta(hours=1)


@given(failures=st.integers(1, 60), seed=st.integers(0, 2**32))
def test_failure_backoff_is_never_shorter_than_the_interval_nor_past_the_cap(
    failures: int, seed: int
) -> None:
    due = schedule.after_failure(
        NOW, TEN_MINUTES, failures=failures, retry_after=None, rng=random.Random(seed)
    )
    assert NOW + timedelta(minutes=10) <= due <= NOW + timedelta(days=1)


def test_backoff_grows_with_failures() -> None:
    def median(failures: int) -> timedelta:
        rng = random.Random(3)
        waits = sorted(
            schedule.after_failure(NOW, TEN_MINUTES, failures=failures, retry_after=None, rng=rng)
            - NOW
            for _ in range(101)
        )
        return waits[50]

    assert median(1) < median(4) < median(8) <= timedelta(days=1)


def test_retry_after_beats_the_cap() -> None:
    due = schedule.after_failure(
        NOW, TEN_MINUTES, failures=1, retry_after=timedelta(days=2), rng=random.Random(1)
    )
    assert due == NOW + timedelta(days=2)


def test_first_due_keeps_a_stored_future_time() -> None:
    stored = NOW + timedelta(hours=3)
    assert schedule.first_due(NOW, TEN_MINUTES, stored, sources=1, rng=random.Random(1)) == stored


def test_overdue_sources_start_spread_but_a_few_start_at_once() -> None:
    rng = random.Random(5)
    past = NOW - timedelta(days=1)
    many = [schedule.first_due(NOW, TEN_MINUTES, past, sources=1000, rng=rng) for _ in range(1000)]
    assert max(many) - min(many) > timedelta(seconds=40)
    assert max(many) <= NOW + TEN_MINUTES.jitter
    few = [schedule.first_due(NOW, TEN_MINUTES, None, sources=2, rng=rng) for _ in range(10)]
    assert max(few) <= NOW + timedelta(seconds=0.1)


def test_broken_after_the_configured_number_of_empty_polls_or_no_body() -> None:
    policy = schedule.Policy(timedelta(minutes=1), broken_after=3)
    assert not schedule.is_broken(policy, empty_polls=2, no_body=False)
    assert schedule.is_broken(policy, empty_polls=3, no_body=False)
    assert schedule.is_broken(policy, empty_polls=0, no_body=True)
