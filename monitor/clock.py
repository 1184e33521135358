"""Time comes from an injected clock, never ``datetime.now()`` in logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time, timezone-aware."""

    def now(self) -> datetime:
        """The current time."""
        ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


@dataclass
class FrozenClock:
    """A clock for tests: stands still until moved."""

    current: datetime = field(default_factory=lambda: datetime(2024, 1, 1, tzinfo=UTC))

    def now(self) -> datetime:
        """The frozen time."""
        return self.current

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.current += delta
