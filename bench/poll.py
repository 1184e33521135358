"""A poll pass over N unchanged feeds: urlwatch 2.29, a bare httpx loop, ``monitor run --once``.

Run: ``.venv/bin/python bench/poll.py`` (``--sources 1000 --repeat 5``; ``--python
/path/to/venv/bin/python`` runs the monitor of another install). The first run
downloads urlwatch into ``bench/.cache/urlwatch-venv``; nothing else leaves 127.0.0.1.

The same N RSS feeds (``_servers.py``: 20 a host over 127.0.0.1, 127.0.0.2, …) are served
by one real nginx. Each contender makes one untimed pass that fetches every feed (and
stores what it stores), then ``--repeat`` timed passes, round-robin, in each of which
every feed answers 304 Not Modified; the nginx access log is counted after each pass
to prove it. Each pass is a fresh process; its wall time includes interpreter
start-up, imports and loading 1,000 sources. The pass itself is what the process
reports (the bare loop; the monitor), or for urlwatch, which reports none, its wall
less that of the same command with ``--list`` run right after (start-up, loading the
1,000 jobs, exit: everything but the checks). Medians, in seconds.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import _urlwatch
from _servers import (
    MONITOR,
    AccessLog,
    FeedSite,
    feed_site,
    host_count,
    monitor_available,
    monitor_config,
    show_statuses,
)

from monitor.fetchresult import FetchLimits

BARE = Path(__file__).resolve().with_name("_bare.py")
LOG_SETTLE_SECONDS = 0.2  # nginx logs a request just after answering it
# The summary line of ``monitor run --once``, on stderr:
# "… INFO    pass: 1000 sources (1000 not-modified), 0 new items, 0 failed, in 4.21 s".
_PASS_LINE = re.compile(r"\bpass: .*\bin (\d+(?:\.\d+)?) ?(ms|s)\s*$")


@dataclass(frozen=True)
class Run:
    """One pass: process wall seconds, the pass seconds it reported, nginx's statuses."""

    wall: float
    reported: float | None
    statuses: Counter[str]


@dataclass
class Contender:
    """A command line per pass, and how to read the pass time from its output."""

    name: str
    parallelism: str
    command: list[str]
    environment: dict[str, str] | None = None
    reported: Callable[[str], float | None] = lambda _output: None
    first: list[str] | None = None  # the untimed first pass, if not ``command``
    startup: list[str] | None = None  # start-up alone: wall less this is the pass
    runs: list[Run] = field(default_factory=list)

    def run(self, log: AccessLog, *, first: bool = False) -> Run:
        """One pass; fails loudly if the process fails."""
        command = (self.first or self.command) if first else self.command
        log.statuses()  # skip whatever came before
        start = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, env=self.environment, check=False
        )
        wall = time.perf_counter() - start
        output = done.stdout + done.stderr
        if done.returncode != 0:
            sys.exit(f"{self.name}: exit {done.returncode}: {output.strip()[-2000:]}")
        time.sleep(LOG_SETTLE_SECONDS)
        statuses = log.statuses()
        reported = None if first else self.reported(output)
        if not first and self.startup is not None:
            start = time.perf_counter()
            subprocess.run(self.startup, capture_output=True, env=self.environment, check=True)
            reported = wall - (time.perf_counter() - start)
        return Run(wall, reported, statuses)


def _bare_seconds(output: str) -> float | None:
    seconds: float = json.loads(output.splitlines()[-1])["pass_seconds"]
    return seconds


def monitor_pass_seconds(output: str) -> float | None:
    """The last pass time the monitor printed, if it prints one."""
    found = [m for line in output.splitlines() if (m := _PASS_LINE.search(line))]
    if not found:
        return None
    value, unit = float(found[-1].group(1)), found[-1].group(2)
    return value / 1000 if unit == "ms" else value


def _limits() -> str:
    limits = FetchLimits()
    return f"{limits.max_connections} conn, {limits.per_host}/host"


