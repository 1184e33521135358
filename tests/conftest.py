"""Shared test fixtures: the golden documents and a switch to rewrite their expectations."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SITE_FIXTURES = FIXTURES / "sites"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite fixtures/**/*.expected.json from the parsers' output; review the diff",
    )


def golden_documents() -> list[Path]:
    """Every fixture document that has a golden ``.expected.json`` beside it (or should)."""
    return sorted(
        path
        for path in SITE_FIXTURES.glob("*/*")
        if path.is_file() and not path.name.endswith((".expected.json", ".origin.txt"))
    )


def expected_path(document: Path) -> Path:
    return document.with_name(document.name.split(".")[0] + ".expected.json")


def run_monitor(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run the real ``monitor`` entry point, without proxies or the user's MONITOR_* settings."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if "proxy" not in key.lower() and not key.startswith("MONITOR_")
    }
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **(env or {})},
        timeout=120,
        check=False,
    )
