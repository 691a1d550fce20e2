"""Loading the planned inputs in one transaction (CS-4 .. CS-10).

Each input is read once and each table written once (CS-4, I-2). A table the run creates is
created from the types detected in its first batch (lookup, ``--shape``-typed, date and fixed
columns typed up front), and rows are bound already converted: numbers as ``int`` or
``float(text)`` (L-IMP-6), empty cells as NULL. Detection goes on over every row; a column a
later batch widens is changed in place (``widen_column``) when the values already stored stay
exact: INTEGER to REAL, or TEXT holding only empty cells so far to a number. A column stored as
numbers that turns out TEXT cannot be: the text of its cells is gone (``1.50`` was stored as
1.5). Then the table's load is rolled back (a savepoint) and done again after a detection-only
pass over its inputs, with the final types, so a table is loaded at most twice.

An input that is not valid UTF-8 (without ``--encoding``) is rolled back the same way (a
savepoint per input) and read again from its start as latin-1 (CS-5).
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.core.insert import InsertOptions, RowListWriter
from datamill.core.sqlite import sqlite3
from datamill.csvs import fts
from datamill.csvs.dates import DateRewriter
from datamill.csvs.detection import InputTypes, wider
from datamill.csvs.errors import EncodingError
from datamill.csvs.layout import (
    Layout,
    build_layout,
    conversions,
    integer_overflow,
    number_shared_values,
    shape_rows,
)
from datamill.csvs.lookups import Lookup
from datamill.csvs.merge import merge_part
from datamill.csvs.messages import date_warning, row_error
from datamill.csvs.options import CsvsOptions, dialect_params
from datamill.csvs.part_process import LoadedPart, Prepared, SplitFailed
from datamill.csvs.plan import Source, TablePlan
from datamill.csvs.reader import Part, SkipCounter, open_csv
from datamill.csvs.table_state import TableState, declared, initial_state
from datamill.io.detect import INTEGER, REAL, TEXT
from datamill.load.gc_pause import gc_paused
from datamill.load.schema import widen_column

BATCH = 2000
NUMERIC = "NUMERIC"
ROWS_PER_STATEMENT = 500


class Restart(Exception):
    """A column stored as numbers needs TEXT: load the table again with its final types."""


@dataclass
class Written:
    """What writing one input (or its first part) read: what its warnings need, and where
    the next part's rows and lines start."""

    layout: Layout
    skip: SkipCounter
    rows: int
    lines: int


