"""The long-running service (``monitor run``) and one pass over every source (``--once``).

The scheduler only decides *when* a source is polled; the pipeline does the
polling, the store remembers when each source is due next. Signals follow
uvicorn's convention: the first SIGTERM/SIGINT stops scheduling and lets the
polls in flight finish within the grace period; a second one stops at once.
"""

from monitor.daemon.once import run_once
from monitor.daemon.scheduler import Daemon
from monitor.daemon.settings import Settings, fetch_limits

__all__ = ["Daemon", "Settings", "fetch_limits", "run_once"]
