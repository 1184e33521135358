"""The store under stress, through real processes: kill -9, readers, locks, bad files.

Every test runs ``python -m monitor`` as a user would and reads the database
back with :mod:`sqlite3` on the side. Tests run as root here, and root ignores
permission bits: read-only files are made with ``chattr +i`` (immutable) then.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from itertools import combinations
from pathlib import Path

import pytest
from conftest import ROOT, run_monitor
from corpus import document, seed_paths, write_corpus

from monitor.extract import extract_bytes
from monitor.store import GROUP_SIZE, schema
from monitor.store.connection import BUSY_TIMEOUT
from monitor.store.ingest import meeting_key
from monitor.text import hamming
from monitor.urls import file_key

# As the issue says: kill -9 in the middle of ingesting 10,000 documents (~45 s).
CORPUS_SIZE = 10_000
KILL_AFTER_ITEMS = 300


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_corpus(tmp_path_factory.mktemp("corpus"), CORPUS_SIZE)


@pytest.fixture
def seeded(tmp_path: Path, corpus: list[Path]) -> Path:
    """A database holding the first two corpus documents, made by ``monitor ingest``."""
    db = tmp_path / "m.db"
    result = run_monitor("ingest", "--db", str(db), *map(str, corpus[:2]))
    assert result.returncode == 0, result.stderr
    return db


def start_monitor(*args: str, stdout: Path) -> subprocess.Popen[bytes]:
    """``monitor`` in the background; its output to ``stdout`` and ``stdout``.err.

    Files, not pipes: a full pipe would block the writer.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if "proxy" not in key.lower() and not key.startswith("MONITOR_")
    }
    with stdout.open("wb") as out, stdout.with_suffix(".err").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "monitor", *args], stdout=out, stderr=err, cwd=ROOT, env=env
        )


