"""The whole service as deployed: nginx feeds, the daemon, an SMTP server and a webhook receiver.

A new meeting report in a feed: one e-mail and one signed webhook, once. The same
report at a second source: a second outlet on the item, no second notification.
The daemon killed with ``kill -9`` mid-run and restarted: nothing lost, nothing
delivered under a new key. SIGTERM: exit 0 within the grace period.
"""

from __future__ import annotations

import base64
import email
import html
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import ROOT, SITE_FIXTURES, run_monitor
from ports import free_port
from receivers import Mailbox, Receiver, smtp_server, webhook_receiver

from monitor.extract import extract_bytes

if TYPE_CHECKING:
    from nginx import Nginx

pytest_plugins = ["nginx"]
SECRET = "whsec_" + base64.b64encode(b"whole-service-test-secret-key-32").decode()
SEEDS = {path.name[:3]: path for path in SITE_FIXTURES.glob("*/0*.txt")}
WAIT = 30.0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver(SECRET) as running:
        yield running


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as running:
        yield running


def item(seed: str, guid: str) -> str:
    article = extract_bytes(SEEDS[seed].read_bytes()).article
    content = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return (
        f"<item><title>{html.escape(article.title)}</title>"
        f"<link>http://news.invalid/{guid}.html</link><guid>{guid}</guid>"
        f"<description>{html.escape(content)}</description></item>"
    )


def publish(nginx: Nginx, name: str, items: list[str]) -> None:
    (nginx.root / name).write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )


def config(tmp_path: Path, nginx: Nginx, receiver: Receiver, mailbox: Mailbox) -> Path:
    port = free_port()
    path = tmp_path / "monitor.toml"
    sources = "".join(
        f'[[sources]]\nname = "{name}"\nkind = "feed"\nurl = "{nginx.url(f"/{name}.xml")}"\n'
        'interval = "1s"\n'
        for name in ("outlet-a", "outlet-b")
    )
    path.write_text(
        f'[server]\nlisten = "127.0.0.1:{port}"\n{sources}'
        f'[[channels]]\nname = "desk"\nkind = "webhook"\nurl = "{receiver.url}"\n'
        'secret = "${WEBHOOK_SECRET}"\n'
        f'[[channels]]\nname = "mail"\nkind = "email"\nhost = "127.0.0.1"\nport = {mailbox.port}\n'
        'tls = "none"\nsender = "监测 <monitor@example.org>"\nrecipients = ["desk@example.org"]\n',
        encoding="utf-8",
    )
    return path


def start(path: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "monitor", "run", "--config", str(path)]
    command += ["--db", str(tmp_path / "m.db"), "--log-format", "json"]
    with (tmp_path / "daemon.log").open("ab") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={"PATH": "/usr/bin:/bin", "WEBHOOK_SECRET": SECRET, "HOME": str(tmp_path)},
        )


def wait_for(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def polls(tmp_path: Path) -> int:
    lines = (tmp_path / "daemon.log").read_text(encoding="utf-8").splitlines()
    return sum('"event": "poll"' in line for line in lines)


def mails(mailbox: Mailbox) -> list[Message]:
    return [email.message_from_bytes(e.content, policy=default) for e in mailbox.envelopes]  # type: ignore[arg-type]


def test_the_whole_service(
    tmp_path: Path, nginx: Nginx, receiver: Receiver, mailbox: Mailbox
) -> None:
    path = config(tmp_path, nginx, receiver, mailbox)
    publish(nginx, "outlet-a.xml", [item("001", "a-001")])
    publish(nginx, "outlet-b.xml", [item("003", "b-003")])
    daemon = start(path, tmp_path)
    try:
        wait_for(lambda: polls(tmp_path) >= 4, "the baseline polls")
        assert (receiver.requests, len(mailbox.envelopes)) == (0, 0)  # the past is not news

        # A new meeting report at outlet A: one webhook, one e-mail.
        publish(nginx, "outlet-a.xml", [item("000", "a-000"), item("001", "a-001")])
        wait_for(lambda: receiver.deliveries and mailbox.envelopes, "the notifications")
        [(key, payload)] = receiver.deliveries
        assert payload["type"] == "meeting.reported"
        [mail] = mails(mailbox)
        assert payload["data"]["meeting"]["kind"] in str(mail["Subject"])

        # The same report at outlet B: another outlet of the item, nobody told again.
        publish(nginx, "outlet-b.xml", [item("000", "b-000"), item("003", "b-003")])
        item_id = payload["data"]["id"]
        wait_for(lambda: _outlets(tmp_path, item_id) == 2, "the second outlet")
        time.sleep(2)
        assert (len(receiver.deliveries), len(mailbox.envelopes)) == (1, 1)

        # Killed mid-run with a new report waiting: after a restart it arrives, once.
        publish(nginx, "outlet-a.xml", [item("002", "a-002"), item("000", "a-000")])
        time.sleep(0.5)
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=10)
        daemon = start(path, tmp_path)
        wait_for(lambda: len({k for k, _ in receiver.deliveries}) == 2, "the report after restart")
        wait_for(lambda: len(mailbox.envelopes) >= 2, "its e-mail")
        time.sleep(2)
        counted = Counter(k for k, _ in receiver.deliveries)
        assert set(counted) >= {key}
        assert max(counted.values()) <= 2  # a crash between send and record may repeat one
        ids = Counter(str(m["Message-ID"]) for m in mails(mailbox))
        assert len(ids) == 2
        assert max(ids.values()) <= 2

        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=12) == 0  # the 10 s grace period, and some slack
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()


def _outlets(tmp_path: Path, item_id: int) -> int:
    shown = run_monitor("show", str(item_id), "--json", "--db", str(tmp_path / "m.db"))
    if shown.returncode != 0:
        return 0
    return len(json.loads(shown.stdout)["outlets"])
