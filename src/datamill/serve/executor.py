"""Running SQL off the event loop: a fixed pool of threads, each with its own connections (SV-APP-3).

A second, smaller pool (one thread per further CPU) runs parts of one request's work beside
the thread that serves it, such as ranking a large search in parts (``rank_parts``), while
that request is the only one running.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from datamill.core.sqlite import sqlite3
from datamill.serve.connection import ReadConnection
from datamill.serve.databases import DatabaseState, ServedDatabase
from datamill.serve.errors import ServeError

__all__ = ["SqlExecutor"]

T = TypeVar("T")


class SqlExecutor:
    """``num_sql_threads`` threads; each holds one connection per database, opened on first use."""

    def __init__(self, threads: int, busy_timeout_s: float, helpers: int | None = None) -> None:
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="datamill-sql")
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._lock = threading.Lock()
        self.running = 0  # requests on the pool's threads now
        if helpers is None:
            helpers = min((os.cpu_count() or 1) - 1, 3)
        self.helpers = helpers
        self._helper_pool = (
            ThreadPoolExecutor(helpers, thread_name_prefix="datamill-sql-helper")
            if helpers > 0
            else None
        )

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on a pool thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(self._counted, fn, *args))

    def _counted(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            self.running += 1
        try:
            return fn(*args)
        finally:
            with self._lock:
                self.running -= 1

    @property
    def idle_helpers(self) -> int:
        """Helper threads free for a request: all of them while it is the only one running
        (parts of one request would only compete with other requests for the CPUs)."""
        return self.helpers if self.running <= 1 else 0

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

    def beside(
        self, database: ServedDatabase, fn: Callable[[ReadConnection, DatabaseState], T]
    ) -> Future[T]:
        """Run ``fn`` with a helper thread's own connection to ``database`` and its state.

        Only for work a request thread waits on and that waits on nothing itself, so that
        the helper threads can never all be blocked. Needs ``helpers > 0``.
        """
        if self._helper_pool is None:
            raise RuntimeError("this executor has no helper threads")
        return self._helper_pool.submit(lambda: fn(*self.session(database)))

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
        if self._helper_pool is not None:
            self._helper_pool.shutdown(wait=False, cancel_futures=True)
