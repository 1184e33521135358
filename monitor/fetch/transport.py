"""An httpx transport that speaks HTTP/1.1 through one aiohttp session.

httpx stays the API (client, requests, responses, exceptions); only the wire changes.
httpcore's pool slows down as concurrency rises (encode/httpx#3215) and costs ~1.35 ms a
request even one at a time on loopback; aiohttp's connector does the same work for a
fraction of that (figures in :mod:`monitor.fetch`).

What httpx's own transport would give the caller, this one gives too:

- the request's headers as written (names in their case, nothing added: aiohttp's own
  ``User-Agent`` and ``Accept-Encoding`` are skipped), and the body as bytes on the wire:
  no decompression, no redirects, no cookies (httpx keeps those);
- the timeouts of ``request.extensions["timeout"]`` and the pool size of ``httpx.Limits``;
- TLS verified with the context :func:`httpx.create_ssl_context` builds;
- names resolved by ``getaddrinfo`` in a thread, as httpcore does, but each answer
  cached 10 s (aiohttp's default; harmless for polling, and cheaper);
- proxies from ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` only when
  ``trust_env`` is on, read once, as httpx reads them;
- httpx's exceptions, each raised ``from`` aiohttp's so that the ``socket.gaierror``,
  ``ssl.SSLError`` or ``ConnectionRefusedError`` underneath stays in the chain for
  :func:`monitor.fetch.failures.classify`, and h11's wording for a truncated body.
"""

from __future__ import annotations

import re
import ssl
import urllib.request
from collections.abc import AsyncIterator, Mapping

# NO_PROXY matching as aiohttp's own trust_env does it; public but missing from typeshed.
from urllib.request import proxy_bypass_environment as _bypass  # type: ignore[attr-defined]

import aiohttp
import httpx
from yarl import URL  # aiohttp's own URL type: lets us say the URL is encoded already

__all__ = ["AiohttpTransport"]

_CHUNK = 64 * 1024  # one read of the body: what the fetcher's caps look at each step
# h11 refuses a header block over 16 KiB, so anything httpcore took fits in these;
# aiohttp's own default (8190 bytes a line) would refuse long Set-Cookie lines httpx took.
_HEADER_LIMIT = 16 * 1024
# aiohttp frames the body it is given; httpx's Transfer-Encoding would contradict it.
_FRAMING = frozenset({"transfer-encoding"})
# A header the caller left out is not sent, as with httpcore; aiohttp would add these.
_SKIP_AUTO = ("User-Agent", "Accept-Encoding", "Accept")
# aiohttp's ContentLengthError: "... (received 100 of 1000 bytes)".
_RECEIVED = re.compile(r"received (\d+) of (\d+) bytes")
_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
# aiohttp's exception -> httpx's, first match wins. Timeouts come first (aiohttp's are
# connection errors too), the proxy's answer before connection errors it is one of.
_TRANSLATIONS: tuple[
    tuple[type[BaseException] | tuple[type[BaseException], ...], type[httpx.TransportError]], ...
] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),  # SocketTimeoutError: sock_read
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # DNS, refused, TLS, proxy down
    # The peer hung up early, cut the body short, or sent a head that does not parse.
    (
        (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError),
        httpx.RemoteProtocolError,
    ),
    ((aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError), httpx.UnsupportedProtocol),
    (OSError, httpx.ReadError),  # reset or broken once connected
)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=AiohttpTransport(...))``: HTTP/1.1 over aiohttp.

    The session is opened by the first request, inside the running event loop, and
    closed by :meth:`aclose` (the client's ``aclose`` calls it). ``limits.max_connections``
    caps open connections; idle ones are kept ``limits.keepalive_expiry`` seconds.
    aiohttp has no separate cap on idle connections, so ``max_keepalive_connections``
    is not used.
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits = _DEFAULT_LIMITS,
        verify: ssl.SSLContext | bool = True,
        trust_env: bool = False,
    ) -> None:
        """Prepare TLS and proxies; no I/O and no event loop needed yet."""
        self._limits = limits
        self._verify, self._trust_env = verify, trust_env
        self._ssl: ssl.SSLContext | None = None
        self._proxies = _environment_proxies() if trust_env else {}
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Synchronous, so concurrent first requests cannot open two sessions.
        if self._session is None:
            keepalive = self._limits.keepalive_expiry
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,  # 0: no cap, as None is for httpx
                limit_per_host=0,  # the fetcher holds per-host slots itself
                keepalive_timeout=keepalive if keepalive is not None else 15.0,
                # getaddrinfo in a thread, as httpcore does: its socket.gaierror is what
                # classify knows (aiodns, if ever installed, would raise its own errors).
                resolver=aiohttp.ThreadedResolver(),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # httpx's cookie jar is the one
                skip_auto_headers=_SKIP_AUTO,
                auto_decompress=False,  # the fetcher decodes, in bounded steps
                trust_env=False,  # proxies are chosen here; netrc is httpx's
                max_line_size=_HEADER_LIMIT,
                max_field_size=_HEADER_LIMIT,
            )
        return self._session

    def _tls(self, url: httpx.URL) -> ssl.SSLContext | bool:
        if url.scheme != "https":
            return True  # aiohttp's default: no TLS on an http connection anyway
        # Built at the first https request: loading the CA bundle takes ~40 ms that a
        # process polling http sources only, or stopping early, need not pay.
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context(verify=self._verify, trust_env=self._trust_env)
        return self._ssl

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; the response's body is streamed from the connection."""
        session = self._open()
        body = await request.aread()
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            if name.lower().decode("latin-1") not in _FRAMING
        ]
        url = URL(str(request.url), encoded=True)  # already percent-encoded by httpx
        if request.url.userinfo:
            url = url.with_user(None)  # httpx made it an Authorization header already
        try:
            response = await session.request(
                request.method,
                url,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=_timeout(request.extensions.get("timeout", {})),
                proxy=self._proxy(request.url),
                ssl=self._tls(request.url),
                server_hostname=request.extensions.get("sni_hostname"),
            )
        except (aiohttp.ClientError, OSError) as exc:
            raise _translate(exc) from exc
        version = response.version
        extensions: dict[str, object] = {
            "http_version": f"HTTP/{version.major}.{version.minor}".encode()
            if version
            else b"HTTP/1.1",
            "reason_phrase": (response.reason or "").encode("latin-1", "replace"),
        }
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_Body(response),
            extensions=extensions,
        )

    def _proxy(self, url: httpx.URL) -> str | None:
        if not self._proxies:
            return None
        proxy = self._proxies.get(url.scheme) or self._proxies.get("all")
        if proxy is None or _bypass(url.host, self._proxies):
            return None
        return proxy

    async def aclose(self) -> None:
        """Close the session and every pooled connection."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()


class _Body(httpx.AsyncByteStream):
    """The response body, read from aiohttp in chunks of at most ``_CHUNK`` bytes."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(_CHUNK):
                yield chunk
        except (aiohttp.ClientError, OSError) as exc:
            raise _translate(exc) from exc

    async def aclose(self) -> None:
        # Read to its end, the body has handed its connection back to the pool already;
        # a connection with body left unread is closed, never drained (as httpcore does).
        if self._response.content.at_eof():
            self._response.release()
        else:
            self._response.close()


