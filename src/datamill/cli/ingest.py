"""Loading records into a table for ``insert`` and ``upsert`` (C-INSERT, C-UPSERT, I-1..I-5).

The commands are a thin layer over the core insert engine; this module decides the batches,
the transaction policy and the table's types, and turns engine errors into one-line messages
that name the input row, line and column.

- CSV/TSV without ``--convert`` goes through ``RowListWriter`` as lists of cells, with types
  detected batch by batch in the reader thread (I-2): the table is created from the first
  batch and a column that later needs a wider type is widened in place (schema only) and
  just that column's written values are converted.
- Everything else goes through ``Table.insert_all``/``upsert_all`` one batch at a time.
- Without ``--batch-size`` the whole load is one transaction; with it, each batch commits.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from datamill.cli.progress import Progress
from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier
from datamill.core.insert import InsertOptions, RowListWriter
from datamill.core.table import Table
from datamill.core.values import decode_base64_values, flatten
from datamill.io.batch import Batch
from datamill.io.csv_reader import CsvReader
from datamill.io.detect import INTEGER, REAL, TEXT, ColumnTypes
from datamill.io.errors import InputError
from datamill.io.prefetch import prefetch

WINDOW = 100  # C-INSERT sample window for JSON-like input
DICT_BATCH = 1000
CSV_BATCH = 5000
ROWS_PER_STATEMENT = 500  # bigger statements are no faster and their prepared form costs RSS
NUMERIC_TYPES = {"INTEGER", "REAL", "FLOAT"}
DECLARED_TYPES = {
    "integer": "INTEGER",
    "text": "TEXT",
    "float": "FLOAT",
    "real": "REAL",
    "blob": "BLOB",
    "any": "ANY",
}


@dataclasses.dataclass
class LoadSettings:
    """What to do with the records: the insert/upsert options that shape the table."""

    table: str
    pk: tuple[str, ...] = ()
    alter: bool = False
    ignore: bool = False
    replace: bool = False
    truncate: bool = False
    upsert: bool = False
    analyze: bool = False
    strict: bool = False
    detect_types: bool = True
    empty_null: bool = False
    flatten: bool = False
    not_null: tuple[str, ...] = ()
    defaults: dict[str, str] = dataclasses.field(default_factory=dict)
    types: dict[str, str] = dataclasses.field(default_factory=dict)
    batch_size: int | None = None
    stop_after: int | None = None

    @property
    def pk_value(self) -> Any:
        if not self.pk:
            return None
        return self.pk[0] if len(self.pk) == 1 else self.pk


@dataclasses.dataclass
class LoadResult:
    """Counts for the I-5 summary."""

    records: int = 0
    inserted: int = 0
    ignored: int = 0
    replaced: int = 0


class LoadError(Exception):
    """A load failed; the message is the complete one-line error text (without ``Error:``)."""


def located(message: str, row: int | None, line: int | None, column: str | None) -> str:
    """Append `` (input row R, line L, column "C")`` with whatever parts are known."""
    parts = []
    if row is not None:
        parts.append(f"input row {row}")
    if line is not None:
        parts.append(f"line {line}")
    if column is not None:
        parts.append(f'column "{column}"')
    return f"{message} ({', '.join(parts)})" if parts else message


class Loader:
    """Runs one load into ``db`` per ``settings``, reporting progress to ``progress``."""

    def __init__(self, db: Database, settings: LoadSettings, progress: Progress) -> None:
        self.db = db
        self.settings = settings
        self.progress = progress
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

        writer = _CsvTableWriter(self, list(reader.columns), detect)
        self._run(prefetch(shaped()), writer.write, reader)
        return self.result

    def load_records(
        self,
        batches: Iterable[Batch],
        prepare: Callable[[Batch], tuple[list[dict[str, Any]], list[tuple[int, int | None]]]],
        reader: Any = None,
    ) -> LoadResult:
        """Load batches of records that ``prepare`` turns into dicts plus their origins."""
        batches = _limit(batches, self.settings.stop_after)
        writer = _DictTableWriter(self, prepare)
        source = prefetch(batches) if reader is not None else batches
        self._run(source, writer.write, reader)
        return self.result

    # -- transactions --------------------------------------------------------------------

    def _run(self, items: Iterable[Any], write: Callable[[Any], int], reader: Any) -> None:
        db = self.db
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of short-lived rows: collections cost more than they free
        try:
            if self.settings.batch_size:
                with db.atomic():
                    self._start()
                for item in items:
                    with db.atomic():
                        self.result.records += write(item)
                    self._report(reader)
            else:
                with db.atomic():
                    self._start()
                    for item in items:
                        self.result.records += write(item)
                        self._report(reader)
        finally:
            if gc_was_enabled:
                gc.enable()
        self._finish()

    def _start(self) -> None:
        table = self.table
        if self.settings.table in self.db.view_names():
            raise LoadError(f"Table {self.settings.table} is actually a view")
        if self.settings.truncate and table.exists():
            self.db.execute(f"DELETE FROM {quote_identifier(table.name)};")
        if self.progress.enabled:
            self._rows_before = table.count if table.exists() else 0

    def _report(self, reader: Any) -> None:
        if self.progress.enabled:
            done = reader.bytes_read if reader is not None else 0
            self.progress.update(done, self.result.records)

    def _finish(self) -> None:
        settings = self.settings
        if settings.analyze and self.table.exists():
            self.table.analyze()
        if not self.progress.enabled:
            return
        after = self.table.count if self.table.exists() else 0
        inserted = max(0, after - self._rows_before)
        other = max(0, self.result.records - inserted)
        self.result.inserted = inserted
        if settings.ignore:
            self.result.ignored = other
        elif settings.replace or settings.upsert:
            self.result.replaced = other
        self.progress.finish(self.result.inserted, self.result.ignored, self.result.replaced)

    # -- engine errors --------------------------------------------------------------------

    def engine_error(self, error: BaseException, origin: Callable[[int], tuple[int, int | None]]):
        """Turn an annotated engine error into a ``LoadError`` naming the input position."""
        index = getattr(error, "row_number", None)
        cause = error.__cause__ if error.__cause__ is not None else error
        message = _strip_annotation(str(error)) if cause is error else str(cause)
        if index is None:
            return LoadError(message)
        row, line = origin(index - 1)
        column = getattr(error, "column", None)
        text = located(message, row, line, column)
        if "has no column named" in message:
            text += " - try using --alter to add additional columns"
        return LoadError(text)


_ANNOTATION = re.compile(r" \(row \d+(?:, column \"[^\"]*\")?\)$")


def _strip_annotation(message: str) -> str:
    return _ANNOTATION.sub("", message)


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


class _CsvTableWriter:
    """Writes CSV batches through ``RowListWriter``, creating and widening the table."""

    def __init__(self, loader: Loader, columns: list[str], detect: bool) -> None:
        self.loader = loader
        self.columns = columns
        self.detect = detect
        self.declared: list[str] = []
        self.writer: RowListWriter | None = None

    def write(self, item: tuple[Batch, list[str]]) -> int:
        batch, detected = item
        if not batch.rows:
            return 0
        if self.writer is None:
            self._open(detected)
        elif self.detect and detected != self.declared:
            self._widen(detected)
        assert self.writer is not None
        try:
            self.writer.write(batch.rows, 1)
        except InputError:
            raise
        except Exception as error:
            if getattr(error, "row_number", None) is None:
                raise
            raise self.loader.engine_error(
                error, lambda i: (batch.row_number(i), batch.line_of(i))
            ) from None
        return len(batch.rows)

    def _open(self, detected: list[str]) -> None:
        loader = self.loader
        settings = loader.settings
        table = loader.table
        overrides = {c: DECLARED_TYPES[t.lower()] for c, t in settings.types.items()}
        created = not table.exists()
        if created:
            self.declared = detected if self.detect else [TEXT] * len(self.columns)
            types = [overrides.get(c, t) for c, t in zip(self.columns, self.declared)]
            table.create(
                dict(zip(self.columns, types)),
                pk=settings.pk_value,
                not_null=list(settings.not_null) or None,
                defaults=settings.defaults or None,
                strict=settings.strict,
            )
            self.declared = [
                t if c not in overrides else "FIXED" for c, t in zip(self.columns, types)
            ]
        self.writer = self._writer(created, overrides)

    def _writer(self, created: bool, overrides: dict[str, str]) -> RowListWriter:
        settings = self.loader.settings
        conversions = {}
        if created:
            for column, declared in zip(self.columns, self.declared):
                kind = overrides.get(column, declared)
                if kind in NUMERIC_TYPES:
                    conversions[column] = "nullif(?, '')"
        options = InsertOptions(
            pk=settings.pk_value,
            alter=settings.alter,
            ignore=settings.ignore,
            replace=settings.replace,
            upsert=settings.upsert,
            conversions=conversions,
            batch_size=ROWS_PER_STATEMENT,
            batch_size_explicit=True,
        )
        return RowListWriter(self.loader.table, self.columns, options)

    def _widen(self, detected: list[str]) -> None:
        """Widen declared types in place and convert just those columns' values (I-2)."""
        db = self.loader.db
        table = self.loader.table
        pks = set(table.pks)
        changed = False
        for index, (old, new) in enumerate(zip(self.declared, detected)):
            if old == new or old == "FIXED" or (old, new) == (TEXT, TEXT):
                continue
            column = self.columns[index]
            # TEXT only ever turns numeric when every earlier value was empty
            if column in pks or (old != TEXT and _rank(new) <= _rank(old)):
                continue
            widen_column(db, table.name, column, old, new)
            self.declared[index] = new
            changed = True
        if changed:
            overrides = {
                c: DECLARED_TYPES[t.lower()] for c, t in self.loader.settings.types.items()
            }
            self.writer = self._writer(True, overrides)


