"""Backfill figures: 10,000 archived documents from a local folder, then the same again.

Run: ``.venv/bin/python bench/backfill.py`` (``--documents 10000``).

``monitor backfill --from FOLDER`` as a user runs it (a fresh process, start-up
included) over ``tests/corpus.py``'s distinct seed-sized documents written as a
Hexo ``source/_posts`` folder; then the same command again, which should skip
every document by its key before reading it. Peak resident memory is sampled
every 0.1 s from /proc: the backfill process and its worker processes together.
Targets: ≥ 300 documents/s on this machine, < 200 MB, the second run ≥ 10× faster.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from corpus import write_corpus  # noqa: E402 - tests/ is not a package


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB (0 once it is gone)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += int(_rss_mb(int(child)) * 1024)
    except (OSError, ValueError):
        return total / 1024
    return total / 1024


def run(folder: Path, db: Path, config: Path) -> tuple[float, float, dict[str, object]]:
    """(wall seconds, peak RSS of the process and its workers together in MB, the summary)."""
    command = [sys.executable, "-m", "monitor", "backfill", "--from", str(folder), "--json"]
    command += ["--config", str(config), "--db", str(db)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _rss_mb(process.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    assert process.stdout is not None  # noqa: S101 - PIPE was asked for
    output = process.stdout.read().decode()
    if process.returncode not in {0, 1}:
        raise SystemExit(f"backfill failed with {process.returncode}")
    return wall, peak, json.loads(output.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        folder = Path(tmp) / "blog" / "source" / "_posts"
        write_corpus(folder, options.documents)
        config = Path(tmp) / "monitor.toml"
        config.write_text("", encoding="utf-8")
        db = Path(tmp) / "monitor.db"
        first_s, first_mb, first = run(folder, db, config)
        second_s, _, second = run(folder, db, config)
    count = options.documents
    print(f"first backfill:  {count} documents in {first_s:.1f} s = {count / first_s:.0f} "
          f"documents/s (start-up included; target ≥ 300), peak RSS {first_mb:.0f} MB with its "
          f"worker "
          f"(target < 200 MB); outcomes {first['outcomes']}, errors {first['errors']}")  # fmt: skip
    print(f"second backfill: {second_s:.2f} s, {first_s / second_s:.0f}× faster "
          f"(target ≥ 10×); known {second['known']}, outcomes {second['outcomes']}")  # fmt: skip


if __name__ == "__main__":
    main()
