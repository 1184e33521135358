"""Start-up: what a process loads before it does anything, checked by module, not by time.

Every import on the way to the first poll is paid by each ``monitor run --once`` (and
by the feed-to-webhook latency); these tests keep the heavy, optional ones off that
path so that a refactor cannot quietly put them back.
"""

from __future__ import annotations

import json
import subprocess
import sys


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; import json; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout))


def test_sqlite_utils_is_imported_without_numpy() -> None:
    loaded = _loaded_after("import monitor.store; import sqlite_utils.db as d; assert d.np is None")
    assert "sqlite_utils" in loaded
    assert "pandas" not in loaded


def test_numpy_still_imports_after_the_store() -> None:
    loaded = _loaded_after("import monitor.store; import numpy; assert numpy.uint64(1) == 1")
    assert "numpy" in loaded


def test_a_poll_pass_loads_no_parser_template_or_mail_library() -> None:
    # What `monitor run --once` imports before its first request, without channels.
    loaded = _loaded_after(
        "from monitor.cli.run import settings_from; import monitor.daemon.once; "
        "import monitor.log as log; log.configure('text')"
    )
    heavy = {"numpy", "bs4", "feedparser", "jinja2", "aiosmtplib", "apprise", "pythonjsonlogger"}
    assert loaded & heavy == set()
    assert {"httpx", "aiohttp", "sqlite_utils", "pydantic"} <= loaded


def test_a_feed_entry_with_its_content_is_read_without_bs4() -> None:
    # RSSHub-style entries carry the article: wrapped as UTF-8 HTML, they need no
    # charset sniffing, so reading one must not load bs4 (and soupsieve) for it.
    loaded = _loaded_after(
        "from datetime import UTC, datetime; "
        "from monitor.model import Entry; from monitor.sites import feedentry; "
        "from monitor.extract import extract_bytes; "
        "entry = Entry(key='k', url='https://example.org/a.html', title='市政府常务会议', "
        "published=datetime(2026, 1, 5, tzinfo=UTC), "
        "content='<p>' + '市政府召开常务会议，研究部署有关工作。' * 20 + '</p>'); "
        "extract_bytes(feedentry.wrap(entry), url=entry.url, "
        "headers={'content-type': 'text/html; charset=utf-8'}, subject='k')"
    )
    assert "monitor.sites.feedentry" in loaded
    assert "bs4" not in loaded
