from __future__ import annotations

from pathlib import Path

import pytest

from monitor.urls import canonical_url, file_key


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Finance.SINA.com.cn/a.shtml#top", "https://finance.sina.com.cn/a.shtml"),
        ("https://x.cn:443/a?b=2&a=1", "https://x.cn/a?a=1&b=2"),
        ("http://x.cn:8080/a", "http://x.cn:8080/a"),
        ("https://x.cn/a?utm_source=wx&spm=1.2&id=9&from=timeline", "https://x.cn/a?id=9"),
        ("https://x.cn", "https://x.cn/"),
        ("guid-123", "guid-123"),
        ("  tag:x.cn,2024:1 ", "tag:x.cn,2024:1"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_file_key_is_an_absolute_file_uri(tmp_path: Path) -> None:
    assert file_key(tmp_path / "a b.txt").startswith("file:///")
    assert file_key(tmp_path / "a b.txt").endswith("/a%20b.txt")


def test_file_key_resolves_links_to_the_file_and_its_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "doc.txt").write_text("x")
    (tmp_path / "folder-link").symlink_to(real, target_is_directory=True)
    (tmp_path / "file-link.txt").symlink_to(real / "doc.txt")
    monkeypatch.chdir(tmp_path)
    expected = (real / "doc.txt").resolve().as_uri()
    for spelling in (
        real / "doc.txt",
        tmp_path / "folder-link" / "doc.txt",
        tmp_path / "file-link.txt",
        Path("real/doc.txt"),
        Path("folder-link/../real/doc.txt"),
        tmp_path / "real" / "." / "doc.txt",
    ):
        assert file_key(spelling) == expected == spelling.resolve().as_uri(), spelling
    assert file_key(tmp_path / "missing.txt") == (tmp_path / "missing.txt").resolve().as_uri()
