"""``monitor backfill`` through the real entry point: archives, paged feeds, resume, dry run."""

from __future__ import annotations

import base64
import html
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import ROOT, SITE_FIXTURES, run_monitor
from corpus import document, write_corpus
from ports import free_port

from monitor.extract import extract_bytes

if TYPE_CHECKING:
    from nginx import Nginx

pytest_plugins = ["nginx"]
SEEDS = sorted(SITE_FIXTURES.glob("*/0*.txt"))
LIVE = sorted(SITE_FIXTURES.glob("sina/live_*.html"))


def layouts(root: Path) -> dict[str, Path]:
    """The seeds as users keep them: a Hexo blog, a Jekyll site, a folder of saved pages."""
    hexo = root / "hexo" / "source" / "_posts"
    jekyll = root / "jekyll" / "_posts"
    saved = root / "saved pages" / "新闻 存档"
    for folder in (hexo, jekyll, saved):
        folder.mkdir(parents=True)
    for n, seed in enumerate(SEEDS):
        shutil.copy(seed, hexo / f"会议 报道 {n}.md")
        shutil.copy(seed, jekyll / f"2021-11-{20 + n}-meeting-{n}.markdown")
    for page in LIVE:
        shutil.copy(page, saved / f"{page.stem} 页面.html")
    return {"hexo": root / "hexo", "jekyll": root / "jekyll", "saved": root / "saved pages"}


def backfill(tmp_path: Path, *args: str, config: str = "") -> dict[str, object]:
    path = tmp_path / "monitor.toml"
    path.write_text(config, encoding="utf-8")
    done = run_monitor(
        "backfill", *args, "--json", "--config", str(path), "--db", str(tmp_path / "m.db")
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def items(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "m.db") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])


@pytest.mark.parametrize("layout", ["hexo", "jekyll", "saved"])
def test_each_archive_layout_is_read_once_and_a_second_run_adds_nothing(
    tmp_path: Path, layout: str
) -> None:
    folder = layouts(tmp_path / "archives")[layout]
    expected = len(LIVE) if layout == "saved" else len(SEEDS)
    first = backfill(tmp_path, "--from", str(folder))
    assert first["outcomes"] == {"new": expected}
    assert first["errors"] == 0
    again = backfill(tmp_path, "--from", str(folder))
    assert (again["known"], again["outcomes"]) == (expected, {})
    assert items(tmp_path) == expected


def test_the_same_documents_in_two_layouts_are_one_item_each(tmp_path: Path) -> None:
    found = layouts(tmp_path / "archives")
    backfill(tmp_path, "--from", str(found["hexo"]))
    second = backfill(tmp_path, "--from", str(found["jekyll"]))
    assert second["outcomes"] == {"duplicate": len(SEEDS)}
    assert items(tmp_path) == len(SEEDS)


def test_dates_outside_since_and_until_are_skipped(tmp_path: Path) -> None:
    folder = layouts(tmp_path / "archives")["hexo"]
    result = backfill(tmp_path, "--from", str(folder), "--since", "2099-01-01")
    assert (result["out_of_range"], result["outcomes"]) == (len(SEEDS), {})


def test_a_dry_run_changes_nothing(tmp_path: Path) -> None:
    found = layouts(tmp_path / "archives")
    folder = found["hexo"]
    dry = backfill(tmp_path, "--from", str(folder), "--dry-run")
    assert dry["outcomes"] == {"new": len(SEEDS)}
    assert not (tmp_path / "m.db").exists()
    backfill(tmp_path, "--from", str(folder))
    before = (tmp_path / "m.db").read_bytes()
    assert backfill(tmp_path, "--from", str(found["saved"]), "--dry-run")["outcomes"] == {
        "new": len(LIVE)
    }
    assert items(tmp_path) == len(SEEDS)
    assert (tmp_path / "m.db").read_bytes() == before


SECRET = "whsec_" + base64.b64encode(b"backfill-test-secret-key-32-byte").decode()
CHANNEL = (
    f'[[channels]]\nname = "desk"\nkind = "webhook"\nurl = "http://127.0.0.1:9/hook"\n'
    f'secret = "{SECRET}"\n'
)


@pytest.mark.parametrize(("flags", "rows"), [((), 0), (("--notify",), len(SEEDS))])
def test_only_notify_writes_outbox_rows(tmp_path: Path, flags: tuple[str, ...], rows: int) -> None:
    folder = layouts(tmp_path / "archives")["hexo"]
    backfill(tmp_path, "--from", str(folder), *flags, config=CHANNEL)
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == rows


