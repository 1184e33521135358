"""Run every benchmark in bench/ in turn: ``make bench``."""

from __future__ import annotations

import runpy
from pathlib import Path

BENCHES = ["parsers.py", "store.py", "poll.py", "memory.py", "notify.py"]

if __name__ == "__main__":
    for name in BENCHES:
        print(f"== {name}")
        runpy.run_path(str(Path(__file__).with_name(name)), run_name="__main__")
