"""Per-source polling state: validators, next due time, failures, health.

The next-due time lives here, not in a timer, so a restart neither polls
every source at once nor forgets a backoff, and any worker may poll any due
source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

_FIELDS = (
    "name",
    "kind",
    "url",
    "etag",
    "last_modified",
    "next_due",
    "last_polled",
    "last_outcome",
    "failures",
    "empty_polls",
    "broken",
    "last_error",
)
_COLUMNS = ", ".join(_FIELDS)
# An upsert updates the row in place: a third of the cost of INSERT OR REPLACE, which
# deletes the row and its index entry and inserts both again, once per poll.
_SAVE = (
    f"INSERT INTO sources ({_COLUMNS}) VALUES ({', '.join('?' for _ in _FIELDS)}) "  # noqa: S608 - fixed names
    "ON CONFLICT (name) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _FIELDS[1:])
)


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the store remembers of one source between polls."""

    name: str
    kind: str = ""
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_due: datetime | None = None
    last_polled: datetime | None = None
    last_outcome: str | None = None
    failures: int = 0
    empty_polls: int = 0
    broken: bool = False
    last_error: str | None = None


def state(db: Database, name: str) -> SourceState | None:
    """The state of the source called ``name``, if it was ever polled."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM sources WHERE name = ?",  # noqa: S608 - fixed columns
        [name],
    ).fetchone()
    return None if row is None else _state(row)


def states(db: Database) -> list[SourceState]:
    """Every known source, by name."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM sources ORDER BY name").fetchall()  # noqa: S608
    return [_state(row) for row in rows]


def due(db: Database, now: datetime, names: list[str]) -> list[str]:
    """Which of ``names`` are due at ``now``: never polled, or their next-due time passed."""
    known = {row[0]: row[1] for row in db.execute("SELECT name, next_due FROM sources").fetchall()}
    return [
        name
        for name in names
        if known.get(name) is None or datetime.fromisoformat(known[name]) <= now
    ]


def save(db: Database, states: list[SourceState]) -> None:
    """Insert or update the states of sources. The caller owns the transaction."""
    db.conn.executemany(_SAVE, [_row(new) for new in states])


def _row(new: SourceState) -> tuple[object, ...]:
    return (
        new.name,
        new.kind,
        new.url,
        new.etag,
        new.last_modified,
        new.next_due.isoformat() if new.next_due else None,
        new.last_polled.isoformat() if new.last_polled else None,
        new.last_outcome,
        new.failures,
        new.empty_polls,
        int(new.broken),
        new.last_error,
    )


def _state(row: tuple[object, ...]) -> SourceState:
    (name, kind, url, etag, modified, next_due, polled, outcome, failures, empty, broken, error) = (
        row
    )
    return SourceState(
        name=str(name),
        kind=str(kind or ""),
        url=None if url is None else str(url),
        etag=None if etag is None else str(etag),
        last_modified=None if modified is None else str(modified),
        next_due=_when(next_due),
        last_polled=_when(polled),
        last_outcome=None if outcome is None else str(outcome),
        failures=int(str(failures or 0)),
        empty_polls=int(str(empty or 0)),
        broken=bool(broken),
        last_error=None if error is None else str(error),
    )


def _when(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))
