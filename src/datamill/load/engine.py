"""The streaming load engine behind ``insert``, ``upsert`` and ``memory`` (C-INSERT, I-1..I-5).

``Loader`` decides the batches and the transaction policy, reads ahead in a second thread,
reports progress through a callback, and turns insert-engine errors into ``LoadError``s that
carry the input row, line and column as fields.

- CSV/TSV without a convert function goes through ``cell_writer`` as lists of cells, with
  types detected batch by batch in the reader thread (I-2).
- Everything else goes through ``record_writer`` (``Table.insert_all``/``upsert_all``).
- Without a batch size the whole load is one transaction; with one, each batch commits.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier
from datamill.core.table import Table
from datamill.core.transactions import write_in_units
from datamill.io.batch import Batch
from datamill.io.csv_reader import CsvReader
from datamill.io.detect import ColumnTypes
from datamill.io.prefetch import prefetch
from datamill.load.cell_writer import CsvTableWriter
from datamill.load.errors import LoadError
from datamill.load.record_writer import Prepare, RecordTableWriter
from datamill.load.settings import CSV_BATCH, CSV_SWITCH_INTERVAL, LoadResult, LoadSettings

Progress = Callable[[int, int], None]
"""Called after each batch with (input bytes read so far, records written so far)."""


class Loader:
    """Runs one load into ``db`` per ``settings``.

    ``progress`` is called after each batch; with ``count_outcome`` the result also says how
    many records were inserted, ignored or replaced (I-5), at the cost of counting the table.
    """

    def __init__(
        self,
        db: Database,
        settings: LoadSettings,
        progress: Progress | None = None,
        count_outcome: bool = False,
    ) -> None:
        self.db = db
        self.settings = settings
        self.progress = progress
        self.count_outcome = count_outcome
        self.table: Table = db.table(settings.table)
        self.result = LoadResult()
        self._rows_before = 0

    # -- entry points -------------------------------------------------------------------

    def load_csv(self, reader: CsvReader) -> LoadResult:
        """Load CSV/TSV rows as lists of cells, detecting types in the same pass (I-2)."""
        size = self.settings.batch_size or CSV_BATCH
        batches = _limit(reader.batches(size), self.settings.stop_after)
        tracker = ColumnTypes(len(reader.columns))
        detect = self.settings.detect_types and not self.table.exists()
        empty_null = self.settings.empty_null

        def shaped() -> Iterator[tuple[Batch, list[str]]]:
            for batch in batches:
                if empty_null:
                    batch.rows = [[None if v == "" else v for v in row] for row in batch.rows]
                if detect:
                    tracker.feed(batch.rows)
                yield batch, tracker.types

        writer = CsvTableWriter(self, list(reader.columns), detect)
        self._run(prefetch(shaped(), switch_interval=CSV_SWITCH_INTERVAL), writer.write, reader)
        return self.result

    def load_records(
        self,
        batches: Iterable[Batch],
        prepare: Prepare,
        reader: Any = None,
    ) -> LoadResult:
        """Load batches of records that ``prepare`` turns into dicts plus their origins."""
        batches = _limit(batches, self.settings.stop_after)
        writer = RecordTableWriter(self, prepare)
        source = prefetch(batches) if reader is not None else batches
        self._run(source, writer.write, reader)
        return self.result

    # -- transactions --------------------------------------------------------------------

    def _run(self, items: Iterable[Any], write: Callable[[Any], int], reader: Any) -> None:
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of short-lived rows: collections cost more than they free

        def write_batch(item: Any) -> None:
            self.result.records += write(item)
            self._report(reader)

        try:
            # the first unit also covers --truncate (I-3)
            write_in_units(
                self.db,
                items,
                write_batch,
                each_batch_commits=bool(self.settings.batch_size),
                start=self._start,
            )
        finally:
            if isinstance(items, Generator):
                items.close()  # stops a read-ahead thread now, not at interpreter exit
            if gc_was_enabled:
                gc.enable()
        self._finish()

    def _start(self) -> None:
        table = self.table
        if self.settings.table in self.db.view_names():
            raise LoadError(f"Table {self.settings.table} is actually a view")
        if self.settings.truncate and table.exists():
            self.db.execute(f"DELETE FROM {quote_identifier(table.name)};")
        if self.count_outcome:
            self._rows_before = table.count if table.exists() else 0

    def _report(self, reader: Any) -> None:
        if self.progress is not None:
            done = reader.bytes_read if reader is not None else 0
            self.progress(done, self.result.records)

    def _finish(self) -> None:
        settings = self.settings
        if settings.analyze and self.table.exists():
            self.table.analyze()
        if not self.count_outcome:
            return
        after = self.table.count if self.table.exists() else 0
        inserted = max(0, after - self._rows_before)
        other = max(0, self.result.records - inserted)
        self.result.inserted = inserted
        if settings.ignore:
            self.result.ignored = other
        elif settings.replace or settings.upsert:
            self.result.replaced = other

    # -- engine errors --------------------------------------------------------------------

    @contextmanager
    def located_errors(self, origin: Callable[[int], tuple[int, int | None]]) -> Iterator[None]:
        """Turn an engine error annotated with ``row_number`` into a ``LoadError`` naming the
        input position; ``origin`` maps a 0-based index in the batch to ``(row, line)``."""
        try:
            yield
        except LoadError:
            raise
        except Exception as error:
            if getattr(error, "row_number", None) is None:
                raise
            raise self._engine_error(error, origin) from None

    def _engine_error(
        self, error: BaseException, origin: Callable[[int], tuple[int, int | None]]
    ) -> LoadError:
        """Turn an annotated engine error into a ``LoadError`` naming the input position."""
        message = getattr(error, "base_message", str(error))
        row, line = origin(error.row_number - 1)
        column = getattr(error, "column", None)
        return LoadError(message, row_number=row, line=line, column=column)


def _limit(batches: Iterable[Batch], stop_after: int | None) -> Iterator[Batch]:
    """Only the first ``stop_after`` records."""
    if stop_after is None:
        yield from batches
        return
    remaining = stop_after
    for batch in batches:
        if remaining <= 0:
            return
        if len(batch.rows) > remaining:
            batch.rows = batch.rows[:remaining]
        remaining -= len(batch.rows)
        yield batch
