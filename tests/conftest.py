"""Shared test fixtures: the golden documents and a switch to rewrite their expectations."""

from __future__ import annotations

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
