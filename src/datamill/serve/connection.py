"""Read-only connections with time limits and the authorizer (SV-SEC-1, SV-SEC-3).

Every served connection is set up in SV-SEC-1's order: ``query_only``, the ranking functions
and plugins' ``prepare_connection`` (through ``datamill.Database``, the same path every other
datamill connection takes), ``setlimit``, virtual tables connected, then the authorizer and
the progress handler.
"""

from __future__ import annotations

import math
import os
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier
from datamill.core.sql_text import first_keyword
from datamill.core.sqlite import sqlite3
from datamill.search import function_errors
from datamill.serve.authorizer import Authorizer
from datamill.serve.errors import ServeError

__all__ = ["ReadConnection", "QueryTimeout", "QueryCancelled", "database_uri", "PROGRESS_STEPS"]

PROGRESS_STEPS = 1000
MAX_LENGTH = 64 * 1024 * 1024
#: Eponymous virtual tables besides the ``pragma_*`` ones; each must be connected before the
#: authorizer is installed (the first use of a virtual table writes to ``sqlite_master``).
_EPONYMOUS = ("json_each", "json_tree")
_VTABLE_FAILED = "vtable constructor failed"


class QueryTimeout(Exception):
    """A statement ran past its deadline; ``limit_ms`` is the limit it had."""

    def __init__(self, limit_ms: int) -> None:
        super().__init__(f"SQL query took too long (limit: {limit_ms} ms)")
        self.limit_ms = limit_ms


class QueryCancelled(Exception):
    """A statement was interrupted from another thread (client gone, server stopping)."""


def database_uri(path: str, immutable: bool) -> str:
    """The SV-SEC-1 URI: ``file:<percent-encoded absolute path>?mode=ro[&immutable=1]``."""
    encoded = urllib.parse.quote(os.path.abspath(path))
    return f"file:{encoded}?mode=ro" + ("&immutable=1" if immutable else "")