def _rank(kind: str) -> int:
    return {INTEGER: 0, REAL: 1, TEXT: 2}.get(kind, 3)


def widen_column(db: Database, table: str, column: str, old: str, new: str) -> None:
    """Change ``column``'s declared type from ``old`` to ``new`` without rewriting the table.

    Only the stored CREATE TABLE text changes; values already written are converted to the
    new storage class (numbers to REAL, or to their TEXT form). A column that was TEXT because
    every earlier value was empty turns numeric, and its empty strings become NULL.
    """
    sql = db.execute(
        "select sql from sqlite_master where type = 'table' and name = ?", [table]
    ).fetchone()[0]
    pattern = re.compile(rf"^(   {re.escape(quote_identifier(column))} ){old}\b", re.MULTILINE)
    new_sql = pattern.sub(lambda m: m.group(1) + new, sql, count=1)
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute(
            "update sqlite_master set sql = ? where type = 'table' and name = ?",
            [new_sql, table],
        )
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    quoted = quote_identifier(column)
    if old == TEXT:
        db.execute(f"update {quote_identifier(table)} set {quoted} = null where {quoted} = ''")
        return
    target = "REAL" if new == REAL else "TEXT"
    db.execute(
        f"update {quote_identifier(table)} set {quoted} = cast({quoted} as {target}) "
        f"where typeof({quoted}) in ('integer', 'real')"
    )


