"""``[[channels]]`` and ``[notify]``: where notifications go and which items each wants.

A channel is one of three kinds, told apart by ``kind`` (a tagged union, so an
unknown key is reported against the kind the user chose).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from monitor.config.durations import Duration

_NAME = r"^[\w.-]+$"
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ChannelFilter(_Strict):
    """``[channels.filter]``: which new items a channel is told about. Empty lists match all."""

    meetings_only: bool = True
    kinds: tuple[str, ...] = ()  # meeting kinds, e.g. "常务会议", "常委会会议"
    conveners: tuple[str, ...] = ()  # e.g. "上海市政府", "国务院"
    keywords: tuple[str, ...] = ()  # any of them in the title or text
    sources: tuple[str, ...] = ()  # source names


class _Channel(_Strict):
    name: str = Field(min_length=1, pattern=_NAME)
    enabled: bool = True
    filter: ChannelFilter = ChannelFilter()
    subject: str | None = None  # Jinja2 template; the default names kind, date and chair
    body: str | None = None  # Jinja2 template; the default lists topics and every outlet
    hourly_cap: int = Field(default=20, ge=1)  # beyond it, one digest instead of many messages
    timeout: Duration = timedelta(seconds=30)


class WebhookChannel(_Channel):
    """A JSON POST signed the Standard Webhooks way."""

    kind: Literal["webhook"]
    url: str
    secret: SecretStr | None = None  # "whsec_" + base64 key

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            message = f"url must start with http:// or https://, got {value!r}"
            raise ValueError(message)
        return value

    @field_validator("secret")
    @classmethod
    def _whsec(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("whsec_"):
            message = "secret must be a Standard Webhooks key: 'whsec_' followed by base64"
            raise ValueError(message)
        return value


class EmailChannel(_Channel):
    """SMTP with STARTTLS, implicit TLS or neither, and an optional login."""

    kind: Literal["email"]
    host: str = Field(min_length=1)
    port: int = Field(default=587, gt=0, lt=65536)
    tls: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    recipients: tuple[str, ...] = Field(min_length=1)

    @field_validator("sender", "recipients")
    @classmethod
    def _addresses(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        for address in (value,) if isinstance(value, str) else value:
            if not _ADDRESS.match(address.split("<")[-1].rstrip(">")):
                message = f"not an e-mail address: {address!r}"
                raise ValueError(message)
        return value


class AppriseChannel(_Channel):
    """Any Apprise URL: Telegram, Slack, Matrix, ntfy, Discord, JSON or form POST."""

    kind: Literal["apprise"]
    url: SecretStr  # Apprise URLs carry their tokens


Channel = Annotated[WebhookChannel | EmailChannel | AppriseChannel, Field(discriminator="kind")]


class NotifyConfig(_Strict):
    """``[notify]``: delivery and retries, for every channel."""

    baseline: bool = True  # a new source's first poll records, it does not notify
    max_attempts: int = Field(default=12, ge=1, le=100)
    retry_base: Duration = timedelta(minutes=1)  # doubles per attempt: 12 attempts ≈ 1 day
    batch: int = Field(default=100, ge=1)  # rows claimed per worker round
