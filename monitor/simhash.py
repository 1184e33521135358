"""SimHash of a hash key: 64 bits, similar texts a small Hamming distance apart.

Every overlapping shingle of ``SHINGLE`` characters (with repeats, so frequent ones
weigh more) is hashed to 64 bits; bit *i* of the fingerprint is set when more than
half the shingles have it set. A shingle's hash is the splitmix64 finalizer of the
XOR of its characters' position mixes (:func:`_scalar_mixes`).

Two implementations give the same bits (``tests/test_simhash.py``): NumPy's,
~0.15 ms for a 2,900-character article, and plain Python's, ~1 µs a character.
Importing NumPy takes 60-100 ms, more than a plain-Python run of 30 articles, and a
``monitor run --once`` usually reads one or two: the first :data:`PLAIN_FIRST`
fingerprints of a process are computed in plain Python, the rest with NumPy (at
once, if something imported it already).
"""

from __future__ import annotations

import sys
from functools import cache
from itertools import count
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    _Mixes = tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]

__all__ = ["PLAIN_FIRST", "SHINGLE", "plain", "simhash_of_key", "vectorized"]

#: Characters per shingle. Three catches Chinese word pairs without making a
#: one-character edit disturb more than three shingles.
SHINGLE = 3
#: Fingerprints computed without NumPy before it is imported (see the module docstring).
PLAIN_FIRST = 32

_U64 = (1 << 64) - 1
_calls = count()


def simhash_of_key(key: str) -> int:
    """The 64-bit SimHash of ``key`` (a :func:`monitor.text.hash_key`); 0 when empty."""
    if not key:
        return 0
    if next(_calls) < PLAIN_FIRST and "numpy" not in sys.modules:
        return plain(key)
    return vectorized(key)


# The mixes: the splitmix64 finalizer (a bijection with full avalanche) of the code
# point, salted per position. NumPy computes them for every position at once.
_GOLDEN = 0x9E3779B97F4A7C15
_SALT_1 = 0x632BE59BD9B4E019
_SALT_2 = 0x2545F4914F6CDD1D
# The finalizer's two multipliers, shared by both implementations.
_MULTIPLY_1 = 0xBF58476D1CE4E5B9
_MULTIPLY_2 = 0x94D049BB133111EB
# Each position's mix depends on one code point only, so for the Basic
# Multilingual Plane (all of Chinese news text) it is looked up in a table
# built once (1.5 MiB): 117 -> 35 µs for a 1,200-character article.
_TABLE_SIZE = 1 << 16
# Rows whose unpacked bits (0 or 1 a byte) can be added as uint64 without a byte overflowing.
_RUN = 255


@cache
def _mix_constants() -> tuple[np.uint64, np.uint64, np.uint64, np.uint64, np.uint64]:
    """The finalizer's shifts and multipliers as NumPy scalars, made once."""
    import numpy as np  # noqa: PLC0415 - see the imports

    return (
        np.uint64(30),
        np.uint64(_MULTIPLY_1),
        np.uint64(27),
        np.uint64(_MULTIPLY_2),
        np.uint64(31),
    )


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finalizer, in place: 6 array operations, no temporaries kept."""
    shift_1, multiply_1, shift_2, multiply_2, shift_3 = _mix_constants()
    values ^= values >> shift_1
    values *= multiply_1
    values ^= values >> shift_2
    values *= multiply_2
    values ^= values >> shift_3
    return values


def _position_mixes(points: npt.NDArray[np.uint64]) -> _Mixes:
    """What a code point contributes as a shingle's first, second and third character."""
    import numpy as np  # noqa: PLC0415 - see the imports

    with np.errstate(over="ignore"):  # wrap-around multiplication is the point
        first = _mix(points * np.uint64(_GOLDEN))
        second = _mix(points + np.uint64(_SALT_1))
        third = _mix(_mix(points.copy()) + np.uint64(_SALT_2))
    return first, second, third


