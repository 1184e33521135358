"""Site parsers vs trafilatura on the same documents, and ``monitor parse --json`` wall time.

Run: ``make bench`` (or ``.venv/bin/python bench/parsers.py``). Prints medians with units.
Pinned to one core so "per core" means what it says.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from monitor.documents import read_document
from monitor.extract import extract_bytes
from monitor.sites import registry

ROOT = Path(__file__).resolve().parent.parent
# The five seeds (Hexo/Jekyll posts and a text snapshot, 4-9 KB): "seed-sized".
SEEDS = sorted(path for path in (ROOT / "fixtures" / "sites").glob("*/0*.txt"))
# Real saved live pages (130-175 KB, scripts and comments included), reported apart.
LIVE = sorted((ROOT / "fixtures" / "sites").glob("*/live_*.html"))
DOCS_PER_ROUND = 2000
ROUNDS = 5


def _rate(work: Callable[[bytes], object], corpus: list[bytes]) -> float:
    """Median documents per second over ROUNDS rounds of len(corpus) documents."""
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for data in corpus:
            work(data)
        rates.append(len(corpus) / (time.perf_counter() - start))
    return statistics.median(rates)


def _site_parse(data: bytes) -> object:
    return registry.parse(read_document(data))


def _full_extract(data: bytes) -> object:
    return extract_bytes(data)


def _trafilatura(data: bytes) -> object:
    return trafilatura.extract(read_document(data).body)


def _cli_wall(files: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(files):
            seed = SEEDS[index % len(SEEDS)]
            target = Path(folder) / f"{index:04d}-{seed.name}"
            shutil.copyfile(seed, target)
            paths.append(str(target))
        walls = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "monitor", "parse", "--json", *paths],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    corpus = [SEEDS[i % len(SEEDS)].read_bytes() for i in range(DOCS_PER_ROUND)]
    mean_kib = sum(map(len, corpus)) / len(corpus) / 1024
    print(
        f"corpus: {len(SEEDS)} fixtures cycled to {len(corpus)} documents, mean {mean_kib:.1f} KiB"
    )
    ours = _rate(_site_parse, corpus)
    full = _rate(_full_extract, corpus)
    theirs = _rate(_trafilatura, corpus[: DOCS_PER_ROUND // 4])
    print(f"site parsers (decode + parse):          {ours:8.0f} docs/s/core (median of {ROUNDS})")
    print(f"full extract (+ hash, simhash, meeting): {full:8.0f} docs/s/core")
    print(f"trafilatura.extract, same documents:     {theirs:8.0f} docs/s/core")
    print(f"site parsers vs trafilatura:             {ours / theirs:8.1f}x")
    live = [path.read_bytes() for path in LIVE] * 20
    live_ours = _rate(_site_parse, live)
    live_theirs = _rate(_trafilatura, live)
    print(f"live Sina pages ({len(LIVE)}, 130-175 KB): ours {live_ours:.0f} docs/s/core, ", end="")
    print(f"trafilatura {live_theirs:.0f} docs/s/core ({live_ours / live_theirs:.1f}x)")
    wall = _cli_wall(1000)
    print(f"monitor parse --json, 1000 files:        {wall:8.2f} s wall (median of {ROUNDS})")


if __name__ == "__main__":
    main()
