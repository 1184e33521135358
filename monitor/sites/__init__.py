"""Per-site article parsers; see :mod:`monitor.sites.registry`."""
