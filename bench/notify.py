"""Notification figures: feed-to-webhook latency, and outbox throughput.

Run: ``.venv/bin/python bench/notify.py`` (``--repeat 7 --rows 1000``).

1. Latency with ``monitor run --once``: a feed on a real nginx, a signed webhook to a
   receiver in its own process (``_receiver.py``, which verifies the signature and
   notes the arrival time). Each round adds one new meeting report to the feed, then
   runs ``monitor run --once``; latency = arrival - the moment the item was written,
   process start-up included.
2. Latency with the daemon (``monitor run``, interval 2 s): item written → arrival;
   the target is one poll interval plus 1 s.
3. Outbox throughput: ``--rows`` pending rows delivered by the courier to the same
   receiver, signed, in one ``drain()``: deliveries per second.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import html
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from corpus import write_corpus  # noqa: E402 - tests/ is not a package
from nginx import Nginx, serve_nginx  # noqa: E402
from ports import free_port  # noqa: E402

from monitor.config.channels import NotifyConfig, WebhookChannel  # noqa: E402
from monitor.extract import extract_bytes  # noqa: E402
from monitor.model import Observation  # noqa: E402
from monitor.notify.channels.postman import Postman  # noqa: E402
from monitor.notify.outbox import Courier  # noqa: E402
from monitor.store import Store  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"bench-notify-secret-key-32-bytes").decode()
# --python: run the monitor from another install (a production venv built from the
# wheel has no dev tools whose imports ride along, e.g. rich via httpx).
MONITOR = [sys.executable, "-m", "monitor"]
INTERVAL = 2.0
_PASS = re.compile(r"pass: .* in ([0-9.]+) s")


@contextmanager
def receiver() -> Iterator[str]:
    """The receiver process; yields its base URL."""
    port = free_port()
    script = str(Path(__file__).with_name("_receiver.py"))
    process = subprocess.Popen([sys.executable, script, str(port), SECRET])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/stats", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait()


def arrivals(base: str) -> list[tuple[str, float]]:
    """Every (webhook-id, arrival time) the receiver noted."""
    return [(key, when) for key, when in httpx.get(f"{base}/stats", timeout=5).json()]


def item_xml(path: Path, n: int) -> str:
    """One RSS item carrying a corpus document as full content."""
    article = extract_bytes(path.read_bytes()).article
    content = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return (
        f"<item><title>{html.escape(article.title)}</title>"
        f"<link>http://news.invalid/{n}.html</link><guid>doc-{n}</guid>"
        f"<description>{html.escape(content)}</description></item>"
    )


def publish(nginx: Nginx, items: list[str]) -> None:
    """Write the feed with ``items``, newest first."""
    (nginx.root / "feed.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        + "".join(reversed(items))
        + "</channel></rss>",
        encoding="utf-8",
    )


def config(folder: Path, nginx: Nginx, hook: str, listen: str = "127.0.0.1:8080") -> Path:
    """A configuration: the feed, the webhook channel, every item notified."""
    path = folder / "monitor.toml"
    path.write_text(
        f'[server]\nlisten = "{listen}"\n[notify]\nbaseline = true\n'
        f'[[sources]]\nname = "feed"\nkind = "feed"\nurl = "{nginx.url("/feed.xml")}"\n'
        f'interval = "{INTERVAL:g}s"\n'
        f'[[channels]]\nname = "desk"\nkind = "webhook"\nurl = "{hook}/hook"\n'
        f'secret = "{SECRET}"\n[channels.filter]\nmeetings_only = false\n',
        encoding="utf-8",
    )
    return path


def wait_for_arrival(base: str, count: int, seconds: float = 30.0) -> float:
    """The arrival time of delivery number ``count``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen = arrivals(base)
        if len(seen) >= count:
            return seen[count - 1][1]
        time.sleep(0.01)
    message = f"delivery {count} did not arrive"
    raise TimeoutError(message)


def latency_once(
    folder: Path, docs: list[Path], nginx: Nginx, hook: str
) -> tuple[list[float], list[float]]:
    """Rounds of: a new item in the feed → ``monitor run --once`` → arrival; and the
    pass time each run reported (fetch, parse, store: the part that is not start-up
    or delivery)."""
    path, db = config(folder, nginx, hook), str(folder / "once.db")
    items = [item_xml(docs[0], 0)]
    publish(nginx, items)
    subprocess.run([*MONITOR, "run", "--once", "--config", str(path), "--db", db], check=True)
    times, passes = [], []
    for n, doc in enumerate(docs[1:], start=1):
        items.append(item_xml(doc, n))
        publish(nginx, items)
        written = time.time()
        command = [*MONITOR, "run", "--once", "--config", str(path), "--db", db]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        times.append(wait_for_arrival(hook, n) - written)
        passes.append(float(_PASS.findall(done.stderr)[-1]))
    return times, passes


