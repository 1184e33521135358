"""What one poll has done so far, filled in as it goes and frozen into a ``SourceRun``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from monitor.fetchresult import FetchResult, Validators
from monitor.model import IngestResult


@dataclass
class Tally:
    """The working record of one poll. Mutable, private to the pipeline."""

    outcome: str = "ok"
    error: str | None = None
    entries: int = 0
    skipped: int = 0
    ingested: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    fetches: list[tuple[str, float]] = field(default_factory=list)
    validators: Validators = field(default_factory=Validators)
    max_age: timedelta | None = None
    retry_after: timedelta | None = None
    attempted: int = 0
    no_body: int = 0

    def fail(self, outcome: str, error: str) -> None:
        """The source itself failed: nothing was listed."""
        self.outcome, self.error = outcome, error

    def fetched(self, result: FetchResult) -> None:
        """Count one request, whatever it was for."""
        self.fetches.append((result.kind, result.elapsed))

    def stored(self, result: IngestResult) -> None:
        """Count one ingest by what it did."""
        self.ingested[result.kind] += 1

    @property
    def failed(self) -> bool:
        """Whether the source itself failed."""
        return self.error is not None

    @property
    def all_without_body(self) -> bool:
        """Every article tried came back with no body: the parser no longer fits the site."""
        return self.attempted > 0 and self.no_body == self.attempted
