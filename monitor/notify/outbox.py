"""The courier: delivers due outbox rows, records each outcome, never loses one.

Each round claims the pending rows whose time has come, sends each through its
channel and records the outcome in the store right after the send: delivered
(never selected again), failed (retried with equal-jitter backoff until
``max_attempts``, then dead with its last error), or gone (the receiver said
410: the row is dead and the channel stops until restart). A crash between a
send and its record repeats that one delivery, with the same idempotency key.

Flood guard: at most ``hourly_cap`` messages per channel in any hour. Rows
beyond the room left go out as one digest; with no room left they wait, without
losing an attempt, until the hour's first message ages out, and then go as one
digest together.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from monitor import schedule
from monitor.clock import Clock, SystemClock
from monitor.config.channels import Channel, NotifyConfig
from monitor.errors import MonitorError
from monitor.notify.message import Delivery, Message, Notice, notice_from_item
from monitor.notify.render import compose, compose_digest
from monitor.store import OutboxRow, Store

logger = logging.getLogger("monitor.notify")

Send = Callable[[Channel, Message], Awaitable[Delivery]]
Observe = Callable[[str, str], None]
_HOUR = timedelta(hours=1)
# Sends in flight per channel: enough to keep a webhook receiver busy, few
# enough not to look like an attack on a small one.
_PER_CHANNEL = 8


@dataclass
class Round:
    """What one round of deliveries did, by outcome."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0
    held: int = 0

    @property
    def total(self) -> int:
        """Rows this round touched."""
        return self.delivered + self.retried + self.dead + self.held


@dataclass
class Courier:
    """Delivers the outbox of ``store`` to ``channels`` through ``send``."""

    store: Store
    channels: Sequence[Channel]
    send: Send
    settings: NotifyConfig = field(default_factory=NotifyConfig)
    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.Random)
    observe: Observe | None = None
    _gone: set[str] = field(default_factory=set)

    async def deliver_due(self) -> Round:
        """One round: every due row of every live channel, up to ``batch`` rows."""
        live = {c.name: c for c in self.channels if c.enabled and c.name not in self._gone}
        rows = self.store.outbox_due(list(live), self.settings.batch)
        by_channel: dict[str, list[OutboxRow]] = {}
        for row in rows:
            by_channel.setdefault(row.channel, []).append(row)
        done = Round()
        await asyncio.gather(
            *(self._channel(live[name], queued, done) for name, queued in by_channel.items())
        )
        return done

    async def drain(self) -> Round:
        """Rounds until nothing is due now (``--once``: what can go, goes)."""
        total = Round()
        while True:
            done = await self.deliver_due()
            for name in ("delivered", "retried", "dead", "held"):
                setattr(total, name, getattr(total, name) + getattr(done, name))
            if done.delivered == 0 or done.total < self.settings.batch:
                return total

    async def _channel(self, channel: Channel, rows: list[OutboxRow], done: Round) -> None:
        now = self.clock.now()
        sent, first = self.store.outbox_sent_since(channel.name, now - _HOUR)
        room = channel.hourly_cap - sent
        if room <= 0:
            until = (first or now) + _HOUR
            self.store.outbox_postpone([row.id for row in rows], until)
            done.held += len(rows)
            return
        singles, bundle = (rows, []) if len(rows) <= room else (rows[: room - 1], rows[room - 1 :])
        slots = asyncio.Semaphore(_PER_CHANNEL)

        async def one(row: OutboxRow) -> None:
            async with slots:
                await self._deliver(channel, [row], done)

        await asyncio.gather(*(one(row) for row in singles))
        if bundle:
            await self._deliver(channel, bundle, done)

    async def _deliver(self, channel: Channel, rows: list[OutboxRow], done: Round) -> None:
        if channel.name in self._gone:
            return
        try:
            message = self._message(channel, rows)
        except MonitorError as error:
            delivery = Delivery("retry", str(error))
        else:
            delivery = await self.send(channel, message)
        if self.observe is not None:
            self.observe(channel.name, delivery.outcome)
        if delivery.outcome == "delivered":
            batch = message.key if len(rows) > 1 else None
            self.store.outbox_delivered([row.id for row in rows], batch)
            done.delivered += len(rows)
            return
        self._failed(channel, rows, delivery, done)

    def _message(self, channel: Channel, rows: list[OutboxRow]) -> Message:
        notices = [self._notice(row) for row in rows]
        if len(rows) == 1:
            return compose(channel, notices[0], rows[0].key)
        key = f"digest-{channel.name}-{rows[0].id}-{rows[-1].id}"
        return compose_digest(channel, notices, key)

    def _notice(self, row: OutboxRow) -> Notice:
        item = self.store.item(row.item_id)
        if item is None:  # items are never deleted; a row without one is a bug
            message = f"outbox row {row.id} names item {row.item_id}, which does not exist"
            raise LookupError(message)
        return notice_from_item(item)

    def _failed(
        self, channel: Channel, rows: list[OutboxRow], delivery: Delivery, done: Round
    ) -> None:
        now = self.clock.now()
        error = delivery.error or delivery.outcome
        if delivery.outcome == "gone":
            self._gone.add(channel.name)
            logger.error(
                "channel %s: the receiver is gone (%s); it gets nothing more until restart, "
                "its rows are dead (monitor outbox retry --all requeues them)",
                channel.name,
                error,
                extra={"event": "channel-gone", "channel": channel.name},
            )
        for row in rows:
            attempts = row.attempts + 1
            dead = delivery.outcome == "gone" or attempts >= self.settings.max_attempts
            wait = schedule.retry_delay(attempts, self.settings.retry_base, rng=self.rng)
            if delivery.retry_after is not None:
                wait = max(wait, delivery.retry_after)
            self.store.outbox_failed(row.id, error, now + wait, dead=dead)
            if dead:
                done.dead += 1
            else:
                done.retried += 1
        logger.warning(
            "channel %s: %d deliveries failed (%s)%s",
            channel.name,
            len(rows),
            error,
            "" if delivery.outcome == "gone" else "; retried later",
            extra={"event": "delivery-failed", "channel": channel.name},
        )
