"""The courier's loop in the daemon: a round every few seconds, or at once when kicked."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from monitor.daemon import report
from monitor.errors import StoreError

if TYPE_CHECKING:
    from monitor.notify.outbox import Courier

logger = logging.getLogger("monitor.notify")
#: Seconds between rounds when nothing kicks: retries come due on their own.
EVERY = 5.0


class DeliveryLoop:
    """Runs delivery rounds until stopped; a poll that stored new items kicks it."""

    def __init__(self, courier: Courier | None, every: float = EVERY) -> None:
        """Nothing runs until :meth:`run`; without a courier (no channels) it only waits."""
        self.courier = courier
        self.every = every
        self._kick = asyncio.Event()
        self._stopping = False

    def kick(self) -> None:
        """Deliver now: new rows were just written."""
        self._kick.set()

    def stop(self) -> None:
        """Finish the round in progress (if any) and return from :meth:`run`."""
        self._stopping = True
        self._kick.set()

    async def run(self) -> None:
        """Deliver due rows every ``every`` seconds or when kicked, until stopped."""
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.every):
                    await self._kick.wait()
            self._kick.clear()
            if self._stopping:
                return
            if self.courier is None:
                continue
            try:
                done = await self.courier.deliver_due()
            except StoreError as error:
                # The next round tries again; nothing was marked, nothing is lost.
                logger.warning("outbox: %s; trying again shortly", error)
                continue
            except Exception:  # a bug must not stop every future delivery
                logger.exception("outbox: a delivery round failed (a bug); trying again shortly")
                continue
            if done.total:
                report.log_deliveries(done)
