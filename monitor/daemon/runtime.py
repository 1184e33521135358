"""Everything a pass or the daemon works with, opened together and closed together.

The notification side (templates, channels, their libraries) is imported and
built only when channels are configured: a monitor that only collects does not
pay for it at start-up.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.clock import Clock
from monitor.daemon.settings import Settings, fetch_limits
from monitor.fetch import Fetcher
from monitor.pipeline import Poller
from monitor.store import Store

if TYPE_CHECKING:
    from monitor.notify.outbox import Courier, Observe


@dataclass(frozen=True, slots=True)
class Runtime:
    """The store, the poller that fills it and the courier that empties its outbox (if any)."""

    store: Store
    poller: Poller
    courier: Courier | None


def check(settings: Settings) -> None:
    """Fail before starting on what the configuration cannot do (bad templates).

    Raises:
        ConfigError: a channel's template does not compile or render.
    """
    if not settings.channels:
        return
    from monitor.notify.render import validate_templates  # noqa: PLC0415 - see the docstring

    for channel in settings.channels:
        validate_templates(channel)


@asynccontextmanager
async def opened(
    settings: Settings, clock: Clock, rng: random.Random, observe: Observe | None = None
) -> AsyncIterator[Runtime]:
    """Open the store, the fetcher and (with channels) the postman; close them on leaving."""
    config = settings.config
    polling = config.polling
    with Store(
        settings.db_path,
        clock=clock,
        near_distance=config.database.near_distance,
        notify_revisions=config.database.notify_revisions,
    ) as store:
        async with AsyncExitStack() as stack:
            limits = fetch_limits(polling)
            fetcher = Fetcher(limits, block_private=polling.block_private, clock=clock)
            await stack.enter_async_context(fetcher)
            courier: Courier | None = None
            if settings.channels:
                from monitor.notify.channels.postman import Postman  # noqa: PLC0415 - docstring
                from monitor.notify.outbox import Courier  # noqa: PLC0415

                postman = await stack.enter_async_context(Postman())
                notify = config.notify
                courier = Courier(
                    store, settings.channels, postman, notify, clock, rng, observe=observe
                )
            poller = Poller(
                store,
                fetcher,
                polling,
                clock,
                rng,
                baseline=config.notify.baseline,
                defer_states=True,
            )
            if courier is not None:
                from monitor.notify import filter as channel_filter  # noqa: PLC0415

                poller.notify = channel_filter.hook(settings.channels)
            try:
                yield Runtime(store, poller, courier)
            finally:
                poller.states.close()
