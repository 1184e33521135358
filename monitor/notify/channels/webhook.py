"""A message as a JSON POST, signed the Standard Webhooks way (https://www.standardwebhooks.com).

Headers: ``webhook-id`` (the message key, the same on every retry, so a receiver
deduplicates), ``webhook-timestamp`` (integer seconds) and, with a secret,
``webhook-signature`` (``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``).

Outcomes: 2xx delivered; 410 gone (the spec's "disable this endpoint"); anything
else (3xx, 4xx, 5xx, timeouts, refused connections) retry, honouring ``Retry-After``
on 429 and 503. Redirects are not followed: a signed POST re-sent to another host
is not what the user configured, so a 3xx is an error naming the status.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import ssl
import time
from datetime import UTC, datetime
from http import HTTPStatus

import httpx
from standardwebhooks.webhooks import Webhook

from monitor import errors
from monitor.config.channels import WebhookChannel
from monitor.fetchresult import USER_AGENT
from monitor.httpinfo import retry_after
from monitor.notify.message import Delivery, Message

_SPACE = re.compile(r"\s+")
_SUCCESS = range(200, 300)
_ASKS_TO_WAIT = {HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE}
# Only the status matters; a body is read this far so that a short one hands the
# connection back to the pool, and a huge or endless one is dropped with it.
_BODY_CAP = 64 * 1024


async def send(channel: WebhookChannel, message: Message, *, http: httpx.AsyncClient) -> Delivery:
    """POST ``message.payload`` to the channel's URL; never raises for a failed delivery."""
    body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":"))
    # The signing time is the wall clock on purpose: receivers reject signatures
    # more than five minutes off their own clock (the spec's replay window).
    now = datetime.fromtimestamp(math.floor(time.time()), UTC)
    try:
        async with http.stream(
            "POST",
            channel.url,
            content=body.encode(),
            headers=headers(channel, message.key, now, body),
            timeout=channel.timeout.total_seconds(),
            follow_redirects=False,
        ) as response:
            await _skim(response)
    except httpx.TimeoutException:
        return _retry(channel, f"timed out after {_seconds(channel)}")
    except httpx.HTTPError as exc:
        return _retry(channel, _connection_error(exc))
    return _outcome(channel, response, now)


def headers(channel: WebhookChannel, key: str, now: datetime, body: str) -> dict[str, str]:
    """The request headers; ``now`` must be UTC (the library replaces the zone, not converts)."""
    found = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "webhook-id": key,
        "webhook-timestamp": str(math.floor(now.timestamp())),
    }
    if channel.secret is not None:
        signer = Webhook(channel.secret.get_secret_value())
        found["webhook-signature"] = signer.sign(key, now, body)
    return found


async def _skim(response: httpx.Response) -> None:
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read >= _BODY_CAP:
            return


def _outcome(channel: WebhookChannel, response: httpx.Response, now: datetime) -> Delivery:
    status = response.status_code
    if status in _SUCCESS:
        return Delivery("delivered")
    line = f"webhook {channel.name}: HTTP {status} {_reason(status)}".rstrip()
    if status == HTTPStatus.GONE:
        return Delivery("gone", line)
    if status in _ASKS_TO_WAIT:
        wait = retry_after(response.headers.get("Retry-After"), now=now)
        return Delivery("retry", line, wait)
    if response.is_redirect:
        line += " (redirects are not followed: set the channel's url to the new address)"
    return Delivery("retry", line)


def _retry(channel: WebhookChannel, problem: str) -> Delivery:
    return Delivery("retry", f"webhook {channel.name}: {problem}")


def _connection_error(exc: httpx.HTTPError) -> str:
    # The innermost OS error says what happened ("Connection refused"); httpx's own
    # message is often only "All connection attempts failed". Neither names the URL,
    # whose path may hold a token.
    for cause in reversed(errors.causes(exc)):
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed: {cause.reason or cause}"
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve host: {cause.strerror}"
        if isinstance(cause, OSError) and cause.errno:
            return f"cannot connect: {os.strerror(cause.errno)}"
    return _SPACE.sub(" ", f"{type(exc).__name__}: {exc}").strip().removesuffix(":")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _seconds(channel: WebhookChannel) -> str:
    return f"{channel.timeout.total_seconds():g} s"
