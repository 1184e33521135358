"""Prometheus metrics: what one poll, one delivery and the store's state add up to."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from prometheus_client.parser import text_string_to_metric_families

from monitor.metrics import Metrics
from monitor.model import SourceRun

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
STARTED = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def run(source: str = "sina", outcome: str = "ok", **fields: object) -> SourceRun:
    defaults: dict[str, object] = {
        "started": STARTED,
        "elapsed": 1.5,
        "next_due": STARTED + timedelta(minutes=5),
    }
    return SourceRun(source, outcome, **{**defaults, **fields})  # type: ignore[arg-type]


def samples(
    metrics: Metrics, *, outbox: Mapping[str, int] | None = None, broken: int = 0
) -> Samples:
    body, _ = metrics.render(outbox=outbox or {}, broken=broken)
    found: Samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def test_a_successful_poll_counts_its_outcome_items_fetches_and_article_errors() -> None:
    metrics = Metrics()
    metrics.observe_run(
        run(
            ingested=MappingProxyType({"new": 2, "outlet": 1, "unchanged": 0}),
            skipped=7,
            errors=("sina: https://x.cn/a: parse failed: no title",),
            fetches=(("listing", 0.2), ("article", 0.004), ("article", 0.03)),
        )
    )
    found = samples(metrics)
    assert value(found, "monitor_polls_total", source="sina", outcome="ok") == 1
    assert value(found, "monitor_poll_errors_total", source="sina", kind="article") == 1
    assert value(found, "monitor_items_total", kind="new") == 2
    assert value(found, "monitor_items_total", kind="outlet") == 1
    assert value(found, "monitor_items_total", kind="unchanged") is None  # zero counts add nothing
    assert value(found, "monitor_entries_skipped_total") == 7
    assert value(found, "monitor_fetch_seconds_count", kind="article") == 2
    assert value(found, "monitor_fetch_seconds_bucket", kind="article", le="0.005") == 1
    assert value(found, "monitor_fetch_seconds_count", kind="listing") == 1
    assert value(found, "monitor_poll_seconds_count") == 1
    assert value(found, "monitor_poll_seconds_sum") == 1.5
    assert value(found, "monitor_last_poll_timestamp_seconds", source="sina") == STARTED.timestamp()


def test_a_failed_poll_counts_its_kind_not_its_article_errors() -> None:
    metrics = Metrics()
    failed = run("kankanews", "timeout", errors=("kankanews: fetch failed: timed out",))
    assert failed.failed
    metrics.observe_run(failed)
    metrics.observe_run(run("kankanews", "not-modified"))
    found = samples(metrics)
    assert value(found, "monitor_polls_total", source="kankanews", outcome="timeout") == 1
    assert value(found, "monitor_polls_total", source="kankanews", outcome="not-modified") == 1
    assert value(found, "monitor_poll_errors_total", source="kankanews", kind="timeout") == 1
    assert value(found, "monitor_poll_errors_total", source="kankanews", kind="article") is None


def test_deliveries_are_counted_by_channel_and_outcome() -> None:
    metrics = Metrics()
    metrics.observe_delivery("email", "delivered")
    metrics.observe_delivery("email", "delivered")
    metrics.observe_delivery("webhook", "dead")
    found = samples(metrics)
    assert value(found, "monitor_notifications_total", channel="email", outcome="delivered") == 2
    assert value(found, "monitor_notifications_total", channel="webhook", outcome="dead") == 1


def test_gauges_follow_the_store_and_emptied_statuses_read_zero() -> None:
    metrics = Metrics()
    found = samples(metrics, outbox={"pending": 3, "dead": 1}, broken=2)
    assert value(found, "monitor_outbox_rows", status="pending") == 3
    assert value(found, "monitor_outbox_rows", status="dead") == 1
    assert value(found, "monitor_sources_broken") == 2
    found = samples(metrics, outbox={"delivered": 4}, broken=0)
    assert value(found, "monitor_outbox_rows", status="pending") == 0
    assert value(found, "monitor_outbox_rows", status="delivered") == 4
    assert value(found, "monitor_sources_broken") == 0


def test_each_metrics_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.observe_run(run())
    assert value(samples(second), "monitor_polls_total", source="sina", outcome="ok") is None
    body, content_type = second.render(outbox={}, broken=0)
    assert content_type.startswith("text/plain")
    assert b"python_gc" not in body  # nothing from the global registry leaks in
