"""Loading the planned inputs in one transaction (CS-4 .. CS-10).

Rows go through the library's row-list writer (``RowListWriter``, ``insert_all``'s engine for
lists of cells). A table the run creates
starts with TEXT columns (lookup, ``--shape``-typed, date and fixed columns typed up front);
O-DETECT runs over every row written, and the columns it finds numeric are retyped once all
inputs are in, so each input is read once.
"""

from __future__ import annotations

import collections
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.core.insert import InsertOptions, RowListWriter
from datamill.core.sqlite import sqlite3
from datamill.csvs import fts
from datamill.csvs.dates import DateRewriter
from datamill.csvs.errors import CsvsError
from datamill.csvs.lookups import Lookup
from datamill.csvs.options import CsvsOptions, dialect_params
from datamill.csvs.plan import Source, TablePlan
from datamill.csvs.reader import SkipCounter, open_csv
from datamill.io.batch import Batch
from datamill.io.detect import INTEGER, REAL, TEXT, ColumnTypes, is_integer_text
from datamill.io.prefetch import prefetch

BATCH = 2000
INSERT_BATCH = 1000
PREFETCH = 2
SWITCH_INTERVAL = 0.0001  # the writer waits for the GIL after each statement (io.prefetch)
_LOCATION = re.compile(r' \(row \d+(?:, column "[^"]*")?\)$')


@dataclass
class TableState:
    """Detection results for a table the run creates, merged over its inputs."""

    detect: set[str] = field(default_factory=set)  # columns whose type comes from the data
    kinds: dict[str, str] = field(default_factory=dict)  # column -> INTEGER / REAL / TEXT


