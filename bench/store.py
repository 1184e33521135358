"""The store: end-to-end ingest rate, duplicate look-ups at 1M items, bytes per item.

Run: ``.venv/bin/python bench/store.py`` (``--only ingest`` or ``--only lookups``).
Pinned to one core so "per core" means what it says. Prints medians with units.

1. Ingest 10,000 distinct seed-sized documents (``tests/corpus.py``) from local
   files into a fresh file database, as ``monitor ingest`` does: read and extract
   ``--chunk`` documents (50, stage by stage: ``extract_all``), then
   ``Store.ingest`` each (committed 100 at a time: ``Store.grouped``), the search
   index brought up to date every 1,000 documents (inside the timed blocks). Then
   search that database for substrings of stored texts (not timed with the ingest).
2. Build 1,000,000 synthetic item rows (random 64-bit SimHashes, unique content
   hashes, short title and text; the search index is not built: it plays no
   part in look-ups), then time
   exact-hash and near-duplicate look-ups over random probes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from monitor.cli.store import CHUNK
from monitor.documents import read_document
from monitor.errors import ParseError
from monitor.extract import extract_all
from monitor.model import Observation
from monitor.store import Store
from monitor.store.connection import open_database
from monitor.store.ingest import Ingester, bands, signed64
from monitor.text import HASH_VERSION
from monitor.urls import aliases, file_key

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from corpus import write_corpus  # noqa: E402 - tests/ is not a package

DOCUMENTS = 10_000
BLOCK = 1_000
SYNTHETIC_ROWS = 1_000_000
PROBES = 2_000
SEARCHES = 200
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _observe(paths: list[Path]) -> tuple[list[Observation], float]:
    """Read and extract files as ``monitor ingest`` does (``extract_all``); seconds a file."""
    start = time.perf_counter()
    documents = [read_document(path.read_bytes(), subject=str(path)) for path in paths]
    observed = []
    for path, extracted in zip(paths, extract_all(documents), strict=True):
        if isinstance(extracted, ParseError):
            raise SystemExit(f"{path}: {extracted.message}")
        keys = aliases([file_key(path)], extracted.article.url)
        observed.append(Observation("bench", keys, extracted))
    return observed, (time.perf_counter() - start) / len(paths)


def _ingest(
    paths: list[Path], db: Path, chunk: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Per-document extract and store seconds, per-document search-index seconds of each
    block, and the rate of each block of documents."""
    extract_s: list[float] = []
    store_s: list[float] = []
    index_s: list[float] = []
    rates: list[float] = []
    with Store(db) as store, store.grouped():
        block_start = time.perf_counter()
        for first in range(0, len(paths), chunk):
            observed, spent = _observe(paths[first : first + chunk])
            for seen in observed:
                start = time.perf_counter()
                result = store.ingest(seen)
                store_s.append(time.perf_counter() - start)
                extract_s.append(spent)
                if result.kind != "new":
                    raise SystemExit(f"{seen.keys[0]}: {result.kind}, expected new")
            index = first + len(observed)
            if index % BLOCK == 0:
                # Search indexing is part of ingesting, batched as monitor ingest does.
                start = time.perf_counter()
                store.index_pending()
                index_s.append((time.perf_counter() - start) / BLOCK)
                rates.append(BLOCK / (time.perf_counter() - block_start))
                block_start = time.perf_counter()
    return extract_s, store_s, index_s, rates


def _bytes_per_item(db: Path) -> tuple[float, int]:
    """Database bytes (pages in use, WAL checkpointed by the last close) per item; items."""
    with Store(db) as store:
        conn = store.db.conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        items = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    return pages * size / items, int(items)


def bench_ingest(folder: Path, chunk: int = CHUNK) -> None:
    paths = write_corpus(folder / "documents", DOCUMENTS)
    mean_kib = sum(path.stat().st_size for path in paths) / len(paths) / 1024
    print(f"corpus: {len(paths)} distinct documents from 5 seeds, mean {mean_kib:.1f} KiB")
    db = folder / "ingest.db"
    start, cpu_start = time.perf_counter(), time.process_time()
    extract_s, store_s, index_s, rates = _ingest(paths, db, chunk)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        f"ingest end to end:           {statistics.median(rates):8.0f} docs/s/core "
        f"(median of {len(rates)} blocks of {BLOCK}; overall {len(paths) / wall:.0f} docs/s, "
        f"{wall:.1f} s)"
    )
    # A pinned process waits on the disk (checkpoints) and, on a shared host, on
    # other guests: CPU seconds show how much of the wall was the work itself.
    print(
        f"  per CPU-second:            {len(paths) / cpu:8.0f} docs (CPU {cpu:.1f} s of "
        f"{wall:.1f} s wall)"
    )
    without_index = 1 / (statistics.fmean(extract_s) + statistics.fmean(store_s))
    print(f"  without the search index:  {without_index:8.0f} docs/s/core (from the means)")
    steps = (
        ("read+parse+hash+simhash+meeting", extract_s),
        ("store transaction", store_s),
        ("search index (batched)", index_s),
    )
    for label, spent in steps:
        print(
            f"  {label + ':':32} {statistics.median(spent) * 1e3:6.2f} ms/doc median, "
            f"{statistics.fmean(spent) * 1e3:6.2f} ms/doc mean"
        )
    per_item, items = _bytes_per_item(db)
    print(
        f"database size:               {per_item:8.0f} bytes/item ({items} items, "
        f"{db.stat().st_size / 2**20:.1f} MiB file)"
    )
    bench_search(db)


