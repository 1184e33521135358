"""Operations: ``monitor health`` (for HEALTHCHECK) and ``monitor db backup PATH``."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

import click

from monitor.cli.app import cli
from monitor.cli.config import config_option
from monitor.cli.run import DB_HELP, settings_from

#: Seconds ``monitor health`` waits for the daemon's answer.
HEALTH_TIMEOUT = 5.0


@cli.command("health")
@config_option
@click.option("--url", help="The daemon's /healthz (default: from [server] listen).")
def health_command(config_path: str, url: str | None) -> None:
    """Ask the running daemon's /healthz: exit 0 when healthy, 1 otherwise (one line)."""
    if url is None:
        host, _, port = settings_from(config_path, None).config.server.listen.rpartition(":")
        host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "": "127.0.0.1"}.get(host, host)  # noqa: S104
        url = f"http://{host}:{port}/healthz"
    # urllib, not our fetcher: a health probe must start fast and trust nothing else.
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=HEALTH_TIMEOUT) as response:  # noqa: S310
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        click.echo(
            f"unhealthy: {url}: HTTP {error.code}: {error.read()[:200].decode(errors='replace')}"
        )
        sys.exit(1)
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        reason = getattr(error, "reason", error)
        click.echo(f"unhealthy: {url}: {reason}")
        sys.exit(1)
    broken = body.get("sources", {}).get("broken", [])
    note = f" ({len(broken)} broken: {', '.join(broken)})" if broken else ""
    click.echo(f"healthy: {url}{note}")


@cli.group("db")
def db_group() -> None:
    """Database operations."""


@db_group.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@config_option
@click.option("--db", "db_path", envvar="MONITOR_DB", help=DB_HELP)
def backup_command(target: str, config_path: str, db_path: str | None) -> None:
    """Copy the database to TARGET, consistent, while the daemon keeps running."""
    from monitor.store import Store  # noqa: PLC0415 - heavy; only this command needs it

    settings = settings_from(config_path, db_path)
    with Store(settings.db_path) as store:
        size = store.backup(target)
    click.echo(f"{settings.db_path} → {target}: {size / 2**20:.1f} MiB")
