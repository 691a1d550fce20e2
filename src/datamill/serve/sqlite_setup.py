"""SQLite set up so that connections in different threads run at the same time.

SQLite counts every memory allocation under one process-wide mutex
(``SQLITE_CONFIG_MEMSTATUS``, on by default), so the threads answering requests, and the
threads ranking one search in parts (``rank_parts``), take turns: two threads ranking halves
of a full-text search took as long as one thread ranking all of it. SQLite accepts the setting
only before it is first used in the process, so ``datamill serve`` makes it before it imports
the standard library's ``sqlite3``, through the extension module that ``sqlite3`` is built on,
which links the SQLite it will use.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys

SQLITE_OK = 0
SQLITE_CONFIG_MEMSTATUS = 9


def disable_allocation_statistics() -> bool:
    """Turn SQLite's allocation statistics off for this process; True if it took effect
    (False once ``sqlite3`` is imported, or where its SQLite is built in and hidden)."""
    if "_sqlite3" in sys.modules:
        return False
    spec = importlib.util.find_spec("_sqlite3")
    if spec is None or spec.origin is None:
        return False
    try:
        config = ctypes.CDLL(spec.origin).sqlite3_config
    except (OSError, AttributeError):
        return False
    return bool(config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == SQLITE_OK)