def contenders(
    site: FeedSite, folder: Path, only: set[str], python: str | None = None
) -> list[Contender]:
    """The contenders asked for and available, ready for their first pass.

    ``python``: run the monitor with that interpreter (``-m monitor``), e.g. from a
    production venv built from the wheel, which has no dev tools whose imports ride
    along (rich via httpx's CLI, the editable-install finder).
    """
    chosen: list[Contender] = []
    if "urlwatch" in only:
        _urlwatch.ensure_installed()
        watch = _urlwatch.Urlwatch(folder / "urlwatch", site.urls)
        threads = f"{_urlwatch.workers()} threads"
        chosen.append(
            Contender(
                f"urlwatch {_urlwatch.VERSION}",
                threads,
                watch.command(),
                watch.environment(),
                startup=watch.startup_command(),
            )
        )
    if "httpx" in only:
        (folder / "urls.txt").write_text("\n".join(site.urls))
        state = str(folder / "bare.json")
        again = [sys.executable, str(BARE), "again", state]
        first = [sys.executable, str(BARE), "first", str(folder / "urls.txt"), state]
        chosen.append(Contender("bare httpx", _limits(), again, None, _bare_seconds, first))
    if "monitor" in only:
        program = [python, "-m", "monitor"] if python else [str(MONITOR)]
        if monitor_available("run", program):
            config = folder / "monitor.toml"
            config.write_text(monitor_config(site, "10m"))
            command = [*program, "run", "--once", "--config", str(config)]
            command += ["--db", str(folder / "monitor.db")]
            chosen.append(
                Contender("monitor run --once", _limits(), command, None, monitor_pass_seconds)
            )
        else:
            print("monitor run: not available yet (`monitor run --help` fails); skipped")
    return chosen


def _first_passes(chosen: list[Contender], log: AccessLog) -> None:
    for contender in chosen:
        first = contender.run(log, first=True)
        print(
            f"first pass  {contender.name:<22} {first.wall:7.2f} s  nginx: "
            f"{show_statuses(first.statuses)}"
        )


def _median(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known and len(known) == len(values) else None


def _cell(value: float | None, spec: str = "8.3f", suffix: str = "") -> str:
    return (
        "–".rjust(len(format(0.0, spec)) + len(suffix))
        if value is None
        else f"{value:{spec}}{suffix}"
    )


def report(chosen: list[Contender]) -> None:
    """The table: medians, and ratios against urlwatch and the bare loop."""
    walls = {c.name: statistics.median(r.wall for r in c.runs) for c in chosen}
    passes = {c.name: _median([r.reported for r in c.runs]) for c in chosen}
    watch = next((c.name for c in chosen if c.name.startswith("urlwatch")), None)
    watch_wall = walls[watch] if watch else None
    watch_pass = passes[watch] if watch else None
    bare_wall, bare_pass = walls.get("bare httpx"), passes.get("bare httpx")
    print()
    print(
        f"{'contender':<22} {'parallelism':<16} {'wall s':>8} {'pass s':>8} "
        f"{'urlwatch/wall':>14} {'urlwatch/pass':>14} {'this/bare (wall)':>17} "
        f"{'this/bare (pass)':>17}"
    )
    for c in chosen:
        wall, reported = walls[c.name], passes[c.name]
        faster = watch_wall / wall if watch_wall else None
        faster_pass = watch_pass / reported if watch_pass and reported else None
        slower = wall / bare_wall if bare_wall else None
        slower_pass = reported / bare_pass if reported and bare_pass else None
        print(
            f"{c.name:<22} {c.parallelism:<16} {wall:8.3f} {_cell(reported)} "
            f"{_cell(faster, '13.1f', '×')} {_cell(faster_pass, '13.1f', '×')} "
            f"{_cell(slower, '16.2f', '×')} {_cell(slower_pass, '16.2f', '×')}"
        )
    print(
        "wall: the whole process, start-up included; pass: the poll pass alone (as the "
        "process reports it; urlwatch's: its wall less its --list run), which the daemon "
        "repeats every interval. Targets: monitor ≥ 5× faster than urlwatch, ≤ 1.5× the "
        "bare httpx loop."
    )


def main() -> None:
    """Parse the arguments, serve the feeds, run every contender, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1000, help="feeds (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes each (default 5)")
    parser.add_argument("--items", type=int, default=3, help="entries a feed (default 3)")
    parser.add_argument(
        "--only", default="urlwatch,httpx,monitor", help="contenders, comma-separated"
    )
    parser.add_argument("--python", help="the interpreter whose monitor to run (default: .venv)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    with (
        tempfile.TemporaryDirectory(prefix="bench-poll-") as tmp,
        feed_site(args.sources, args.items) as site,
    ):
        print(
            f"{args.sources} feeds × {args.items} items on {host_count(args.sources)} "
            f"loopback hosts (nginx {site.nginx.port}); {args.repeat} timed passes each"
        )
        log = AccessLog(site.nginx.access_log)
        chosen = contenders(site, Path(tmp), only, args.python)
        _first_passes(chosen, log)
        for repetition in range(1, args.repeat + 1):
            for contender in chosen:
                run = contender.run(log)
                contender.runs.append(run)
                print(
                    f"pass {repetition:<6} {contender.name:<22} {run.wall:7.3f} s  "
                    f"reported {_cell(run.reported, '.3f')} s  nginx: {show_statuses(run.statuses)}"
                )
                if run.statuses != Counter({"304": args.sources}):
                    print(f"  warning: expected 304×{args.sources} from {contender.name}")
        report(chosen)


if __name__ == "__main__":
    main()
