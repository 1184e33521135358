"""A free TCP port on 127.0.0.1, for the servers tests and benchmarks start.

Bound and released at once: nothing listens there when it is returned (which
is also how tests get a port that refuses connections).
"""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
