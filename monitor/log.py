"""Logging set-up: one line per event, readable text or JSON lines.

Modules log through ``logging.getLogger(__name__)``; structured fields travel
in ``extra=`` and appear as keys in JSON, so ``jq 'select(.outcome != "ok")'``
works on the daemon's output.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from typing import Literal, TextIO

from monitor.dates import SHANGHAI

LogFormat = Literal["text", "json"]
_TEXT = "%(asctime)s %(levelname)-7s %(message)s"
_JSON = "%(levelname)s %(name)s %(message)s"
# Libraries that narrate every request or job at INFO: their news is our log line.
_QUIET = ("apscheduler", "httpx", "httpcore", "aiohttp.access")


class _BeijingTime(logging.Formatter):
    """Text lines stamped in Beijing time, the time the sources and the log's "next" speak."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        """ISO 8601 to the second, with the +08:00 offset."""
        del datefmt
        return datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="seconds")


def configure(fmt: LogFormat = "text", level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send every log record to ``stream`` (stderr) as text or JSON, replacing other handlers."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        # Imported here: text, the default, should not pay for it at start-up.
        from pythonjsonlogger.json import JsonFormatter  # noqa: PLC0415

        handler.setFormatter(
            JsonFormatter(_JSON, rename_fields={"levelname": "level"}, timestamp="time")
        )
    else:
        handler.setFormatter(_BeijingTime(_TEXT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
