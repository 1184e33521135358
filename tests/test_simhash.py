"""The two SimHash implementations give the same bits, and the switch between them."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import golden_documents

from monitor import simhash
from monitor.extract import extract_bytes
from monitor.text import hash_key

# Han, Latin, digits, full-width forms, a character outside the BMP (NumPy's
# table covers the BMP only), and code point 0 (what short keys are padded with).
_ALPHABET = [*"会议常务市政府举行研究部署工作AZaz09１２", "\U00020000", "\U0001f600", "\x00"]


@pytest.mark.parametrize("seed", range(150))
def test_plain_python_and_numpy_agree(seed: int) -> None:
    rng = random.Random(seed)
    key = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 400)))
    assert simhash.plain(key) == simhash.vectorized(key)


@pytest.mark.parametrize("key", ["会", "会议", "会议召"])
def test_keys_shorter_than_a_shingle_agree(key: str) -> None:
    assert simhash.plain(key) == simhash.vectorized(key)


@pytest.mark.parametrize("path", golden_documents(), ids=lambda path: path.name)
def test_the_seeds_agree(path: Path) -> None:
    key = hash_key(extract_bytes(path.read_bytes()).article.text)
    assert simhash.plain(key) == simhash.vectorized(key)


def test_an_empty_key_is_zero() -> None:
    assert simhash.simhash_of_key("") == 0


def test_numpy_is_imported_only_after_the_first_fingerprints() -> None:
    code = (
        "import sys; from monitor import simhash; "
        "[simhash.simhash_of_key('会议%d' % n) for n in range(simhash.PLAIN_FIRST)]; "
        "before = 'numpy' in sys.modules; simhash.simhash_of_key('再一次会议'); "
        "print(before, 'numpy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True"]
