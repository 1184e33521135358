"""Ingest: one observation, layered identity, one transaction.

The layers, first match wins:

1. entry key (any alias seen before): unchanged, or a revision of its item;
2. exact content hash: the same item (another outlet, or a duplicate);
3. near duplicate: SimHash within ``near_distance``, via four 16-bit bands, or
   most distinctive paragraphs shared (a dropped paragraph SimHash cannot see);
4. same meeting (convener, date, kind): another outlet of that item;
5. otherwise a new item, with outbox rows for the channels that want it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from monitor.model import Extracted, IngestResult, Meeting, Observation
from monitor.text import HASH_VERSION, hamming

#: Given a new item's extraction, the names of the channels that want it.
NotifyHook = Callable[[Observation], Sequence[str]]

_MASK64 = (1 << 64) - 1
#: Two texts sharing this fraction of the larger one's distinctive paragraphs
#: are one item: one paragraph of five dropped still matches.
SHARED_PARAGRAPHS = 0.8
MIN_SHARED = 2
#: Telling rare paragraphs from common ones needs counts only this far.
_RARE_CAP = 64

# One encoder for every item: json.dumps with options builds a new one per call.
_json = json.JSONEncoder(ensure_ascii=False).encode

_ITEM_COLUMNS = (
    "content_hash",
    "hash_version",
    "simhash",
    "band0",
    "band1",
    "band2",
    "band3",
    "site",
    "title",
    "url",
    "source_url",
    "published",
    "editor",
    "outlet",
    "headings",
    "paragraph_count",
    "text",
    "meeting_kind",
    "meeting_convener",
    "meeting_date",
    "meeting_chair",
    "meeting_attendees",
    "meeting_topics",
    "meeting_key",
    "first_seen",
    "updated",
)
_INSERT_ITEM = (
    f"INSERT INTO items ({', '.join(_ITEM_COLUMNS)}) "  # noqa: S608 - fixed column names
    f"VALUES ({', '.join('?' * len(_ITEM_COLUMNS))})"
)


def signed64(value: int) -> int:
    """An unsigned 64-bit fingerprint as SQLite's signed INTEGER."""
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def bands(fingerprint: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of a 64-bit fingerprint, high first."""
    value = fingerprint & _MASK64
    return (value >> 48, (value >> 32) & 0xFFFF, (value >> 16) & 0xFFFF, value & 0xFFFF)


def meeting_key(extracted: Extracted) -> str | None:
    """What makes two reports the same meeting: convener, date and kind, all known."""
    meeting = extracted.meeting
    if meeting is None or meeting.convener is None or meeting.date is None:
        return None
    return f"{meeting.convener}|{meeting.date.isoformat()}|{meeting.kind}"


@dataclass(frozen=True, slots=True)
class Ingester:
    """Runs the layers against an open database; the caller owns the transaction."""

    db: Database
    now: datetime
    near_distance: int = 3
    notify_revisions: bool = False
    # Every row of one ingest carries the same time: formatted once.
    stamp: str = field(init=False)

    def __post_init__(self) -> None:
        """Format ``now`` once for the rows written."""
        object.__setattr__(self, "stamp", self.now.isoformat())

    def ingest(self, seen: Observation, notify: NotifyHook | None) -> IngestResult:
        """Record ``seen`` and say what it was."""
        entry = self.entry(seen.keys)
        if entry is not None:
            return self._known_entry(seen, *entry, notify)
        found = self._same_item(seen.extracted)
        if found is not None:
            item_id, reason = found
            self._new_entry(seen, item_id)
            fresh = self._add_outlet(item_id, seen, reason)
            return IngestResult("outlet" if fresh else "duplicate", item_id, reason)
        item_id = self._new_item(seen.extracted)
        self._add_paragraphs(item_id, seen.extracted)
        self._new_entry(seen, item_id)
        self._add_outlet(item_id, seen, "first seen")
        channels = tuple(notify(seen)) if notify else ()
        self._enqueue(item_id, channels)
        return IngestResult("new", item_id, "", channels)

    def entry(self, keys: Sequence[str]) -> tuple[int, int, str] | None:
        """The entry any of ``keys`` belongs to: (entry id, item id, content hash)."""
        if not keys:
            return None
        marks = ",".join("?" * len(keys))
        row = self.db.conn.execute(
            f"SELECT e.id, e.item_id, e.content_hash FROM entry_keys k "  # noqa: S608 - marks only
            f"JOIN entries e ON e.id = k.entry_id WHERE k.key IN ({marks}) LIMIT 1",
            list(keys),
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]), str(row[2]))

    def _known_entry(
        self,
        seen: Observation,
        entry_id: int,
        item_id: int,
        old_hash: str,
        notify: NotifyHook | None,
    ) -> IngestResult:
        self._add_keys(entry_id, seen.keys)
        stamp = self.stamp
        if old_hash == seen.extracted.content_hash:
            self.db.conn.execute("UPDATE entries SET last_seen = ? WHERE id = ?", [stamp, entry_id])
            return IngestResult("unchanged", item_id)
        article = seen.extracted.article
        self.db.conn.execute(
            "INSERT INTO revisions (item_id, entry_id, content_hash, title, text, seen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [item_id, entry_id, seen.extracted.content_hash, article.title, article.text, stamp],
        )
        self.db.conn.execute(
            "UPDATE entries SET content_hash = ?, last_seen = ? WHERE id = ?",
            [seen.extracted.content_hash, stamp, entry_id],
        )
        channels = tuple(notify(seen)) if notify and self.notify_revisions else ()
        self._enqueue(item_id, channels, revision=seen.extracted.content_hash)
        return IngestResult("revision", item_id, "content changed", channels)

    def _same_item(self, extracted: Extracted) -> tuple[int, str] | None:
        row = self.db.conn.execute(
            "SELECT id FROM items WHERE content_hash = ?", [extracted.content_hash]
        ).fetchone()
        if row is not None:
            return int(row[0]), "same content"
        near = self.nearest(extracted.simhash)
        if near is not None:
            return near[0], f"near duplicate (distance {near[1]})"
        shared = self.most_shared(extracted.paragraph_fingerprints)
        if shared is not None:
            return shared[0], f"near duplicate ({shared[1]} of {shared[2]} paragraphs shared)"
        key = meeting_key(extracted)
        if key is not None:
            row = self.db.conn.execute(
                "SELECT id FROM items WHERE meeting_key = ? ORDER BY id LIMIT 1", [key]
            ).fetchone()
            if row is not None:
                return int(row[0]), "same meeting"
        return None

    def nearest(self, fingerprint: int) -> tuple[int, int] | None:
        """The closest item within ``near_distance``, as (id, distance)."""
        b0, b1, b2, b3 = bands(fingerprint)
        rows = self.db.conn.execute(
            "SELECT id, simhash FROM items WHERE band0 = ? UNION ALL "
            "SELECT id, simhash FROM items WHERE band1 = ? UNION ALL "
            "SELECT id, simhash FROM items WHERE band2 = ? UNION ALL "
            "SELECT id, simhash FROM items WHERE band3 = ?",
            [b0, b1, b2, b3],
        ).fetchall()
        best: tuple[int, int] | None = None
        for item_id, stored in rows:
            distance = hamming(fingerprint, int(stored) & _MASK64)
            if distance <= self.near_distance and (best is None or distance < best[1]):
                best = (int(item_id), distance)
        return best

    def most_shared(self, fingerprints: Sequence[int]) -> tuple[int, int, int] | None:
        """The item sharing at least ``SHARED_PARAGRAPHS`` of the larger paragraph set.

        Returns (id, paragraphs shared, paragraphs in the larger of the two).
        """
        if len(fingerprints) < MIN_SHARED:
            return None
        distinct = list(dict.fromkeys(fingerprints))
        # Only an item sharing ``needed`` paragraphs can pass, and such an item
        # holds at least one of any ``len(distinct) - needed + 1`` of them: the
        # rarest few name every candidate. Counting shares for every item that
        # holds any paragraph grew with the store (a lead or boilerplate
        # paragraph held by 2,000 items: 2.6 ms an ingest at 10,000 items,
        # 0.1 ms this way).
        needed = max(MIN_SHARED, math.ceil(SHARED_PARAGRAPHS * len(fingerprints)))
        rarest = len(distinct) - needed + 1
        if rarest < 1:
            return None
        values = ",".join(["(?)"] * len(distinct))
        # An item shares no more paragraphs than the store holds at all: most new
        # texts hold none, or only a lead that others share (68 -> 20 µs an ingest).
        present = self.db.conn.execute(
            f"WITH wanted(fp) AS (VALUES {values}) SELECT COUNT(*) FROM wanted "  # noqa: S608
            "WHERE EXISTS (SELECT 1 FROM paragraphs WHERE fingerprint = wanted.fp)",
            distinct,
        ).fetchone()[0]
        if present < needed:
            return None
        row = self.db.conn.execute(
            f"WITH wanted(fp) AS (VALUES {values}), "  # noqa: S608 - marks only
            "rare(fp) AS (SELECT fp FROM wanted ORDER BY (SELECT COUNT(*) FROM "
            f"(SELECT 1 FROM paragraphs WHERE fingerprint = wanted.fp LIMIT {_RARE_CAP})), fp "
            "LIMIT ?), "
            "candidates(item_id) AS (SELECT DISTINCT item_id FROM paragraphs "
            "WHERE fingerprint IN rare) "
            "SELECT c.item_id, (SELECT COUNT(*) FROM paragraphs p WHERE p.item_id = c.item_id "
            "AND p.fingerprint IN wanted) AS shared, i.paragraph_count FROM candidates c "
            "JOIN items i ON i.id = c.item_id ORDER BY shared DESC, c.item_id LIMIT 1",
            [*distinct, rarest],
        ).fetchone()
        if row is None:
            return None
        larger = max(len(fingerprints), int(row[2]))
        if int(row[1]) < MIN_SHARED or int(row[1]) < SHARED_PARAGRAPHS * larger:
            return None
        return int(row[0]), int(row[1]), larger

    def _new_item(self, extracted: Extracted) -> int:
        article, meeting = extracted.article, extracted.meeting
        stamp = self.stamp
        values = (
            extracted.content_hash,
            HASH_VERSION,
            signed64(extracted.simhash),
            *bands(extracted.simhash),
            extracted.site,
            article.title,
            article.url,
            article.source_url,
            article.published.isoformat() if article.published else None,
            article.editor,
            article.outlet,
            _json(article.headings),
            len(extracted.paragraph_fingerprints),
            article.text,
            *_meeting_values(meeting),
            meeting_key(extracted),
            stamp,
            stamp,
        )
        cursor = self.db.conn.execute(_INSERT_ITEM, values)
        return int(cursor.lastrowid or 0)

    def _add_paragraphs(self, item_id: int, extracted: Extracted) -> None:
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO paragraphs (fingerprint, item_id) VALUES (?, ?)",
            [(fingerprint, item_id) for fingerprint in extracted.paragraph_fingerprints],
        )

    def _new_entry(self, seen: Observation, item_id: int) -> int:
        stamp = self.stamp
        cursor = self.db.conn.execute(
            "INSERT INTO entries (source, item_id, content_hash, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?)",
            [seen.source, item_id, seen.extracted.content_hash, stamp, stamp],
        )
        entry_id = int(cursor.lastrowid or 0)
        self._add_keys(entry_id, seen.keys)
        return entry_id

    def _add_keys(self, entry_id: int, keys: Sequence[str]) -> None:
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO entry_keys (key, entry_id) VALUES (?, ?)",
            [(key, entry_id) for key in keys],
        )

    def _add_outlet(self, item_id: int, seen: Observation, reason: str) -> bool:
        article = seen.extracted.article
        cursor = self.db.conn.execute(
            "INSERT OR IGNORE INTO item_sources "
            "(item_id, source, url, title, outlet, reason, seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                item_id,
                seen.source,
                seen.url or article.url or "",
                article.title,
                article.outlet,
                reason,
                self.stamp,
            ],
        )
        return cursor.rowcount > 0

    def _enqueue(self, item_id: int, channels: Sequence[str], revision: str = "") -> None:
        stamp = self.stamp
        for channel in channels:
            # Stable per (item, channel): a receiver can drop a repeated delivery.
            key = f"item-{item_id}-{channel}" + (f"-{revision[:12]}" if revision else "")
            self.db.conn.execute(
                "INSERT OR IGNORE INTO outbox (item_id, channel, idempotency_key, next_attempt, "
                "created) VALUES (?, ?, ?, ?, ?)",
                [item_id, channel, key, stamp, stamp],
            )


def _meeting_values(meeting: Meeting | None) -> tuple[str | None, ...]:
    """The items table's meeting columns, kind to topics."""
    if meeting is None:
        return (None,) * 6
    return (
        meeting.kind,
        meeting.convener,
        meeting.date.isoformat() if meeting.date else None,
        meeting.chair,
        _json(meeting.attendees),
        _json(meeting.topics),
    )