class Run:
    """One ``csvs`` load into ``db`` (the caller holds no transaction)."""

    def __init__(
        self, db: Database, plans: list[TablePlan], options: CsvsOptions, warn: Callable
    ) -> None:
        self.db, self.plans, self.options, self.warn = db, plans, options, warn
        self.params = dialect_params(options.separator, options.quoting)
        self.lookups: dict[str, Lookup] = {}
        self.extracts = {extract.column.lower(): extract for extract in options.extract}
        self.dates = {c.lower(): False for c in options.date}
        self.dates.update({c.lower(): True for c in options.datetime})
        self.pending: list[str] = []  # warnings of the table being loaded
        self.prepared = Prepared()

    def run(self, prepared: Prepared | None = None) -> None:
        """The whole load; inputs in ``prepared`` were loaded in parts beforehand."""
        self.prepared = prepared or Prepared()
        with gc_paused(), self.db.atomic():
            self._run()

    def _run(self) -> None:
        version = fts.fts_version(self.db) if self.options.fts or self._lookup_fts() else ""
        self._open_lookups()
        for plan in self.plans:
            before = self._max_rowid(plan)
            try:
                self._load_table(plan)
            finally:
                self._flush()
            self._finish(plan, version, before)
        if self._lookup_fts():
            for lookup in self.lookups.values():
                name = f"{lookup.table}_{lookup.value_column}_fts"
                if not self.db.table(name).exists():
                    fts.create_fts(self.db, name, lookup.table, [lookup.value_column], version)
                fts.rebuild(self.db, name)

    def _open_lookups(self) -> None:
        """The lookup maps, as the database holds them (again after a rollback)."""
        self.lookups = {}
        for extract in self.options.extract:
            key = extract.table.lower()
            if key not in self.lookups:
                self.lookups[key] = Lookup(self.db, extract.table, extract.value_column)

    def _lookup_fts(self) -> bool:
        return bool(self.options.extract) and self.options.fulltext_fks

    def _max_rowid(self, plan: TablePlan) -> int:
        if plan.creates:
            return 0
        return self.db.execute(f"select max(rowid) from {q(plan.name)}").fetchone()[0] or 0

    def _flush(self) -> None:
        for message in self.pending:
            self.warn(message)
        self.pending.clear()

    # -- one table -------------------------------------------------------------------

    def _load_table(self, plan: TablePlan) -> None:
        try:
            with self.db.atomic():
                self._write_table(plan, self._prepare(plan))
        except Restart:
            self.pending.clear()
            self._open_lookups()
            state = self._prepare(plan)
            assert state is not None
            state.final = self._detect_table(plan, state)
            self._write_table(plan, state)

    def _prepare(self, plan: TablePlan) -> TableState | None:
        """Drop a table ``--replace-tables`` recreates; the state of a table to create."""
        if not plan.creates:
            return None
        if self.options.replace_tables:
            self.db.execute(f"drop table if exists main.{q(plan.name + '_fts')}")
            self.db.execute(f"drop table if exists main.{q(plan.name)}")
        return initial_state(plan, self.options)

    def _create(self, plan: TablePlan, state: TableState) -> None:
        """Create the table: detected columns get the types found so far (or the final)."""
        found = state.kinds if state.final is None else state.final
        types = dict(state.types)
        for key in state.detect:
            state.declared[key] = found.get(key)
            types[key] = found.get(key) or TEXT
        pk = self.options.primary_key
        foreign_keys = [
            (state.spelling[key], self.extracts[key].table, "id")
            for key in state.types
            if key in self.extracts
        ]
        self.db.create_table(
            plan.name,
            {state.spelling[key]: TEXT if kind == NUMERIC else kind for key, kind in types.items()},
            pk=(pk[0] if len(pk) == 1 else tuple(pk)) if pk else None,
            foreign_keys=foreign_keys or None,
        )
        for key, kind in types.items():
            if kind == NUMERIC:  # a --shape type create_table does not take: declared after
                widen_column(self.db, plan.name, state.spelling[key], TEXT, NUMERIC)
        state.created = True

    def _settle(self, plan: TablePlan, state: TableState, kinds: dict[str, str]) -> None:
        """Create the table at its first batch, or widen columns for this batch's values."""
        for key, kind in kinds.items():
            state.kinds[key] = wider(state.kinds.get(key), kind)
        if not state.created:
            self._create(plan, state)
            return
        for key in kinds:
            old, new = state.declared[key], state.kinds[key]
            if old == new:
                continue
            if old is None and new == TEXT:
                state.declared[key] = TEXT
                continue
            if new == TEXT or key in state.pk:
                raise Restart
            widen_column(self.db, plan.name, state.spelling[key], old or TEXT, new)
            state.declared[key] = new

    def _write_table(self, plan: TablePlan, state: TableState | None) -> None:
        for source in plan.sources:
            self._write_input(plan, source, state)
        if state is not None and not state.created:
            self._create(plan, state)

    def _detect_table(self, plan: TablePlan, state: TableState) -> dict[str, str]:
        """The types of all the table's rows: a detection-only pass over its inputs."""
        kinds: dict[str, str] = {}
        for source in plan.sources:
            while True:
                try:
                    found = self._detect_input(source, state)
                    break
                except EncodingError:
                    if not self._may_fall_back(source):
                        raise
                    source.fall_back()
            for key, kind in found.items():
                kinds[key] = wider(kinds.get(key), kind)
        return kinds

    def _detect_input(
        self, source: Source, state: TableState, part: Part | None = None
    ) -> dict[str, str]:
        quiet = SkipCounter(source.item.label, self.options.skip_errors, lambda message: None)
        with open_csv(source.item, source.encoding, self.params, quiet, part) as reader:
            layout = self._layout(source, state, len(reader.columns))
            detect = layout.detect
            keys = [layout.keys[i] for i in detect]
            types = InputTypes(detect, keys, len(source.columns), integers=True)
            for batch in reader.batches(BATCH):
                rows = batch.rows
                if layout.project is not None:
                    rows = list(map(layout.project, rows))
                types.feed(rows)
        return types.kinds()

    def _may_fall_back(self, source: Source) -> bool:
        return self.options.encoding is None and not source.fallback

    # -- one input -------------------------------------------------------------------

    def _write_input(self, plan: TablePlan, source: Source, state: TableState | None) -> None:
        """Write one input in a savepoint: in parts, each loaded by its own process, when it
        is large; read it again as latin-1 if it is not UTF-8."""
        split = True
        while True:
            warned = len(self.pending)
            snapshot = state.snapshot() if state is not None else None
            try:
                with self.db.atomic():
                    parts = self.prepared.parts(source) if split else None
                    if parts and (state is None or state.final is None):
                        written = self._merge_parts(plan, source, state, parts)
                    else:
                        written = self._write_rows(plan, source, state)
                    self._report(source, written)
                return
            except (EncodingError, SplitFailed) as error:
                if isinstance(error, EncodingError) and not self._may_fall_back(source):
                    raise
                del self.pending[warned:]
                if state is not None and snapshot is not None:
                    state.restore(snapshot)
                self._open_lookups()
                if isinstance(error, SplitFailed):
                    split = False  # in one process, which says exactly what went wrong
                else:
                    source.fall_back()

    def _merge_parts(
        self,
        plan: TablePlan,
        source: Source,
        state: TableState | None,
        parts: list[LoadedPart],
    ) -> Written:
        """Add the parts of ``source`` other processes loaded (``csvs.parallel``), in order:
        the table and the warnings are those of a load in one process."""
        self._note_fallback(source)
        skip = SkipCounter(source.item.label, self.options.skip_errors, self.pending.append)
        skip.width = parts[0].width
        layout = self._layout(source, state, parts[0].width)
        written = Written(layout, skip, 0, 0)
        for part in parts:
            result = part.result
            if state is not None:
                self._settle(plan, state, result.kinds)
                if any(
                    result.declared.get(key) in (INTEGER, REAL) and state.declared.get(key) == TEXT
                    for key in state.detect
                ):
                    raise Restart  # the part stored numbers in what is a TEXT column
            lookups = [
                (position, lookup, part.lookup_tables[lookup.table.lower()])
                for position, lookup in layout.lookups
            ]
            try:
                merge_part(
                    self.db,
                    part.schema,
                    part.table,
                    plan.name,
                    layout.columns,
                    lookups,
                    alike=state is not None and layout.columns == plan.columns,
                )
            except sqlite3.Error as error:
                raise SplitFailed from error  # a constraint: one process names the row
            skip.absorb(result.skipped_first, result.skipped, written.lines)
            for index, rewriter in layout.dates:
                rewriter.absorb(*result.dates[index], written.rows)
            written.rows += result.rows
            written.lines += result.lines
        return written

    def _note_fallback(self, source: Source) -> None:
        if source.fallback:
            self.pending.append(f"{source.item.label} is not valid UTF-8; it was read as latin-1")

    def _write_rows(
        self,
        plan: TablePlan,
        source: Source,
        state: TableState | None,
        part: Part | None = None,
    ) -> Written:
        label = source.item.label
        if part is None:
            self._note_fallback(source)
        skip = SkipCounter(label, self.options.skip_errors, self.pending.append)
        recent: collections.deque = collections.deque(maxlen=2)
        with open_csv(source.item, source.encoding, self.params, skip, part) as reader:
            layout = self._layout(source, state, len(reader.columns))
            detecting = state is not None and state.final is None
            detect = layout.detect if detecting else []
            keys = [layout.keys[i] for i in detect]
            types = InputTypes(detect, keys, len(source.columns), integers=False)
            writer: RowListWriter | None = None
            try:
                for batch in reader.batches(BATCH):
                    recent.append(batch)
                    rows = shape_rows(batch, layout, types)
                    self._check_rows(rows, layout)
                    if state is not None:
                        self._settle(plan, state, types.kinds())
                    if writer is None:
                        options = InsertOptions(
                            batch_size=ROWS_PER_STATEMENT, batch_size_explicit=True
                        )
                        writer = RowListWriter(self.db.table(plan.name), layout.columns, options)
                    number_shared_values(rows, layout)
                    writer.write(rows, batch.first_row, *conversions(layout, declared(state)))
            except OverflowError as error:
                if integer_overflow(rows, layout, declared(state)):
                    raise Restart from None  # an INTEGER column is TEXT after all (CS-4)
                raise row_error(error, label, recent) from None
            except sqlite3.Error as error:
                raise row_error(error, label, recent) from None
            return Written(layout, skip, reader.rows_read, reader.lines_read)

    def _check_rows(self, rows: list[list[Any]], layout: Layout) -> None:
        """Rows one process can always write (a part of an input may not: ``part_load``)."""

    def _report(self, source: Source, written: Written) -> None:
        """The warnings of one input, once all of it is written."""
        for _, rewriter in written.layout.dates:
            warning = date_warning(source, rewriter, self.params)
            if warning is not None:
                self.pending.append(warning)
        written.skip.finish()

    def _layout(self, source: Source, state: TableState | None, width: int) -> Layout:
        fmt = self.options.datetime_format
        dates = {
            column.lower(): DateRewriter(column, self.dates[column.lower()], fmt)
            for column in source.columns
            if column.lower() in self.dates
        }
        lookups = {
            key: self.lookups[extract.table.lower()] for key, extract in self.extracts.items()
        }
        return build_layout(source, width, state.detect if state else (), dates, lookups)

    # -- finishing -------------------------------------------------------------------

    def _finish(self, plan: TablePlan, version: str, before: int) -> None:
        table = self.db.table(plan.name)
        if plan.creates:
            if self.options.fts:
                columns = [_spelling(c, plan.columns) for c in self.options.fts]
                fts.create_fts(self.db, f"{plan.name}_fts", plan.name, columns, version)
                fts.index_rows(self.db, f"{plan.name}_fts", plan.name, columns, self._fts_lookups())
        elif self.db.table(f"{plan.name}_fts").exists():
            columns = [c.name for c in self.db.table(f"{plan.name}_fts").columns]
            fts.index_rows(
                self.db, f"{plan.name}_fts", plan.name, columns, self._fts_lookups(), before
            )
        names = {c.name.lower(): c.name for c in table.columns}
        if self.options.index_fks:
            for key in self.extracts:
                if key in names:
                    table.create_index([names[key]], if_not_exists=True)
        for spec in self.options.index:
            if all(column.lower() in names for column in spec):
                table.create_index([names[c.lower()] for c in spec], if_not_exists=True)

    def _fts_lookups(self) -> dict[str, tuple[str, str]]:
        return {
            extract.column: (extract.table, extract.value_column)
            for extract in self.options.extract
        }


def _spelling(column: str, columns: list[str]) -> str:
    return next(c for c in columns if c.lower() == column.lower())
