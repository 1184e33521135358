"""Normalization and identity: properties that dedup relies on."""

from __future__ import annotations

import re

import pytest
from conftest import SITE_FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from monitor.extract import extract_bytes
from monitor.text import (
    content_hash,
    hamming,
    hash_key,
    identity,
    normalize,
    simhash,
    simhash_hex,
)

WHITESPACE = st.sampled_from([" ", "\u3000", "\n", "\t", "\u00a0", "\r\n", "  "])
CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1)


def _article_text(name: str) -> str:
    path = next(SITE_FIXTURES.glob(f"*/{name}*"))
    return extract_bytes(path.read_bytes()).article.text


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.lists(st.tuples(CHINESE, WHITESPACE), min_size=1))
def test_hash_ignores_whitespace(pieces: list[tuple[str, str]]) -> None:
    plain = "".join(word for word, _ in pieces)
    spaced = "".join(word + space for word, space in pieces)
    assert content_hash(spaced) == content_hash(plain)


@given(CHINESE, st.sampled_from(["p", "strong", "font", "span"]))
def test_hash_ignores_markup(text: str, tag: str) -> None:
    assert content_hash(f"<{tag} class='x'>{text}</{tag}>") == content_hash(text)


def test_hash_folds_full_width_forms() -> None:
    assert content_hash("会议指出，要做好２０２２年工作：１") == content_hash(
        "会议指出,要做好2022年工作:1"
    )
    assert hash_key("A\u3000B\u200bC") == "ABC"


def test_identity_is_hash_and_simhash_at_once() -> None:
    text = _article_text("004")
    assert identity(text) == (content_hash(text), simhash(text))


def test_content_hash_is_sha256_hex() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash("会议"))
    assert content_hash("会议") != content_hash("会谈")


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_simhash_short_paragraph_dropped_is_near_unrelated_is_far(seed: str) -> None:
    # SimHash tracks the angle between shingle vectors: dropping a paragraph
    # that is r of the text flips about 64 * arccos(sqrt(1 - r)) / pi bits
    # (3.5 for r = 3 %), so "small" here is a few bits, against ~30 for an
    # unrelated article; the store adds shared paragraphs for larger drops.
    text = _article_text(seed)
    paragraphs = text.split("\n\n")
    shortest = min(range(len(paragraphs)), key=lambda index: len(paragraphs[index]))
    shortened = "\n\n".join(paragraphs[:shortest] + paragraphs[shortest + 1 :])
    assert len(paragraphs[shortest]) / len(text) < 0.05
    assert hamming(simhash(text), simhash(shortened)) <= 6
    for other_seed in {"000", "003"} - {seed}:
        assert hamming(simhash(text), simhash(_article_text(other_seed))) >= 15


@given(st.text(min_size=1))
def test_simhash_fits_64_bits(text: str) -> None:
    value = simhash(text)
    assert 0 <= value < 2**64
    assert re.fullmatch(r"[0-9a-f]{16}", simhash_hex(value))


def test_hamming_counts_differing_bits() -> None:
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(2**64 - 1, 0) == 64


def _reference_simhash(key: str) -> int:
    """SimHash by its definition, one shingle at a time in plain Python."""
    mask = (1 << 64) - 1

    def mix(value: int) -> int:
        value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & mask
        value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & mask
        return value ^ (value >> 31)

    points = [ord(char) for char in key] + [0] * max(0, 3 - len(key))
    hashes = [
        mix(
            mix((a * 0x9E3779B97F4A7C15) & mask)
            ^ mix((b + 0x632BE59BD9B4E019) & mask)
            ^ mix((mix(c) + 0x2545F4914F6CDD1D) & mask)
        )
        for a, b, c in zip(points, points[1:], points[2:], strict=False)
    ]
    return sum(1 << bit for bit in range(64) if sum(h >> bit & 1 for h in hashes) * 2 > len(hashes))


@given(st.text(min_size=1, max_size=40))
def test_simhash_is_its_definition(text: str) -> None:
    # Looked up for the Basic Multilingual Plane, computed beyond it: both as defined.
    key = hash_key(text)
    assert simhash(text) == (_reference_simhash(key) if key else 0)
