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