class _DictTableWriter:
    """Writes batches of dict records with ``Table.insert_all``/``upsert_all``."""

    def __init__(
        self,
        loader: Loader,
        prepare: Callable[[Batch], tuple[list[dict[str, Any]], list[tuple[int, int | None]]]],
    ) -> None:
        self.loader = loader
        self.prepare = prepare

    def write(self, batch: Batch) -> int:
        records, origins = self.prepare(batch)
        if not records:
            return 0
        settings = self.loader.settings
        if settings.upsert:
            runs = _runs_by_keys(records)
        else:
            runs = [(0, records)]
        for start, run in runs:
            try:
                if settings.upsert and required_missing(self.loader.table, run[0]):
                    self._upsert_one_by_one(run, start, origins)
                    continue
                self._insert(run)
            except InputError:
                raise
            except Exception as error:
                if getattr(error, "row_number", None) is None:
                    raise
                raise self.loader.engine_error(
                    error, lambda i, start=start: origins[start + i]
                ) from None
        return len(records)

    def _upsert_one_by_one(
        self,
        records: list[dict[str, Any]],
        start: int,
        origins: list[tuple[int, int | None]],
    ) -> None:
        """Upsert records that omit a NOT NULL column: existing rows get an UPDATE of just
        the given columns (an INSERT ... ON CONFLICT would fail the NOT NULL check first)."""
        table = self.loader.table
        pks = [c.name for c in table.columns if c.is_pk] or ["rowid"]
        where = " and ".join(f"{quote_identifier(pk)} = ?" for pk in pks)
        exists_sql = f"select 1 from {quote_identifier(table.name)} where {where}"
        for offset, record in enumerate(records):
            key = [record.get(pk) for pk in pks]
            if self.loader.db.execute(exists_sql, key).fetchone():
                updates = {k: v for k, v in record.items() if k not in pks}
                table.update(key if len(key) > 1 else key[0], updates)
            else:
                try:
                    self._insert([record])
                except Exception as error:
                    if getattr(error, "row_number", None) is None:
                        raise
                    raise self.loader.engine_error(
                        error, lambda i, at=start + offset: origins[at]
                    ) from None

    def _insert(self, records: list[dict[str, Any]]) -> None:
        settings = self.loader.settings
        columns = {c: DECLARED_TYPES[t.lower()] for c, t in settings.types.items()}
        self.loader.table.insert_all(
            records,
            pk=settings.pk_value,
            alter=settings.alter,
            ignore=settings.ignore,
            replace=settings.replace,
            not_null=list(settings.not_null) or None,
            defaults=settings.defaults or None,
            columns=columns or None,
            strict=settings.strict,
            batch_size=max(1, len(records)),
            upsert=settings.upsert,
        )


