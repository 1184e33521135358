"""The ``monitor`` command group and its entry point. Nothing imports this package.

User errors end here as one line on stderr: bad usage or configuration exits
with 2, any other :class:`MonitorError` with 1. Bugs keep their traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from monitor.errors import ConfigError, MonitorError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
