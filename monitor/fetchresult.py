"""What a fetch is told and what it answers: limits, validators, results. No I/O.

Kept apart from :mod:`monitor.fetch` so the pipeline, the store and tests can
speak of fetch results without importing httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from typing import Literal

from monitor import httpinfo

MIB = 1024 * 1024
MAX_BYTES = 15 * MIB
MAX_REDIRECTS = 5

Kind = Literal[
    "ok",
    "not-modified",
    "http-error",
    "timeout",
    "too-large",
    "dns",
    "tls",
    "connection",
    "redirects",
    "invalid-url",
    "blocked",
]


def _version() -> str:
    try:
        return version("meeting-monitor")
    except PackageNotFoundError:
        return "0"


USER_AGENT = f"meeting-monitor/{_version()} (+https://pypi.org/project/meeting-monitor/)"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Timeouts (seconds), sizes (bytes) and concurrency caps of a :class:`Fetcher`.

    ``deadline`` bounds one whole fetch, redirects and body included, but not the wait
    for a free slot. ``max_ratio`` bounds decoded/raw bytes once over 1 MiB decoded.
    ``per_host`` slots are keyed by the host asked for; a redirect elsewhere keeps it.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_redirects: int = MAX_REDIRECTS
    max_bytes: int = MAX_BYTES
    max_ratio: int = 100
    max_connections: int = 64
    per_host: int = 2
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said identifies its copy; sent back to get a cheap 304."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        """The conditional request headers (RFC 9110 13.1) these validators make."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetch, whatever happened.

    ``headers`` has lower-case names; ``body`` is empty unless ``kind == "ok"``;
    ``validators`` are the ones to send next time (the old ones after a failure);
    ``retry_after`` comes from a 429/503, ``max_age`` from an ok or 304's Cache-Control;
    ``elapsed`` is seconds; ``error`` is one readable line, ``None`` for ok/not-modified.
    """

    kind: Kind
    url: str
    final_url: str
    status: int | None
    headers: dict[str, str]
    body: bytes
    validators: Validators
    retry_after: timedelta | None
    max_age: timedelta | None
    elapsed: float
    error: str | None

    @property
    def ok(self) -> bool:
        """Whether a fresh body arrived."""
        return self.kind == "ok"

    @property
    def charset(self) -> str | None:
        """The charset label the server declared, if any (may be wrong: decoding decides)."""
        return httpinfo.content_charset(self.headers.get("content-type"))