def feed_page(documents: list[Path], first: int, next_page: str | None) -> str:
    items = []
    for n, path in enumerate(documents, start=first):
        article = extract_bytes(path.read_bytes()).article
        content = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
        published = article.published.isoformat() if article.published else ""
        items.append(
            f"<entry><id>doc-{n}</id><title>{html.escape(article.title)}</title>"
            f'<link href="http://news.invalid/{n}.html"/><updated>{published}</updated>'
            f'<content type="html">{html.escape(content)}</content></entry>'
        )
    paging = f'<link rel="next" href="{next_page}"/>' if next_page else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>t</title><id>urn:t</id><updated>2024-01-01T00:00:00Z</updated>{paging}"
        f"{''.join(items)}</feed>"
    )


def test_a_paged_feed_is_followed_to_its_oldest_page(tmp_path: Path, nginx: Nginx) -> None:
    documents = write_corpus(tmp_path / "corpus", 9)
    for page in range(3):
        following = nginx.url(f"/feed-{page + 1}.xml") if page < 2 else None
        chunk = documents[page * 3 : page * 3 + 3]
        (nginx.root / f"feed-{page}.xml").write_text(
            feed_page(chunk, page * 3, following), encoding="utf-8"
        )
    config = f'[[sources]]\nname = "paged"\nkind = "feed"\nurl = "{nginx.url("/feed-0.xml")}"\n'
    first = backfill(tmp_path, "--source", "paged", config=config)
    assert first["outcomes"] == {"new": 9}
    again = backfill(tmp_path, "--source", "paged", config=config)
    assert (again["known"], again["outcomes"]) == (9, {})


def test_kill_9_then_resume_stores_every_document_once(tmp_path: Path) -> None:
    documents = write_corpus(tmp_path / "corpus", 400)
    config = tmp_path / "monitor.toml"
    config.write_text("", encoding="utf-8")
    command = [sys.executable, "-m", "monitor", "backfill", "--from", str(tmp_path / "corpus")]
    command += ["--config", str(config), "--db", str(tmp_path / "m.db")]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if (tmp_path / "m.db").exists() and _stored(tmp_path) >= 50:
            break
        time.sleep(0.05)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _stored(tmp_path) < len(documents)  # it really was cut short
    assert workers  # the reader processes, orphaned by the kill: they must go too
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    resumed = backfill(tmp_path, "--from", str(tmp_path / "corpus"))
    assert items(tmp_path) == len(documents)
    assert resumed["known"] == _stored_before_resume(resumed, len(documents))
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def _stored(tmp_path: Path) -> int:
    try:
        with sqlite3.connect(tmp_path / "m.db", timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _stored_before_resume(resumed: dict[str, object], total: int) -> int:
    outcomes = resumed["outcomes"]
    assert isinstance(outcomes, dict)
    return total - sum(int(count) for count in outcomes.values())


def test_numbered_list_pages_are_walked_until_one_lists_nothing(
    tmp_path: Path, nginx: Nginx
) -> None:
    documents = write_corpus(nginx.root / "a", 6)
    for page, chunk in ((1, documents[:2]), (2, documents[2:4]), (3, documents[4:])):
        links = "".join(f'<li><a href="/a/{path.name}">x</a></li>' for path in chunk)
        name = "index.html" if page == 1 else f"index_{page}.html"
        (nginx.root / name).write_text(f"<html><body><ul>{links}</ul></body></html>")
    (nginx.root / "index_4.html").write_text("<html><body><ul></ul></body></html>")
    config = (
        f'[[sources]]\nname = "list"\nkind = "page"\nurl = "{nginx.url("/index.html")}"\n'
        f'link_pattern = "/a/"\nhistory_url = "{nginx.url("/index_{page}.html")}"\n'
    )
    result = backfill(tmp_path, "--source", "list", config=config)
    assert result["outcomes"] == {"new": 6}
    log = nginx.access_log.read_text()
    assert "GET /index_4.html" in log
    assert "GET /index_5.html" not in log


def test_a_backfill_runs_while_the_daemon_writes_to_the_same_database(tmp_path: Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    for n in range(1000, 1030):  # other documents than the backfill's 0…299
        name, data = document(n)
        (live / name).write_bytes(data)
    write_corpus(tmp_path / "corpus", 300)
    port = free_port()
    config = tmp_path / "daemon.toml"
    config.write_text(
        f'[server]\nlisten = "127.0.0.1:{port}"\n'
        f'[[sources]]\nname = "live"\nkind = "archive"\npath = "{tmp_path / "live"}"\n'
        'interval = "1s"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "monitor", "run", "--config", str(config)]
    daemon = subprocess.Popen(
        [*command, "--db", str(tmp_path / "m.db")], cwd=ROOT, stderr=subprocess.DEVNULL
    )
    try:
        result = backfill(tmp_path, "--from", str(tmp_path / "corpus"))
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0
    assert result["outcomes"] == {"new": 300}
    assert items(tmp_path) == 330
