"""``monitor config check``: validate the configuration and print it, secrets masked."""

from __future__ import annotations

import json
import os

import click

from monitor import config as configuration
from monitor.cli.app import cli


def config_option(function: click.decorators.FC) -> click.decorators.FC:
    """``--config PATH``, also read from ``MONITOR_CONFIG``."""
    return click.option(
        "--config",
        "config_path",
        envvar="MONITOR_CONFIG",
        default=str(configuration.DEFAULT_PATH),
        show_envvar=True,
        show_default=True,
        help="Configuration file.",
    )(function)


@cli.group("config")
def config_group() -> None:
    """Check the configuration."""


@config_group.command("check")
@config_option
def check_command(config_path: str) -> None:
    """Validate the configuration; print the effective values with secrets masked.

    Exits with 2 and one line listing every problem (with its key path) when the
    file is invalid.
    """
    loaded = configuration.load(config_path, os.environ)
    count = len(loaded.sources)
    click.echo(f"{config_path}: ok ({count} source{'' if count == 1 else 's'})")
    click.echo(json.dumps(configuration.masked(loaded), ensure_ascii=False, indent=2))
