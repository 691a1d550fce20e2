"""Running one SQL statement per input record (C-BULK) under the load transaction policy."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from datamill.core.database import Database
from datamill.core.sqlite import sqlite3
from datamill.core.transactions import replay, write_in_units
from datamill.io.batch import Batch
from datamill.io.prefetch import prefetch
from datamill.load.errors import LoadError
from datamill.load.record_writer import Prepare


def bulk_load(
    db: Database,
    sql: str,
    batches: Iterable[Batch],
    prepare: Prepare,
    batch_size: int | None,
) -> None:
    """Run ``sql`` with each record's keys as named parameters, reading ahead in a thread.

    Without ``batch_size`` everything is one transaction; with it, each batch commits. A
    failing batch is rolled back and replayed one record at a time to name the record.
    """

    def run(batch: Batch) -> None:
        records, origins = prepare(batch)
        try:
            with db.atomic():  # a savepoint: a failing batch leaves nothing behind to replay
                db.conn.executemany(sql, records)
        except sqlite3.Error as error:
            raise _locate(db, sql, records, origins, error) from None

    items = prefetch(batches)
    try:
        write_in_units(db, items, run, each_batch_commits=bool(batch_size))
    finally:
        if isinstance(items, Generator):
            items.close()  # stops the read-ahead thread now


def _locate(
    db: Database,
    sql: str,
    records: list[dict[str, Any]],
    origins: list[tuple[int, int | None]],
    error: Exception,
) -> LoadError:
    """Replay the batch one record at a time, without keeping anything, to name the record."""
    with replay(db):
        for record, (row, line) in zip(records, origins):
            try:
                db.conn.execute(sql, record)
            except sqlite3.Error as row_error:
                return LoadError(str(row_error), row_number=row, line=line)
    return LoadError(str(error))
