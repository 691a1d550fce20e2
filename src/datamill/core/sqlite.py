"""The sqlite3 module datamill uses: pysqlite3 when installed, else the standard library (L-UTIL-1)."""

try:  # pragma: no cover - depends on the environment
    import pysqlite3.dbapi2 as sqlite3  # type: ignore[import-not-found]
except ImportError:
    import sqlite3

OperationalError = sqlite3.OperationalError

__all__ = ["sqlite3", "OperationalError"]
