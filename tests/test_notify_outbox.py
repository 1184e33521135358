"""The courier against a real store and a real webhook receiver that checks signatures."""

from __future__ import annotations

import asyncio
import base64
import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import SITE_FIXTURES
from receivers import Answer, Receiver, webhook_receiver

from monitor.clock import FrozenClock
from monitor.config.channels import NotifyConfig, WebhookChannel
from monitor.extract import extract_bytes
from monitor.model import Observation
from monitor.notify.channels.postman import Postman
from monitor.notify.outbox import Courier, Round
from monitor.store import Store

SECRET = "whsec_" + base64.b64encode(b"meeting-monitor-test-secret-key!").decode()
SEEDS = sorted(SITE_FIXTURES.glob("*/0*.txt"))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver(SECRET) as running:
        yield running


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(clock=FrozenClock()) as opened:
        yield opened


def channel(receiver: Receiver, **fields: Any) -> WebhookChannel:
    return WebhookChannel.model_validate(
        {"name": "desk", "kind": "webhook", "url": receiver.url, "secret": SECRET, **fields}
    )


def fill(store: Store, paths: list[Path], prefix: str = "") -> list[int]:
    """Ingest documents as new items with an outbox row for "desk"; their item ids."""
    ids = []
    for path in paths:
        extracted = extract_bytes(path.read_bytes())
        seen = Observation("test", (f"{prefix}{path.name}",), extracted)
        ids.append(store.ingest(seen, notify=lambda _: ["desk"]).item_id)
    return ids


def deliver(store: Store, desk: WebhookChannel, rounds: int = 1, **settings: Any) -> Round:
    """``rounds`` courier rounds, the clock moved a day after each (past any backoff)."""

    async def go() -> Round:
        total = Round()
        async with Postman() as postman:
            courier = Courier(
                store,
                [desk],
                postman,
                NotifyConfig.model_validate(settings),
                store.clock,
                random.Random(1),
            )
            for _ in range(rounds):
                done = await courier.deliver_due()
                for name in ("delivered", "retried", "dead", "held"):
                    setattr(total, name, getattr(total, name) + getattr(done, name))
                store.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
        return total

    return asyncio.run(go())


def keys(receiver: Receiver) -> Counter[str | None]:
    return Counter(webhook_id for webhook_id, _ in receiver.deliveries)


def test_each_row_is_delivered_signed_once_and_never_again(
    store: Store, receiver: Receiver
) -> None:
    items = fill(store, SEEDS)
    done = deliver(store, channel(receiver), rounds=3)
    assert done.delivered == len(items)
    assert keys(receiver) == Counter({f"item-{item}-desk": 1 for item in items})
    assert receiver.rejected == 0
    payload = receiver.deliveries[0][1]
    assert payload["type"] == "meeting.reported"
    assert payload["data"]["meeting"]["kind"]
    assert store.outbox_counts() == {"delivered": len(items)}


def test_a_receiver_down_for_a_while_gets_every_message_exactly_once(
    store: Store, receiver: Receiver
) -> None:
    items = fill(store, SEEDS)
    receiver.answer(503, times=7, headers={"Retry-After": "120"})
    done = deliver(store, channel(receiver), rounds=6)
    assert done.delivered == len(items)
    assert done.retried >= 7
    assert done.dead == 0
    assert keys(receiver) == Counter({f"item-{item}-desk": 1 for item in items})
    assert store.outbox_counts() == {"delivered": len(items)}


def test_rows_die_after_max_attempts_and_can_be_requeued(store: Store, receiver: Receiver) -> None:
    fill(store, SEEDS[:2])
    receiver.default = Answer(500)
    done = deliver(store, channel(receiver), rounds=5, max_attempts=3)
    assert (done.retried, done.dead, done.delivered) == (4, 2, 0)
    dead = store.outbox_rows(dead=True)
    assert [row.attempts for row in dead] == [3, 3]
    assert all(row.last_error and "HTTP 500" in row.last_error for row in dead)
    assert receiver.requests == 6  # nothing after death

    receiver.default = Answer(200)
    assert store.outbox_requeue([dead[0].id]) == 1
    assert deliver(store, channel(receiver)).delivered == 1
    assert store.outbox_counts() == {"delivered": 1, "dead": 1}


def test_a_gone_receiver_stops_the_channel(store: Store, receiver: Receiver) -> None:
    fill(store, SEEDS[:1])
    receiver.default = Answer(410)
    done = deliver(store, channel(receiver), rounds=3)
    assert (done.dead, done.delivered, receiver.requests) == (1, 0, 1)
    [row] = store.outbox_rows(dead=True)
    assert row.last_error is not None
    assert "410" in row.last_error


def test_past_the_hourly_cap_items_go_out_as_one_digest(store: Store, receiver: Receiver) -> None:
    items = fill(store, SEEDS)
    desk = channel(receiver, hourly_cap=2)
    done = deliver(store, desk)
    assert done.delivered == len(items)
    events = sorted(payload["type"] for _, payload in receiver.deliveries)
    assert events == ["digest", "meeting.reported"]
    [digest] = [payload for _, payload in receiver.deliveries if payload["type"] == "digest"]
    assert len(digest["data"]["items"]) == len(items) - 1


def test_with_the_cap_used_up_rows_wait_for_the_hour_without_losing_attempts(
    store: Store, receiver: Receiver
) -> None:
    desk = channel(receiver, hourly_cap=1)
    fill(store, SEEDS[:1])

    async def one_round() -> Round:
        async with Postman() as postman:
            courier = Courier(store, [desk], postman, NotifyConfig(), store.clock)
            return await courier.deliver_due()

    assert asyncio.run(one_round()).delivered == 1
    fill(store, SEEDS[1:], prefix="later-")
    held = asyncio.run(one_round())
    assert (held.held, held.delivered) == (len(SEEDS) - 1, 0)
    assert all(row.attempts == 0 for row in store.outbox_rows())
    store.clock.advance(timedelta(hours=1, seconds=1))  # type: ignore[attr-defined]
    later = asyncio.run(one_round())
    assert later.delivered == len(SEEDS) - 1
    assert [payload["type"] for _, payload in receiver.deliveries] == ["meeting.reported", "digest"]