def required_missing(table: Table, keys: Iterable[str]) -> bool:
    """Whether the existing ``table`` has a NOT NULL column without default not in ``keys``."""
    if not table.exists():
        return False
    present = set(keys)
    return any(
        c.notnull and c.default_value is None and not c.is_pk and c.name not in present
        for c in table.columns
    )


def _runs_by_keys(records: list[dict[str, Any]]) -> list[tuple[int, list[dict[str, Any]]]]:
    """Consecutive records with the same keys, so an upsert only sets the keys it has."""
    runs = []
    start = 0
    for _, group in itertools.groupby(records, key=lambda r: tuple(r)):
        run = list(group)
        runs.append((start, run))
        start += len(run)
    return runs


def prepare_records(
    convert: Callable[[Any], Any] | None,
    mode: str,
    do_flatten: bool,
    columns: list[str] | None = None,
) -> Callable[[Batch], tuple[list[dict[str, Any]], list[tuple[int, int | None]]]]:
    """Build the per-batch step that validates, converts and flattens records.

    ``mode`` is ``json`` (records are parsed values), ``csv`` (lists of cells named by
    ``columns``), ``lines`` or ``text``.
    """

    def prepare(batch: Batch) -> tuple[list[dict[str, Any]], list[tuple[int, int | None]]]:
        records: list[dict[str, Any]] = []
        origins: list[tuple[int, int | None]] = []
        for index, value in enumerate(batch.rows):
            row = batch.row_number(index)
            line = batch.line_of(index)
            if mode == "csv":
                value = dict(zip(columns or [], value))
            produced = _apply_convert(convert, mode, value, row, line) if convert else [value]
            for record in produced:
                if not isinstance(record, dict):
                    raise LoadError(
                        located(
                            f"Rows must all be dictionaries, got: {repr(record)[:1000]}",
                            row,
                            line,
                            None,
                        )
                    )
                if do_flatten:
                    record = flatten(record)
                records.append(decode_base64_values(record))
                origins.append((row, line))
        return records, origins

    return prepare


def _apply_convert(
    convert: Callable[[Any], Any], mode: str, value: Any, row: int, line: int | None
) -> list[Any]:
    argument = value
    if mode == "lines":
        argument = value["line"]
    elif mode == "text":
        argument = value["text"]
    try:
        result = convert(argument)
    except Exception as error:
        raise LoadError(
            located(f"--convert raised {type(error).__name__}: {error}", row, line, None)
        ) from None
    if mode == "text":
        if isinstance(result, dict):
            return [result]
        if isinstance(result, (str, bytes)) or not hasattr(result, "__iter__"):
            raise LoadError("--convert must return dict or iterator")
        return list(result)
    if mode == "lines":
        return [result]
    if isinstance(result, dict):
        return [result]
    if not result:
        return [value]
    return [result]
