"""A webhook receiver in its own process, for the notification benchmarks.

``python bench/_receiver.py PORT SECRET`` serves ``POST /hook`` (verifies the
Standard Webhooks signature, records the webhook-id and the arrival time) and
``GET /stats`` (every arrival so far, as JSON). aiohttp, so that the receiver is
not what limits the courier's rate.
"""

from __future__ import annotations

import sys
import time

from aiohttp import web
from standardwebhooks.webhooks import Webhook

Arrivals = list[tuple[str, float]]


def app(secret: str) -> web.Application:
    """The receiver's routes; arrivals are kept in the app."""
    verifier = Webhook(secret)
    arrivals: Arrivals = []

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        verifier.verify(body, dict(request.headers))
        arrivals.append((request.headers["webhook-id"], time.time()))
        return web.Response(status=204)

    async def stats(_: web.Request) -> web.Response:
        return web.json_response(arrivals)

    application = web.Application()
    application.add_routes([web.post("/hook", hook), web.get("/stats", stats)])
    return application


if __name__ == "__main__":
    web.run_app(app(sys.argv[2]), host="127.0.0.1", port=int(sys.argv[1]), print=None)