def count_items(db: Path) -> int:
    """Items committed so far, read through a read-only connection (0 before the schema)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def wait_for_items(db: Path, process: subprocess.Popen[bytes], at_least: int) -> None:
    deadline = time.monotonic() + 60
    while count_items(db) < at_least:
        assert process.poll() is None, "the ingest ended before the test caught it writing"
        assert time.monotonic() < deadline, "no progress in 60 s"
        time.sleep(0.02)


def one_error_line(result: subprocess.CompletedProcess[str], subject: Path) -> str:
    """The single stderr line, checked to name ``subject`` and carry no traceback."""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {subject}: "), lines[0]
    return lines[0]


def test_corpus_documents_are_distinct_and_parse_as_their_seed() -> None:
    extracted = [extract_bytes(document(n)[1]) for n in range(200)]
    seeds = [extract_bytes(path.read_bytes()) for path in seed_paths()]
    assert [e.site for e in extracted] == [seeds[n % 5].site for n in range(200)]
    assert len({e.content_hash for e in extracted}) == 200
    assert len({meeting_key(e) for e in extracted}) == 200
    assert all(e.meeting is not None for e in extracted)
    distances = [hamming(a.simhash, b.simhash) for a, b in combinations(extracted, 2)]
    assert min(distances) > 3
    assert document(1234) == document(1234)


def test_kill_9_mid_ingest_keeps_what_was_committed(tmp_path: Path, corpus: list[Path]) -> None:
    db, out = tmp_path / "m.db", tmp_path / "first.jsonl"
    targets = [str(path) for path in corpus]
    process = start_monitor("ingest", "--db", str(db), "--json", *targets, stdout=out)
    wait_for_items(db, process, KILL_AFTER_ITEMS)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    printed = [json.loads(line) for line in out.read_text().splitlines() if line.endswith("}")]
    assert KILL_AFTER_ITEMS - GROUP_SIZE <= len(printed) < CORPUS_SIZE
    assert {p["outcome"] for p in printed} == {"new"}
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = dict(conn.execute("SELECT id, title FROM items").fetchall())
        keys = {key for (key,) in conn.execute("SELECT key FROM entry_keys")}
    assert all(stored.get(p["item_id"]) == p["title"] for p in printed)
    # Lines are printed after their group commits: at most one group was
    # committed whose lines the kill cut off.
    assert len(printed) <= len(stored) <= len(printed) + GROUP_SIZE
    assert {file_key(Path(p["target"])) for p in printed} <= keys

    again = run_monitor("ingest", "--db", str(db), "--json", *targets)
    assert again.returncode == 0, again.stderr[-2000:]
    outcomes = {r["target"]: r["outcome"] for r in map(json.loads, again.stdout.splitlines())}
    assert list(outcomes) == targets
    was_stored = {t for t in targets if file_key(Path(t)) in keys}
    assert {t for t, o in outcomes.items() if o == "unchanged"} == was_stored
    assert {t for t, o in outcomes.items() if o == "new"} == set(targets) - was_stored
    with closing(sqlite3.connect(db)) as conn:
        counts = conn.execute(
            "SELECT (SELECT COUNT(*) FROM items), (SELECT COUNT(DISTINCT content_hash) FROM items),"
            " (SELECT COUNT(*) FROM entries), (SELECT COUNT(DISTINCT entry_id) FROM entry_keys)"
        ).fetchone()
        final_keys = {key for (key,) in conn.execute("SELECT key FROM entry_keys")}
    assert counts == (CORPUS_SIZE,) * 4
    assert final_keys == {file_key(path) for path in corpus}


def test_readers_list_items_while_a_writer_ingests(tmp_path: Path, corpus: list[Path]) -> None:
    db = tmp_path / "m.db"
    writer = start_monitor("ingest", "--db", str(db), *map(str, corpus), stdout=tmp_path / "out")
    try:
        wait_for_items(db, writer, 50)
        for _ in range(4):
            before = count_items(db)
            read = run_monitor("items", "--db", str(db), "--limit", "5", "--json")
            assert read.returncode == 0, read.stderr
            assert read.stderr == ""
            assert len(read.stdout.splitlines()) == 5
            assert count_items(db) >= before
        assert writer.poll() is None, "the writer finished before the reads were done"
    finally:
        writer.kill()
        writer.wait(timeout=10)


def test_first_opens_of_a_fresh_database_at_once_all_succeed(tmp_path: Path) -> None:
    """Four processes opening one new database together: each must see it migrated once."""
    opener = (
        "import os, pathlib, sys, time\n"
        "from monitor.store import Store\n"
        "pathlib.Path(sys.argv[3]).touch()\n"
        "while not os.path.exists(sys.argv[1]): time.sleep(0.0005)\n"
        "Store(sys.argv[2]).close()\n"
    )
    for attempt in range(3):
        db, go = tmp_path / f"fresh{attempt}.db", tmp_path / f"go{attempt}"
        ready = [tmp_path / f"ready{attempt}.{n}" for n in range(4)]
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", opener, str(go), str(db), str(flag)],
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for flag in ready
        ]
        deadline = time.monotonic() + 30
        while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()
        errors = [p.communicate(timeout=60)[1] for p in openers]
        assert [p.returncode for p in openers] == [0] * 4, errors
        with closing(sqlite3.connect(db)) as conn:
            assert schema.version(conn) == schema.LATEST


@pytest.fixture
def make_read_only() -> Iterator[list[Path]]:
    """Paths appended to the list are made read-only (immutable for root) until teardown."""
    paths: list[Path] = []
    yield paths
    for path in reversed(paths):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


def read_only(path: Path) -> None:
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return
    result = subprocess.run(
        ["chattr", "+i", str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.skip(f"running as root and chattr +i fails here: {result.stderr.strip()}")


def test_read_only_database_file(
    seeded: Path, corpus: list[Path], make_read_only: list[Path]
) -> None:
    before = seeded.read_bytes()
    make_read_only.append(seeded)
    read_only(seeded)
    result = run_monitor("ingest", "--db", str(seeded), *map(str, corpus[2:4]))
    assert result.returncode == 1
    assert "read-only" in one_error_line(result, seeded)
    assert seeded.read_bytes() == before
    listed = run_monitor("items", "--db", str(seeded), "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 2


def test_read_only_database_folder(
    seeded: Path, corpus: list[Path], make_read_only: list[Path]
) -> None:
    before = seeded.read_bytes()
    make_read_only.extend([seeded, seeded.parent])
    read_only(seeded)
    read_only(seeded.parent)
    result = run_monitor("ingest", "--db", str(seeded), str(corpus[2]))
    assert result.returncode == 1
    assert "read-only" in one_error_line(result, seeded)
    assert seeded.read_bytes() == before


def test_database_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file where a folder should be")
    db = tmp_path / "file" / "sub" / "m.db"
    result = run_monitor("ingest", "--db", str(db), str(seed_paths()[0]))
    assert result.returncode == 1
    assert one_error_line(result, db) == f"error: {db}: cannot create its folder: Not a directory"


def test_locked_database(seeded: Path, corpus: list[Path]) -> None:
    holder = sqlite3.connect(seeded, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        result = run_monitor("ingest", "--db", str(seeded), *map(str, corpus[2:4]))
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "locked" in one_error_line(result, seeded)
    assert BUSY_TIMEOUT <= waited < 2 * BUSY_TIMEOUT
    with closing(sqlite3.connect(seeded)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2
    after = run_monitor("ingest", "--db", str(seeded), *map(str, corpus[2:4]))
    assert after.returncode == 0, after.stderr


def test_random_bytes_are_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "noise.db"
    path.write_bytes(random.Random(7).randbytes(16384))
    before = path.read_bytes()
    result = run_monitor("items", "--db", str(path))
    assert result.returncode == 1
    assert one_error_line(result, path) == f"error: {path}: not a SQLite database, or corrupt"
    assert path.read_bytes() == before


def test_truncated_database_is_corrupt(seeded: Path) -> None:
    whole = seeded.read_bytes()
    truncated = seeded.with_name("truncated.db")
    truncated.write_bytes(whole[: len(whole) // 2])
    before = truncated.read_bytes()
    result = run_monitor("items", "--db", str(truncated))
    assert result.returncode == 1
    assert "corrupt" in one_error_line(result, truncated)
    assert truncated.read_bytes() == before


def test_newer_schema_is_refused_and_left_alone(seeded: Path, corpus: list[Path]) -> None:
    with closing(sqlite3.connect(seeded)) as conn:
        conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    before = seeded.read_bytes()
    for args in (["items"], ["ingest", str(corpus[2])]):
        result = run_monitor(*args, "--db", str(seeded))
        assert result.returncode == 1
        line = one_error_line(result, seeded)
        assert f"version {schema.LATEST + 1} is newer" in line
        assert seeded.read_bytes() == before
