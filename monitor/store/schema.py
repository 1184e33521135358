"""The database schema as append-only numbered migrations.

``PRAGMA user_version`` holds the version. Opening a database applies the
missing migrations in one transaction; a database newer than this code is
refused, never altered. Never edit a released migration: append a new one.
Statements are listed one by one because ``executescript`` would commit in
the middle of the migration's transaction.
"""

from __future__ import annotations

import sqlite3

from monitor.errors import StoreError

_V1_CORE = (
    """CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT '',
        url TEXT,
        etag TEXT,
        last_modified TEXT,
        next_due TEXT,
        last_polled TEXT,
        last_outcome TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        empty_polls INTEGER NOT NULL DEFAULT 0,
        broken INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )""",
    """CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        hash_version INTEGER NOT NULL,
        simhash INTEGER NOT NULL,
        band0 INTEGER NOT NULL,
        band1 INTEGER NOT NULL,
        band2 INTEGER NOT NULL,
        band3 INTEGER NOT NULL,
        site TEXT NOT NULL,
        title TEXT NOT NULL,
        url TEXT,
        source_url TEXT,
        published TEXT,
        editor TEXT,
        outlet TEXT,
        headings TEXT NOT NULL DEFAULT '[]',
        paragraph_count INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL,
        meeting_kind TEXT,
        meeting_convener TEXT,
        meeting_date TEXT,
        meeting_chair TEXT,
        meeting_attendees TEXT,
        meeting_topics TEXT,
        meeting_key TEXT,
        first_seen TEXT NOT NULL,
        updated TEXT NOT NULL
    )""",
    # Four 16-bit bands: two fingerprints within Hamming distance 3 agree on at
    # least one band (pigeonhole), so a near-duplicate lookup is four index probes.
    "CREATE INDEX items_band0 ON items(band0)",
    "CREATE INDEX items_band1 ON items(band1)",
    "CREATE INDEX items_band2 ON items(band2)",
    "CREATE INDEX items_band3 ON items(band3)",
    "CREATE INDEX items_meeting_key ON items(meeting_key) WHERE meeting_key IS NOT NULL",
    "CREATE INDEX items_first_seen ON items(first_seen)",
    """CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items(id),
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    )""",
    "CREATE INDEX entries_item ON entries(item_id)",
    # Every alias of an entry (canonical URL, feed GUID, file URI) points to it;
    # a key once seen is never forgotten.
    """CREATE TABLE entry_keys (
        key TEXT PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id)
    ) WITHOUT ROWID""",
    "CREATE INDEX entry_keys_entry ON entry_keys(entry_id)",
    """CREATE TABLE item_sources (
        item_id INTEGER NOT NULL REFERENCES items(id),
        source TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        title TEXT,
        outlet TEXT,
        reason TEXT NOT NULL,
        seen TEXT NOT NULL,
        PRIMARY KEY (item_id, source, url)
    ) WITHOUT ROWID""",
    # One row per distinctive paragraph of an item: finds an item that shares
    # most paragraphs with a new document (a paragraph dropped or added).
    """CREATE TABLE paragraphs (
        fingerprint INTEGER NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items(id),
        PRIMARY KEY (fingerprint, item_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        entry_id INTEGER NOT NULL REFERENCES entries(id),
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        seen TEXT NOT NULL
    )""",
    "CREATE INDEX revisions_item ON revisions(item_id)",
)

# Chinese has no word boundaries: the trigram tokenizer matches any substring
# of three or more characters (SQLite >= 3.34). New items are indexed in
# batches (fts_state.last_id marks the end of what is indexed), not by an
# insert trigger: per-row indexing cost 1.4 ms of a 2 ms ingest, while a
# batch of rows costs a fraction of that per row. Changes to indexed rows
# still go through triggers, guarded so unindexed rows are never "deleted".
_V2_SEARCH = (
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        title, text, content='items', content_rowid='id', tokenize='trigram'
    )""",
    "CREATE TABLE fts_state (last_id INTEGER NOT NULL)",
    "INSERT INTO fts_state (last_id) SELECT COALESCE(MAX(id), 0) FROM items",
    """CREATE TRIGGER items_fts_delete AFTER DELETE ON items
    WHEN old.id <= (SELECT last_id FROM fts_state) BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER items_fts_update AFTER UPDATE OF title, text ON items
    WHEN old.id <= (SELECT last_id FROM fts_state) BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO items_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
)

_V3_OUTBOX = (
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        channel TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        last_error TEXT,
        created TEXT NOT NULL,
        delivered TEXT
    )""",
    "CREATE INDEX outbox_due ON outbox(status, next_attempt)",
)

# A digest delivers many rows as one message: they share its key in ``batch``,
# and the hourly cap counts messages (distinct batches), not rows.
_V4_DIGESTS = (
    "ALTER TABLE outbox ADD COLUMN batch TEXT",
    "CREATE INDEX outbox_channel_delivered ON outbox(channel, delivered)",
)

# The search index without positions (detail=none): it only names the rows that
# hold every trigram of a query, and the query confirms the substring on the
# stored text (queries.search). Positions made up most of the index: building
# it cost 1.5-2.2 ms a document, and 9.9 KB of the 17 KB an item took on disk.
# Merging segments 16 at a time rather than 4 rewrites each posting less often.
# The triggers of version 2 name the table, not its layout: they carry over.
_V5_SEARCH_ROWS = (
    "DROP TABLE items_fts",
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        title, text, content='items', content_rowid='id', tokenize='trigram', detail=none
    )""",
    "INSERT INTO items_fts(items_fts, rank) VALUES ('automerge', 16)",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
    "UPDATE fts_state SET last_id = (SELECT COALESCE(MAX(id), 0) FROM items)",
)

#: Migration N (1-based) brings a database from version N-1 to N.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _V1_CORE,
    _V2_SEARCH,
    _V3_OUTBOX,
    _V4_DIGESTS,
    _V5_SEARCH_ROWS,
)
LATEST = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    """The schema version of the open database (0 for an empty one)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def check(conn: sqlite3.Connection, subject: str) -> int:
    """The database's version; a :class:`StoreError` if it is newer than this code."""
    current = version(conn)
    if current > LATEST:
        raise StoreError(
            subject,
            f"database schema version {current} is newer than this monitor's ({LATEST}); "
            "upgrade meeting-monitor, the file was not changed",
        )
    return current


def migrate(conn: sqlite3.Connection, subject: str, *, target: int = LATEST) -> int:
    """Apply the migrations between the database's version and ``target``, atomically.

    Returns the version the database had. Raises:
        StoreError: the database is newer than this code.
    """
    current = check(conn, subject)
    if current >= target:
        return current
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock.
        current = check(conn, subject)
        for statements in MIGRATIONS[current:target]:
            for statement in statements:
                conn.execute(statement)
        if current < target:
            # PRAGMA takes no parameters; target is an int we control.
            conn.execute(f"PRAGMA user_version = {int(target)}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return current
