"""Streaming rows from a source cursor into an output table, in batches (IDB-7)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from datamill.core.insert import RowListWriter
from datamill.core.sqlite import sqlite3
from datamill.importdb.errors import ImportDbError
from datamill.importdb.source import Source, first_line

#: Rows fetched per round trip from the server-side cursor (IDB-7: 1,000 to 10,000).
FETCH_ROWS = 5000
WRITE_ERRORS = (sqlite3.Error, OverflowError, ValueError)

Converter = Callable[[Any], Any]


def read(fetch: Callable[[], Any], context: str = "") -> Any:
    """Run one source read; a driver error becomes its first line plus ``context``."""
    try:
        return fetch()
    except sa.exc.DBAPIError as error:
        raise ImportDbError(first_line(error) + context) from None


def stream(
    source: Source, sql: str, context: str = ""
) -> tuple[list[str], Iterator[Sequence[Any]]]:
    """The column names of ``sql`` and its rows in batches, from a server-side cursor.

    Values are the driver's own: no SQLAlchemy type processing.
    """
    connection = source.connection.execution_options(stream_results=True, max_row_buffer=FETCH_ROWS)
    result = read(lambda: connection.exec_driver_sql(sql), context)

    def batches() -> Iterator[Sequence[Any]]:
        while rows := read(lambda: result.fetchmany(FETCH_ROWS), context):
            yield rows

    return list(result.keys()), batches()


def converted(
    batches: Iterator[Sequence[Any]], converters: Sequence[Converter | None]
) -> Iterator[Sequence[Any]]:
    """``batches`` with each column's values passed through its converter, if it has one."""
    active = [(index, convert) for index, convert in enumerate(converters) if convert]
    if not active:
        yield from batches
        return
    for rows in batches:
        columns: list[Iterable[Any]] = list(zip(*rows))
        for index, convert in active:
            columns[index] = map(convert, columns[index])
        yield list(zip(*columns))


def write(
    writer: RowListWriter,
    batches: Iterator[Sequence[Any]],
    locate: Callable[[int, str | None], str],
    advance: Callable[[int], None],
) -> int:
    """Write every batch; a failing row is named by ``locate(row, column)``. Returns the count."""
    done = 0
    for rows in batches:
        try:
            writer.write(rows, done + 1)  # type: ignore[arg-type]
        except WRITE_ERRORS as error:
            original = error.__cause__ or error
            row = getattr(error, "row_number", None)
            where = f" ({locate(row, getattr(error, 'column', None))})" if row else ""
            raise ImportDbError(f"{original}{where}") from None
        done += len(rows)
        advance(len(rows))
    return done
