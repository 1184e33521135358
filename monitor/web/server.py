"""Serving the application on the caller's event loop.

The daemon owns the loop and the signals: the server installs no signal
handlers and is stopped by :meth:`Server.stop` from the daemon's shutdown.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from aiohttp import web

from monitor.errors import ConfigError

SUBJECT = "server.listen"
_MAX_PORT = 65535
# Seconds open requests get to finish on stop; the endpoints answer in milliseconds.
_SHUTDOWN_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Server:
    """A running server: where it listens, and how to stop it."""

    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8080``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        await self.runner.cleanup()


def parse_listen(listen: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[::1]:8080`` for IPv6; port 0 picks a free one).

    Raises:
        ConfigError: The value is not ``HOST:PORT`` with a port from 0 to 65535.
    """
    host, colon, port_text = listen.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not colon or not host or not port_text.isdigit() or int(port_text) > _MAX_PORT:
        message = f"expected HOST:PORT with a port from 0 to {_MAX_PORT}, got {listen!r}"
        raise ConfigError(SUBJECT, message)
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ConfigError(SUBJECT, f"not an IPv6 address: {host!r}") from None
    return host, int(port_text)


async def start(app: web.Application, listen: str) -> Server:
    """Serve ``app`` on ``listen`` (``HOST:PORT``) on the running event loop.

    Args:
        app: The application from :func:`monitor.web.build_app`.
        listen: ``HOST:PORT``; port 0 binds a free port, read back from ``Server.port``.

    Returns:
        The running server.

    Raises:
        ConfigError: The address is malformed, unknown, or the port is in use.
    """
    host, port = parse_listen(listen)
    # access_log=None: every scrape and health probe would otherwise log a line.
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=_SHUTDOWN_TIMEOUT
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:  # in use, not an address of this machine, unknown name
        await runner.cleanup()
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ConfigError(SUBJECT, f"cannot listen on {listen}: {reason}") from exc
    bound = runner.addresses[0]
    return Server(runner, host, int(bound[1]))