def _timeout(timeout: Mapping[str, float | None]) -> aiohttp.ClientTimeout:
    connect, pool = timeout.get("connect"), timeout.get("pool")
    # aiohttp's "connect" spans waiting for a pooled connection and opening one; its
    # "sock_connect" is the opening alone, httpx's connect timeout. No write timeout:
    # aiohttp has none (our requests have no body to write).
    return aiohttp.ClientTimeout(
        total=None,
        connect=None if connect is None or pool is None else connect + pool,
        sock_connect=connect,
        sock_read=timeout.get("read"),
    )


def _translate(exc: BaseException) -> httpx.TransportError:
    """The httpx exception httpcore would have raised for what aiohttp raised."""
    kind = next((to for bases, to in _TRANSLATIONS if isinstance(exc, bases)), None)
    return (kind or httpx.TransportError)(_message(exc))


def _message(exc: BaseException) -> str:
    match exc:
        case aiohttp.ServerDisconnectedError():
            return "Server disconnected without sending a response."
        case aiohttp.ClientPayloadError():
            return _payload_message(exc)
        case aiohttp.ClientResponseError():
            return exc.message
    return str(exc)


def _payload_message(exc: aiohttp.ClientPayloadError) -> str:
    # h11's words for the same event, which messages and tests already speak.
    found = _RECEIVED.search(str(exc))
    if found is None:
        return str(exc)
    received, expected = found.groups()
    return (
        "peer closed connection without sending complete message body "
        f"(received {received} bytes, expected {expected})"
    )


def _environment_proxies() -> dict[str, str]:
    """``{"http": url, "https": url, "all": url, "no": hosts}`` from the environment."""
    proxies = urllib.request.getproxies_environment()
    for scheme, proxy in proxies.items():
        if scheme == "no":
            continue
        # httpx reads "host:port" as an http:// proxy; aiohttp speaks only to those
        # (and to https:// ones); anything else fails here, not at the first fetch.
        url = proxy if "://" in proxy else f"http://{proxy}"
        if URL(url).scheme not in {"http", "https"}:
            raise ValueError(f"unsupported proxy {proxy!r} in {scheme}_proxy")
        proxies[scheme] = url
    return proxies
