"""Text normalization and identity: content hash, SimHash, Hamming distance.

The same article must hash the same whether it came wrapped in a Hexo post, a
Jekyll post, a live page or a feed item. So identity is computed over a *key*:
NFKC-normalized text (full-width forms folded to ASCII), markup and entities
removed, and every whitespace character dropped. Chinese has no spaces between
words, so whitespace carries no meaning there and wrappers add it freely.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

from monitor.model import PARAGRAPH_BREAK
from monitor.simhash import simhash_of_key

#: Bumped whenever :func:`hash_key` changes, so stored hashes can be recomputed.
HASH_VERSION = 1

_TAG = re.compile(r"<[^>]*>")
# Zero-width characters are not whitespace, yet pasted Chinese text is full of them.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Full-width ASCII and the ideographic space are nearly all that NFKC changes in
# Chinese news text. unicodedata.normalize takes ~140 ns a character on such
# text (415 µs for a 2,900-character article), replacing these ~10x less; full
# NFKC still runs when anything else is left unnormalized.
_FULL_WIDTH_MAP = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_MAP["\u3000"] = " "
# What a cleaning round replaces character by character, before NFKC.
_REPLACEMENTS = {**dict.fromkeys(_INVISIBLE, ""), **_FULL_WIDTH_MAP}
_REPLACED = re.compile("[\u200b-\u200d\u2060\ufeff\uff01-\uff5e\u3000]")
# Whatever one cleaning round could change besides NFKC: text with none of it
# that is already NFKC is done, without running the round to find that out.
_DIRTY = re.compile("[<&\u200b-\u200d\u2060\ufeff\uff01-\uff5e\u3000]")


def strip_markup(text: str) -> str:
    """Remove HTML tags and resolve character entities."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def normalize(text: str) -> str:
    """NFKC, markup gone, invisible characters dropped, whitespace folded to one space.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    # str.split() splits on exactly what the regex \s matches (str.isspace),
    # several times faster than re.sub; with the clean-text check in _clean,
    # hash_key of a 1,200-character article went from 116 to 43 µs.
    return " ".join(_clean(text).split())


def _clean(text: str) -> str:
    while _DIRTY.search(text) is not None or not unicodedata.is_normalized("NFKC", text):
        # Unescaping or NFKC may create new markup ("&amp;lt;", U+FF1C), so
        # repeat until nothing changes; every round shortens the text or stops.
        cleaned = _nfkc(_replace_characters(strip_markup(text)))
        if cleaned == text:
            break
        text = cleaned
    return text


def _replace_characters(text: str) -> str:
    """Zero-width characters dropped and full-width forms folded, as NFKC would."""
    # One replace per distinct character present (a handful: ，：（）), each
    # found by a search that resumes where the last one matched, as nothing
    # before it is left to replace: one pass over the text, not a sub and a
    # findall (-25 µs an article).
    found = _REPLACED.search(text)
    while found is not None:
        char = found[0]
        text = text.replace(char, _REPLACEMENTS[char])
        found = _REPLACED.search(text, found.start())
    return text


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def hash_key(text: str) -> str:
    """The normalized text with all whitespace removed: what identity is computed over."""
    return "".join(_clean(text).split())


def content_hash(text: str) -> str:
    """SHA-256 hex of :func:`hash_key` (see :data:`HASH_VERSION`)."""
    return _sha256_of_key(hash_key(text))


def _sha256_of_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def simhash(text: str) -> int:
    """64-bit SimHash over overlapping character shingles of :func:`hash_key`.

    Every shingle (with repeats, so frequent ones weigh more) is hashed to 64
    bits; bit *i* of the result is set when more than half the shingles have
    it set. Similar texts give fingerprints a small Hamming distance apart.
    """
    return simhash_of_key(hash_key(text))


def identity(text: str) -> tuple[str, int]:
    """``(content_hash(text), simhash(text))``, normalizing the text once."""
    key = hash_key(text)
    return _sha256_of_key(key), simhash_of_key(key)


#: Paragraphs shorter than this (after normalization) are too common to identify anything.
MIN_PARAGRAPH_KEY = 8


def paragraph_fingerprints(paragraphs: Iterable[str]) -> tuple[int, ...]:
    """A signed 64-bit fingerprint (SHA-256 prefix of the hash key) per distinctive paragraph.

    SimHash at distance 3 tolerates edits of ~2 % of a text; a dropped or added
    paragraph is often more. Shared paragraph fingerprints catch those.
    """
    return _fingerprints_of_keys(hash_key(paragraph) for paragraph in paragraphs)


def _fingerprints_of_keys(keys: Iterable[str]) -> tuple[int, ...]:
    return _fingerprints((key, key.encode("utf-8")) for key in keys)


def _fingerprints(keys: Iterable[tuple[str, bytes]]) -> tuple[int, ...]:
    """Fingerprints of ``(key, its UTF-8)`` pairs, distinct, in order of first appearance."""
    found: dict[int, None] = {}
    for key, encoded in keys:
        if len(key) >= MIN_PARAGRAPH_KEY:
            digest = hashlib.sha256(encoded).digest()
            found[int.from_bytes(digest[:8], "big", signed=True)] = None
    return tuple(found)


# What a cleaning round can turn into markup or an entity: "<" and "&" and the
# forms NFKC folds into them. A tag or entity may span paragraphs; nothing
# else the round does looks beyond one character and its combining marks,
# which never reach across a line break or a NUL.
_SPANNING = "<&\ufe60\ufe64\uff06\uff1c"
# Joins paragraphs to be cleaned as one text: NUL is a starter no character
# composes with, not whitespace, and no cleaning step removes or makes one
# (nor does any other character's UTF-8 hold a zero byte).
_SEPARATOR = "\x00"


def article_identity(paragraphs: Sequence[str]) -> tuple[str, int, tuple[int, ...]]:
    """:func:`identity` of ``PARAGRAPH_BREAK.join(paragraphs)``, and :func:`paragraph_fingerprints`.

    The text's hash key is the paragraphs' keys end to end when no markup can
    span a break, so the paragraphs are normalized once, as one text joined
    by NUL, and split after: one cleaning round an article rather than one a
    paragraph, and one UTF-8 encoding (identity of a seed-sized article in
    ingest: ~1.13M -> ~0.95M instructions).
    """
    joined = _SEPARATOR.join(paragraphs)
    if joined.count(_SEPARATOR) != len(paragraphs) - 1 or _may_span(joined):
        keys = [hash_key(paragraph) for paragraph in paragraphs]
        key = hash_key(PARAGRAPH_BREAK.join(paragraphs))
        return _sha256_of_key(key), simhash_of_key(key), _fingerprints_of_keys(keys)
    keyed = "".join(_clean_unspanned(joined).split())
    encoded = keyed.encode("utf-8")
    content = hashlib.sha256(encoded.replace(b"\x00", b"")).hexdigest()
    fingerprints = _fingerprints(zip(keyed.split(_SEPARATOR), encoded.split(b"\x00"), strict=True))
    return content, simhash_of_key(keyed.replace(_SEPARATOR, "")), fingerprints


def _may_span(text: str) -> bool:
    # A substring test per character (memchr) rather than a regex: a regex
    # character class costs ~45 instructions a character of an article.
    return any(char in text for char in _SPANNING)


def _clean_unspanned(text: str) -> str:
    """:func:`_clean` of a text with no character of ``_SPANNING``.

    Without markup to strip, one round leaves nothing dirty (NFKC makes no
    full-width, zero-width, "<" or "&" character of anything else) and the
    text NFKC, so _clean's second look over the whole text is skipped.
    """
    if _DIRTY.search(text) is None and unicodedata.is_normalized("NFKC", text):
        return text
    return _nfkc(_replace_characters(text))


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints."""
    return (a ^ b).bit_count()


def simhash_hex(value: int) -> str:
    """A fingerprint as 16 lower-case hex digits."""
    return f"{value & 0xFFFF_FFFF_FFFF_FFFF:016x}"
