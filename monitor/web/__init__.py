"""The daemon's HTTP endpoint: the only package that imports aiohttp, feedgen and jinja2.

::

    GET /           recent meetings and the sources' state (HTML)
    GET /healthz    JSON; 200 when the scheduler runs and the database takes writes, else 503
    GET /metrics    Prometheus text format
    GET /feed.atom  Atom feed of the 50 most recent meeting reports

Usage from the daemon, on its own event loop::

    server = await start(build_app(store, metrics, scheduler_alive=alive), "127.0.0.1:8080")
    ...
    await server.stop()
"""

from __future__ import annotations

from monitor.web.app import build_app
from monitor.web.server import Server, start

__all__ = ["Server", "build_app", "start"]
