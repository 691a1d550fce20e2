"""Running SQL off the event loop: a fixed pool of threads, each with its own connections (SV-APP-3)."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from datamill.core.sqlite import sqlite3
from datamill.serve.connection import ReadConnection
from datamill.serve.databases import DatabaseState, ServedDatabase
from datamill.serve.errors import ServeError

__all__ = ["SqlExecutor"]

T = TypeVar("T")


class SqlExecutor:
    """``num_sql_threads`` threads; each holds one connection per database, opened on first use."""

    def __init__(self, threads: int, busy_timeout_s: float) -> None:
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="datamill-sql")
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on a pool thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(fn, *args))

    def session(self, database: ServedDatabase) -> tuple[ReadConnection, DatabaseState]:
        """This thread's connection to ``database`` and the database's current state.

        Called on a pool thread. A file replaced on disk gets a new connection.
        """
        connections = self._local.__dict__.setdefault("connections", {})
        entry = connections.get(database.name)
        try:
            if entry is None:
                entry = connections[database.name] = (database.identity, self._open(database))
            identity, conn = entry
            state = database.state(conn)
            if identity != database.identity:
                conn.close()
                conn = self._open(database)
                connections[database.name] = (database.identity, conn)
                state = database.state(conn)
        except sqlite3.Error:
            connections.pop(database.name, None)
            raise ServeError(f"Database {database.name} is not readable", 503) from None
        return conn, state

    def _open(self, database: ServedDatabase) -> ReadConnection:
        return database.connect(self.busy_timeout_s)

    def open_private(self, database: ServedDatabase) -> tuple[ReadConnection, DatabaseState]:
        """A new connection of its own (for a stream), with the database's state."""
        try:
            conn = database.connect(self.busy_timeout_s)
            return conn, database.state(conn)
        except sqlite3.Error:
            raise ServeError(f"Database {database.name} is not readable", 503) from None

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
