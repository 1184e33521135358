"""``monitor run --once`` and ``monitor sources`` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run_monitor
from faultserver import FaultServer, serve_faults

# The shipped configuration polls the real sites; tests keep to its offline archive.
OFFLINE = (
    '[[sources]]\nname = "fixtures"\nkind = "archive"\n'
    f'path = "{ROOT / "fixtures" / "sites"}"\nexclude = ["*.origin.txt"]\n'
)


@pytest.fixture
def offline(tmp_path: Path) -> str:
    config = tmp_path / "offline.toml"
    config.write_text(OFFLINE, encoding="utf-8")
    return str(config)


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with serve_faults() as server:
        yield server


def test_once_ingests_the_fixtures_then_knows_them(tmp_path: Path, offline: str) -> None:
    db = str(tmp_path / "m.db")
    first = run_monitor("run", "--once", "--config", offline, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "fixtures: ok" in first.stderr
    assert "pass: 1 sources (1 ok)" in first.stderr
    second = run_monitor("run", "--once", "--config", offline, "--db", db)
    assert second.returncode == 0
    assert "0 new items" in second.stderr
    items = run_monitor("items", "--meetings", "--db", db)
    assert items.returncode == 0
    assert items.stdout.strip()


def test_once_exits_1_when_a_source_fails_and_the_others_go_on(
    tmp_path: Path, faults: FaultServer
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        OFFLINE
        + f'\n[[sources]]\nname = "down"\nkind = "feed"\nurl = "{faults.url("/status/500")}"\n',
        encoding="utf-8",
    )
    done = run_monitor(
        "run", "--once", "--config", str(config), "--db", str(tmp_path / "m.db"),
        "--log-format", "json",
    )  # fmt: skip
    assert done.returncode == 1
    events = [json.loads(line) for line in done.stderr.splitlines()]
    polls = {event["source"]: event for event in events if event.get("event") == "poll"}
    assert polls["down"]["outcome"] == "http-error"
    assert polls["down"]["level"] == "WARNING"
    assert polls["fixtures"]["outcome"] == "ok"
    assert polls["fixtures"]["new"] > 0
    assert "Traceback" not in done.stderr


def test_a_bad_config_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('[polling]\nmax_backoff = "1d"\nretries = 3\n', encoding="utf-8")
    done = run_monitor("run", "--once", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: {config}: polling.retries: unknown key"]


def test_sources_lists_configured_sources_with_their_state(tmp_path: Path, offline: str) -> None:
    db = str(tmp_path / "m.db")
    before = run_monitor("sources", "--config", offline, "--db", db)
    assert before.returncode == 0
    assert "never polled" in before.stdout
    run_monitor("run", "--once", "--config", offline, "--db", db)
    after = run_monitor("sources", "--config", offline, "--db", db, "--json")
    [row] = [json.loads(line) for line in after.stdout.splitlines()]
    assert row["name"] == "fixtures"
    assert row["outcome"] == "ok"
    assert row["failures"] == 0
    assert row["next_due"] > row["last_polled"]


@pytest.mark.parametrize("command", ["run", "sources"])
def test_help(command: str) -> None:
    done = run_monitor(command, "--help")
    assert done.returncode == 0
    assert "--config" in done.stdout
