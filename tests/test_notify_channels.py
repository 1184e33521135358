"""Delivery against real receivers on 127.0.0.1: a webhook endpoint, aiosmtpd, Apprise's json://."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
import pytest
from ports import free_port
from pydantic import SecretStr
from receivers import Answer, Mailbox, Receiver, smtp_server, webhook_receiver

from monitor.config.channels import AppriseChannel, Channel, EmailChannel, WebhookChannel
from monitor.model import Meeting
from monitor.notify.channels import send
from monitor.notify.channels.email import message_id
from monitor.notify.message import Delivery, Message, Notice, Outlet
from monitor.notify.render import compose

# Apprise's PGP plugin imports imghdr (deprecated in 3.11, for PGPy) when its plugins
# load; harmless, but an error under filterwarnings=error.
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105 - a test key
WRONG = "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCBrZXk="
TOKEN = "tok3nSecretValue"  # noqa: S105 - must never show in an error
WHEN = datetime(2026, 11, 20, 18, tzinfo=UTC)
NOTICE = Notice(
    item_id=7,
    title="市政府召开常务会议 <研究> 工作",
    url="https://www.shanghai.gov.cn/a.html",
    site="shanghaifabu",
    published=WHEN,
    first_seen=WHEN,
    excerpt="龚正主持召开市政府常务会议。",
    meeting=Meeting("常务会议", "上海市政府", WHEN.date(), "龚正", ("陈金山",), ("研究一项工作",)),
    outlets=(Outlet("fabu", "https://www.shanghai.gov.cn/a.html", "标题", "上海发布", WHEN),),
)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    # Apprise posts with requests, which honours proxy variables: loopback must stay local.
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")


TLS_SHUTDOWN_SECONDS = 0.2


def deliver(channel: Channel, key: str = "desk:7:meeting.reported") -> tuple[Delivery, Message]:
    message = compose(channel, NOTICE, key)

    async def go() -> Delivery:
        async with httpx.AsyncClient(trust_env=False) as http:
            delivery = await send(channel, message, http=http)
        if isinstance(channel, EmailChannel):
            # aiosmtplib closes a TLS connection by sending close_notify and
            # letting the loop finish the shutdown; asyncio.run would close the
            # loop first and leave the socket to the garbage collector (a
            # ResourceWarning, an error here). A daemon's loop runs on.
            await asyncio.sleep(TLS_SHUTDOWN_SECONDS)
        return delivery

    return asyncio.run(go()), message


def hook(receiver: Receiver, secret: str | None = SECRET, **fields: Any) -> WebhookChannel:
    return WebhookChannel(
        kind="webhook",
        name="desk",
        url=receiver.url,
        secret=None if secret is None else SecretStr(secret),
        **fields,
    )


# --- webhook ----------------------------------------------------------------


def test_webhook_delivers_a_signed_payload_the_receiver_verifies() -> None:
    with webhook_receiver(SECRET) as receiver:
        delivery, message = deliver(hook(receiver))
    assert delivery == Delivery("delivered")
    assert receiver.rejected == 0
    assert receiver.deliveries == [("desk:7:meeting.reported", message.payload)]
    assert receiver.deliveries[0][1]["data"]["meeting"]["chair"] == "龚正"


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried() -> None:
    with webhook_receiver(SECRET) as receiver:
        delivery, _ = deliver(hook(receiver, WRONG))
    assert delivery.outcome == "retry"
    assert delivery.error == "webhook desk: HTTP 401 Unauthorized"
    assert receiver.rejected == 1
    assert receiver.deliveries == []


def test_without_a_secret_there_is_no_signature() -> None:
    with webhook_receiver() as receiver:
        delivery, _ = deliver(hook(receiver, None))
    assert delivery.outcome == "delivered"
    assert receiver.deliveries[0][0] == "desk:7:meeting.reported"


def test_503_is_retried_after_what_the_receiver_asks_then_delivered() -> None:
    with webhook_receiver(SECRET) as receiver:
        receiver.answer(503, headers={"Retry-After": "120"})
        first, _ = deliver(hook(receiver))
        second, _ = deliver(hook(receiver))
    assert first == Delivery(
        "retry", "webhook desk: HTTP 503 Service Unavailable", timedelta(seconds=120)
    )
    assert second.outcome == "delivered"
    assert receiver.requests == 2
    # The same key both times: the receiver can tell a retry from a new event.
    assert [key for key, _ in receiver.deliveries] == ["desk:7:meeting.reported"]


def test_410_means_gone() -> None:
    with webhook_receiver(SECRET) as receiver:
        receiver.default = Answer(410)
        delivery, _ = deliver(hook(receiver))
    assert delivery == Delivery("gone", "webhook desk: HTTP 410 Gone")


def test_a_redirect_is_not_followed() -> None:
    with webhook_receiver(SECRET) as receiver:
        receiver.answer(308, headers={"Location": "http://127.0.0.1:9/elsewhere"})
        delivery, _ = deliver(hook(receiver))
    assert delivery.outcome == "retry"
    assert delivery.error is not None
    assert delivery.error.startswith("webhook desk: HTTP 308 Permanent Redirect (redirects")
    assert receiver.requests == 1


def test_an_endless_response_body_is_not_read_to_its_end() -> None:
    with webhook_receiver(SECRET) as receiver:
        receiver.answer(200, endless=True)
        delivery, _ = deliver(hook(receiver))
    assert delivery == Delivery("delivered")
    assert len(receiver.deliveries) == 1
    assert receiver.body_sent < 2**30  # hung up on long before the receiver's own limit


def test_a_receiver_slower_than_the_timeout_is_retried() -> None:
    with webhook_receiver(SECRET) as receiver:
        receiver.stall = 5
        delivery, _ = deliver(hook(receiver, timeout=timedelta(seconds=0.3)))
    assert delivery == Delivery("retry", "webhook desk: timed out after 0.3 s")


def test_a_refused_connection_is_retried_without_the_secret() -> None:
    channel = WebhookChannel(
        kind="webhook",
        name="desk",
        url=f"http://127.0.0.1:{free_port()}/hook/{TOKEN}",
        secret=SecretStr(SECRET),
    )
    delivery, _ = deliver(channel)
    assert delivery.outcome == "retry"
    assert delivery.error is not None
    assert delivery.error == "webhook desk: cannot connect: Connection refused"
    assert TOKEN not in delivery.error
    assert SECRET not in delivery.error
    assert "\n" not in delivery.error


# --- e-mail -----------------------------------------------------------------

SENDER = "会议监控 <monitor@example.org>"
RECIPIENTS = ("张三 <zhang@example.org>", "li@example.org")


def mail(box: Mailbox, **fields: Any) -> EmailChannel:
    fields.setdefault("tls", "none")
    return EmailChannel(
        kind="email",
        name="mail",
        host=box.host,
        port=box.port,
        sender=SENDER,
        recipients=RECIPIENTS,
        **fields,
    )


def received(box: Mailbox, index: int = 0) -> EmailMessage:
    parsed = message_from_bytes(box.envelopes[index].original_content or b"", policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_email_arrives_with_chinese_subject_both_parts_and_every_recipient() -> None:
    with smtp_server() as box:
        delivery, message = deliver(mail(box))
    assert delivery == Delivery("delivered")
    envelope = box.envelopes[0]
    assert envelope.mail_from == "monitor@example.org"
    assert envelope.rcpt_tos == ["zhang@example.org", "li@example.org"]
    got = received(box)
    raw_subject = (envelope.original_content or b"").split(b"Subject:")[1].split(b"\r\n")[0]
    assert b"=?utf-8?" in raw_subject.lower()  # RFC 2047 on the wire
    assert got["Subject"] == message.subject == "【常务会议】2026-11-20 上海市政府 龚正主持"
    assert got["From"].addresses[0].display_name == "会议监控"
    assert [a.addr_spec for a in got["To"].addresses] == ["zhang@example.org", "li@example.org"]
    assert got["Message-ID"] == "<desk%3A7%3Ameeting%2Ereported@meeting-monitor>"
    assert got.get_content_type() == "multipart/alternative"
    text = got.get_body(("plain",))
    html = got.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "1. 研究一项工作" in text.get_content()
    assert "&lt;研究&gt;" in html.get_content()


def test_a_repeat_has_the_same_message_id() -> None:
    with smtp_server() as box:
        deliver(mail(box))
        deliver(mail(box))
    assert received(box, 0)["Message-ID"] == received(box, 1)["Message-ID"]
    assert message_id("a") != message_id("b")


def test_email_logs_in_when_a_username_is_set() -> None:
    with smtp_server(login=("bot", "s3cret-pass")) as box:
        good, _ = deliver(mail(box, username="bot", password=SecretStr("s3cret-pass")))
        bad, _ = deliver(mail(box, username="bot", password=SecretStr("wrong-pass")))
    assert good.outcome == "delivered"
    assert bad.outcome == "retry"
    assert bad.error is not None
    assert bad.error.startswith("email mail: SMTP 535 authentication failed")
    assert "wrong-pass" not in bad.error
    assert len(box.envelopes) == 1


def test_an_unreachable_smtp_server_is_retried() -> None:
    channel = EmailChannel(
        kind="email",
        name="mail",
        host="127.0.0.1",
        port=free_port(),
        tls="none",
        sender=SENDER,
        recipients=RECIPIENTS,
        timeout=timedelta(seconds=2),
    )
    delivery, _ = deliver(channel)
    assert delivery.outcome == "retry"
    assert delivery.error is not None
    assert delivery.error.startswith("email mail: ")
    assert "\n" not in delivery.error


@pytest.fixture
def tls_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, trusted through SSL_CERT_FILE."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return server


def test_starttls_then_login(tls_pair: ssl.SSLContext) -> None:
    with smtp_server(login=("bot", "pw"), tls=tls_pair) as box:
        delivery, _ = deliver(mail(box, tls="starttls", username="bot", password=SecretStr("pw")))
        refused, _ = deliver(mail(box, tls="none"))
    assert delivery == Delivery("delivered")
    assert len(box.envelopes) == 1
    assert refused.outcome == "retry"  # the server requires STARTTLS


# --- Apprise ----------------------------------------------------------------


def chat(url: str) -> AppriseChannel:
    return AppriseChannel(
        kind="apprise", name="chat", url=SecretStr(url), timeout=timedelta(seconds=5)
    )


def test_apprise_json_reaches_the_receiver() -> None:
    with webhook_receiver() as receiver:
        url = receiver.url.replace("http://", "json://")
        delivery, message = deliver(chat(url))
    assert delivery == Delivery("delivered")
    [(_, body)] = receiver.deliveries
    assert body["title"] == message.subject
    assert body["message"] == message.text.rstrip()


def test_apprise_failure_is_one_line_without_the_tokens() -> None:
    url = f"json://user:{TOKEN}@127.0.0.1:{free_port()}/hooks/{TOKEN}?token={TOKEN}"
    delivery, _ = deliver(chat(url))
    assert delivery.outcome == "retry"
    assert delivery.error is not None
    assert delivery.error.startswith("apprise chat: ")
    assert TOKEN not in delivery.error
    assert "\n" not in delivery.error


def test_apprise_http_error_is_retried() -> None:
    with webhook_receiver() as receiver:
        receiver.answer(503)
        delivery, _ = deliver(chat(receiver.url.replace("http://", "json://")))
    assert delivery.outcome == "retry"
    assert delivery.error is not None
    assert "503" in delivery.error


def test_an_invalid_apprise_url_is_retried_without_printing_it() -> None:
    delivery, _ = deliver(chat(f"nosuchscheme://{TOKEN}"))
    assert delivery == Delivery(
        "retry", "apprise chat: invalid Apprise URL (unknown scheme or missing token)"
    )
