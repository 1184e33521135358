"""``monitor run --once``: every enabled source polled once, concurrently."""

from __future__ import annotations

import asyncio
import logging
import time

from monitor.daemon import report
from monitor.daemon.settings import Settings, fetch_limits
from monitor.fetch import Fetcher
from monitor.pipeline import Poller
from monitor.store import Store

logger = logging.getLogger("monitor.daemon")


async def run_once(settings: Settings) -> int:
    """Poll every enabled source once, concurrently; 0 if none failed, else 1."""
    polling = settings.config.polling
    began = time.monotonic()
    with Store(settings.db_path, near_distance=settings.config.database.near_distance) as store:
        limits = fetch_limits(polling)
        async with Fetcher(limits, block_private=polling.block_private) as fetcher:
            poller = Poller(store, fetcher, polling)
            runs = []
            for finished in asyncio.as_completed([poller.run(s) for s in settings.sources]):
                run = await finished
                report.log_run(run)
                runs.append(run)
    logger.info(report.summary(runs, time.monotonic() - began), extra={"event": "pass"})
    return 1 if any(run.failed for run in runs) else 0
