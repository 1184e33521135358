"""The daemon's Prometheus metrics: the only module that imports prometheus_client.

Every :class:`Metrics` owns its own ``CollectorRegistry``, never the global
one, so that tests (and two daemons in one process) never share counters and
nothing a library registers globally leaks into ``/metrics``.

Label values are bounded: ``source`` names come from the configuration,
``outcome`` and ``kind`` from small fixed sets (poll outcomes, fetch kinds,
ingest kinds), ``channel`` from the configured notification channels.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from monitor.model import SourceRun

# One request takes from about a millisecond (a 304 on loopback) to the 60 s a
# slow server may be given; ~2.5x steps keep the bucket count small.
FETCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# A poll is a listing plus its articles: up to a few minutes for a large archive.
POLL_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class Metrics:
    """Counters and gauges of one daemon, rendered in the Prometheus text format."""

    def __init__(self) -> None:
        """Create every metric in a registry of its own."""
        self.registry = CollectorRegistry(auto_describe=True)
        self._build_poll_metrics()
        self._build_state_metrics()
        # Statuses once seen stay in the output at 0 when their rows are gone,
        # so a rate or an alert on them does not see the series vanish.
        self._statuses: set[str] = set()
        # A scrape in another thread must not see the gauges half-updated.
        self._render_lock = threading.Lock()

    def _build_poll_metrics(self) -> None:
        registry = self.registry
        self._polls = Counter(
            "monitor_polls",
            "Polls of a source by outcome.",
            ["source", "outcome"],
            registry=registry,
        )
        self._poll_errors = Counter(
            "monitor_poll_errors",
            "Failed polls by kind, and failed articles of polls that succeeded (kind=article).",
            ["source", "kind"],
            registry=registry,
        )
        self._items = Counter(
            "monitor_items", "Ingest outcomes by kind.", ["kind"], registry=registry
        )
        self._skipped = Counter(
            "monitor_entries_skipped", "Listed entries already known.", registry=registry
        )
        self._fetch_seconds = Histogram(
            "monitor_fetch_seconds",
            "Duration of one HTTP request by kind.",
            ["kind"],
            buckets=FETCH_BUCKETS,
            registry=registry,
        )
        self._poll_seconds = Histogram(
            "monitor_poll_seconds",
            "Duration of one poll of one source.",
            buckets=POLL_BUCKETS,
            registry=registry,
        )
        self._last_poll = Gauge(
            "monitor_last_poll_timestamp_seconds",
            "When a source was last polled (Unix time).",
            ["source"],
            registry=registry,
        )

    def _build_state_metrics(self) -> None:
        registry = self.registry
        self._notifications = Counter(
            "monitor_notifications",
            "Notification delivery attempts by channel and outcome.",
            ["channel", "outcome"],
            registry=registry,
        )
        self._outbox = Gauge(
            "monitor_outbox_rows", "Outbox rows by status.", ["status"], registry=registry
        )
        self._broken = Gauge("monitor_sources_broken", "Sources marked broken.", registry=registry)

    def observe_run(self, run: SourceRun) -> None:
        """Count one poll of one source, whatever its outcome."""
        self._polls.labels(run.source, run.outcome).inc()
        if run.failed:
            self._poll_errors.labels(run.source, run.outcome).inc()
        elif run.errors:
            self._poll_errors.labels(run.source, "article").inc(len(run.errors))
        for kind, count in run.ingested.items():
            if count:
                self._items.labels(kind).inc(count)
        if run.skipped:
            self._skipped.inc(run.skipped)
        for kind, seconds in run.fetches:
            self._fetch_seconds.labels(kind).observe(seconds)
        self._poll_seconds.observe(run.elapsed)
        self._last_poll.labels(run.source).set(run.started.timestamp())

    def observe_delivery(self, channel: str, outcome: str) -> None:
        """Count one delivery attempt (``delivered``, ``retry``, ``dead``…) on one channel."""
        self._notifications.labels(channel, outcome).inc()

    def render(self, *, outbox: Mapping[str, int], broken: int) -> tuple[bytes, str]:
        """The exposition body and its content type, gauges set from the store's state now.

        Args:
            outbox: Outbox rows by status, as the store counts them.
            broken: How many sources are marked broken.

        Returns:
            The body in the Prometheus text format and the ``Content-Type`` to serve it with.
        """
        with self._render_lock:
            self._statuses.update(outbox)
            for status in self._statuses:
                self._outbox.labels(status).set(outbox.get(status, 0))
            self._broken.set(broken)
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
