"""Real receivers on 127.0.0.1 for the notification tests: an SMTP server and a webhook endpoint.

``smtp_server()`` runs aiosmtpd in its own thread and keeps every envelope it
accepts, optionally requiring a login or offering STARTTLS. ``webhook_receiver()``
runs a stdlib HTTP server that checks Standard Webhooks signatures (when given the
secret), keeps each valid delivery, counts requests, and can be told to answer a
status (503 for a while, 410) or to stall past the client's timeout.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

# --- SMTP -------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP server accepted: one envelope per message."""

    host: str
    port: int
    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


class _Controller(Controller):
    """aiosmtpd's controller on a free port: bind port 0, then read back the real one."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call] # unannotated in aiosmtpd 1.4


def _authenticator(username: str, password: str) -> Any:
    def check(
        _server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == username
        ok = ok and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_server(
    *, login: tuple[str, str] | None = None, tls: ssl.SSLContext | None = None
) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1; ``login`` checks AUTH; ``tls`` offers and requires STARTTLS."""
    mailbox = Mailbox("127.0.0.1", 0)
    options: dict[str, Any] = {}
    if login is not None:
        # Without TLS, AUTH is offered but not required: aiosmtpd warns (an error
        # under filterwarnings=error) when AUTH is required over plain text.
        options |= {
            "authenticator": _authenticator(*login),
            "auth_required": tls is not None,
            "auth_require_tls": tls is not None,
        }
    if tls is not None:
        options |= {"tls_context": tls, "require_starttls": True}
    controller = _Controller(mailbox, hostname="127.0.0.1", port=0, **options)
    controller.start()
    try:
        mailbox.port = controller.port
        yield mailbox
    finally:
        controller.stop()


# --- webhooks ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A canned response."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    endless: bool = False  # a body that goes on until the client hangs up


@dataclass
class Receiver:
    """A webhook endpoint's state: what it received and how it will answer.

    ``deliveries`` are (webhook-id, payload) of valid requests; ``rejected`` counts
    requests whose signature did not verify (answered 401). ``answers`` are used
    first, one per request; then ``default``. ``stall`` seconds are waited before
    answering (cut short when the receiver shuts down).
    """

    url: str
    secret: str | None = None
    deliveries: list[tuple[str | None, Any]] = field(default_factory=list)
    requests: int = 0
    rejected: int = 0
    answers: deque[Answer] = field(default_factory=deque)
    default: Answer = field(default_factory=lambda: Answer(200))
    stall: float = 0.0
    body_sent: int = 0
    closing: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(
        self,
        status: int,
        times: int = 1,
        headers: dict[str, str] | None = None,
        *,
        endless: bool = False,
    ) -> None:
        """Answer the next ``times`` requests with ``status``."""
        self.answers.extend(Answer(status, headers or {}, endless) for _ in range(times))

    def handle(self, body: bytes, headers: dict[str, str]) -> Answer:
        with self.lock:
            self.requests += 1
            if self.secret is not None:
                try:
                    Webhook(self.secret).verify(body, headers)
                except WebhookVerificationError:
                    self.rejected += 1
                    return Answer(401)
            answer = self.answers.popleft() if self.answers else self.default
            if 200 <= answer.status < 300:
                self.deliveries.append((headers.get("webhook-id"), json.loads(body)))
            return answer


def _webhook_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if receiver.stall:
                receiver.closing.wait(receiver.stall)
            answer = receiver.handle(body, dict(self.headers.items()))
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.endless:
                self._endless()
                return
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _endless(self) -> None:
            self.send_header("Connection", "close")
            self.end_headers()
            block = b"x" * 65536
            # 1 GiB at most, so that a client that never stops reading ends the test.
            while receiver.body_sent < 2**30 and not receiver.closing.is_set():
                try:
                    self.wfile.write(block)
                except OSError:
                    return  # the client hung up: what the test waits for
                receiver.body_sent += len(block)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
            """Keep test output clean."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the timeout test) is expected: stay quiet."""


@contextmanager
def webhook_receiver(secret: str | None = None) -> Iterator[Receiver]:
    """A webhook endpoint on 127.0.0.1 that verifies signatures when given ``secret``."""
    server = _Server(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = server.server_address[:2]
    receiver = Receiver(f"http://{host!s}:{port}/hook", secret)
    server.RequestHandlerClass = _webhook_handler(receiver)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.closing.set()
        server.shutdown()
        server.server_close()
        thread.join()
