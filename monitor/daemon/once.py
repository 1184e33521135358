"""``monitor run --once``: every enabled source polled once, then the outbox delivered."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from typing import TYPE_CHECKING

from monitor.clock import SystemClock
from monitor.daemon import report
from monitor.daemon.runtime import check, opened
from monitor.daemon.settings import Settings
from monitor.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from monitor.notify.message import Delivery

logger = logging.getLogger("monitor.daemon")


async def run_once(settings: Settings) -> int:
    """Poll every enabled source once, concurrently, then deliver what is due.

    Returns 0, or 1 when a source failed or a delivery did not go through (it
    stays in the outbox for the next run).
    """
    check(settings)
    began = time.monotonic()
    async with opened(settings, SystemClock(), random.Random()) as runtime:  # noqa: S311
        runs = []
        with contextlib.suppress(StoreError):  # then each poll reads its own, and says so
            runtime.poller.states.preload([source.name for source in settings.sources])
        jobs = [runtime.poller.run(source) for source in settings.sources]
        for finished in asyncio.as_completed(jobs):
            run = await finished
            report.log_run(run)
            runs.append(run)
        logger.info(report.summary(runs, time.monotonic() - began), extra={"event": "pass"})
        undelivered = 0
        if runtime.courier is not None:
            delivered = await runtime.courier.drain()
            if delivered.total:
                report.log_deliveries(delivered)
            undelivered = delivered.retried + delivered.dead
    return 1 if undelivered or any(run.failed for run in runs) else 0


async def send_test(settings: Settings, name: str) -> Delivery:
    """Send a sample message over the channel called ``name`` (enabled or not).

    Raises:
        ConfigError: no channel has that name, or its templates fail.
    """
    found = [channel for channel in settings.config.channels if channel.name == name]
    if not found:
        known = ", ".join(channel.name for channel in settings.config.channels) or "none"
        raise ConfigError(name, f"no such channel (configured: {known})")
    # Imported here: the notification side loads only where it is used.
    from monitor.notify.channels.postman import Postman  # noqa: PLC0415
    from monitor.notify.render import compose_sample, validate_templates  # noqa: PLC0415

    channel = found[0]
    validate_templates(channel)
    key = f"test-{channel.name}-{int(time.time())}"
    async with Postman() as postman:
        return await postman(channel, compose_sample(channel, key))
