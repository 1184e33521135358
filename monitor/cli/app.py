"""The ``monitor`` command group and its entry point. Nothing imports this package.

User errors end here as one line on stderr: bad usage or configuration exits
with 2, any other :class:`MonitorError` with 1. Bugs keep their traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from monitor.errors import ConfigError, MonitorError

#: Each command and the module that defines it. Modules are imported when their
#: command runs (click's lazy-loading pattern): ``monitor run --once`` does not
#: pay for the parsers' or the web server's imports (1.3 s when all were eager).
COMMANDS = {
    "parse": "monitor.cli.parse",
    "ingest": "monitor.cli.store",
    "items": "monitor.cli.store",
    "show": "monitor.cli.store",
    "search": "monitor.cli.store",
    "config": "monitor.cli.config",
    "run": "monitor.cli.run",
    "sources": "monitor.cli.run",
    "outbox": "monitor.cli.notify",
    "notify-test": "monitor.cli.notify",
    "backfill": "monitor.cli.backfill",
    "health": "monitor.cli.ops",
    "db": "monitor.cli.ops",
}


class LazyGroup(click.Group):
    """A group whose commands register themselves when their module is imported."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, loaded or not."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported first if need be."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="meeting-monitor", prog_name="monitor")
def cli() -> None:
    """Watch Chinese news sources and report new government meeting reports."""


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the command, turning user errors into one line and an exit code."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="monitor",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except MonitorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
