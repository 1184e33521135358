"""Read-only queries: item lists, one item in full, search."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

_SUMMARY = (
    "SELECT i.id, i.title, i.site, i.outlet, i.published, i.first_seen, i.meeting_kind, "
    "i.meeting_convener, i.meeting_date, i.meeting_chair, i.url, "
    "(SELECT COUNT(*) FROM item_sources s WHERE s.item_id = i.id) AS outlets FROM items i"
)
# FTS5 trigram needs three characters; shorter queries fall back to LIKE.
_TRIGRAM = 3


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """Filters for ``monitor items``."""

    meetings_only: bool = False
    since: date | None = None
    source: str | None = None
    limit: int = 50


def items(db: Database, query: ItemQuery) -> list[dict[str, Any]]:
    """Newest first, filtered."""
    clauses: list[str] = []
    params: list[Any] = []
    if query.meetings_only:
        clauses.append("i.meeting_kind IS NOT NULL")
    if query.since is not None:
        clauses.append("COALESCE(i.published, i.first_seen) >= ?")
        params.append(query.since.isoformat())
    if query.source is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = i.id AND s.source = ?)"
        )
        params.append(query.source)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"{_SUMMARY}{where} ORDER BY COALESCE(i.published, i.first_seen) DESC, i.id DESC LIMIT ?"
    return list(db.query(sql, [*params, query.limit]))


def known_keys(db: Database, keys: list[str]) -> set[str]:
    """The subset of ``keys`` that are aliases of a stored entry."""
    known: set[str] = set()
    # SQLite allows 32,766 host parameters; a listing is far below one chunk.
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT key FROM entry_keys WHERE key IN ({marks})"  # noqa: S608 - marks only
        known.update(str(row[0]) for row in db.execute(sql, chunk).fetchall())
    return known


def outbox_counts(db: Database) -> dict[str, int]:
    """Outbox rows by status."""
    rows = db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()
    return {str(status): int(count) for status, count in rows}


def item(db: Database, item_id: int) -> dict[str, Any] | None:
    """One item with its meeting, every outlet it was seen at and its revisions."""
    rows = list(db.query("SELECT * FROM items WHERE id = ?", [item_id]))
    if not rows:
        return None
    found = dict(rows[0])
    for field in ("headings", "meeting_attendees", "meeting_topics"):
        found[field] = json.loads(found[field]) if found[field] else []
    found["outlets"] = list(
        db.query(
            "SELECT source, url, title, outlet, reason, seen FROM item_sources "
            "WHERE item_id = ? ORDER BY seen, source",
            [item_id],
        )
    )
    found["revisions"] = list(
        db.query(
            "SELECT id, content_hash, title, seen FROM revisions WHERE item_id = ? ORDER BY id",
            [item_id],
        )
    )
    return found


def index_pending(db: Database) -> int:
    """Add the items not yet in the search index; returns how many. The caller commits."""
    last = int(db.execute("SELECT last_id FROM fts_state").fetchone()[0])
    cursor = db.execute(
        "INSERT INTO items_fts (rowid, title, text) "
        "SELECT id, title, text FROM items WHERE id > ? ORDER BY id",
        [last],
    )
    db.execute("UPDATE fts_state SET last_id = (SELECT COALESCE(MAX(id), 0) FROM items)")
    return int(cursor.rowcount)


def search(db: Database, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Items whose title or text contains ``text`` (Chinese substrings work), newest first."""
    text = text.strip()
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    contains = "(i.title LIKE ? ESCAPE '\\' OR i.text LIKE ? ESCAPE '\\')"
    if len(text) < _TRIGRAM:
        sql = f"{_SUMMARY} WHERE {contains} ORDER BY i.id DESC LIMIT ?"
        return list(db.query(sql, [pattern, pattern, limit]))
    # The index (detail=none) names the rows holding every trigram of the text;
    # LIKE keeps those that hold it as one substring. Walking the index newest
    # first lets LIMIT stop the walk: ranking by bm25 would re-tokenize every
    # candidate's text (1.3 s for a query matching 10,000 items).
    sql = (
        f"{_SUMMARY} JOIN items_fts f ON f.rowid = i.id WHERE items_fts MATCH ? AND {contains} "
        "ORDER BY f.rowid DESC LIMIT ?"
    )
    return list(db.query(sql, [trigram_query(text), pattern, pattern, limit]))


def trigram_query(text: str) -> str:
    """An FTS5 query for the rows holding every trigram of ``text`` (three characters or more).

    Each trigram is a quoted string, so no character of ``text`` is FTS5 syntax.
    """
    grams = dict.fromkeys(text[start : start + _TRIGRAM] for start in range(len(text) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
