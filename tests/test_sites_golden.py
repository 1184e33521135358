"""Golden pairs: every document under fixtures/sites/<site>/ parses to its .expected.json.

The folder names the site the registry must choose. Run pytest with
``--update-golden`` to rewrite the expectations, then review the diff by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import expected_path, golden_documents

from monitor.extract import as_record, extract_bytes

DOCUMENTS = golden_documents()


def _record(data: bytes) -> dict[str, object]:
    return as_record(extract_bytes(data))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_document_matches_golden(document: Path, request: pytest.FixtureRequest) -> None:
    record = _record(document.read_bytes())
    expected_file = expected_path(document)
    if request.config.getoption("--update-golden"):
        expected_file.write_text(
            json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert record["site"] == document.parent.name
    assert record == expected


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_gbk_copy_parses_to_the_same_article(document: Path) -> None:
    text = document.read_bytes().decode("utf-8")
    try:
        legacy = text.encode("gbk")
    except UnicodeEncodeError:
        # A few symbols (e.g. U+207A in app chrome) exist only in GB18030, GBK's superset.
        legacy = text.encode("gb18030")
    assert legacy != document.read_bytes()
    assert _record(legacy) == _record(document.read_bytes())


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_boilerplate_never_reaches_the_text(document: Path) -> None:
    record = _record(document.read_bytes())
    text = str(record["text"])
    # Words of page furniture; "APP" alone is not one: a report may tell readers
    # to open a public service's app.
    for furniture in (
        "责任编辑",
        "扫描二维码",
        "版权声明",
        "关键词",
        "评论",
        "推荐视频",
        "返回",
        "原标题",
        "下载APP",
        "阅读原文",
        "Copyright",
    ):
        assert furniture not in text
    assert "<" not in text
    assert ">" not in text


def test_every_site_has_a_golden_fixture() -> None:
    from monitor.sites.registry import SITES  # noqa: PLC0415

    covered = {document.parent.name for document in DOCUMENTS}
    assert {site.name for site in SITES} - {"generic"} <= covered
    assert all(expected_path(document).exists() for document in DOCUMENTS)
