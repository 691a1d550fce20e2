"""Python functions in SQL: registering them, and reporting their own error messages.

SQLite replaces an exception raised inside a Python SQL function with the generic
``user-defined function raised exception``. A function whose message users should see
calls ``remember_error`` before raising it; statements run and fetched through datamill
(``function_errors`` around execution, ``Cursor`` for the rows) then raise that error in
place of the generic one (fts.md S-FN-8, extras.md FZ-4). Raw ``db.conn`` use keeps
SQLite's generic message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from datamill.core.sqlite import sqlite3

__all__ = [
    "GENERIC_MESSAGE",
    "Cursor",
    "create_function",
    "function_errors",
    "remember_error",
    "reported_error",
]

GENERIC_MESSAGE = "user-defined function raised exception"

_last = threading.local()


def create_function(
    conn: sqlite3.Connection,
    name: str,
    arity: int,
    fn: Callable[..., Any],
    deterministic: bool = False,
) -> None:
    """``conn.create_function``; deterministic when asked and SQLite supports it (L-FUNC-2)."""
    if deterministic:
        try:
            conn.create_function(name, arity, fn, deterministic=True)
            return
        except sqlite3.NotSupportedError:
            pass
    conn.create_function(name, arity, fn)


def remember_error(error: Exception) -> None:
    """Keep ``error`` as the reason for this thread's next generic function failure."""
    _last.error = error


def reported_error(error: sqlite3.OperationalError) -> sqlite3.OperationalError:
    """``error``, or the remembered function error when ``error`` is SQLite's generic one.

    A remembered ``OperationalError`` is returned as it is; any other exception becomes an
    ``OperationalError`` with its message (and it as the cause). Either way it is forgotten.
    """
    cause = getattr(_last, "error", None)
    _last.error = None
    if cause is None or str(error) != GENERIC_MESSAGE:
        return error
    if isinstance(cause, sqlite3.OperationalError):
        cause.__suppress_context__ = True
        return cause
    replacement = sqlite3.OperationalError(str(cause))
    replacement.__cause__ = cause
    return replacement


@contextmanager
def function_errors() -> Iterator[None]:
    """Run a statement, raising a function's remembered error instead of the generic one."""
    _last.error = None
    try:
        yield
    except sqlite3.OperationalError as error:
        raise reported_error(error)  # noqa: B904 - reported_error sets the cause itself


def _reporting(fetch: Callable[..., Any]) -> Callable[..., Any]:
    def call(self: sqlite3.Cursor, *args: Any, **kwargs: Any) -> Any:
        try:
            return fetch(self, *args, **kwargs)
        except sqlite3.OperationalError as error:
            raise reported_error(error)  # noqa: B904

    call.__name__ = fetch.__name__
    call.__doc__ = fetch.__doc__
    return call


_next = sqlite3.Cursor.__next__


class Cursor(sqlite3.Cursor):
    """A cursor whose fetches raise a function's remembered error (see ``reported_error``)."""

    def __next__(self) -> Any:
        # Spelled out rather than made by _reporting: it runs once per row.
        try:
            return _next(self)
        except sqlite3.OperationalError as error:
            raise reported_error(error)  # noqa: B904

    fetchone = _reporting(sqlite3.Cursor.fetchone)
    fetchmany = _reporting(sqlite3.Cursor.fetchmany)
    fetchall = _reporting(sqlite3.Cursor.fetchall)
