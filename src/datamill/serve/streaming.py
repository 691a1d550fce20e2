"""Streaming every row of a query with constant memory (SV-CSV-3, SV-CSV-4, SV-CSV-5).

One cursor runs on a thread and connection of its own. Rows are encoded into chunks of up to
256 KiB; at most four chunks wait for the client, so a slow client pauses the cursor. The
response starts only once the first row (or an empty result) is ready, so an early error
keeps its status. After that, any failure aborts the transfer: no final chunk is sent.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from datamill.core.sqlite import sqlite3
from datamill.serve.connection import QueryCancelled, QueryTimeout, ReadConnection
from datamill.serve.databases import DatabaseState, ServedDatabase
from datamill.serve.errors import ServeError
from datamill.serve.executor import SqlExecutor
from datamill.serve.sql_query import skip_rows

__all__ = ["StreamSpec", "StreamAborted", "RowStream", "StreamSlots"]

CHUNK_BYTES = 256 * 1024
MAX_WAITING_CHUNKS = 4
_BATCH_ROWS = 1000
_POLL_S = 0.2


class Encoder(Protocol):
    def start(self) -> str: ...

    def encode(self, rows: Sequence[Sequence[Any]]) -> str: ...


@dataclass
class StreamSpec:
    """What a stream runs: SQL and parameters, the encoder for its columns, and how many rows
    to skip first (``_next`` on an SQL query)."""

    sql: str
    params: Any
    encoder_for: Callable[[list[str]], Encoder]
    skip: int = 0


class StreamAborted(Exception):
    """The transfer was cut after the response started (the server closes the connection)."""


class StreamSlots:
    """At most ``limit`` streams at once (``max_concurrent_streams``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        with self._lock:
            if self.active >= self.limit:
                return False
            self.active += 1
            return True

    def release(self) -> None:
        with self._lock:
            self.active -= 1


_END = object()


class RowStream:
    """One running export: a producer thread and the chunks it has made."""

    def __init__(
        self,
        executor: SqlExecutor,
        database: ServedDatabase,
        prepare: Callable[[ReadConnection, DatabaseState], StreamSpec],
        row_limit_ms: int,
        max_bytes: int,
        max_seconds: int,
        stopping: threading.Event,
    ) -> None:
        self.executor = executor
        self.database = database
        self.prepare = prepare
        self.row_limit_ms = row_limit_ms
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.stopping = stopping
        self.cancelled = threading.Event()
        self.conn: ReadConnection | None = None
        self._conn_lock = threading.Lock()
        self._slots = threading.Semaphore(MAX_WAITING_CHUNKS)
        self._queue: asyncio.Queue = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._produce, name="datamill-stream", daemon=True)

    # -- producer thread ---------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def _hand_over(self, item: Any) -> None:
        """Queue an item for the event loop, waiting while four chunks are outstanding."""
        if isinstance(item, bytes):
            while not self._slots.acquire(timeout=_POLL_S):
                if self.cancelled.is_set():
                    raise QueryCancelled()
                if self.stopping.is_set():
                    raise StreamAborted("server shutting down")
        self._post(item)

    def _post(self, item: Any) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the event loop is gone (the server stopped): nobody is listening
            pass

    def _produce(self) -> None:
        conn = None
        try:
            conn, state = self.executor.open_private(self.database)
            with self._conn_lock:
                self.conn = conn
            if self.cancelled.is_set():
                raise QueryCancelled()
            spec = self.prepare(conn, state)
            self._run(conn, spec)
            self._hand_over(_END)
        except BaseException as error:  # every failure reaches the event loop
            if not self.cancelled.is_set():
                self._post(error)
        finally:
            if conn is not None:
                with self._conn_lock:
                    self.conn = None
                conn.close()

    def _run(self, conn: ReadConnection, spec: StreamSpec) -> None:
        started = time.monotonic()
        limit_s = self.row_limit_ms / 1000
        monotonic = time.monotonic
        with conn.limited(self.row_limit_ms):
            cursor = conn.execute(spec.sql, spec.params)
            encoder = spec.encoder_for([d[0] for d in cursor.description or ()])
            skip_rows(cursor, spec.skip)
            first = cursor.fetchone()
            # The first chunk goes out with the first row: the response starts only then.
            head = encoder.start() + (encoder.encode([first]) if first is not None else "")
            sent = self._flush([head], 0, started)
            if first is None:
                return
            pending: list[str] = []
            pending_size = 0
            batch: list[Sequence[Any]] = []
            append = batch.append
            for row in cursor:
                conn.deadline = monotonic() + limit_s  # the limit is the longest gap between rows
                append(row)
                if len(batch) < _BATCH_ROWS:
                    continue
                text = encoder.encode(batch)
                batch.clear()
                pending.append(text)
                pending_size += len(text)
                if pending_size >= CHUNK_BYTES:
                    sent = self._flush(pending, sent, started)
                    pending, pending_size = [], 0
            if batch:
                pending.append(encoder.encode(batch))
            if pending:
                self._flush(pending, sent, started)

    def _flush(self, pieces: list[str], sent: int, started: float) -> int:
        if self.cancelled.is_set():
            raise QueryCancelled()
        if self.stopping.is_set():
            raise StreamAborted("server shutting down")
        chunk = "".join(pieces).encode("utf-8")
        sent += len(chunk)
        if self.max_bytes and sent > self.max_bytes:
            raise StreamAborted(f"max_csv_mb ({self.max_bytes // (1024 * 1024)} MB) reached")
        if self.max_seconds and time.monotonic() - started > self.max_seconds:
            raise StreamAborted(f"max_stream_seconds ({self.max_seconds} s) reached")
        self._hand_over(chunk)
        return sent

    # -- event loop side -------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the producer: the client left or the response failed (call on the event loop)."""
        if not self.cancelled.is_set():
            self._queue.put_nowait(QueryCancelled())  # wakes a consumer waiting for a chunk
        self.cancelled.set()
        with self._conn_lock:
            if self.conn is not None:
                self.conn.interrupt()

    async def next_item(self) -> bytes | None:
        """The next chunk, None at the end; raises what the producer raised."""
        item = await self._queue.get()
        if isinstance(item, bytes):
            self._slots.release()
            return item
        if item is _END:
            return None
        raise item


def describe_failure(error: BaseException) -> str:
    if isinstance(error, QueryTimeout):
        return f"no row within {error.limit_ms} ms"
    if isinstance(error, ServeError):
        return error.message
    return str(error) or type(error).__name__


#: Failures an export can meet in normal operation; anything else is a bug worth a traceback.
EXPECTED_FAILURES = (QueryTimeout, ServeError, StreamAborted, sqlite3.Error)


def log_abort(path: str, error: BaseException) -> None:
    """The one stderr line SV-CSV-5 asks for (after the traceback of an unexpected error)."""
    if not isinstance(error, EXPECTED_FAILURES):
        traceback.print_exception(error, file=sys.stderr)
    print(
        f"datamill serve: export {path} aborted: {describe_failure(error)}",
        file=sys.stderr,
        flush=True,
    )
