"""Local archives: every layout of the seeds, any file names, nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SITE_FIXTURES

from monitor.errors import SourceError
from monitor.extract import extract_bytes
from monitor.sources.archive import walk


def seed(prefix: str) -> Path:
    return next(SITE_FIXTURES.glob(f"*/{prefix}_*.txt"))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    layouts = {
        "source/_posts/上海 市政府 常务会议.md": "000",  # Hexo, CJK and spaces in the name
        "post/2022/领导小组.md": "001",  # Hexo post/ folder
        "_posts/2022-03-23-changweihui.markdown": "002",  # Jekyll
        "saved/knews page.txt": "003",  # a page saved as text
        "_posts/2022-05-30-fabu.md": "004",
    }
    for relative, prefix in layouts.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed(prefix), target)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.md").write_text("not a post")
    (root / "_posts" / ".draft.md").write_text("hidden")
    (root / "images").mkdir()
    (root / "images" / "logo.png").write_bytes(b"\x89PNG")
    (root / "saved" / "knews page.origin.txt").write_text("where it came from")
    return root


def test_every_document_in_every_layout_is_found_in_a_stable_order(archive: Path) -> None:
    found = [
        f.path.relative_to(archive).as_posix() for f in walk(archive, exclude=["*.origin.txt"])
    ]
    assert found == [
        "_posts/2022-03-23-changweihui.markdown",
        "_posts/2022-05-30-fabu.md",
        "post/2022/领导小组.md",
        "saved/knews page.txt",
        "source/_posts/上海 市政府 常务会议.md",
    ]


def test_found_documents_parse_with_their_site_parsers(archive: Path) -> None:
    sites = {
        f.path.name: extract_bytes(f.path.read_bytes()).site
        for f in walk(archive, exclude=["*.origin.txt"])
    }
    assert sites["knews page.txt"] == "kankanews"
    assert sites["2022-05-30-fabu.md"] == "shanghaifabu"
    assert sites["上海 市政府 常务会议.md"] == "sina"


def test_keys_are_file_uris_and_times_are_aware(archive: Path) -> None:
    files = list(walk(archive))
    assert all(f.key.startswith("file:///") for f in files)
    assert all(f.modified.tzinfo is not None for f in files)
    assert len({f.key for f in files}) == len(files)


def test_include_patterns_replace_the_suffix_rule(archive: Path) -> None:
    found = [f.path.name for f in walk(archive, include=["_posts/*"])]
    assert found == ["2022-03-23-changweihui.markdown", "2022-05-30-fabu.md"]


def test_a_symlink_loop_is_not_followed(archive: Path) -> None:
    (archive / "loop").symlink_to(archive)
    assert len(list(walk(archive))) == 6  # five posts and the .origin.txt, once each


def test_a_missing_folder_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="archive folder does not exist"):
        list(walk(tmp_path / "nowhere"))
