"""The ``monitor`` command. Nothing imports this package."""

from monitor.cli import parse, store
from monitor.cli.app import cli, main

__all__ = ["cli", "main", "parse", "store"]