def bench_search(db: Path) -> None:
    """``monitor search`` for substrings (3-8 characters) of stored texts: ms a query.

    Every result must contain the query: the index only proposes candidates.
    """
    rng = random.Random(7)  # noqa: S311 - reproducible queries, not secrets
    with Store(db) as store:
        rows = store.db.execute(
            "SELECT text FROM items ORDER BY id LIMIT ? OFFSET 10", [SEARCHES]
        ).fetchall()
        queries = []
        for (text,) in rows:
            offset = rng.randrange(max(1, len(text) - 8))
            queries.append(text[offset : offset + rng.randint(3, 8)].strip() or text[:3])
        spent, found = [], 0
        for query in queries:
            start = time.perf_counter()
            results = store.search(query)
            spent.append(time.perf_counter() - start)
            found += len(results)
            for row in results:
                item = store.item(int(row["id"]))
                texts = (item["title"].lower(), item["text"].lower()) if item else ()
                if not any(query.lower() in text for text in texts):
                    raise SystemExit(f"search {query!r}: item {row['id']} does not contain it")
    spent.sort()
    print(
        f"search (3-8 characters):    {statistics.median(spent) * 1e3:8.2f} ms median, "
        f"{spent[int(len(spent) * 0.95)] * 1e3:.2f} ms p95, {max(spent) * 1e3:.2f} ms max "
        f"({len(queries)} queries, {found / len(queries):.0f} results each, limit 50)"
    )


def _build(db_path: Path, rows: int, rng: random.Random) -> tuple[list[int], list[str]]:
    """``rows`` synthetic items in one transaction; their fingerprints and content hashes."""
    fingerprints = [rng.getrandbits(64) for _ in range(rows)]
    stamp = NOW.isoformat()
    db = open_database(db_path)
    conn = db.conn
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB: the unique hash index is random
    hashes = [hashlib.sha256(i.to_bytes(8, "big")).hexdigest() for i in range(rows)]
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO items (content_hash, hash_version, simhash, band0, band1, band2, band3, "
        "site, title, text, first_seen, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                hashes[i],
                HASH_VERSION,
                signed64(fp),
                *bands(fp),
                "bench",
                f"合成标题{i}号会议",
                f"第{i}号合成文档，内容{fp & 0xFFFFFFFF:08x}仅用于基准测试。",
                stamp,
                stamp,
            )
            for i, fp in enumerate(fingerprints)
        ),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return fingerprints, hashes


def _timed_us(calls: Iterator[object]) -> float:
    """Median microseconds of each step of ``calls`` (a generator doing one look-up a step)."""
    spent = []
    while True:
        start = time.perf_counter_ns()
        try:
            next(calls)
        except StopIteration:
            break
        spent.append(time.perf_counter_ns() - start)
    return statistics.median(spent) / 1000


def _flip(fingerprint: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), rng.randint(1, 3)):
        fingerprint ^= 1 << bit
    return fingerprint


def bench_lookups(folder: Path) -> None:
    rng = random.Random(2026)  # noqa: S311 - reproducible probes, not secrets
    db_path = folder / "million.db"
    start = time.perf_counter()
    fingerprints, hashes = _build(db_path, SYNTHETIC_ROWS, rng)
    print(
        f"synthetic database:          {SYNTHETIC_ROWS} items built in "
        f"{time.perf_counter() - start:.0f} s (one transaction, no search index)"
    )
    db = open_database(db_path)
    conn = db.conn
    ingester = Ingester(db, NOW)
    picks = rng.sample(range(SYNTHETIC_ROWS), PROBES)
    exact = [hashes[i] for i in picks]
    missing = [hashlib.sha256(f"absent {i}".encode()).hexdigest() for i in range(PROBES)]
    near = [_flip(fingerprints[i], rng) for i in picks]
    far = [rng.getrandbits(64) for _ in range(PROBES)]
    found = sum(ingester.nearest(fp) is not None for fp in near)
    stray = sum(ingester.nearest(fp) is not None for fp in far)
    query = "SELECT id FROM items WHERE content_hash = ?"
    figures = (
        ("exact hash, hit", _timed_us(conn.execute(query, [h]).fetchone() for h in exact)),
        ("exact hash, miss", _timed_us(conn.execute(query, [h]).fetchone() for h in missing)),
        ("near duplicate, hit", _timed_us(ingester.nearest(fp) for fp in near)),
        ("near duplicate, miss", _timed_us(ingester.nearest(fp) for fp in far)),
    )
    for label, micros in figures:
        print(f"  {label + ':':26} {micros:8.1f} µs median ({PROBES} probes)")
    print(f"  near probes found: {found}/{PROBES} (1-3 bits flipped), random found: {stray}")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    print(f"synthetic database size:     {pages * size / SYNTHETIC_ROWS:8.0f} bytes/item")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=("ingest", "lookups"), help="run one part (default: both)"
    )
    parser.add_argument(
        "--chunk",
        type=int,
        default=CHUNK,
        help=f"documents parsed before they are stored (default {CHUNK}, as monitor ingest)",
    )
    args = parser.parse_args()
    if args.chunk < 1 or BLOCK % args.chunk:
        parser.error(f"--chunk must divide {BLOCK}")
    only = args.only
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if only != "lookups":
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            bench_ingest(Path(folder), args.chunk)
    if only != "ingest":
        with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
            bench_lookups(Path(folder))


if __name__ == "__main__":
    main()
