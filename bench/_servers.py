"""Shared by the polling benchmarks: N small RSS feeds on a real nginx, and its access log.

The feeds are spread over ``hosts`` loopback addresses (127.0.0.1, 127.0.0.2, …:
all of 127.0.0.0/8 is loopback on Linux), 20 feeds a host for 1,000 feeds on 50
hosts, so that a per-host connection cap limits as it would on the open web
instead of serializing everything on one host. nginx gives real ETag and
Last-Modified validators, so a second pass over unchanged files is 304s only.

Feed ``n`` is ``/feed-NNNN.xml``: ``items`` entries, each with a short
``<description>``, a ``<content:encoded>`` paragraph of distinct Chinese text (so a
reader need not fetch the article), and a ``<link>`` to a small article page that
nginx also serves, for readers that fetch it anyway.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from nginx import Nginx, serve_nginx  # noqa: E402 - tests/ is not a package

MONITOR = ROOT / ".venv" / "bin" / "monitor"
FEEDS_PER_HOST = 20
#: Listening sockets plus every client connection at once, with room to spare.
WORKER_CONNECTIONS = 2048
_POOL = (
    "市政府常务会议研究部署推进经济高质量发展城市更新民生保障生态环境保护安全生产工作"
    "会议指出要坚持稳中求进深化改革扩大开放优化营商环境加快科技创新产业升级"
    "强调各区各部门切实履职尽责狠抓落实确保各项任务取得实效"
)
_STATUS = re.compile(r'" (\d{3}) ')
_START = datetime(2026, 1, 1, 8, tzinfo=UTC)


@dataclass(frozen=True)
class FeedSite:
    """The feeds' URLs (``sources[n]`` is feed ``n + 1``) and the nginx serving them."""

    urls: tuple[str, ...]
    nginx: Nginx

    def names(self) -> list[str]:
        """Source names, ``feed-0001`` …, in the order of ``urls``."""
        return [f"feed-{n:04d}" for n in range(1, len(self.urls) + 1)]


def host_count(sources: int) -> int:
    """Loopback hosts for ``sources`` feeds: ``FEEDS_PER_HOST`` each, at most 250."""
    return max(1, min(250, -(-sources // FEEDS_PER_HOST)))


def _paragraph(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_POOL) for _ in range(length)) + "。"


def _article(title: str, text: str) -> str:
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{text}</p></article></body></html>\n"
    )


def _feed(n: int, items: int, base: str, root: Path) -> str:
    rng = random.Random(n)  # noqa: S311 - seeded test data, not secrets
    entries = []
    for i in range(1, items + 1):
        path = f"/a/{n:04d}-{i}.html"
        title = f"第{n}号信息源第{i}条 {_paragraph(rng, 8)}"
        text = _paragraph(rng, 120) + f"本文编号{n}-{i}。" + _paragraph(rng, 80)
        (root / path.lstrip("/")).write_text(_article(title, text), encoding="utf-8")
        published = format_datetime(_START - timedelta(hours=n + i))
        entries.append(
            f"<item><title>{title}</title><link>{base}{path}</link>"
            f'<guid isPermaLink="false">feed-{n:04d}-{i}</guid>'
            f"<pubDate>{published}</pubDate><description>{title[:20]}</description>"
            f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>信息源 {n}</title><link>{base}/</link>"
        f"<description>bench feed {n}</description>{''.join(entries)}</channel></rss>\n"
    )


def write_feeds(root: Path, sources: int, items: int, bases: list[str]) -> list[str]:
    """Write ``sources`` feeds (and their articles) under ``root``; their URLs.

    Feed ``n`` is on ``bases[(n - 1) // FEEDS_PER_HOST % len(bases)]``.
    """
    (root / "a").mkdir(parents=True, exist_ok=True)
    urls = []
    for n in range(1, sources + 1):
        base = bases[(n - 1) // FEEDS_PER_HOST % len(bases)]
        name = f"feed-{n:04d}.xml"
        (root / name).write_text(_feed(n, items, base, root), encoding="utf-8")
        urls.append(f"{base}/{name}")
    return urls


@contextmanager
def feed_site(sources: int, items: int) -> Iterator[FeedSite]:
    """Feeds on a fresh nginx in a tmp dir, removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        root, work = Path(tmp) / "root", Path(tmp) / "nginx"
        root.mkdir()
        work.mkdir()
        addresses = [f"127.0.0.{i}" for i in range(1, host_count(sources) + 1)]
        with serve_nginx(
            root,
            work,
            addresses=addresses,
            worker_connections=WORKER_CONNECTIONS,
            if_modified_since="before",
        ) as nginx:
            bases = [nginx.url_at(address, "") for address in addresses]
            urls = write_feeds(root, sources, items, bases)
            yield FeedSite(tuple(urls), nginx)


class AccessLog:
    """Counts the HTTP statuses nginx logged since the last call."""

    def __init__(self, path: Path) -> None:
        """Start counting at the log's current end."""
        self._path = path
        self._offset = path.stat().st_size if path.exists() else 0

    def statuses(self) -> Counter[str]:
        """Status code → requests logged since the previous call (or since creation)."""
        if not self._path.exists():
            return Counter()
        with self._path.open("rb") as log:
            log.seek(self._offset)
            data = log.read()
        # Only whole lines: nginx may be half-way through writing the last.
        data = data[: data.rfind(b"\n") + 1]
        self._offset += len(data)
        found = (_STATUS.search(line) for line in data.decode(errors="replace").splitlines())
        return Counter(match.group(1) for match in found if match)


def monitor_available(command: str, program: list[str] | None = None) -> bool:
    """Whether ``monitor COMMAND --help`` exits 0 (the command exists).

    ``program`` is how the monitor is started (default: this checkout's venv).
    """
    if program is None:
        if not MONITOR.exists():
            return False
        program = [str(MONITOR)]
    done = subprocess.run(
        [*program, command, "--help"], capture_output=True, check=False, timeout=60
    )
    return done.returncode == 0


def monitor_config(site: FeedSite, interval: str, extra: str = "") -> str:
    """A TOML configuration with one feed source per URL of ``site``."""
    lines = [extra] if extra else []
    for name, url in zip(site.names(), site.urls, strict=True):
        lines += [
            "[[sources]]",
            f'name = "{name}"',
            'kind = "feed"',
            f'url = "{url}"',
            f'interval = "{interval}"',
            "",
        ]
    return "\n".join(lines)


def show_statuses(statuses: Counter[str]) -> str:
    """``304×1000`` or ``200×990 304×10``: sorted by status."""
    return " ".join(f"{status}×{count}" for status, count in sorted(statuses.items())) or "none"
