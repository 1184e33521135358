"""What went wrong, in one line: httpx's exceptions as a fetch kind and a message.

The exception tree is drawn in ``httpx/_exceptions.py``; the kinds in
:mod:`monitor.fetchresult`.
"""

from __future__ import annotations

import socket
import ssl
from http import HTTPStatus
from typing import TypeVar

import httpx

from monitor import errors
from monitor.fetchresult import MIB, FetchLimits, Kind

_E = TypeVar("_E", bound=BaseException)


def classify(exc: httpx.HTTPError, url: httpx.URL, limits: FetchLimits) -> tuple[Kind, str]:
    """The kind of failure an httpx exception is, and one line saying what happened."""
    causes = errors.causes(exc)
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", _timeout_message(exc, limits)
    if gai := _first(causes, socket.gaierror):
        return "dns", f"cannot resolve {url.host}: {gai.strerror or gai}"
    if tls := _first(causes, ssl.SSLError):
        return "tls", f"TLS with {url.host} failed: {tls}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "invalid-url", f"not an http(s) URL: {url}"
    return "connection", _connection_message(exc, causes, url)


def _connection_message(exc: httpx.HTTPError, causes: list[BaseException], url: httpx.URL) -> str:
    if _first(causes, ConnectionRefusedError):
        return f"connection refused by {url.host}:{port(url)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        # h11's words, e.g. "peer closed connection without sending complete message
        # body (received 100 bytes, expected 1000)" (our aiohttp transport says the same).
        return f"server broke the exchange: {exc}"
    return f"{type(exc).__name__}: {exc}".removesuffix(": ")


def port(url: httpx.URL) -> int:
    """The port a URL connects to, default ports included."""
    return url.port or (443 if url.scheme == "https" else 80)


def _timeout_message(exc: httpx.TimeoutException, limits: FetchLimits) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timed out after {seconds(limits.connect_timeout)}"
    if isinstance(exc, httpx.PoolTimeout):
        return f"no free connection after {seconds(limits.read_timeout)}"
    what = "read" if isinstance(exc, httpx.ReadTimeout) else "write"
    return f"{what} timed out after {seconds(limits.read_timeout)}"


def _first(causes: list[BaseException], kind: type[_E]) -> _E | None:
    return next((cause for cause in causes if isinstance(cause, kind)), None)


def status_line(response: httpx.Response) -> str:
    """``HTTP 503 Service Unavailable``."""
    status = response.status_code
    try:
        default = HTTPStatus(status).phrase
    except ValueError:
        default = ""
    return f"HTTP {status} {response.reason_phrase or default}".rstrip()


def seconds(value: float) -> str:
    """A duration for a message: ``20 s``."""
    return f"{value:g} s"


def size(count: int) -> str:
    """A size for a message: ``15 MiB``, ``64 KiB``."""
    if count >= MIB and count % MIB == 0:
        return f"{count // MIB} MiB"
    if count >= MIB:
        return f"{count / MIB:.1f} MiB"
    if count >= 1024:  # noqa: PLR2004 - one KiB
        return f"{count / 1024:.0f} KiB"
    return f"{count} bytes"
