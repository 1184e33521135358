"""Our fault server on 127.0.0.1: each way a web server can hurt a fetcher, one route.

Routes (query parameters in brackets)::

    /ok                         a small page
    /status/<code>              that status [retry-after=<header value>]
    /slow-first-byte            sleeps before the status line [delay=seconds]
    /slow-body                  trickles one byte at a time [bytes=n, interval=seconds]
    /truncated                  Content-Length 1000, sends 100 bytes, closes
    /endless                    a body that never ends (until the client hangs up)
    /gzip-bomb                  ~10 KB of gzip inflating to BOMB_SIZE zeros
    /encoded/<coding>           PAGE as gzip, deflate (zlib) or deflate-raw
    /wrong-charset              UTF-8 bytes declared as a charset that does not exist
    /loop                       302 to itself
    /chain/<n>                  301 to /chain/<n-1>; /chain/0 is a page
    /redirect [to=location]     302 anywhere
    /counted                    counts requests in flight, then answers [delay=seconds]
    /headers                    echoes the request headers as JSON
    /cache                      Cache-Control: max-age=300 and an ETag
    /not-modified               a bare 304, no validators

Sleeps end early when the server stops, so teardown never waits for a slow route.
"""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

MIB = 1024 * 1024
BOMB_SIZE = 10 * MIB
BOMB = gzip.compress(bytes(BOMB_SIZE), compresslevel=9)
PAGE = ("<p>国务院常务会议 研究部署 meeting report</p>\n" * 400).encode()
_BLOCK = bytes(64 * 1024)


@dataclass
class Stats:
    """What the server saw; read it after the requests are done."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    peak: int = 0
    served: int = 0


@dataclass
class FaultServer:
    base: str
    stats: Stats

    def url(self, path: str) -> str:
        return self.base + path


@dataclass
class _State:
    stats: Stats
    stop: threading.Event


def encode(coding: str, data: bytes) -> bytes:
    if coding == "gzip":
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return raw.compress(data) + raw.flush()


class _Handler(BaseHTTPRequestHandler):
    """One ``route_<name>`` method per first path segment; ``state`` is set per server."""

    state: ClassVar[_State]
    query: dict[str, str]

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        head, _, rest = parts.path.strip("/").partition("/")
        route: Callable[[str], None] | None = getattr(self, f"route_{head.replace('-', '_')}", None)
        try:
            if route is None:
                self.reply(404, b"no such route")
            else:
                route(rest)
        except OSError:
            pass  # the client hung up: that is what several routes are for

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def number(self, name: str, default: float) -> float:
        return float(self.query.get(name, default))

    def route_ok(self, _: str) -> None:
        self.reply(200, b"<p>ok</p>", {"Content-Type": "text/html; charset=utf-8"})

    def route_status(self, code: str) -> None:
        retry = self.query.get("retry-after")
        self.reply(int(code), b"status page", {"Retry-After": retry} if retry else {})

    def route_slow_first_byte(self, _: str) -> None:
        self.state.stop.wait(self.number("delay", 5))
        self.reply(200, b"late")

    def route_slow_body(self, _: str) -> None:
        size, interval = int(self.number("bytes", 100)), self.number("interval", 0.1)
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for _byte in range(size):
            self.wfile.write(b"x")
            self.wfile.flush()
            if self.state.stop.wait(interval):
                return

    def route_truncated(self, _: str) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"y" * 100)  # then the handler returns and HTTP/1.0 closes

    def route_endless(self, _: str) -> None:
        self.send_response(200)  # HTTP/1.0 without Content-Length: ends at close
        self.end_headers()
        while not self.state.stop.is_set():
            self.wfile.write(_BLOCK)

    def route_gzip_bomb(self, _: str) -> None:
        self.reply(200, BOMB, {"Content-Encoding": "gzip", "Content-Type": "text/html"})

    def route_encoded(self, coding: str) -> None:
        header = "deflate" if coding == "deflate-raw" else coding
        self.reply(200, encode(coding, PAGE), {"Content-Encoding": header})

    def route_wrong_charset(self, _: str) -> None:
        self.reply(200, PAGE, {"Content-Type": "text/html; charset=klingon-8"})

    def route_loop(self, _: str) -> None:
        self.reply(302, b"", {"Location": "/loop"})

    def route_chain(self, hops: str) -> None:
        left = int(hops)
        if left == 0:
            self.reply(200, b"end of chain")
        else:
            self.reply(301, b"moved", {"Location": f"/chain/{left - 1}"})

    def route_redirect(self, _: str) -> None:
        self.reply(302, b"", {"Location": self.query["to"]})

    def route_counted(self, _: str) -> None:
        with self.state.stats.lock:
            self.state.stats.in_flight += 1
            self.state.stats.peak = max(self.state.stats.peak, self.state.stats.in_flight)
        self.state.stop.wait(self.number("delay", 0.2))
        with self.state.stats.lock:
            self.state.stats.in_flight -= 1
            self.state.stats.served += 1
        self.reply(200, b"counted")

    def route_headers(self, _: str) -> None:
        self.reply(200, json.dumps(dict(self.headers.items())).encode())

    def route_cookie(self, _: str) -> None:
        self.reply(200, b"cookie set", {"Set-Cookie": "acw_tc=abc123; Path=/; HttpOnly"})

    def route_cache(self, _: str) -> None:
        self.reply(200, b"fresh", {"Cache-Control": "public, max-age=300", "ETag": '"v1"'})

    def route_not_modified(self, _: str) -> None:
        self.send_response(304)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        """Keep test output clean."""


@contextmanager
def serve_faults() -> Iterator[FaultServer]:
    state = _State(Stats(), threading.Event())
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield FaultServer(f"http://{host!s}:{port}", state.stats)
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()
        thread.join()
