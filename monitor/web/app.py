"""The aiohttp application: routes, handlers, and store failures as 503s.

Store calls are synchronous and take milliseconds, so handlers call the store
directly on the event loop; a thread would need a connection of its own
(sqlite3 connections stay in the thread that opened them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from monitor.errors import StoreError
from monitor.metrics import Metrics
from monitor.store import SourceState, Store
from monitor.web import atom, page
from monitor.web.reports import recent_reports

logger = logging.getLogger(__name__)

#: How many meeting reports the feed and the page show.
RECENT = 50


@dataclass(frozen=True, slots=True)
class _Views:
    """The handlers, with what they read from."""

    store: Store
    metrics: Metrics
    scheduler_alive: Callable[[], bool]
    title: str

    async def healthz(self, request: web.Request) -> web.Response:  # noqa: ARG002 - aiohttp API
        """Liveness and readiness: 200 when the scheduler runs and the database takes writes."""
        body, healthy = self._health()
        return web.json_response(body, status=200 if healthy else 503)

    def _health(self) -> tuple[dict[str, Any], bool]:
        scheduler = bool(self.scheduler_alive())
        database = self.store.writable()
        try:
            sources: list[SourceState] = self.store.sources()
        except StoreError:
            # A database that cannot be read is already reported as not writable.
            sources, database = [], False
        healthy = scheduler and database
        # Broken sources are reported, not fatal: restarting the daemon cannot fix a
        # site that changed its layout, and an orchestrator would restart it in a loop.
        return {
            "status": "ok" if healthy else "unavailable",
            "scheduler": scheduler,
            "database": database,
            "sources": {
                "total": len(sources),
                "broken": [source.name for source in sources if source.broken],
                "failing": [source.name for source in sources if source.failures > 0],
            },
        }, healthy

    async def metrics_text(self, request: web.Request) -> web.Response:  # noqa: ARG002
        """The Prometheus exposition, gauges refreshed from the store."""
        broken = sum(1 for source in self.store.sources() if source.broken)
        body, content_type = self.metrics.render(outbox=self.store.outbox_counts(), broken=broken)
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def feed(self, request: web.Request) -> web.Response:
        """The Atom feed of the most recent meeting reports."""
        reports = recent_reports(self.store, RECENT)
        body = atom.render_feed(reports, title=self.title, self_url=str(request.url))
        return web.Response(body=body, headers={"Content-Type": atom.CONTENT_TYPE})

    async def index(self, request: web.Request) -> web.Response:  # noqa: ARG002
        """The status page."""
        reports = recent_reports(self.store, RECENT)
        html = page.render_page(reports, self.store.sources(), title=self.title)
        return web.Response(text=html, content_type=page.CONTENT_TYPE, charset=page.CHARSET)


@web.middleware
async def _store_unavailable(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A database that refuses is a 503 with one line, never a traceback page."""
    try:
        return await handler(request)
    except StoreError as error:
        logger.warning("%s %s: %s", request.method, request.path, error)
        return web.json_response({"status": "unavailable", "error": str(error)}, status=503)


def build_app(
    store: Store,
    metrics: Metrics,
    *,
    scheduler_alive: Callable[[], bool],
    title: str = "meeting-monitor",
) -> web.Application:
    """The web application: ``/``, ``/healthz``, ``/metrics``, ``/feed.atom``.

    Args:
        store: The daemon's store, read (and probed for writes) on the event loop.
        metrics: The daemon's metrics.
        scheduler_alive: Whether the scheduler is running, asked on every health check.
        title: The page's and the feed's title.

    Returns:
        An application to serve with :func:`monitor.web.start`.
    """
    views = _Views(store, metrics, scheduler_alive, title)
    app = web.Application(middlewares=[_store_unavailable])
    app.router.add_get("/", views.index)
    app.router.add_get("/healthz", views.healthz)
    app.router.add_get("/metrics", views.metrics_text)
    app.router.add_get("/feed.atom", views.feed)
    return app