@cache
def _position_table() -> npt.NDArray[np.uint64]:
    # One row per code point: its three mixes side by side share a cache line.
    # Three separate tables cost three cache misses a character when the parser
    # has just evicted them (-15 to -35 µs an article).
    import numpy as np  # noqa: PLC0415 - see the imports

    table = np.ascontiguousarray(
        np.stack(_position_mixes(np.arange(_TABLE_SIZE, dtype=np.uint64)), axis=1)
    )
    table.flags.writeable = False  # shared by every call
    return table


def _shingle_hashes(key: str) -> npt.NDArray[np.uint64]:
    import numpy as np  # noqa: PLC0415 - see the imports

    points = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32)
    if len(points) < SHINGLE:
        points = np.pad(points, (0, SHINGLE - len(points)))
    if int(points.max()) < _TABLE_SIZE:
        rows = _position_table().take(points, axis=0)
        combined = rows[:-2, 0] ^ rows[1:-1, 1]
        combined ^= rows[2:, 2]
    else:
        first, second, third = _position_mixes(points.astype(np.uint64))
        combined = first[:-2] ^ second[1:-1] ^ third[2:]
    # No np.errstate here: NumPy never checks integer overflow in array
    # arithmetic, only in scalar arithmetic. Entering it, and making the mix's
    # scalars once rather than per call, took 165 -> 140 µs an article in ingest.
    return _mix(combined)


def vectorized(key: str) -> int:
    """:func:`simhash_of_key` of a non-empty key, with NumPy."""
    import numpy as np  # noqa: PLC0415 - see the imports

    hashes = _shingle_hashes(key)
    shingles = len(hashes)
    # Each hash's bits unpacked to one byte each, 8 to a uint64: adding those
    # uint64 counts 8 bit positions at once, one per byte, exact while a byte
    # stays below 256, so rows are added in runs of _RUN. Against a float32
    # matrix product (a cast to 4 bytes a bit): 117 -> 106 µs an article in ingest.
    bits = np.unpackbits(hashes.view(np.uint8), bitorder="little").view(np.uint64)
    runs = np.add.reduceat(bits.reshape(shingles, 8), np.arange(0, shingles, _RUN), axis=0)
    counts = runs.view(np.uint8).reshape(-1, 64).sum(axis=0, dtype=np.int64)
    majority = counts * 2 > shingles
    return int.from_bytes(np.packbits(majority, bitorder="little").tobytes(), "little")


def _scalar_mix(value: int) -> int:
    """The splitmix64 finalizer on one 64-bit value."""
    value ^= value >> 30
    value = (value * _MULTIPLY_1) & _U64
    value ^= value >> 27
    value = (value * _MULTIPLY_2) & _U64
    return value ^ (value >> 31)


@cache
def _scalar_mixes(point: int) -> tuple[int, int, int]:
    """What a code point contributes as a shingle's first, second and third character."""
    return (
        _scalar_mix((point * _GOLDEN) & _U64),
        _scalar_mix((point + _SALT_1) & _U64),
        _scalar_mix((_scalar_mix(point) + _SALT_2) & _U64),
    )


# Bit j of a byte, for every byte value: bytes.translate then count(1) counts the
# shingles with one bit set in C, a column of bytes at a time.
_BIT_OF_BYTE = tuple(bytes((value >> bit) & 1 for value in range(256)) for bit in range(8))


def plain(key: str) -> int:
    """:func:`simhash_of_key` of a non-empty key, in plain Python."""
    points = [ord(char) for char in key] + [0] * max(0, SHINGLE - len(key))
    rows = [_scalar_mixes(point) for point in points]
    packed = bytearray()
    for (first, _, _), (_, second, _), (_, _, third) in zip(rows, rows[1:], rows[2:], strict=False):
        packed += _scalar_mix(first ^ second ^ third).to_bytes(8, "little")
    shingles = len(packed) // 8
    fingerprint = 0
    for lane in range(8):  # byte `lane` of every shingle's hash, little-endian
        column = bytes(packed[lane::8])
        for bit, table in enumerate(_BIT_OF_BYTE):
            if column.translate(table).count(1) * 2 > shingles:
                fingerprint |= 1 << (8 * lane + bit)
    return fingerprint