class ReadConnection:
    """One read-only connection to a served database, used by one thread at a time."""

    def __init__(self, path: str, immutable: bool, busy_timeout_s: float = 1.0) -> None:
        self.path = path
        self.conn = sqlite3.connect(
            database_uri(path, immutable),
            uri=True,
            timeout=busy_timeout_s,
            check_same_thread=False,
        )
        try:
            self.conn.execute("PRAGMA query_only = 1")
            self.db = Database(self.conn, recursive_triggers=False)
            if sys.version_info >= (3, 11):
                self.conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
                self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)
            self.schema_version = self._connect_virtual_tables()
        except BaseException:
            self.conn.close()
            raise
        self.authorizer = Authorizer()
        self.conn.set_authorizer(self.authorizer)
        self.deadline = math.inf
        self.cancelled = False
        self.conn.set_progress_handler(self._progress, PROGRESS_STEPS)
        self.statements = 0
        self.sql_seconds = 0.0

    def reset_stats(self) -> None:
        """Start counting statements and SQL time afresh (the ``timing`` extra)."""
        self.statements = 0
        self.sql_seconds = 0.0

    def close(self) -> None:
        self.conn.close()

    # -- set-up ------------------------------------------------------------------

    def _connect_virtual_tables(self) -> int:
        """Prepare every virtual table once (SV-SEC-1 step 4); return the schema version.

        Every ``pragma_*`` table-valued function is connected, not only the allow-listed
        ones, so a query on another one is refused by name (``PRAGMA database_list``)
        rather than as the virtual table's first write to ``sqlite_master``.
        """
        names = [
            row[0]
            for row in self.conn.execute(
                "select name from sqlite_master where type = 'table' and sql like 'create virtual%'"
            )
        ]
        pragmas = [
            f"pragma_{row[0]}" for row in self.conn.execute("select name from pragma_pragma_list")
        ]
        for name in [*names, *pragmas, *_EPONYMOUS]:
            try:
                self.conn.execute(f"select * from {quote_identifier(name)} limit 0").fetchall()
            except sqlite3.Error:
                pass  # a module this SQLite lacks: queries on it fail with SQLite's message
        return self.conn.execute("PRAGMA schema_version").fetchone()[0]

    def refresh_virtual_tables(self) -> int:
        """Redo SV-SEC-1 step 4 after a schema change, with the authorizer lifted meanwhile."""
        self.conn.set_authorizer(None)
        try:
            self.schema_version = self._connect_virtual_tables()
        finally:
            self.conn.set_authorizer(self.authorizer)
        return self.schema_version

    def check_schema(self) -> int:
        """The current schema version, reconnecting virtual tables when it changed."""
        version = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        if version != self.schema_version:
            version = self.refresh_virtual_tables()
        return version

    # -- limits ------------------------------------------------------------------

    def _progress(self) -> int:
        return 1 if self.cancelled or time.monotonic() > self.deadline else 0

    def interrupt(self) -> None:
        """Stop the running statement from another thread."""
        self.cancelled = True
        self.conn.interrupt()

    @contextmanager
    def limited(self, limit_ms: int | None) -> Iterator[None]:
        """Run the block under a deadline; translate SQLite failures into serve errors."""
        started = time.monotonic()
        self.deadline = math.inf if limit_ms is None else started + limit_ms / 1000
        self.authorizer.reset()
        self.statements += 1
        try:
            with function_errors():
                yield
        except sqlite3.Error as error:
            raise self._translate(error, limit_ms) from None
        finally:
            self.deadline = math.inf
            self.sql_seconds += time.monotonic() - started

    def _translate(self, error: sqlite3.Error, limit_ms: int | None) -> Exception:
        message = str(error)
        if message == "interrupted":
            if self.cancelled:
                return QueryCancelled()
            return QueryTimeout(limit_ms or 0)
        if self.authorizer.denied is not None:
            return ServeError(f"Statement not allowed: {self.authorizer.denied}")
        if isinstance(error, sqlite3.ProgrammingError) and "one statement at a time" in message:
            return ServeError("Only one SQL statement can run at a time")
        return ServeError(message)

    # -- running statements --------------------------------------------------------

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """Execute inside ``limited()``; a statement failing on a stale virtual table is retried."""
        try:
            return self.conn.execute(sql, params)
        except sqlite3.DatabaseError as error:
            if _VTABLE_FAILED in str(error):
                self.refresh_virtual_tables()
                self.authorizer.reset()
                return self.conn.execute(sql, params)
            self._name_denial(sql, params)
            raise

    def _name_denial(self, sql: str, params: Any) -> None:
        """Name a denial by its statement: DDL first shows up as a write to the schema table."""
        authorizer = self.authorizer
        if authorizer.denial_needs_naming():
            recorded = authorizer.denied
            authorizer.reset()
            authorizer.naming = True
            try:
                self.conn.execute("EXPLAIN " + sql, params)  # prepares, never runs, the statement
            except sqlite3.Error:
                pass
            finally:
                authorizer.naming = False
            if authorizer.denied is None:
                authorizer.denied = recorded
        elif authorizer.denied == "ATTACH" and first_keyword(sql) == "VACUUM":
            authorizer.denied = "VACUUM"  # VACUUM works by attaching a temporary database

    def query(
        self, sql: str, params: Any = (), limit_ms: int | None = None, max_rows: int | None = None
    ) -> tuple[list[str], list[tuple]]:
        """Column names and rows (at most ``max_rows``) of one statement under a time limit."""
        with self.limited(limit_ms):
            cursor = self.execute(sql, params)
            columns = [d[0] for d in cursor.description or ()]
            rows = cursor.fetchall() if max_rows is None else cursor.fetchmany(max_rows)
        return columns, rows

    def scalar(self, sql: str, params: Any = (), limit_ms: int | None = None) -> Any:
        _, rows = self.query(sql, params, limit_ms, 1)
        return rows[0][0] if rows else None
