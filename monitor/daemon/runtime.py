"""Everything a pass or the daemon works with, opened together and closed together."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from monitor.clock import Clock
from monitor.daemon.settings import Settings, fetch_limits
from monitor.fetch import Fetcher
from monitor.notify import filter as channel_filter
from monitor.notify.channels.postman import Postman
from monitor.notify.outbox import Courier, Observe
from monitor.notify.render import validate_templates
from monitor.pipeline import Poller
from monitor.store import Store


@dataclass(frozen=True, slots=True)
class Runtime:
    """The store, the poller that fills it and the courier that empties its outbox."""

    store: Store
    poller: Poller
    courier: Courier


def check(settings: Settings) -> None:
    """Fail before starting on what the configuration cannot do (bad templates).

    Raises:
        ConfigError: a channel's template does not compile or render.
    """
    for channel in settings.channels:
        validate_templates(channel)


@asynccontextmanager
async def opened(
    settings: Settings, clock: Clock, rng: random.Random, observe: Observe | None = None
) -> AsyncIterator[Runtime]:
    """Open the store, the fetcher and the postman; close them on leaving."""
    config = settings.config
    polling = config.polling
    hook = channel_filter.hook(settings.channels) if settings.channels else None
    with Store(
        settings.db_path,
        clock=clock,
        near_distance=config.database.near_distance,
        notify_revisions=config.database.notify_revisions,
    ) as store:
        limits = fetch_limits(polling)
        async with (
            Fetcher(limits, block_private=polling.block_private, clock=clock) as fetcher,
            Postman() as postman,
        ):
            poller = Poller(
                store, fetcher, polling, clock, rng, notify=hook, baseline=config.notify.baseline
            )
            courier = Courier(
                store, settings.channels, postman, config.notify, clock, rng, observe=observe
            )
            yield Runtime(store, poller, courier)
