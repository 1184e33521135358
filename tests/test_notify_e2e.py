"""From a new item in a feed (nginx) to a signed webhook (our receiver), through the CLI.

``monitor run --once`` keeps a new source's first poll as a silent baseline and
notifies what comes after; the daemon killed with ``kill -9`` between ingest and
delivery delivers everything after a restart, each message at most twice
(once if the crash came before the send), always under the same key.
"""

from __future__ import annotations

import base64
import html
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import ROOT, SITE_FIXTURES, run_monitor
from ports import free_port
from receivers import Receiver, webhook_receiver

from monitor.extract import extract_bytes

if TYPE_CHECKING:
    from nginx import Nginx

pytest_plugins = ["nginx"]
SECRET = "whsec_" + base64.b64encode(b"end-to-end-test-secret-key-32by!").decode()
SEEDS = sorted(SITE_FIXTURES.glob("sina/0*.txt"))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver(SECRET) as running:
        yield running


def item_xml(path: Path) -> str:
    """An RSS item carrying the seed's article as full content (RSSHub style)."""
    article = extract_bytes(path.read_bytes()).article
    content = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return (
        f"<item><title>{html.escape(article.title)}</title>"
        f"<link>http://news.invalid/{path.stem}.html</link><guid>{path.stem}</guid>"
        f"<description>{html.escape(content)}</description></item>"
    )


def publish(nginx: Nginx, seeds: list[Path]) -> None:
    items = "".join(item_xml(path) for path in seeds)
    (nginx.root / "feed.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"{items}</channel></rss>",
        encoding="utf-8",
    )


def write_config(tmp_path: Path, nginx: Nginx, receiver: Receiver, extra: str = "") -> Path:
    config = tmp_path / "monitor.toml"
    config.write_text(
        f"{extra}\n"
        f'[[sources]]\nname = "feed"\nkind = "feed"\nurl = "{nginx.url("/feed.xml")}"\n'
        'interval = "1s"\n\n'
        f'[[channels]]\nname = "desk"\nkind = "webhook"\nurl = "{receiver.url}"\n'
        'secret = "${WEBHOOK_SECRET}"\n',
        encoding="utf-8",
    )
    return config


def once(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run_monitor(
        "run", "--once", "--config", str(config), "--db", str(tmp_path / "m.db"),
        env={"WEBHOOK_SECRET": SECRET},
    )  # fmt: skip


def test_the_first_poll_is_a_baseline_then_new_items_are_notified_once(
    tmp_path: Path, nginx: Nginx, receiver: Receiver
) -> None:
    config = write_config(tmp_path, nginx, receiver)
    publish(nginx, SEEDS[:1])
    first = once(config, tmp_path)
    assert first.returncode == 0, first.stderr
    assert receiver.requests == 0  # the past is recorded, not announced

    publish(nginx, SEEDS[:2])
    second = once(config, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "1 delivered" in second.stderr
    [(webhook_id, payload)] = receiver.deliveries
    assert webhook_id is not None
    assert webhook_id.startswith("item-")
    assert payload["type"] == "meeting.reported"
    assert payload["data"]["title"] == extract_bytes(SEEDS[1].read_bytes()).article.title
    assert receiver.rejected == 0

    publish(nginx, SEEDS[:2][::-1])  # same items, new order: a 200, nothing new
    assert once(config, tmp_path).returncode == 0
    assert len(receiver.deliveries) == 1


def test_a_receiver_that_is_down_fails_the_pass_and_keeps_the_row(
    tmp_path: Path, nginx: Nginx, receiver: Receiver
) -> None:
    config = write_config(tmp_path, nginx, receiver, "[notify]\nbaseline = false\n")
    publish(nginx, SEEDS[:1])
    receiver.answer(503)
    done = once(config, tmp_path)
    assert done.returncode == 1
    assert "1 to retry" in done.stderr
    pending = run_monitor(
        "outbox", "--config", str(config), "--db", str(tmp_path / "m.db"),
        env={"WEBHOOK_SECRET": SECRET},
    )  # fmt: skip
    assert "HTTP 503" in pending.stdout


def start_daemon(config: Path, tmp_path: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "monitor", "run", "--config", str(config)]
    command += ["--db", str(tmp_path / "m.db"), "--log-format", "json"]
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**_clean_env(), "WEBHOOK_SECRET": SECRET},
        )


def _clean_env() -> dict[str, str]:
    import os  # noqa: PLC0415 - only the subprocess needs it

    return {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}


def wait_for(condition: object, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_kill_9_between_ingest_and_delivery_loses_nothing_and_repeats_at_most_once(
    tmp_path: Path, nginx: Nginx, receiver: Receiver
) -> None:
    port = free_port()
    extra = f'[notify]\nbaseline = false\n[server]\nlisten = "127.0.0.1:{port}"\n'
    config = write_config(tmp_path, nginx, receiver, extra)
    publish(nginx, SEEDS)
    receiver.stall = 30.0  # the daemon sends, then dies before the answer
    log = tmp_path / "daemon.log"
    first = start_daemon(config, tmp_path, log)
    try:
        wait_for(lambda: '"event": "poll"' in log.read_text(), "the first poll")
        time.sleep(1.0)  # the courier is kicked at once and is now waiting on the receiver
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    receiver.stall = 0.0
    second = start_daemon(config, tmp_path, log)
    try:
        wait_for(lambda: len(set(keys(receiver))) >= len(SEEDS), "every delivery")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    finally:
        if second.poll() is None:
            second.kill()
    counted = keys(receiver)
    assert len(counted) == len(SEEDS)
    assert max(counted.values()) <= 2
    outbox = run_monitor(
        "outbox", "--json", "--config", str(config), "--db", str(tmp_path / "m.db")
    )
    assert [json.loads(line) for line in outbox.stdout.splitlines()] == []


def keys(receiver: Receiver) -> Counter[str | None]:
    return Counter(webhook_id for webhook_id, _ in receiver.deliveries)
