"""The ``monitor`` command. Nothing imports this package."""

from monitor.cli import config, parse, store
from monitor.cli.app import cli, main

__all__ = ["cli", "config", "main", "parse", "store"]
