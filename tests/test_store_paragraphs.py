"""The shared-paragraph layer: the pigeonhole look-up finds what counting every item finds."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.store.connection import open_database
from monitor.store.ingest import MIN_SHARED, SHARED_PARAGRAPHS, Ingester

PARAGRAPHS = st.lists(st.integers(0, 12), max_size=8, unique=True)


def _reference(
    items: list[tuple[list[int], int]], wanted: list[int]
) -> tuple[int, int, int] | None:
    """Count every item's shares, take the top one (most shared, lowest id), then judge it."""
    if len(wanted) < MIN_SHARED:
        return None
    shared = {
        item_id: len(set(fingerprints) & set(wanted))
        for item_id, (fingerprints, _) in enumerate(items, 1)
        if set(fingerprints) & set(wanted)
    }
    if not shared:
        return None
    top = min(shared, key=lambda item_id: (-shared[item_id], item_id))
    larger = max(len(wanted), items[top - 1][1])
    if shared[top] < MIN_SHARED or shared[top] < SHARED_PARAGRAPHS * larger:
        return None
    return top, shared[top], larger


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(PARAGRAPHS, st.integers(0, 3)), max_size=25),
    st.lists(st.integers(0, 14), max_size=9),
)
def test_most_shared_matches_counting_every_item(
    items: list[tuple[list[int], int]], wanted: list[int]
) -> None:
    db = open_database(":memory:")
    stored = [(fingerprints, len(fingerprints) + extra) for fingerprints, extra in items]
    for item_id, (fingerprints, paragraph_count) in enumerate(stored, 1):
        db.execute(
            "INSERT INTO items (id, content_hash, hash_version, simhash, band0, band1, band2, "
            "band3, site, title, text, first_seen, updated, paragraph_count) "
            "VALUES (?, ?, 1, 0, 0, 0, 0, 0, 's', 't', 'x', 'now', 'now', ?)",
            [item_id, str(item_id), paragraph_count],
        )
        db.conn.executemany(
            "INSERT INTO paragraphs (fingerprint, item_id) VALUES (?, ?)",
            [(fingerprint, item_id) for fingerprint in fingerprints],
        )
    ingester = Ingester(db, datetime(2026, 1, 1, tzinfo=UTC))
    assert ingester.most_shared(wanted) == _reference(stored, wanted)


def test_a_paragraph_most_items_share_does_not_hide_the_match() -> None:
    # 300 items share paragraphs 1 and 2 (a lead, boilerplate); one also has 3-6.
    db = open_database(":memory:")
    for item_id in range(1, 302):
        own = [3, 4, 5, 6] if item_id == 150 else [1000 + item_id]
        db.execute(
            "INSERT INTO items (id, content_hash, hash_version, simhash, band0, band1, band2, "
            "band3, site, title, text, first_seen, updated, paragraph_count) "
            "VALUES (?, ?, 1, 0, 0, 0, 0, 0, 's', 't', 'x', 'now', 'now', ?)",
            [item_id, str(item_id), 2 + len(own)],
        )
        db.conn.executemany(
            "INSERT INTO paragraphs (fingerprint, item_id) VALUES (?, ?)",
            [(fingerprint, item_id) for fingerprint in [1, 2, *own]],
        )
    ingester = Ingester(db, datetime(2026, 1, 1, tzinfo=UTC))
    assert ingester.most_shared([1, 2, 3, 4, 5]) == (150, 5, 6)
    assert ingester.most_shared([1, 2, 3]) is None
