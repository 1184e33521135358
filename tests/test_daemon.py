"""``monitor run`` as users run it: a subprocess polling nginx and our fault server.

Start, poll, answer on /healthz and /metrics, SIGTERM, exit code; a restart
that remembers when each source is due; the grace period for polls in flight.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import ROOT, SITE_FIXTURES, run_monitor
from faultserver import FaultServer, serve_faults
from ports import free_port

if TYPE_CHECKING:
    from nginx import Nginx

pytest_plugins = ["nginx"]
WAIT = 20.0


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    log: Path
    base: str

    def events(self) -> list[dict[str, Any]]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def polls(self, source: str | None = None) -> list[dict[str, Any]]:
        return [
            event
            for event in self.events()
            if event.get("event") == "poll" and source in {None, event["source"]}
        ]

    def stop(self, number: int = signal.SIGTERM) -> int:
        self.process.send_signal(number)
        return self.process.wait(timeout=WAIT)


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with serve_faults() as server:
        yield server


def write_config(folder: Path, sources: str, port: int) -> Path:
    config = folder / "monitor.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:{port}"\n\n{sources}', encoding="utf-8")
    return config


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Callable[[str], Running]]:
    started: list[Running] = []

    def start(sources: str) -> Running:
        port = free_port()
        config = write_config(tmp_path, sources, port)
        log = tmp_path / f"daemon-{len(started)}.log"
        command = [sys.executable, "-m", "monitor", "run", "--config", str(config)]
        command += ["--db", str(tmp_path / "monitor.db"), "--log-format", "json"]
        with log.open("wb") as output:
            process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        running = Running(process, log, f"http://127.0.0.1:{port}")
        started.append(running)
        wait_for(lambda: healthy(running), f"/healthz of the daemon; log:\n{log.read_text()}")
        return running

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def healthy(running: Running) -> bool:
    if running.process.poll() is not None:
        pytest.fail(
            f"the daemon exited with {running.process.returncode}: {running.log.read_text()}"
        )
    try:
        return httpx.get(f"{running.base}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def wait_for(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def archive_source(tmp_path: Path, interval: str) -> str:
    folder = tmp_path / "archive"
    if not folder.exists():
        shutil.copytree(SITE_FIXTURES / "sina", folder, ignore=shutil.ignore_patterns("*.json"))
    return (
        f'[[sources]]\nname = "archive"\nkind = "archive"\npath = "{folder}"\n'
        f'exclude = ["*.origin.txt"]\ninterval = "{interval}"\n'
    )


def feed_source(name: str, url: str, interval: str) -> str:
    return f'[[sources]]\nname = "{name}"\nkind = "feed"\nurl = "{url}"\ninterval = "{interval}"\n'


def test_the_daemon_polls_serves_and_stops_on_sigterm(
    daemon: Callable[[str], Running], nginx: Nginx, tmp_path: Path
) -> None:
    (nginx.root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    )
    sources = archive_source(tmp_path, "1s") + feed_source("feed", nginx.url("/feed.xml"), "1s")
    running = daemon(sources)
    wait_for(lambda: len(running.polls("feed")) >= 2, "two polls of the feed")
    wait_for(lambda: running.polls("archive"), "a poll of the archive")

    first_archive = running.polls("archive")[0]
    assert first_archive["outcome"] == "ok"
    assert first_archive["new"] > 0
    assert [event["outcome"] for event in running.polls("feed")[:2]] == ["empty", "not-modified"]
    metrics = httpx.get(f"{running.base}/metrics").text
    assert 'monitor_polls_total{outcome="not-modified",source="feed"}' in metrics
    assert "monitor_items_total" in metrics
    feed = httpx.get(f"{running.base}/feed.atom")
    assert feed.status_code == 200
    assert "<feed" in feed.text

    assert running.stop() == 0
    events = [event.get("event") for event in running.events()]
    assert events[0] == "started"
    assert events[-1] == "stopped"


def test_a_restart_remembers_when_each_source_is_due(
    daemon: Callable[[str], Running], tmp_path: Path
) -> None:
    sources = archive_source(tmp_path, "1h")
    first = daemon(sources)
    wait_for(lambda: first.polls("archive"), "the first poll")
    assert first.stop(signal.SIGINT) == 0

    second = daemon(sources)
    time.sleep(3)  # a daemon that forgot would poll within its first jitter window
    assert second.polls() == []
    listed = run_monitor(
        "sources", "--config", str(tmp_path / "monitor.toml"),
        "--db", str(tmp_path / "monitor.db"), "--json",
    )  # fmt: skip
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["name"], row["outcome"], row["broken"]) == ("archive", "ok", False)
    assert second.stop() == 0


def test_sigterm_lets_a_poll_in_flight_finish(
    daemon: Callable[[str], Running], faults: FaultServer
) -> None:
    slow = faults.url("/counted?delay=3")
    running = daemon(feed_source("slow", slow, "1h"))
    wait_for(lambda: faults.stats.in_flight, "the slow request")
    assert running.stop() == 0
    [poll] = running.polls("slow")
    assert poll["outcome"] == "parse-error"  # the fault server's page is not a feed
    assert any(event.get("event") == "drain" for event in running.events())


def test_a_second_signal_stops_at_once(
    daemon: Callable[[str], Running], faults: FaultServer
) -> None:
    slow = faults.url("/counted?delay=15")
    running = daemon(feed_source("slow", slow, "1h"))
    wait_for(lambda: faults.stats.in_flight, "the slow request")
    running.process.send_signal(signal.SIGTERM)
    wait_for(lambda: any(e.get("event") == "drain" for e in running.events()), "draining")
    assert running.stop(signal.SIGTERM) == 0
    assert running.polls("slow") == []


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        config = write_config(tmp_path, archive_source(tmp_path, "1h"), taken.getsockname()[1])
        done = run_monitor("run", "--config", str(config), "--db", str(tmp_path / "monitor.db"))
    assert done.returncode == 2
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1
    assert "server.listen" in errors[0]
    assert "Traceback" not in done.stderr
