"""What HTTP headers tell a poller: when to come back, how long a copy stays fresh.

Pure code, no I/O and no httpx: :mod:`monitor.fetch` reads the headers, the scheduler
decides with these. Every duration is a :class:`~datetime.timedelta`; ``None`` means
"the header says nothing usable", never "zero". :class:`ContentDecoder` undoes a
Content-Encoding in bounded pieces, so a size cap can stop a decompression bomb.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

DEFAULT_BACKOFF_CAP = timedelta(days=1)
CONTENT_CODINGS = frozenset({"gzip", "x-gzip", "deflate"})

# RFC 9110 10.2.3: Retry-After = HTTP-date / delay-seconds, delay-seconds = 1*DIGIT.
_DELAY_SECONDS = re.compile(r"[0-9]+")
# RFC 9111 5.2: directives are comma-separated tokens, arguments token or quoted-string.
_DIRECTIVE = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*("[^"]*"|[^,\s]*))?\s*')
_CHARSET_PARAM = re.compile(r';\s*charset\s*=\s*("[^"]*"|[^;\s]*)', re.IGNORECASE)


def retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """How long a ``Retry-After`` header asks us to wait, counted from ``now``.

    Both forms of RFC 9110 10.2.3: ``120`` (seconds) and an HTTP-date (any of the three
    formats of RFC 9110 5.6.7; a date without a zone is read as GMT, as the RFC says).
    A date already past gives ``timedelta(0)``; anything else (negative, fractional,
    garbage, out of range) gives ``None``.

    Raises:
        ValueError: ``now`` is naive (a programming error: time is always tz-aware here).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if value is None:
        return None
    text = value.strip()
    try:
        if _DELAY_SECONDS.fullmatch(text):
            return timedelta(seconds=int(text))
        when = parsedate_to_datetime(text)
    except (ValueError, TypeError, OverflowError):
        # parsedate_to_datetime raises ValueError on garbage (TypeError before 3.10);
        # timedelta raises OverflowError beyond ~2.7 million years.
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


def max_age(cache_control: str | None) -> timedelta | None:
    """The freshness lifetime a ``Cache-Control`` header grants, or ``None``.

    ``no-store`` and ``no-cache`` (even with field names) mean "do not rely on a copy":
    ``None``. With several ``max-age`` directives the first one counts (RFC 9111 4.2.1).
    An argument that is not a plain non-negative integer is ignored.
    """
    if not cache_control:
        return None
    found: timedelta | None = None
    seen = False
    for name, argument in _directives(cache_control):
        if name in {"no-store", "no-cache"}:
            return None
        if name == "max-age" and not seen:
            seen = True
            digits = argument.strip('"')
            if digits.isascii() and digits.isdigit():
                found = _seconds_or_none(int(digits))
    return found


def content_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type``, lower-cased, or ``None``.

    The label is returned as declared, even if no codec has that name: whether a label
    is trustworthy (``gb2312`` really meaning GBK, say) is decided where bytes are decoded.
    """
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    if match is None:
        return None
    label = match.group(1).strip('"').strip().lower()
    return label or None


def backoff(
    failures: int,
    *,
    base: timedelta,
    cap: timedelta = DEFAULT_BACKOFF_CAP,
    rng: random.Random,
) -> timedelta:
    """How long to wait after ``failures`` consecutive failures: exponential, full jitter.

    ``delay = uniform(0, min(cap, base * 2 ** (failures - 1)))``, in whole microseconds
    (the resolution of :class:`~datetime.timedelta`). So with ``base`` = 1 min the ceiling
    is 1, 2, 4, 8 … minutes, reaching the default ``cap`` of one day after 12 failures.
    ``failures <= 0`` waits nothing. "Full jitter" (AWS Architecture Blog, *Exponential
    Backoff And Jitter*, 2015) spreads thousands of sources that failed together over the
    whole window instead of bunching their retries at its end. A server's ``Retry-After``
    is a floor the caller applies on top.

    Raises:
        ValueError: ``base`` is not positive or ``cap`` is negative.
    """
    if base <= timedelta(0) or cap < timedelta(0):
        raise ValueError("base must be positive and cap non-negative")
    if failures <= 0:
        return timedelta(0)
    return timedelta(microseconds=rng.randint(0, _ceiling_us(failures, base, cap)))


def _ceiling_us(failures: int, base: timedelta, cap: timedelta) -> int:
    cap_us = _microseconds(cap)
    # Integers never overflow, but a shift by a billion would be slow: past
    # cap.bit_length() doublings any positive base is above the cap anyway.
    shift = min(failures - 1, cap_us.bit_length())
    return min(cap_us, _microseconds(base) << shift)


def _microseconds(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _seconds_or_none(seconds: int) -> timedelta | None:
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        return None


def _directives(header: str) -> list[tuple[str, str]]:
    directives = []
    for part in header.split(","):
        match = _DIRECTIVE.fullmatch(part)
        if match:
            directives.append((match.group(1).lower(), match.group(2) or ""))
    return directives


class ContentCodingError(ValueError):
    """A body that its Content-Encoding cannot undo (or stacked codings)."""


class ContentDecoder:
    """Undoes one ``Content-Encoding`` in pieces of at most ``step`` bytes.

    zlib's ``decompress(data)`` without ``max_length`` inflates a whole chunk at once:
    64 KiB of gzip can become 64 MiB before anyone counts. Here the caller sees every
    ``step`` bytes and can stop. gzip, x-gzip and deflate (zlib or raw) are decoded;
    ``identity`` and unknown codings pass through unchanged, as httpx does, because
    servers do send nonsense like ``Content-Encoding: utf-8`` on plain bodies.

    Raises:
        ContentCodingError: from the constructor for stacked codings (``gzip, gzip``),
            from :meth:`feed` and :meth:`flush` for a corrupt body.
    """

    def __init__(self, content_encoding: str | None, *, step: int = 64 * 1024) -> None:
        """Prepare for the codings named by a ``Content-Encoding`` header value."""
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c not in {"", "identity"}]
        if len(codings) > 1:
            raise ContentCodingError(f"unsupported Content-Encoding {content_encoding}")
        self.coding = codings[0] if codings and codings[0] in CONTENT_CODINGS else None
        self._step = step
        # deflate waits for its first two bytes to choose zlib or raw (see feed).
        self._head: bytes | None = b"" if self.coding == "deflate" else None
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip framing

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data``, each at most ``step`` bytes."""
        if self.coding is None:
            yield data
            return
        if self._head is not None:
            # RFC 9110 8.4.1.2 means the zlib format, but some servers send raw deflate;
            # the two header bytes tell which (httpx's DeflateDecoder retries instead).
            self._head += data
            if len(self._head) < 2:  # noqa: PLR2004 - the zlib header is two bytes
                return
            data, self._head = self._head, None
            self._inflater = zlib.decompressobj(_deflate_wbits(data))
        try:
            while data:
                yield self._inflater.decompress(data, self._step)
                data = self._inflater.unconsumed_tail
        except zlib.error as exc:
            raise ContentCodingError(f"body is not valid {self.coding}: {exc}") from exc

    def flush(self) -> bytes:
        """What the inflater still holds at the end of the body (under its 32 KiB window)."""
        if self.coding is None:
            return b""
        try:
            return self._inflater.flush()
        except zlib.error as exc:
            raise ContentCodingError(f"body is not valid {self.coding}: {exc}") from exc


def _deflate_wbits(head: bytes) -> int:
    # RFC 1950 2.2: CM (low nibble of CMF) is 8, and CMF*256 + FLG is a multiple of 31.
    zlib_header = head[0] & 0x0F == zlib.DEFLATED and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
