"""The notification outbox: rows written with their item, delivered by the courier.

A row is ``pending`` until delivered (``delivered``) or out of attempts
(``dead``). Delivery is at-least-once: a crash between sending and
:func:`mark_delivered` leaves the row pending, so it is sent again with the
same idempotency key; a row marked delivered is never selected again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

_COLUMNS = (
    "id, item_id, channel, idempotency_key, status, attempts, next_attempt, last_error, "
    "created, delivered"
)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One (item, channel) delivery and where it stands."""

    id: int
    item_id: int
    channel: str
    key: str
    status: str
    attempts: int
    next_attempt: datetime
    last_error: str | None
    created: datetime
    delivered: datetime | None


def due(db: Database, now: datetime, channels: Sequence[str], limit: int) -> list[OutboxRow]:
    """Pending rows of ``channels`` whose time has come, oldest first."""
    if not channels:
        return []
    marks = ",".join("?" * len(channels))
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt <= ? "  # noqa: S608
        f"AND channel IN ({marks}) ORDER BY next_attempt, id LIMIT ?",
        [now.isoformat(), *channels, limit],
    ).fetchall()
    return [_row(row) for row in rows]


def listing(db: Database, *, dead: bool, limit: int) -> list[OutboxRow]:
    """Pending rows (or dead ones), oldest first."""
    status = "dead" if dead else "pending"
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE status = ? ORDER BY id LIMIT ?",  # noqa: S608
        [status, limit],
    ).fetchall()
    return [_row(row) for row in rows]


def mark_delivered(
    db: Database, ids: Sequence[int], now: datetime, batch: str | None = None
) -> None:
    """Record delivery (of a digest ``batch`` when given); the caller owns the transaction."""
    db.conn.executemany(
        "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered = ?, "
        "batch = ?, last_error = NULL WHERE id = ? AND status = 'pending'",
        [(now.isoformat(), batch, row_id) for row_id in ids],
    )


def postpone(db: Database, ids: Sequence[int], until: datetime) -> None:
    """Hold rows back (the hourly cap) without counting an attempt."""
    db.conn.executemany(
        "UPDATE outbox SET next_attempt = ? WHERE id = ? AND status = 'pending'",
        [(until.isoformat(), row_id) for row_id in ids],
    )


def mark_failed(
    db: Database, row_id: int, error: str, next_attempt: datetime, *, dead: bool
) -> None:
    """Record a failed attempt: retried at ``next_attempt``, or dead."""
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ?, "
        "status = ? WHERE id = ? AND status = 'pending'",
        [error, next_attempt.isoformat(), "dead" if dead else "pending", row_id],
    )


def requeue(db: Database, ids: Sequence[int] | None, now: datetime) -> int:
    """Dead rows (the given ones, or all) back to pending, due now, attempts reset."""
    sql = (
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt = ? WHERE status = 'dead'"
    )
    if ids is None:
        return int(db.execute(sql, [now.isoformat()]).rowcount)
    marks = ",".join("?" * len(ids))
    cursor = db.execute(f"{sql} AND id IN ({marks})", [now.isoformat(), *ids])
    return int(cursor.rowcount)


def sent_since(db: Database, channel: str, since: datetime) -> tuple[int, datetime | None]:
    """Messages ``channel`` was sent since ``since`` (a digest is one), and the first one's time."""
    row = db.execute(
        "SELECT COUNT(DISTINCT COALESCE(batch, idempotency_key)), MIN(delivered) FROM outbox "
        "WHERE channel = ? AND status = 'delivered' AND delivered >= ?",
        [channel, since.isoformat()],
    ).fetchone()
    first = None if row[1] is None else datetime.fromisoformat(str(row[1]))
    return int(row[0]), first


def _row(row: Sequence[object]) -> OutboxRow:
    return OutboxRow(
        id=int(str(row[0])),
        item_id=int(str(row[1])),
        channel=str(row[2]),
        key=str(row[3]),
        status=str(row[4]),
        attempts=int(str(row[5])),
        next_attempt=datetime.fromisoformat(str(row[6])),
        last_error=None if row[7] is None else str(row[7]),
        created=datetime.fromisoformat(str(row[8])),
        delivered=None if row[9] is None else datetime.fromisoformat(str(row[9])),
    )