def bare_start() -> float:
    """Median wall of ``python -c pass`` with the monitor's interpreter."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([MONITOR[0], "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def latency_daemon(folder: Path, docs: list[Path], nginx: Nginx, hook: str) -> list[float]:
    """Rounds of: a new item in the feed → the running daemon's next poll → arrival."""
    before = len(arrivals(hook))
    path = config(folder, nginx, hook, f"127.0.0.1:{free_port()}")
    items = [item_xml(docs[0], 1000)]
    publish(nginx, items)
    command = [*MONITOR, "run", "--config", str(path), "--db", str(folder / "daemon.db")]
    daemon = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        time.sleep(INTERVAL * 2)  # the baseline poll
        times = []
        for n, doc in enumerate(docs[1:], start=1):
            items.append(item_xml(doc, 1000 + n))
            publish(nginx, items)
            written = time.time()
            times.append(wait_for_arrival(hook, before + n) - written)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait()
    return times


def throughput(folder: Path, docs: list[Path], hook: str) -> tuple[int, float]:
    """(rows, seconds) for the courier to deliver one outbox row per document."""
    with Store(folder / "outbox.db") as store:
        for n, doc in enumerate(docs):
            seen = Observation("bench", (f"doc-{n}",), extract_bytes(doc.read_bytes()))
            store.ingest(seen, notify=lambda _: ["desk"])
        desk = WebhookChannel.model_validate(
            {"name": "desk", "kind": "webhook", "url": f"{hook}/hook", "secret": SECRET}
        )
        settings = NotifyConfig(batch=len(docs))
        desk = desk.model_copy(update={"hourly_cap": len(docs) + 1})

        async def drain() -> float:
            async with Postman() as postman:
                courier = Courier(store, [desk], postman, settings, rng=random.Random(1))  # noqa: S311
                started = time.perf_counter()
                done = await courier.drain()
                assert done.delivered == len(docs), done  # noqa: S101 - a bench sanity check
                return time.perf_counter() - started

        return len(docs), asyncio.run(drain())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="latency rounds")
    parser.add_argument("--rows", type=int, default=1000, help="outbox rows for throughput")
    parser.add_argument("--python", help="the interpreter whose monitor to run (default: this one)")
    options = parser.parse_args()
    if options.python:
        MONITOR[0] = options.python
    with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
        folder = Path(tmp)
        docs = write_corpus(folder / "docs", max(options.rows, 2 * options.repeat + 2))
        (folder / "root").mkdir()
        (folder / "nginx").mkdir()
        with receiver() as hook, serve_nginx(folder / "root", folder / "nginx") as nginx:
            once, passes = latency_once(folder, docs[: options.repeat + 1], nginx, hook)
            median, polled = statistics.median(once), statistics.median(passes)
            print(f"feed → signed webhook, monitor run --once (start-up included): "
                  f"{median:.3f} s median of {len(once)} (target < 1 s)")  # fmt: skip
            print(f"  of which the pass (fetch, parse, store; as the run reports it) "
                  f"{polled:.3f} s; the interpreter alone starts in {bare_start():.3f} s; "
                  f"the rest is imports, opening the database and delivering")  # fmt: skip
            daemon_docs = docs[options.repeat + 1 : 2 * options.repeat + 2]
            looped = latency_daemon(folder, daemon_docs, nginx, hook)
            print(f"feed → signed webhook, daemon (interval {INTERVAL:g} s): "
                  f"{statistics.median(looped):.3f} s median, {max(looped):.3f} s max "
                  f"(target ≤ interval + 1 s = {INTERVAL + 1:g} s)")  # fmt: skip
            rows, seconds = throughput(folder, docs[: options.rows], hook)
            print(f"outbox throughput: {rows / seconds:,.0f} deliveries/s "
                  f"({rows} signed webhooks in {seconds:.2f} s; target ≥ 200/s)")  # fmt: skip


if __name__ == "__main__":
    main()
