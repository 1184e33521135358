"""APScheduler wiring: one job per source, started from the store's next-due times.

APScheduler 3.x: an ``AsyncIOScheduler`` on our loop, an ``IntervalTrigger`` per
source with jitter, ``max_instances=1`` (never two polls of one source at once),
``coalesce=True`` and no misfire grace limit (a late poll runs once, late, rather
than being dropped). After each poll the job is moved to the next-due time the
pipeline stored, which carries backoff, Retry-After and max-age.

Shutting down: ``AsyncIOScheduler.shutdown()`` cancels the coroutine jobs still
running (its executor cancels its pending futures), so we pause it first, wait for
the polls in flight, and only then shut it down.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from monitor import schedule, web
from monitor.clock import Clock, SystemClock
from monitor.config import SourceConfig
from monitor.daemon import report
from monitor.daemon.delivery import DeliveryLoop
from monitor.daemon.runtime import check, opened
from monitor.daemon.settings import Settings
from monitor.metrics import Metrics
from monitor.pipeline import Poller
from monitor.store import Store

logger = logging.getLogger("monitor.daemon")


class Daemon:
    """The service: scheduler, pipeline, HTTP endpoint and signal handling on one loop."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        """Nothing starts until :meth:`run`."""
        self.settings = settings
        self.clock = clock or SystemClock()
        self.rng = random.Random()  # noqa: S311 - jitter, not secrets
        self.metrics = Metrics()
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._stop = asyncio.Event()
        self._signals = 0
        self._inflight: set[asyncio.Task[object]] = set()
        self._poller: Poller | None = None
        self._delivery: DeliveryLoop | None = None

    async def run(self) -> int:
        """Serve until a signal; 0 after a clean stop."""
        check(self.settings)
        config = self.settings.config
        observe = self.metrics.observe_delivery
        async with opened(self.settings, self.clock, self.rng, observe) as runtime:
            self._poller = runtime.poller
            self._delivery = DeliveryLoop(runtime.courier)
            app = web.build_app(runtime.store, self.metrics, scheduler_alive=self.alive)
            server = await web.start(app, config.server.listen)
            delivering = asyncio.create_task(self._delivery.run())
            try:
                self._schedule(runtime.store)
                self._install_signals()
                logger.info(
                    "started: %d sources, %d channels, database %s, http://%s:%d/",
                    len(self.settings.sources),
                    len(self.settings.channels),
                    self.settings.db_path,
                    server.host,
                    server.port,
                    extra={"event": "started"},
                )
                await self._stop.wait()
                await self._drain(config.polling.grace.total_seconds())
            finally:
                self._delivery.stop()
                await asyncio.wait([delivering], timeout=config.polling.grace.total_seconds())
                delivering.cancel()
                await server.stop()
        logger.info("stopped", extra={"event": "stopped"})
        return 0

    def alive(self) -> bool:
        """Whether the scheduler is running (for ``/healthz``)."""
        return bool(self.scheduler.running) and not self._stop.is_set()

    def _schedule(self, store: Store) -> None:
        now = self.clock.now()
        for source in self.settings.sources:
            policy = schedule.Policy(source.interval)
            state = store.source(source.name)
            stored = state.next_due if state is not None else None
            self.scheduler.add_job(
                self._poll,
                IntervalTrigger(
                    seconds=source.interval.total_seconds(),
                    jitter=policy.jitter.total_seconds(),
                ),
                args=[source],
                id=source.name,
                name=source.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                next_run_time=schedule.first_due(
                    now, policy, stored, sources=len(self.settings.sources), rng=self.rng
                ),
            )
        self.scheduler.start()

    async def _poll(self, source: SourceConfig) -> None:
        if self._poller is None or self._stop.is_set():
            return
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            run = await self._poller.run(source)
        finally:
            if task is not None:
                self._inflight.discard(task)
        self.metrics.observe_run(run)
        report.log_run(run)
        if run.new and self._delivery is not None:
            self._delivery.kick()
        if not self._stop.is_set():
            self.scheduler.modify_job(source.name, next_run_time=run.next_due)

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, self._on_signal, number)

    def _on_signal(self, number: int) -> None:
        self._signals += 1
        name = signal.Signals(number).name
        if self._signals == 1:
            logger.info("%s: stopping after the polls in flight", name, extra={"event": "stop"})
            self.scheduler.pause()
            self._stop.set()
            return
        logger.warning("%s again: stopping now", name, extra={"event": "stop"})
        for task in self._inflight:
            task.cancel()

    async def _drain(self, grace: float) -> None:
        if self._inflight:
            logger.info(
                "waiting up to %.0f s for %d polls in flight",
                grace,
                len(self._inflight),
                extra={"event": "drain"},
            )
            _done, pending = await asyncio.wait(set(self._inflight), timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                logger.warning(
                    "%d polls cancelled after the grace period",
                    len(pending),
                    extra={"event": "drain"},
                )
                await asyncio.gather(*pending, return_exceptions=True)
        self.scheduler.shutdown(wait=False)