def _merge(kinds: dict[str, str], column: str, kind: str) -> None:
    rank = {INTEGER: 0, REAL: 1, TEXT: 2}
    old = kinds.get(column)
    if old is None or rank[kind] > rank[old]:
        kinds[column] = kind


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

    def run(self) -> None:
        with self.db.atomic():
            self._run()

    def _run(self) -> None:
        version = fts.fts_version(self.db) if self.options.fts or self._lookup_fts() else ""
        for extract in self.options.extract:
            key = extract.table.lower()
            if key not in self.lookups:
                self.lookups[key] = Lookup(self.db, extract.table, extract.value_column)
        for plan in self.plans:
            state = self._prepare(plan)
            before = self._max_rowid(plan)
            for source in plan.sources:
                self._load(plan, source, state)
            self._finish(plan, state, version, before)
        if self._lookup_fts():
            for lookup in self.lookups.values():
                name = f"{lookup.table}_{lookup.value_column}_fts"
                if not self.db.table(name).exists():
                    fts.create_fts(self.db, name, lookup.table, [lookup.value_column], version)
                fts.rebuild(self.db, name)

    def _lookup_fts(self) -> bool:
        return bool(self.options.extract) and self.options.fulltext_fks

    def _max_rowid(self, plan: TablePlan) -> int:
        if plan.creates:
            return 0
        return self.db.execute(f"select max(rowid) from {q(plan.name)}").fetchone()[0] or 0

    # -- creating --------------------------------------------------------------------

    def _prepare(self, plan: TablePlan) -> TableState:
        state = TableState()
        if not plan.creates:
            return state
        if self.options.replace_tables:
            self.db.execute(f"drop table if exists {q(plan.name + '_fts')}")
            self.db.execute(f"drop table if exists {q(plan.name)}")
        shape_types = {
            entry.name.lower(): entry.type for entry in self.options.shape or () if entry.type
        }
        fixed = {
            name.lower(): _fixed_type(value)
            for source in plan.sources
            for name, value in source.added
        }
        types: dict[str, str] = {}
        foreign_keys = []
        for column in plan.columns:
            key = column.lower()
            if key in self.extracts:
                types[column] = INTEGER
                foreign_keys.append((column, self.extracts[key].table, "id"))
            elif key in shape_types:
                types[column] = shape_types[key]
            elif key in fixed:
                types[column] = fixed[key]
            else:
                types[column] = TEXT
                if key not in self.dates and not self.options.just_strings:
                    state.detect.add(column)
        pk = self.options.primary_key
        self.db.create_table(
            plan.name,
            types,
            pk=(pk[0] if len(pk) == 1 else tuple(pk)) if pk else None,
            foreign_keys=foreign_keys or None,
        )
        return state

    # -- loading ---------------------------------------------------------------------

    def _load(self, plan: TablePlan, source: Source, state: TableState) -> None:
        """Parse in a reader thread (SQLite releases the GIL while it writes); map lookup
        values and write here, on the connection's own thread."""
        label = source.item.label
        skip = SkipCounter(label, self.options.skip_errors, self.warn)
        recent: collections.deque = collections.deque(maxlen=PREFETCH + 2)
        with open_csv(source.item, source.encoding, self.params, skip) as reader:
            columns, batches = self._shaped(source, state, reader, recent)
            lookups = [
                (i, self.lookups[self.extracts[c.lower()].table.lower()])
                for i, c in enumerate(source.columns)
                if c.lower() in self.extracts
            ]
            options = InsertOptions(
                conversions=self._conversions(source),
                batch_size=INSERT_BATCH,
                batch_size_explicit=True,
            )
            writer = RowListWriter(self.db.table(plan.name), columns, options)
            interval = None if lookups else SWITCH_INTERVAL
            try:
                for batch, rows in prefetch(batches, PREFETCH, interval):
                    for index, lookup in lookups:
                        ids = lookup.ids_for([row[index] for row in rows])
                        for row, id_ in zip(rows, ids):
                            row[index] = id_
                    writer.write(rows, batch.first_row)
            except (sqlite3.Error, OverflowError) as error:
                raise self._row_error(error, label, recent) from None
        skip.finish()

    def _conversions(self, source: Source) -> dict[str, str]:
        return {
            column: "nullif(?, '')"
            for column in source.columns
            if column.lower() not in self.extracts and column.lower() not in self.dates
        }

    def _shaped(
        self, source: Source, state: TableState, reader: Any, recent: collections.deque
    ) -> tuple[list[str], Iterator[tuple[Batch, list[list[Any]]]]]:
        """The columns written, and each batch's rows shaped for them: cells kept, types
        detected, dates rewritten, added columns set (lookup ids are left to the writer)."""
        columns = list(source.columns)
        positions = {column.lower(): i for i, column in enumerate(columns)}
        replaced: list[tuple[int, Any]] = []
        appended: list[Any] = []
        for name, value in source.added:
            if name.lower() in positions:
                replaced.append((positions[name.lower()], value))
            else:
                columns.append(name)
                appended.append(value)
        detect = [i for i, c in enumerate(source.columns) if c in state.detect]
        detect = [i for i in detect if all(i != r for r, _ in replaced)]
        dates = [
            (i, DateRewriter(c, self.dates[c.lower()], self.options.datetime_format))
            for i, c in enumerate(source.columns)
            if c.lower() in self.dates
        ]
        width = len(reader.columns)
        project = None if source.keep == list(range(width)) else _getter(source.keep)
        every = detect == list(range(len(source.columns)))
        pick = None if not detect or every else _getter(detect)

        def shaped() -> Iterator[tuple[Batch, list[list[Any]]]]:
            types = ColumnTypes(len(detect)) if detect else None
            for batch in reader.batches(BATCH):
                recent.append(batch)
                rows = batch.rows
                if project is not None:
                    rows = [list(project(row)) for row in rows]
                if types is not None:
                    types.feed(rows if pick is None else [pick(row) for row in rows])
                for index, rewriter in dates:
                    first = batch.first_row
                    for offset, row in enumerate(rows):
                        row[index] = rewriter.rewrite(row[index], first + offset)
                for index, value in replaced:
                    for row in rows:
                        row[index] = value
                if appended:
                    for row in rows:
                        row.extend(appended)
                yield batch, rows
            if types is not None:
                for index, kind, seen in zip(detect, types.types, types.seen):
                    if seen:
                        _merge(state.kinds, source.columns[index], kind)
            for _, rewriter in dates:
                self._date_warning(source, rewriter)

        return columns, shaped()

    def _date_warning(self, source: Source, rewriter: DateRewriter) -> None:
        if not rewriter.kept or rewriter.first_kept is None:
            return
        row, value = rewriter.first_kept
        line = _line_of(source, self.params, row)
        count = rewriter.kept
        column = f'column "{rewriter.column}"'
        if count == 1:
            kept = f"1 value in {column} is not a date and was kept as it is"
        else:
            kept = f"{count} values in {column} are not dates and were kept as they are"
        self.warn(f'{source.item.label}: {kept} (first on line {line}: "{value}")')

    def _row_error(self, error: Exception, label: str, recent: collections.deque) -> CsvsError:
        row = getattr(error, "row_number", None)
        column = getattr(error, "column", None)
        message = _LOCATION.sub("", str(error))
        if row is None:
            return CsvsError(f"{message} ({label})")
        line = next(
            (
                batch.line_of(row - batch.first_row)
                for batch in recent
                if batch.first_row <= row < batch.first_row + len(batch.rows)
            ),
            None,
        )
        where = f"{label}, row {row}"
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f', column "{column}"'
        return CsvsError(f"{message} ({where})")

    # -- finishing -------------------------------------------------------------------

    def _finish(self, plan: TablePlan, state: TableState, version: str, before: int) -> None:
        table = self.db.table(plan.name)
        if plan.creates:
            numeric = [column for column, kind in state.kinds.items() if kind != TEXT]
            too_long = self._out_of_range(plan.name, numeric)
            retype = {column: state.kinds[column] for column in numeric if column not in too_long}
            if retype:
                table.transform(types=retype)
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

    def _out_of_range(self, table: str, columns: list[str]) -> set[str]:
        """The ``columns`` holding an integer literal beyond 64 bits (CS-4): one scan for all."""
        if not columns:
            return set()
        long = " or ".join(f"length({q(column)}) > 18" for column in columns)
        picked = ", ".join(q(column) for column in columns)
        found = set()
        for values in self.db.execute(f"select {picked} from {q(table)} where {long}"):
            for column, value in zip(columns, values):
                text = (value or "").strip()
                if is_integer_text(text) and not -(2**63) <= int(text) < 2**63:
                    found.add(column)
        return found


def _fixed_type(value: Any) -> str:
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return REAL
    return TEXT


def _spelling(column: str, columns: list[str]) -> str:
    return next(c for c in columns if c.lower() == column.lower())


def _getter(indexes: list[int]) -> Callable[[list[Any]], Any]:
    getter = operator.itemgetter(*indexes)
    if len(indexes) == 1:
        return lambda row: (getter(row),)
    return getter


def _line_of(source: Source, params: dict[str, Any], row: int) -> int | None:
    """The line where record ``row`` of ``source`` starts (read again: error paths only)."""
    quiet = SkipCounter(source.item.label, True, lambda message: None)
    with open_csv(source.item, source.encoding, params, quiet) as reader:
        for batch in reader.batches(BATCH):
            if row < batch.first_row + len(batch.rows):
                return batch.line_of(row - batch.first_row)
    return None
