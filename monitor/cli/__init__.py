"""The ``monitor`` command. Nothing imports this package."""

from monitor.cli import config, parse, run, store
from monitor.cli.app import cli, main

__all__ = ["cli", "config", "main", "parse", "run", "store"]
