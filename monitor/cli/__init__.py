"""The ``monitor`` command. Nothing imports this package.

Command modules (``parse``, ``store``, ``config``, ``run``, ``notify``) are
imported when their command runs; see :data:`monitor.cli.app.COMMANDS`.
"""

from monitor.cli.app import cli, main

__all__ = ["cli", "main"]
