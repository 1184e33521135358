"""HTTP fetching: the only module (with the notification channels) that uses httpx.

One :class:`Fetcher` holds one ``httpx.AsyncClient`` for thousands of sources. Whatever
the network or a server does becomes a :class:`FetchResult` of one ``kind``, never an
exception (a bug of ours still raises)::

    FetchResult.kind
    ├── ok              2xx; body read, decoded (gzip, deflate) and within the caps
    ├── not-modified    304 to our If-None-Match / If-Modified-Since; no body
    ├── http-error      any other status (Retry-After kept for 429/503), or a body
    │                   that does not decompress
    ├── timeout         connect or read timeout, or the whole-request deadline
    ├── too-large       body over max_bytes once decoded, or inflating past max_ratio
    ├── dns             the host name does not resolve
    ├── tls             TLS handshake or certificate failure
    ├── connection      refused, reset, or closed before the body was complete
    ├── redirects       more than max_redirects hops
    ├── invalid-url     not an http(s) URL with a host (also where a redirect points)
    └── blocked         the host is a non-public address (opt-in guard)

httpx's exceptions (drawn in ``httpx/_exceptions.py``) are translated by
:func:`monitor.fetch.failures.classify`.

httpx is the API; the wire is aiohttp's (:mod:`monitor.fetch.transport`, raising httpx's
exceptions chained to aiohttp's). httpcore's pool slows down as concurrency rises
(encode/httpx#3215) and costs ~1.35 ms a request even one at a time on loopback. A pass
of 1,000 conditional GETs (all 304; nginx on 50 loopback hosts; 64 connections, 2 a
host) took this fetcher 2.2 s over httpcore and 1.0 s over aiohttp, 0.65 s once
:mod:`monitor.fetch.client` cut httpx's own per-request work (aiohttp alone: 0.3-0.4 s);
``monitor run --once``'s whole pass went from 2.9 s to 1.0 s (``bench/poll.py``).

Two things httpx 0.28.1 would do for us are done here, for the caps' sake: following
redirects (with ``follow_redirects=True`` it ``aread()``s every 3xx body whole, uncapped)
and content decoding (its ``GZipDecoder`` calls ``decompress(data)`` without
``max_length``: one 64 KiB read from httpcore can inflate to ~64 MiB before a cap looks).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Self

import httpx

from monitor import httpinfo
from monitor.clock import Clock, SystemClock
from monitor.errors import FetchError
from monitor.fetch import failures
from monitor.fetch.client import Client, conditional_get, header_map
from monitor.fetch.transport import AiohttpTransport
from monitor.fetchresult import (
    MAX_BYTES,
    MAX_REDIRECTS,
    MIB,
    USER_AGENT,
    FetchLimits,
    FetchResult,
    Kind,
    Validators,
)

__all__ = [
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "FetchLimits",
    "FetchResult",
    "Fetched",
    "Fetcher",
    "Kind",
    "Validators",
    "fetch_url",
]

# Only what we decode in bounded steps; httpx would add br/zstd if they were installed.
ACCEPT_ENCODING = "gzip, deflate"
_STEP = 64 * 1024
# Below 1 MiB decoded the ratio proves nothing (a page of whitespace compresses 1000:1).
_RATIO_FLOOR = MIB
_RETRY_STATUSES = frozenset({HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE})


class _FailedError(Exception):
    """Internal: ends a fetch early with a kind and a message."""

    def __init__(self, kind: Kind, message: str) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.message = message


@dataclass
class _Trace:
    """What one fetch has seen so far: enough to build its result at any point."""

    url: str
    sent: Validators
    started: float = field(default_factory=time.monotonic)
    final_url: str = ""
    response: httpx.Response | None = None
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher:
    """A shared client with timeouts, size caps, concurrency caps and failures as values.

    Use as ``async with Fetcher() as fetcher: result = await fetcher.fetch(url)``.
    ``block_private`` refuses hosts resolving to loopback, private, link-local or other
    non-global addresses, checked at every hop; the transport resolves again when
    connecting (aiohttp caches answers 10 s), so DNS rebinding between the two is not
    covered. ``trust_env`` lets the transport read proxy variables and httpx ``.netrc``
    (off: a daemon should not change route with the shell).
    A given ``client`` is used as is (not closed here); our timeouts still apply per request.
    """

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        block_private: bool = False,
        trust_env: bool = False,
        clock: Clock | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        """Build the client and semaphores; no I/O until the first fetch."""
        self.limits = limits or FetchLimits()
        self._block_private = block_private
        self._clock = clock or SystemClock()
        self._timeout = httpx.Timeout(self.limits.read_timeout, connect=self.limits.connect_timeout)
        self._owns_client = client is None
        self._client = client or Client(
            timeout=self._timeout,
            # With a transport given, httpx reads no proxy variables itself; ours does,
            # when trusted (and httpx still reads .netrc then).
            transport=AiohttpTransport(
                limits=httpx.Limits(
                    max_connections=self.limits.max_connections,
                    max_keepalive_connections=self.limits.max_connections,
                ),
                trust_env=trust_env,
            ),
            trust_env=trust_env,
        )
        self._all = asyncio.Semaphore(self.limits.max_connections)
        # What httpx's client would have added, with our agent and the codings we decode.
        self._headers = _encoded(
            {
                "Accept": "*/*",
                "Accept-Encoding": ACCEPT_ENCODING,
                "Connection": "keep-alive",
                "User-Agent": self.limits.user_agent,
            }
        )
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Self:
        """Nothing to open: the client connects lazily."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the client if it is ours."""
        await self.aclose()

    async def aclose(self) -> None:
        """Close our client and its pooled connections."""
        if self._owns_client:
            await self._client.aclose()

    async def fetch(self, url: str, validators: Validators | None = None) -> FetchResult:
        """GET ``url`` (conditionally, given ``validators``); see the module docstring."""
        trace = _Trace(url, validators or Validators(), final_url=url)
        try:
            target = _parse(url)
            async with self._slot(target.host):
                trace.started = time.monotonic()  # time queued for a slot is ours, not theirs
                async with asyncio.timeout(self.limits.deadline):
                    return await self._follow(target, trace)
        except _FailedError as failure:
            return self._result(trace, failure.kind, error=failure.message)
        except TimeoutError:
            deadline = failures.seconds(self.limits.deadline)
            return self._result(trace, "timeout", error=f"timed out after {deadline} (deadline)")
        except httpx.HTTPError as exc:
            kind, message = failures.classify(exc, httpx.URL(trace.final_url), self.limits)
            return self._result(trace, kind, error=message)

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._hosts.get(host)
        if semaphore is None:
            semaphore = self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        # Host first: a task queued behind its host must not sit on a global slot
        # that a fetch of another host could use.
        async with semaphore, self._all:
            yield

    async def _follow(self, url: httpx.URL, trace: _Trace) -> FetchResult:
        headers = [*self._headers, *_encoded(trace.sent.request_headers())]
        request = conditional_get(self._client, url, headers, self._timeout)
        for _hop in range(self.limits.max_redirects + 1):
            trace.final_url, trace.response, trace.headers = str(request.url), None, {}
            if self._block_private:
                await _refuse_private(request.url)
            response = await self._client.send(request, stream=True, follow_redirects=False)
            try:
                trace.response, trace.headers = response, header_map(response)
                if response.next_request is None:
                    return await self._finish(response, trace)
                request = response.next_request
            finally:
                # Unread redirect bodies are dropped with their connection, never buffered.
                await response.aclose()
        limit = self.limits.max_redirects
        raise _FailedError("redirects", f"more than {limit} redirects (next: {request.url})")

    async def _finish(self, response: httpx.Response, trace: _Trace) -> FetchResult:
        if response.status_code == HTTPStatus.NOT_MODIFIED:
            return self._result(trace, "not-modified")
        if not response.is_success:
            raise _FailedError("http-error", failures.status_line(response))
        body = await _read_body(response, trace.headers, self.limits)
        return self._result(trace, "ok", body)

    def _result(
        self, trace: _Trace, kind: Kind, body: bytes = b"", error: str | None = None
    ) -> FetchResult:
        response, headers = trace.response, trace.headers
        status = response.status_code if response is not None else None
        retry = None
        if status in _RETRY_STATUSES:
            retry = httpinfo.retry_after(headers.get("retry-after"), now=self._clock.now())
        if retry is not None and error is not None:
            error += f", retry after {failures.seconds(retry.total_seconds())}"
        fresh = kind in {"ok", "not-modified"}
        return FetchResult(
            kind=kind,
            url=trace.url,
            final_url=trace.final_url,
            status=status,
            headers=headers,
            body=body,
            validators=_validators(kind, headers, trace.sent),
            retry_after=retry,
            max_age=httpinfo.max_age(headers.get("cache-control")) if fresh else None,
            elapsed=time.monotonic() - trace.started,
            error=error,
        )


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful response: final URL after redirects, status, headers, body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def fetch_url(
    url: str, *, max_bytes: int = MAX_BYTES, client: httpx.AsyncClient | None = None
) -> Fetched:
    """GET ``url`` synchronously (for the CLI); not callable from a running event loop.

    Raises:
        FetchError: any failure kind, with its one-line ``error``.
    """

    async def once() -> FetchResult:
        async with Fetcher(FetchLimits(max_bytes=max_bytes), client=client) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(once())
    if not result.ok or result.status is None:
        raise FetchError(url, f"fetch failed: {result.error}")
    return Fetched(result.final_url, result.status, result.headers, result.body)


