"""``monitor parse`` through the real entry point, as a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import golden_documents, run_monitor
from localserver import Route, serve

from monitor.cli import cli

KEYS = [
    "site",
    "url",
    "source_url",
    "title",
    "published",
    "editor",
    "outlet",
    "paragraphs",
    "headings",
    "text",
    "content_hash",
    "simhash",
    "meeting",
]
MEETING_KEYS = ["kind", "convener", "date", "chair", "attendees", "topics"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_monitor(*args)


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))])
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "Usage: monitor" in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_json_lines_have_exactly_the_documented_keys() -> None:
    documents = [str(path) for path in golden_documents()]
    result = run("parse", "--json", *documents)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(documents)
    for line in lines:
        record = json.loads(line)
        assert list(record) == KEYS
        assert len(record["simhash"]) == 16
        assert record["meeting"] is None or list(record["meeting"]) == MEETING_KEYS


def test_summary_names_the_site_and_meeting() -> None:
    document = next(path for path in golden_documents() if path.parent.name == "sina")
    result = run("parse", str(document))
    assert result.returncode == 0, result.stderr
    assert "[sina]" in result.stdout
    assert "meeting" in result.stdout


def test_a_bad_file_is_one_line_and_the_others_go_on(tmp_path: Path) -> None:
    good = golden_documents()[0]
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.html"
    result = run("parse", "--json", str(missing), str(empty), str(good))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert errors == [
        f"error: {missing}: cannot read: No such file or directory",
        f"error: {empty}: decode failed: the document is empty",
    ]
    assert json.loads(result.stdout)["title"]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["parse"], ["parse", "--site", "nosuch", "x"], ["nosuch"]])
def test_bad_usage_exits_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_urls_are_fetched_and_decoded_by_their_http_charset() -> None:
    seed = next(path for path in golden_documents() if path.parent.name == "kankanews")
    page = seed.read_text(encoding="utf-8").encode("gb18030")
    routes = {
        "/a.txt": Route(200, page, {"Content-Type": "text/plain; charset=gbk"}),
        "/gone": Route(404, b"nope"),
        "/moved": Route(301, b"", {"Location": "/a.txt"}),
    }
    with serve(routes) as server:
        ok = run("parse", "--json", server.url("/a.txt"))
        moved = run("parse", "--json", server.url("/moved"))
        gone = run("parse", server.url("/gone"))
    local = json.loads(run("parse", "--json", str(seed)).stdout)
    fetched = json.loads(ok.stdout)
    assert fetched["url"] == server.url("/a.txt")
    assert fetched["text"] == local["text"]
    assert fetched["site"] == "kankanews"
    assert json.loads(moved.stdout)["url"] == server.url("/a.txt")
    assert gone.returncode == 1
    assert gone.stderr.strip() == f"error: {server.url('/gone')}: fetch failed: HTTP 404 Not Found"
