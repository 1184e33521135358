"""The long-running service (``monitor run``) and one pass over every source (``--once``).

The scheduler only decides *when* a source is polled; the pipeline does the
polling, the store remembers when each source is due next. Signals follow
uvicorn's convention: the first SIGTERM/SIGINT stops scheduling and lets the
polls in flight finish within the grace period; a second one stops at once.

Submodules are imported by what needs them (``once`` does not load the
scheduler or the web server): start-up time is part of ``--once``'s latency.
"""