async def _read_body(
    response: httpx.Response, headers: dict[str, str], limits: FetchLimits
) -> bytes:
    try:
        decoder = httpinfo.ContentDecoder(headers.get("content-encoding"), step=_STEP)
    except httpinfo.ContentCodingError as exc:
        raise _FailedError("http-error", str(exc)) from exc
    declared = headers.get("content-length", "")
    if decoder.coding is None and declared.isdigit() and int(declared) > limits.max_bytes:
        limit = failures.size(limits.max_bytes)
        raise _FailedError("too-large", f"body larger than {limit} (declared)")
    body = bytearray()
    raw = 0
    try:
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            for piece in decoder.feed(chunk):
                body += piece
                _check_size(len(body), raw, limits)
        body += decoder.flush()
        _check_size(len(body), raw, limits)
    except httpinfo.ContentCodingError as exc:
        raise _FailedError("http-error", str(exc)) from exc
    return bytes(body)


def _check_size(decoded: int, raw: int, limits: FetchLimits) -> None:
    if decoded > limits.max_bytes:
        raise _FailedError("too-large", f"body larger than {failures.size(limits.max_bytes)}")
    if decoded > _RATIO_FLOOR and decoded > limits.max_ratio * raw:
        message = f"body inflates over {limits.max_ratio}:1 ({failures.size(raw)} on the wire)"
        raise _FailedError("too-large", message + ", a decompression bomb?")


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.encode(), value.encode("latin-1", "replace")) for name, value in headers.items()]


