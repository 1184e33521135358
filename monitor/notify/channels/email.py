"""A message as an e-mail: multipart/alternative text and HTML, UTF-8, over aiosmtplib.

Chinese subjects and display names are RFC 2047 encoded by the standard library
(``EmailMessage`` with ``policy.SMTP`` given ``str`` headers). The Message-ID is
derived from the message key, so a retried message is recognisably the same one.

Every failure is ``retry``, a refused login (535) or refused recipients (5xx)
included: those are configuration errors, the line says so, and the outbox gives
up after its maximum attempts. A message some recipients refused is delivered
(re-sending would duplicate it for the others) with the refusals as its error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from urllib.parse import quote

import aiosmtplib

from monitor.config.channels import EmailChannel
from monitor.notify.message import Delivery, Message

MESSAGE_ID_DOMAIN = "meeting-monitor"
_SPACE = re.compile(r"\s+")


async def send(channel: EmailChannel, message: Message) -> Delivery:
    """Send ``message`` to every recipient of the channel; never raises for a failed delivery."""
    mail = build(channel, message)
    password = channel.password.get_secret_value() if channel.password else None
    try:
        refused, _ = await aiosmtplib.send(
            mail,
            sender=_address(channel.sender),
            recipients=[_address(r) for r in channel.recipients],
            hostname=channel.host,
            port=channel.port,
            username=channel.username,
            password=password if channel.username else None,
            use_tls=channel.tls == "ssl",
            # False, not None: None would mean "STARTTLS if offered", and "none" means none.
            start_tls=channel.tls == "starttls",
            timeout=channel.timeout.total_seconds(),
        )
    except aiosmtplib.SMTPException as exc:
        return Delivery("retry", _line(channel, _smtp_error(exc)))
    except OSError as exc:  # TLS handshake failures (ssl.SSLError) and resolver errors
        return Delivery("retry", _line(channel, f"{type(exc).__name__}: {exc}"))
    if refused:
        some = {who: (reply.code, reply.message) for who, reply in refused.items()}
        return Delivery("delivered", _line(channel, f"some recipients refused: {_refusals(some)}"))
    return Delivery("delivered")


def build(channel: EmailChannel, message: Message) -> EmailMessage:
    """The e-mail for ``message``: From, To, Subject, Date, Message-ID, text and HTML parts."""
    mail = EmailMessage(policy=SMTP)
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.recipients)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = message_id(message.key)
    mail["X-Meeting-Monitor-Event"] = message.event
    mail.set_content(message.text, charset="utf-8")
    mail.add_alternative(message.html, subtype="html", charset="utf-8")
    return mail


def message_id(key: str) -> str:
    """``<key@meeting-monitor>``, the key percent-encoded so any key makes a valid msg-id.

    RFC 5322 3.6.4 allows only dot-atom text left of the ``@``; ``%`` is atext, so
    percent-encoding (dots too, which may not repeat) keeps the id reversible.
    """
    local = quote(key, safe="").replace(".", "%2E") or "empty"
    return f"<{local}@{MESSAGE_ID_DOMAIN}>"


def _address(value: str) -> str:
    # "会议监控 <m@example.org>" → "m@example.org": the envelope takes the bare address.
    found = getaddresses([value])
    return found[0][1] if found and found[0][1] else value


def _smtp_error(exc: aiosmtplib.SMTPException) -> str:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = {r.recipient: (r.code, r.message) for r in exc.recipients}
        return f"all recipients refused (check recipients): {_refusals(refused)}"
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return f"SMTP {exc.code} authentication failed (check username and password): {exc.message}"
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return f"SMTP {exc.code} sender {exc.sender} refused: {exc.message}"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"SMTP {exc.code} {exc.message}"
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):
        return f"timed out: {exc.message}"
    return f"{type(exc).__name__}: {exc.message}"


def _refusals(refused: Mapping[str, tuple[int, str]]) -> str:
    return "; ".join(f"{who} {code} {text}".strip() for who, (code, text) in refused.items())


def _line(channel: EmailChannel, problem: str) -> str:
    return _SPACE.sub(" ", f"email {channel.name}: {problem}").strip()
