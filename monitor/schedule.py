"""When a source is polled next, and whether it counts as broken. Pure: no I/O, no clock.

The pipeline applies these to the outcome of a poll; the daemon only reads the
resulting next-due time from the store, so the rules live in one place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor import httpinfo

DEFAULT_MAX_BACKOFF = timedelta(days=1)
DEFAULT_BROKEN_AFTER = 3
# Jitter spreads sources configured with the same interval: a tenth of the
# interval, at most a minute, so "10m" polls land within 10:00 ± 0:30… 1:00.
_JITTER_SHARE = 0.1
_MAX_JITTER = timedelta(minutes=1)
_MAX_RETRY_GAP = timedelta(hours=12)
# Sources started per second, on average, when many are due at start-up.
_START_RATE = 20


@dataclass(frozen=True, slots=True)
class Policy:
    """How a source is rescheduled: its interval, the backoff ceiling, the broken rule."""

    interval: timedelta
    max_backoff: timedelta = DEFAULT_MAX_BACKOFF
    broken_after: int = DEFAULT_BROKEN_AFTER

    @property
    def jitter(self) -> timedelta:
        """The largest random delay added to a regular poll."""
        return min(self.interval * _JITTER_SHARE, _MAX_JITTER)


def after_success(
    now: datetime, policy: Policy, *, max_age: timedelta | None, rng: random.Random
) -> datetime:
    """Next poll after a good answer: the interval (or the server's max-age, if longer), jittered.

    ``Cache-Control: max-age`` is a floor: polling before the server's copy can
    change only buys another 304.
    """
    wait = max(policy.interval, max_age or timedelta(0))
    return now + wait + _jitter(policy, rng)


def after_failure(
    now: datetime,
    policy: Policy,
    *,
    failures: int,
    retry_after: timedelta | None,
    rng: random.Random,
) -> datetime:
    """Next poll after ``failures`` failures in a row: interval + exponential backoff, capped.

    ``delay = min(max_backoff, interval + uniform(0, interval * 2 ** (failures - 1)))``
    (full jitter on top of the regular interval, so a failing source is never polled more
    often than a healthy one), then ``Retry-After`` as a floor: a 429 or 503 that names a
    time is obeyed even past the cap, since polling earlier is refused anyway.
    """
    extra = httpinfo.backoff(failures, base=policy.interval, cap=policy.max_backoff, rng=rng)
    delay = min(policy.max_backoff, policy.interval + extra)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + delay


def first_due(
    now: datetime, policy: Policy, stored: datetime | None, *, sources: int, rng: random.Random
) -> datetime:
    """When the daemon polls a source first after it starts, ``sources`` being due with it.

    A stored next-due time is kept (a restart forgets no backoff). Sources never
    polled, or overdue, start spread over ``sources / 20`` seconds, at most the
    jitter window: a thousand overdue sources do not go out in one burst, and a
    handful are polled at once.
    """
    if stored is not None and stored > now:
        return stored
    spread = min(policy.jitter, timedelta(seconds=sources / _START_RATE))
    return now + timedelta(seconds=rng.uniform(0, spread.total_seconds()))


def retry_delay(attempts: int, base: timedelta, *, rng: random.Random) -> timedelta:
    """Wait before the next delivery attempt after ``attempts`` failed ones: "equal jitter".

    ``ceiling = base * 2 ** (attempts - 1)``, capped at 12 hours; the delay is
    ``ceiling / 2 + uniform(0, ceiling / 2)``: never near zero (a receiver that
    just failed gets a moment), still spread. With ``base`` = 1 min, 12 attempts
    span about a day (the sum of the ceilings of 11 gaps is 34 h, three quarters
    of which is the mean).
    """
    doublings = max(0, min(attempts - 1, 40))
    ceiling: timedelta = min(base * (1 << doublings), _MAX_RETRY_GAP)
    half = ceiling / 2
    return half + timedelta(seconds=rng.uniform(0, half.total_seconds()))


def is_broken(policy: Policy, *, empty_polls: int, no_body: bool) -> bool:
    """Whether a source that fetches fine is broken: empty ``broken_after`` times, or no body."""
    return no_body or empty_polls >= policy.broken_after


def _jitter(policy: Policy, rng: random.Random) -> timedelta:
    return timedelta(seconds=rng.uniform(0, policy.jitter.total_seconds()))
