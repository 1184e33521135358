"""sqlite-utils, imported without NumPy or pandas.

sqlite-utils imports NumPy and pandas when they are installed, only to map their
scalar types to column types; the store never hands it either. NumPy is installed (for
SimHash), so every process that opened the database paid its ~70 ms import, a poll
pass of 304s that never computes a fingerprint included. Imported first by
:mod:`monitor.store`, this module lets sqlite-utils find neither; a later
``import numpy`` elsewhere works as usual.
"""

from __future__ import annotations

import sys

_HIDDEN = ("numpy", "pandas")


def _import_sqlite_utils() -> None:
    hidden = [name for name in _HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment] # importing it raises ImportError
    try:
        import sqlite_utils  # noqa: F401, PLC0415
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


_import_sqlite_utils()
