"""Delivery: one message to one channel, the outcome a value.

::

    send(channel, message, http=client) -> Delivery
        webhook  JSON POST, Standard Webhooks signature     (channels.webhook)
        email    SMTP via aiosmtplib, text + HTML           (channels.email)
        apprise  any Apprise URL, text                      (channels.apprise)

A failed delivery is a :class:`~monitor.notify.message.Delivery` (``retry`` or
``gone``) with a one-line error that holds no secret; only a bug of ours raises.
"""

from __future__ import annotations

import httpx

from monitor.config.channels import AppriseChannel, Channel, EmailChannel, WebhookChannel
from monitor.notify.channels import apprise, email, webhook
from monitor.notify.message import Delivery, Message

__all__ = ["send"]


async def send(channel: Channel, message: Message, *, http: httpx.AsyncClient) -> Delivery:
    """Deliver ``message`` over ``channel``; ``http`` carries webhook requests."""
    if isinstance(channel, WebhookChannel):
        return await webhook.send(channel, message, http=http)
    if isinstance(channel, EmailChannel):
        return await email.send(channel, message)
    if isinstance(channel, AppriseChannel):
        return await apprise.send(channel, message)
    # Unreachable while Channel is the union above; a new kind must be added here.
    raise TypeError(f"unknown channel kind: {type(channel).__name__}")
