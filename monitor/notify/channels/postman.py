"""The daemon's sender: one HTTP client for every webhook, closed with the daemon."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import httpx

from monitor.config.channels import Channel
from monitor.fetch.transport import AiohttpTransport
from monitor.fetchresult import USER_AGENT
from monitor.notify.channels import send
from monitor.notify.message import Delivery, Message


class Postman:
    """``await postman(channel, message)`` delivers through a shared connection pool.

    ``trust_env`` is off as in the fetcher: a daemon should not change route with
    the shell's proxy variables.
    """

    def __init__(self, *, trust_env: bool = False) -> None:
        """Build the client; it connects lazily."""
        # The fetcher's transport: httpcore's pool costs more per request than the
        # whole signed POST through aiohttp (see monitor.fetch.transport).
        transport = AiohttpTransport(limits=httpx.Limits(max_connections=32), trust_env=trust_env)
        self._http = httpx.AsyncClient(
            transport=transport,
            trust_env=trust_env,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    async def __call__(self, channel: Channel, message: Message) -> Delivery:
        """Deliver ``message`` over ``channel``."""
        return await send(channel, message, http=self._http)

    async def __aenter__(self) -> Self:
        """Nothing to open."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the pooled connections."""
        await self._http.aclose()
