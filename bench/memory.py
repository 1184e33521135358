"""Resident memory of the daemon over repeated poll passes of N unchanged feeds.

Run: ``.venv/bin/python bench/memory.py`` (``--sources 1000 --repeat 10``).

The feeds of ``bench/poll.py`` (``_servers.py``) on a real nginx; ``monitor run`` (the
daemon) polls them every ``--interval`` (the scheduler adds jitter), with its
``/metrics`` on a free port. Pass k is complete when ``monitor_polls_total``, summed
over all its labels, reaches k × N; VmRSS (and the peak, VmHWM) is then read from
``/proc/PID/status``. Pass 1 fetches and stores every item; later passes are 304s.
The daemon is stopped with SIGTERM and its exit code shown.
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
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
from ports import free_port

MIB = 1024 * 1024
STOP_SECONDS = 60.0
_POLLS = re.compile(r"^monitor_polls_total(?:\{[^}]*\})? (\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class Sample:
    """Memory after one pass: resident and peak, in bytes, and when it was read."""

    rss: int
    peak: int
    seconds: float


def memory(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM of ``pid``, in bytes."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0]) * 1024  # reported in kB
    return fields["VmRSS"], fields["VmHWM"]


def polls(client: httpx.Client, url: str) -> float | None:
    """``monitor_polls_total`` summed over its labels, or None while /metrics does not answer."""
    try:
        response = client.get(url)
    except httpx.TransportError:
        return None
    if response.status_code != httpx.codes.OK:
        return None
    return sum(float(value) for value in _POLLS.findall(response.text))


def wait_for_polls(
    process: subprocess.Popen[bytes], url: str, target: float, timeout: float
) -> None:
    """Return once the daemon has polled ``target`` times in all; exit if it dies or stalls."""
    give_up = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=5.0) as client:
        while time.monotonic() < give_up:
            if process.poll() is not None:
                sys.exit(f"the daemon exited with {process.returncode} (see its log)")
            done = polls(client, url)
            if done is not None and done >= target:
                return
            time.sleep(0.25)
    sys.exit(f"the daemon did not reach {target:.0f} polls within {timeout:.0f} s")


def start_daemon(
    site: FeedSite, folder: Path, interval: str, log: IO[bytes]
) -> tuple[subprocess.Popen[bytes], str]:
    """The daemon, started on a fresh database; its /metrics URL."""
    port = free_port()
    config = folder / "monitor.toml"
    server = f'[server]\nlisten = "127.0.0.1:{port}"\n'
    config.write_text(monitor_config(site, interval, server))
    command = [str(MONITOR), "run", "--config", str(config), "--db", str(folder / "monitor.db")]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}/metrics"


def stop_daemon(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    """SIGTERM, then wait; the exit code and the seconds it took to stop."""
    start = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        sys.exit(f"the daemon did not stop within {STOP_SECONDS:.0f} s of SIGTERM; killed")
    return code, time.perf_counter() - start


def measure(site: FeedSite, folder: Path, args: argparse.Namespace) -> list[Sample]:
    """Run the daemon for ``args.repeat`` passes; memory after each; stop it."""
    nginx_log = AccessLog(site.nginx.access_log)
    sources = len(site.urls)
    samples: list[Sample] = []
    with (folder / "daemon.log").open("wb") as log:
        start = time.perf_counter()
        process, url = start_daemon(site, folder, args.interval, log)
        try:
            for k in range(1, args.repeat + 1):
                wait_for_polls(process, url, k * sources, args.timeout)
                rss, peak = memory(process.pid)
                samples.append(Sample(rss, peak, time.perf_counter() - start))
                print(
                    f"pass {k:<3} at {samples[-1].seconds:7.1f} s  RSS {rss / MIB:6.1f} MB  "
                    f"peak {peak / MIB:6.1f} MB  nginx: {show_statuses(nginx_log.statuses())}"
                )
        finally:
            code, stopping = stop_daemon(process)
    print(f"SIGTERM: the daemon exited with {code} after {stopping:.2f} s")
    errors = [
        line for line in (folder / "daemon.log").read_text().splitlines() if " ERROR " in line
    ]
    if errors:
        print(f"{len(errors)} ERROR or WARNING lines in the daemon's log, first: {errors[0]}")
    return samples


def report(samples: list[Sample]) -> None:
    """RSS after pass 1, 2 and the last, and the growth from pass 2 to the last."""
    print()
    for k in sorted({1, min(2, len(samples)), len(samples)}):
        print(f"RSS after pass {k:<3} {samples[k - 1].rss / MIB:8.1f} MB")
    print(f"peak RSS (VmHWM)    {samples[-1].peak / MIB:8.1f} MB")
    if len(samples) > 2:  # noqa: PLR2004 - growth is measured from pass 2
        growth = (samples[-1].rss - samples[1].rss) / samples[1].rss * 100
        print(f"growth, pass 2 → {len(samples)}  {growth:+7.1f} %")
    print("Targets: under 120 MB; growth from pass 2 to pass 10 under 5 %.")


def main() -> None:
    """Parse the arguments, serve the feeds, run the daemon, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1000, help="feeds (default 1000)")
    parser.add_argument("--repeat", type=int, default=10, help="passes (default 10)")
    parser.add_argument("--items", type=int, default=3, help="entries a feed (default 3)")
    parser.add_argument("--interval", default="20s", help="each source's interval (default 20s)")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds a pass may take (default 600)"
    )
    args = parser.parse_args()
    if not monitor_available("run"):
        sys.exit("monitor run: not available yet (`monitor run --help` fails)")
    with (
        tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp,
        feed_site(args.sources, args.items) as site,
    ):
        print(
            f"{args.sources} feeds × {args.items} items on {host_count(args.sources)} loopback "
            f"hosts; daemon interval {args.interval}, {args.repeat} passes"
        )
        report(measure(site, Path(tmp), args))


if __name__ == "__main__":
    main()
