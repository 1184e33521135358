"""``monitor run`` (the daemon, or ``--once``) and ``monitor sources``."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from monitor import config as configuration
from monitor import log
from monitor.cli.app import cli
from monitor.cli.config import config_option
from monitor.daemon.settings import Settings
from monitor.dates import to_shanghai

if TYPE_CHECKING:
    from monitor.store import SourceState

DB_HELP = "Database file (default: $MONITOR_DB, else [database] path of the configuration)."


def settings_from(config_path: str, db_path: str | None) -> Settings:
    """The configuration, and the database: ``--db``/``MONITOR_DB``, else the config's.

    ``MONITOR_LISTEN`` overrides ``[server] listen`` (a container listens on all
    interfaces while the shipped file says 127.0.0.1).
    """
    loaded = configuration.load(config_path, os.environ)
    listen = os.environ.get("MONITOR_LISTEN")
    if listen:
        loaded = configuration.with_listen(loaded, listen)
    return Settings(loaded, db_path or loaded.database.path)


@cli.command("run")
@click.option("--once", is_flag=True, help="Poll every source once and exit (1 if one failed).")
@config_option
@click.option("--db", "db_path", envvar="MONITOR_DB", help=DB_HELP)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per event, as text or JSON.",
)
@click.option("--log-level", type=click.Choice(["debug", "info", "warning"]), default="info")
def run_command(
    once: bool, config_path: str, db_path: str | None, log_format: str, log_level: str
) -> None:
    """Poll the configured sources: as a daemon until SIGTERM/SIGINT, or once."""
    settings = settings_from(config_path, db_path)
    log.configure("json" if log_format == "json" else "text", log_level)
    # Imported here: start-up time is part of --once's latency, and --once needs
    # neither the scheduler nor the web server.
    if once:
        from monitor.daemon.once import run_once  # noqa: PLC0415

        sys.exit(asyncio.run(run_once(settings)))
    from monitor.daemon.scheduler import Daemon  # noqa: PLC0415

    sys.exit(asyncio.run(Daemon(settings).run()))


@cli.command("sources")
@config_option
@click.option("--db", "db_path", envvar="MONITOR_DB", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def sources_command(config_path: str, db_path: str | None, as_json: bool) -> None:
    """List every configured source with its state: last poll, outcome, next due, health."""
    from monitor.store import SourceState, Store  # noqa: PLC0415 - see run_command

    settings = settings_from(config_path, db_path)
    with Store(settings.db_path) as store:
        states = {state.name: state for state in store.sources()}
    for source in settings.config.sources:
        state = states.pop(source.name, None) or SourceState(source.name, kind=source.kind)
        row = _row(state, enabled=source.enabled, configured=True)
        click.echo(json.dumps(row, ensure_ascii=False) if as_json else _line(row))
    for state in states.values():  # polled once, since removed from the configuration
        row = _row(state, enabled=False, configured=False)
        click.echo(json.dumps(row, ensure_ascii=False) if as_json else _line(row))


def _row(state: SourceState, *, enabled: bool, configured: bool) -> dict[str, Any]:
    return {
        "name": state.name,
        "kind": state.kind,
        "configured": configured,
        "enabled": enabled,
        "last_polled": _iso(state.last_polled),
        "outcome": state.last_outcome,
        "next_due": _iso(state.next_due),
        "failures": state.failures,
        "empty_polls": state.empty_polls,
        "broken": state.broken,
        "last_error": state.last_error,
    }


def _line(row: dict[str, Any]) -> str:
    if not row["configured"]:
        health = "not configured"
    elif not row["enabled"]:
        health = "disabled"
    else:
        health = "BROKEN" if row["broken"] else ("failing" if row["failures"] else "healthy")
    polled = row["last_polled"] or "never polled"
    text = (
        f"{row['name']:<20} {row['kind'] or '-':<8} {health:<8} "
        f"last {polled} ({row['outcome'] or '-'}), next {row['next_due'] or 'at start'}"
    )
    if row["failures"]:
        text += f", {row['failures']} failures"
    if row["last_error"]:
        text += f": {row['last_error']}"
    return text


def _iso(moment: datetime | None) -> str | None:
    return to_shanghai(moment).isoformat(timespec="seconds") if moment else None
