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

from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier
from datamill.core.table import Table
from datamill.core.transactions import write_in_units
from datamill.io.batch import Batch, batched
from datamill.io.csv_reader import CsvReader
from datamill.io.detect import ColumnTypes
from datamill.io.prefetch import prefetch
from datamill.load.batches import empty_cells_to_null, limit, record_batches
from datamill.load.cell_writer import CsvTableWriter
from datamill.load.errors import LoadError
from datamill.load.gc_pause import gc_paused
from datamill.load.record_writer import (
    Prepare,
    RecordTableWriter,
    prepare_records,
    required_missing,
)
from datamill.load.settings import (
    CSV_BATCH,
    CSV_SWITCH_INTERVAL,
    DICT_BATCH,
    WINDOW,
    LoadResult,
    LoadSettings,
)

Progress = Callable[[int, int], None]
"""Called after each batch with (input bytes read so far, records written so far)."""


class Loader:
    """Runs one load into ``db`` per ``settings``.

    ``progress`` is called after each batch; with ``count_outcome`` the result also says how
    many records were inserted, ignored or replaced (I-5), at the cost of counting the table.
    ``source`` names the input on the ``LoadError``s the load raises.
    """

    def __init__(
        self,
        db: Database,
        settings: LoadSettings,
        progress: Progress | None = None,
        count_outcome: bool = False,
        source: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.progress = progress
        self.count_outcome = count_outcome
        self.source = source
        self.table: Table = db.table(settings.table)
        self.result = LoadResult()
        self._rows_before = 0

    # -- entry points -------------------------------------------------------------------

    def load_reader(
        self, reader: Any, convert: Callable[[Any], Any] | None = None, mode: str = "json"
    ) -> LoadResult:
        """Load everything ``reader`` (an ``io`` reader) yields.

        CSV/TSV rows without ``convert`` take the cell path (``load_csv``); other records are
        dicts, after ``convert`` when given. ``mode`` says what a record reader yields:
        ``json`` values, ``lines`` or ``text`` (see ``prepare_records``).
        """
        settings = self.settings
        tabular = isinstance(reader, CsvReader)
        columns = list(reader.columns) if tabular else ()
        omits_required = settings.upsert and required_missing(self.table, columns)
        if tabular and convert is None and not omits_required:
            return self.load_csv(reader)
        size = settings.batch_size or DICT_BATCH
        batches, prepare = record_batches(
            reader, size, self._first_size, convert, mode, settings.flatten, settings.empty_null
        )
        return self.load_records(batches, prepare, reader)

    def load_rows(self, rows: Iterable[Any]) -> LoadResult:
        """Load dict records from an iterable (``--code``), with the rows' 1-based positions."""
        size = self.settings.batch_size or DICT_BATCH
        batches = batched(((row, None) for row in rows), size, self._first_size)
        return self.load_records(batches, prepare_records(None, "json", self.settings.flatten))

    @property
    def _first_size(self) -> int:
        """Records in the first batch: the C-INSERT sample window unless batches are fixed."""
        return self.settings.batch_size or WINDOW

    def load_csv(self, reader: CsvReader) -> LoadResult:
        """Load CSV/TSV rows as lists of cells, detecting types in the same pass (I-2)."""
        size = self.settings.batch_size or CSV_BATCH
        batches = limit(reader.batches(size), self.settings.stop_after)
        if self.settings.empty_null:
            batches = empty_cells_to_null(batches)
        tracker = ColumnTypes(len(reader.columns))
        detect = self.settings.detect_types and not self.table.exists()

        def shaped() -> Iterator[tuple[Batch, list[str]]]:
            for batch in batches:
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
        batches = limit(batches, self.settings.stop_after)
        writer = RecordTableWriter(self, prepare)
        source = prefetch(batches) if reader is not None else batches
        self._run(source, writer.write, reader)
        return self.result

    # -- transactions --------------------------------------------------------------------

    def _run(self, items: Iterable[Any], write: Callable[[Any], int], reader: Any) -> None:
        def write_batch(item: Any) -> None:
            self.result.records += write(item)
            self._report(reader)

        try:
            with gc_paused():
                # the first unit also covers --truncate (I-3)
                write_in_units(
                    self.db,
                    items,
                    write_batch,
                    each_batch_commits=bool(self.settings.batch_size),
                    start=self._start,
                )
        except LoadError as error:
            error.source = error.source or self.source
            raise
        finally:
            if isinstance(items, Generator):
                items.close()  # stops a read-ahead thread now, not at interpreter exit
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
            index = getattr(error, "row_number", None)
            if index is None:
                raise
            raise self._engine_error(error, origin(index - 1)) from None

    def _engine_error(self, error: BaseException, origin: tuple[int, int | None]) -> LoadError:
        """Turn an annotated engine error into a ``LoadError`` naming the input position."""
        message = getattr(error, "base_message", str(error))
        row, line = origin
        column = getattr(error, "column", None)
        return LoadError(message, row_number=row, line=line, column=column)
