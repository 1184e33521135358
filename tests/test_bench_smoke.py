"""The polling benchmarks run end to end with tiny numbers: no figure is checked, only that
they still work (urlwatch is left out: it would be downloaded)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_the_poll_benchmark_runs_the_bare_loop_and_the_monitor() -> None:
    out = bench("poll.py", "--sources", "10", "--repeat", "1", "--only", "httpx,monitor")
    assert "bare httpx" in out
    assert "monitor run --once" in out
    assert "warning" not in out  # every timed pass was 304s only


@pytest.mark.slow
def test_the_memory_benchmark_runs_the_daemon_and_stops_it() -> None:
    out = bench("memory.py", "--sources", "10", "--repeat", "2", "--interval", "1s")
    assert "RSS after pass 2" in out
    assert "exited with 0" in out