# The same URLs come back every poll; parsing one costs ~40 µs. httpx.URL is immutable.
@functools.lru_cache(maxsize=4096)
def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise _FailedError("invalid-url", f"invalid URL: {exc}") from exc
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise _FailedError("invalid-url", "invalid URL: not http(s) with a host name")
    return parsed


async def _refuse_private(url: httpx.URL) -> None:
    host = url.host
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:  # a name, not an address literal
        loop = asyncio.get_running_loop()
        try:
            found = await loop.getaddrinfo(host, failures.port(url), type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise _FailedError("dns", f"cannot resolve {host}: {exc.strerror}") from exc
        addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    for address in addresses:
        # is_global is False for loopback, RFC 1918, link-local, CGNAT, reserved and
        # IPv4-mapped private ranges; multicast can be global but is never a web server.
        if not address.is_global or address.is_multicast:
            raise _FailedError("blocked", f"{host} is a non-public address ({address}), refused")


def _validators(kind: Kind, headers: dict[str, str], sent: Validators) -> Validators:
    etag, modified = headers.get("etag"), headers.get("last-modified")
    if kind == "ok":
        return Validators(etag, modified)
    if kind == "not-modified":  # RFC 9111 4.3.4: a 304 updates what it carries,
        # but nginx's 304 says "x" where its gzipped 200 said W/"x" (its gzip filter
        # never sees a 304): the same tag by weak comparison, so keep ours, no churn.
        if etag and sent.etag and etag.removeprefix("W/") == sent.etag.removeprefix("W/"):
            etag = sent.etag
        return Validators(etag or sent.etag, modified or sent.last_modified)
    return sent
