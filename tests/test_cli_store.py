"""``monitor ingest``, ``items``, ``show`` and ``search`` through the real entry point."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import ROOT, SITE_FIXTURES, run_monitor

SEEDS = sorted(str(path) for path in SITE_FIXTURES.glob("*/0*.txt"))


def run(*args: str, db: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run_monitor(*args, env={"MONITOR_DB": str(db)} if db else None, cwd=cwd)


def test_ingest_prints_one_outcome_per_document_and_dedups(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    first = run("ingest", "--json", *SEEDS, db=db)
    assert first.returncode == 0, first.stderr
    outcomes = [json.loads(line) for line in first.stdout.splitlines()]
    assert [o["outcome"] for o in outcomes] == ["new"] * len(SEEDS)
    again = run("ingest", *SEEDS, db=db)
    assert again.returncode == 0
    assert [line.split()[0] for line in again.stdout.splitlines()] == ["unchanged"] * len(SEEDS)


def test_default_database_is_created_under_data(tmp_path: Path) -> None:
    result = run("ingest", SEEDS[0], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "monitor.db").is_file()


def test_items_show_and_search(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    run("ingest", *SEEDS, db=db)
    listed = run("items", "--meetings", "--json", "--since", "2022-01-01", db=db)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 3
    assert all(row["published"] >= "2022-01-01" for row in rows)
    shown = run("show", str(rows[0]["id"]), db=db)
    assert shown.returncode == 0
    assert "meeting" in shown.stdout
    assert "seen at cli" in shown.stdout
    found = run("search", "常务会议", db=db)
    assert "上海市政府举行常务会议" in found.stdout
    short = run("search", "龚正", "--json", db=db)
    assert len(short.stdout.splitlines()) >= 2


def test_show_of_a_missing_item_is_one_line(tmp_path: Path) -> None:
    result = run("show", "999", db=tmp_path / "m.db")
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'm.db'}: no item 999"


def test_a_missing_file_does_not_stop_the_others(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = run("ingest", str(missing), SEEDS[0], db=tmp_path / "m.db")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: {missing}: cannot read: No such file or directory")
    assert result.stdout.startswith("new")


def test_a_bad_document_does_not_stop_the_others(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("ingest", str(empty), SEEDS[0], db=tmp_path / "m.db")
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {empty}: decode failed: the document is empty"
    assert result.stdout.startswith("new")
