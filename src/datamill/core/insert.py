"""The insert/upsert engine behind ``Table.insert_all`` and ``Table.upsert_all`` (L-INS, L-IMP).

Records stream through in batches. Without an explicit batch size and outside a caller's
transaction the whole call is one transaction (L-IMP-1); each batch is written as few multi-row
statements as the host-parameter limit allows (L-IMP-2); types for a new table come from the whole
first batch (L-IMP-3); and an error is re-raised naming the input row and column (L-IMP-4).
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from datamill.core.errors import InvalidColumns, PrimaryKeyRequired
from datamill.core.identifiers import fold_identifier_case, quote_identifier, resolve_casing
from datamill.core.models import ROWID_ALIASES
from datamill.core.row_errors import (
    NO_COLUMN_NAMED,
    annotate,
    column_from_message,
    overflowing_column,
)
from datamill.core.sqlite import sqlite3
from datamill.core.table_sql import extract_tables
from datamill.core.transactions import replay, write_in_units
from datamill.core.types import suggest_column_types
from datamill.core.values import encode_values, hash_record

if TYPE_CHECKING:
    from datamill.core.table import Table

_LIST_HEADER_ERROR = (
    "When using list-based iteration, the first yielded value must be a list of column name strings"
)
_LIST_ROWS_ERROR = "After column names list, all subsequent records must also be lists"
_EMPTY_AS_NULL: dict[Any, None] = {"": None}  # .get(cell, cell): the cell, or None for ""


@dataclasses.dataclass
class InsertOptions:
    """The resolved arguments of one insert_all/upsert_all call."""

    pk: Any = None
    foreign_keys: Any = None
    column_order: Any = None
    not_null: Any = None
    defaults: Any = None
    batch_size: int = 100
    batch_size_explicit: bool = False
    hash_id: str | None = None
    hash_id_columns: Any = None
    alter: bool = False
    ignore: bool = False
    replace: bool = False
    truncate: bool = False
    extracts: Any = None
    conversions: dict[str, str] = dataclasses.field(default_factory=dict)
    columns: Any = None
    upsert: bool = False
    analyze: bool = False
    strict: bool = False


@dataclasses.dataclass
class _Outcome:
    """What the single record of a one-record call did, for ``last_rowid``/``last_pk``."""

    executed: bool = False
    rowcount: int = -1
    lastrowid: int | None = None
    record: dict[str, Any] | None = None


def insert_all(table: Table, records: Iterable[Any], options: InsertOptions) -> Table:
    """Insert or upsert ``records`` into ``table`` per ``options``; returns the table."""
    options = _validate(table, options)
    iterator = iter(records)
    first = next(iterator, _END)
    if first is _END:
        return table
    rows = _as_dicts(first, iterator)
    first_row: Any = next(rows, _END)
    if first_row is _END:
        return table
    table.last_rowid = None
    table.last_pk = None
    writer = BatchWriter(table, options)
    db = table.db
    batches = enumerate(_batches(itertools.chain([first_row], rows), options.batch_size))

    def start() -> None:
        if options.truncate and table.exists():
            db.execute(f"DELETE FROM {quote_identifier(table.name)};")

    write_in_units(
        db,
        batches,
        lambda numbered: writer.write(numbered[1], first_batch=numbered[0] == 0),
        each_batch_commits=options.batch_size_explicit,
        start=start,
    )
    writer.finish()
    if options.analyze:
        table.analyze()
    return table


_END = object()


def _validate(table: Table, options: InsertOptions) -> InsertOptions:
    """L-INS-2, in order; returns options with hash_id and an adopted pk resolved."""
    if options.hash_id_columns and options.hash_id is None:
        options.hash_id = "id"
    if options.upsert and not options.pk and not options.hash_id:
        if table.exists() and not table.use_rowid:
            pks = table.pks
            options.pk = pks[0] if len(pks) == 1 else tuple(pks)
        else:
            raise PrimaryKeyRequired("upsert() requires a pk")
    if options.hash_id and options.pk:
        raise ValueError("Use either pk= or hash_id=")
    if options.pk and not options.alter and table.exists():
        _check_pk_columns(table, options.pk)
    if options.ignore and options.replace:
        raise ValueError("Use either ignore=True or replace=True, not both")
    return options


def _check_pk_columns(table: Table, pk: Any, extra_columns: Iterable[str] = ()) -> None:
    names = [c.name for c in table.columns] + list(extra_columns)
    folded = {fold_identifier_case(name) for name in names}
    wanted = [pk] if isinstance(pk, str) else list(pk)
    rowid_table = table.use_rowid
    missing = [
        column
        for column in wanted
        if fold_identifier_case(column) not in folded
        and not (rowid_table and column.lower() in ROWID_ALIASES)
    ]
    if missing:
        raise InvalidColumns(
            f"Invalid primary key column {missing!r} for table {table.name} with columns "
            f"{[c.name for c in table.columns]!r}"
        )


def _as_dicts(first: Any, iterator: Iterator[Any]) -> Iterator[dict[str, Any]]:
    """Records as dicts; a first item that is a list/tuple is a header (L-INS-3)."""
    if isinstance(first, (list, tuple)):
        return _list_rows(list(first), iterator)
    return itertools.chain([first], iterator)


def _list_rows(header: list[Any], iterator: Iterator[Any]) -> Iterator[dict[str, Any]]:
    if not all(isinstance(name, str) for name in header):
        raise ValueError(_LIST_HEADER_ERROR)
    for row_number, row in enumerate(iterator, start=1):
        if not isinstance(row, (list, tuple)):
            raise annotate(ValueError(_LIST_ROWS_ERROR), row_number, None)
        yield dict(zip(header, itertools.chain(row, itertools.repeat(None))))


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    size = max(1, size)
    while batch := list(itertools.islice(rows, size)):
        yield batch


class BatchWriter:
    """Writes batches of dict records to one table, creating and altering it as needed."""

    def __init__(self, table: Table, options: InsertOptions) -> None:
        self.table = table
        self.db = table.db
        self.options = options
        self.columns: list[str] = []
        self.rows_done = 0
        self.outcome = _Outcome()
        self.extracts = extract_tables(options.extracts)
        self.pk_columns: list[str] = []
        self._sql_cache: dict[tuple[tuple[str, ...], int], str] = {}
        self._batch: list[dict[str, Any]] = []
        self._lookup_ids: dict[tuple[str, Any], Any] = {}
        self._batch_start = 1
        self._spellings: dict[str, str] = {}
        self._spelled: set[str] = set()
        self._required: set[str] | None = None

    # -- per batch ---------------------------------------------------------

    def write(self, batch: list[dict[str, Any]], first_batch: bool) -> None:
        options = self.options
        if not all(type(record) is dict for record in batch):
            self._check_mappings(batch)
        if options.hash_id:
            batch = [self._with_hash(record) for record in batch]
        batch = self._one_spelling_per_column(batch)
        if first_batch:
            self._check_width(batch)
            self.prepare_table(batch)
        if self.extracts:
            batch = [
                self._with_extracts(record, self.rows_done + offset + 1)
                for offset, record in enumerate(batch)
            ]
        self._extend_columns(batch, first_batch)
        if options.upsert:
            self._check_upsert_keys(batch)
        start_row = self.rows_done + 1
        self._batch, self._batch_start = batch, start_row
        if options.upsert and self._legacy_upsert():
            self._legacy_upsert_batch(batch, start_row)
        elif options.upsert:
            self._upsert_batch(batch, start_row)
        else:
            self._insert_batch(batch, start_row)
        self.rows_done += len(batch)
        if self.rows_done == 1:
            self.outcome.record = batch[0]

    def _check_mappings(self, batch: list[Any]) -> None:
        """In dict mode every record must be a mapping (L-IMP-4: name the row if not)."""
        for offset, record in enumerate(batch):
            if not isinstance(record, Mapping):
                error = ValueError(f"Each record must be a dict, not {type(record).__name__}")
                raise annotate(error, self.rows_done + offset + 1, None)

    def _one_spelling_per_column(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Keys differing only in case fill one column, spelled as first seen (L-GEN-3)."""
        if set().union(*batch) <= self._spelled:
            return batch
        renames = {}
        for key in dict.fromkeys(itertools.chain.from_iterable(batch)):
            spelling = self._spellings.setdefault(fold_identifier_case(key), key)
            if spelling == key:
                self._spelled.add(key)
            else:
                renames[key] = spelling
        if not renames:
            return batch
        return [_renamed(record, renames) for record in batch]

    def _check_width(self, batch: list[dict[str, Any]]) -> None:
        """L-IMP-2.2: a row needs one host parameter per column, so the limit caps the width."""
        limit = self.db.sqlite_max_vars
        if len(set().union(*batch)) > limit:
            raise ValueError(f"Rows can have a maximum of {limit} columns")

    def _with_hash(self, record: dict[str, Any]) -> dict[str, Any]:
        hashed = hash_record(record, self.options.hash_id_columns)
        assert self.options.hash_id is not None  # only called when hash_id is set
        return {self.options.hash_id: hashed, **record}

    def _with_extracts(self, record: dict[str, Any], row: int) -> dict[str, Any]:
        record = dict(record)
        for column, lookup_table in self.extracts.items():
            value = record.get(column)
            if value is not None:
                try:
                    record[column] = self._lookup_id(lookup_table, value)
                except (sqlite3.Error, OverflowError) as error:
                    raise annotate(error, row, column) from error
        return record

    def _lookup_id(self, lookup_table: str, value: Any) -> Any:
        """The lookup row id for ``value``, remembered for the rest of this call."""
        try:
            key = (lookup_table, value)
            return self._lookup_ids[key]
        except KeyError:
            found = self._lookup_ids[key] = self.db.table(lookup_table).lookup({"value": value})
            return found
        except TypeError:  # an unhashable value: look it up every time
            return self.db.table(lookup_table).lookup({"value": value})

    def prepare_table(self, batch: list[dict[str, Any]]) -> None:
        """Create the table from the first batch (L-INS-4, L-IMP-3) and resolve pk columns."""
        options = self.options
        table = self.table
        if not table.exists():
            column_types = suggest_column_types(batch)
            for column in self.extracts:
                column_types[column] = int
            if options.columns:
                column_types.update(options.columns)
            table.create(
                column_types,
                pk=options.pk,
                foreign_keys=options.foreign_keys,
                column_order=options.column_order,
                not_null=options.not_null,
                defaults=options.defaults,
                hash_id=options.hash_id,
                hash_id_columns=options.hash_id_columns,
                extracts=options.extracts,
                strict=options.strict,
            )
        elif options.pk and options.alter:
            keys = {key for record in batch for key in record}
            _check_pk_columns(table, options.pk, keys)
        pk = options.hash_id or options.pk
        if pk:
            wanted = [pk] if isinstance(pk, str) else list(pk)
            existing = [c.name for c in table.columns]
            self.pk_columns = [resolve_casing(column, existing) for column in wanted]
        else:
            self.pk_columns = []

    def _extend_columns(self, batch: list[dict[str, Any]], first_batch: bool) -> None:
        """Statement columns: sorted keys of the first batch, then new keys as they appear."""
        if first_batch:
            keys = set().union(*batch)
            hash_id = self.options.hash_id
            ordered = sorted(key for key in keys if key != hash_id)
            self.columns = ([hash_id] if hash_id else []) + ordered
            return
        if not set().union(*batch).difference(self.columns):
            return
        known = set(self.columns)
        for record in batch:
            for key in record:
                if key not in known:
                    known.add(key)
                    self.columns.append(key)

    def _check_upsert_keys(self, batch: list[dict[str, Any]]) -> None:
        """L-INS-5/L-INS-7 with the L-IMP-4 row number (and column, for a single key)."""
        pks = self.pk_columns
        plural = "columns" if len(pks) > 1 else "column"
        message = f"upsert() requires a value for the primary key {plural}: {', '.join(pks)}"
        column = pks[0] if len(pks) == 1 else None
        spelling = {fold_identifier_case(c): c for c in self.columns}
        keys = [spelling.get(fold_identifier_case(pk)) for pk in pks]
        for offset, record in enumerate(batch):
            row = self.rows_done + offset + 1
            if not record:
                raise annotate(
                    PrimaryKeyRequired(
                        "upsert() requires a value for the primary key - an empty record "
                        "cannot be upserted"
                    ),
                    row,
                    None,
                )
            if None in keys:
                raise annotate(PrimaryKeyRequired(message), row, column)
            if any(key is None or record.get(key) is None for key in keys):
                raise annotate(PrimaryKeyRequired(message), row, column)

    # -- SQL ----------------------------------------------------------------

    def _legacy_upsert(self) -> bool:
        return self.db.use_old_upsert or not self.db.supports_on_conflict

    def rows_per_statement(self) -> int:
        limit = self.db.sqlite_max_vars
        return max(1, min(self.options.batch_size, limit // max(1, len(self.columns))))

    def insert_sql(self, columns: tuple[str, ...], nrows: int) -> str:
        key = (columns, nrows)
        sql = self._sql_cache.get(key)
        if sql is None:
            sql = self._sql_cache[key] = self._render_insert(columns, nrows)
        return sql

    def _render_insert(self, columns: tuple[str, ...], nrows: int) -> str:
        options = self.options
        table = quote_identifier(self.table.name)
        verb = "INSERT"
        if options.replace:
            verb = "INSERT OR REPLACE"
        elif options.ignore:
            verb = "INSERT OR IGNORE"
        if not columns:
            return f"{verb} INTO {table} DEFAULT VALUES"
        conversions = self._conversions()
        placeholders = "(" + ", ".join(conversions.get(c, "?") for c in columns) + ")"
        sql = "{verb} INTO {table} ({columns}) VALUES {values}".format(
            verb=verb,
            table=table,
            columns=", ".join(quote_identifier(c) for c in columns),
            values=", ".join([placeholders] * nrows),
        )
        if options.upsert:
            sql += self._on_conflict(columns, conversions)
        elif options.ignore and self._counted():
            # An outer OR IGNORE would also turn the counts triggers' INSERT OR REPLACE
            # into OR IGNORE, so their count updates would be skipped (L-MAINT-1).
            sql = "INSERT" + sql[len(verb) :] + " ON CONFLICT DO NOTHING"
        return sql

    def _counted(self) -> bool:
        return self.db.supports_on_conflict and self.table.has_counts_triggers

    def _conversions(self) -> dict[str, str]:
        conversions = self.options.conversions or {}
        return {resolve_casing(c, self.columns): fragment for c, fragment in conversions.items()}

    def _on_conflict(self, columns: tuple[str, ...], conversions: dict[str, str]) -> str:
        pks = self.pk_columns
        folded_pks = {fold_identifier_case(pk) for pk in pks}
        updates = [c for c in columns if fold_identifier_case(c) not in folded_pks]
        target = ", ".join(quote_identifier(pk) for pk in pks)
        if not updates:
            return f" ON CONFLICT({target}) DO NOTHING"
        sets = []
        for column in updates:
            excluded = f"excluded.{quote_identifier(column)}"
            value = (
                conversions[column].replace("?", excluded) if column in conversions else excluded
            )
            sets.append(f"{quote_identifier(column)} = {value}")
        return f" ON CONFLICT({target}) DO UPDATE SET {', '.join(sets)}"

    # -- writing --------------------------------------------------------------

    def _insert_batch(
        self,
        batch: list[dict[str, Any]],
        start_row: int,
        columns: tuple[str, ...] | None = None,
    ) -> None:
        """INSERT the batch; ``columns`` (default: every statement column) name what binds."""
        columns = tuple(self.columns) if columns is None else columns
        per_statement = self.rows_per_statement()
        for offset in range(0, len(batch), per_statement):
            chunk = batch[offset : offset + per_statement]
            self._execute_chunk(chunk, start_row + offset, self.options.alter, columns)

    def _upsert_batch(self, batch: list[dict[str, Any]], start_row: int) -> None:
        """Upsert runs of records with the same keys, each setting only its keys (L-IMP-7)."""
        width = len(self.columns)
        if all(len(record) == width for record in batch):
            runs = [(0, batch)]
        else:
            runs = []
            for _, group in itertools.groupby(batch, key=lambda record: record.keys()):
                run = list(group)
                runs.append((sum(len(r) for _, r in runs), run))
        for offset, run in runs:
            keys = run[0].keys()
            columns = tuple(c for c in self.columns if c in keys)
            if self._omits_required(columns):
                self._update_or_insert(run, start_row + offset, columns)
            else:
                self._insert_batch(run, start_row + offset, columns)

    def _omits_required(self, columns: tuple[str, ...]) -> bool:
        """Whether a NOT NULL column without a default is missing from ``columns``."""
        if self._required is None:  # columns --alter adds are nullable: read once per call
            self._required = required_columns(self.table)
        return bool(self._required.difference(fold_identifier_case(c) for c in columns))

    def _update_or_insert(
        self, run: list[dict[str, Any]], start_row: int, columns: tuple[str, ...]
    ) -> None:
        """Records that omit a NOT NULL column (L-IMP-7): an existing key gets an UPDATE of
        just the record's columns, since INSERT ... ON CONFLICT checks NOT NULL first; a new
        key is inserted (and fails, naming the row, unless the column has a value)."""
        table = quote_identifier(self.table.name)
        folded_pks = {fold_identifier_case(pk) for pk in self.pk_columns}
        keys = [
            c
            for pk in self.pk_columns
            for c in columns
            if fold_identifier_case(c) == fold_identifier_case(pk)
        ]
        updates = [c for c in columns if fold_identifier_case(c) not in folded_pks]
        where = " AND ".join(f"{quote_identifier(c)} = ?" for c in keys)
        conversions = self._conversions()
        sets = ", ".join(f"{quote_identifier(c)} = {conversions.get(c, '?')}" for c in updates)
        for offset, record in enumerate(run):
            key = encode_values([record[c] for c in keys])
            if not self.db.execute(f"SELECT 1 FROM {table} WHERE {where}", key).fetchone():
                self._insert_batch([record], start_row + offset, columns)
                continue
            if not updates:
                continue
            try:
                self.db.execute(
                    f"UPDATE {table} SET {sets} WHERE {where}",
                    encode_values([record[c] for c in updates]) + key,
                )
            except (sqlite3.Error, OverflowError, UnicodeEncodeError) as error:
                column = _error_column(error, record, columns)
                raise annotate(error, start_row + offset, column) from error

    def _execute_chunk(
        self,
        chunk: list[dict[str, Any]],
        start_row: int,
        retry_alter: bool,
        columns: tuple[str, ...],
    ) -> None:
        if not columns:
            sql = self.insert_sql(columns, 1)
            for offset in range(len(chunk)):
                try:
                    self._run(sql, [], [{}], start_row + offset)
                except sqlite3.Error as error:
                    column = column_from_message(str(error), ())
                    raise annotate(error, start_row + offset, column) from error
            return
        sql = self.insert_sql(columns, len(chunk))
        params = _flatten(chunk, columns)
        try:
            self._run(sql, params, chunk, start_row)
        except sqlite3.OperationalError as error:
            message = str(error)
            if retry_alter and " column" in message:
                # Statement columns come from the whole batch, which may span several chunks.
                self.table.add_missing_columns(self._batch)
                self._execute_chunk(chunk, start_row, False, columns)
            elif "too many SQL variables" in message and len(chunk) > 1:
                half = len(chunk) // 2
                self._execute_chunk(chunk[:half], start_row, retry_alter, columns)
                self._execute_chunk(chunk[half:], start_row + half, retry_alter, columns)
            else:
                raise self.locate(error, chunk, start_row, columns) from error
        except (sqlite3.Error, OverflowError, UnicodeEncodeError) as error:
            raise self.locate(error, chunk, start_row, columns) from error

    def _run(self, sql: str, params: list[Any], chunk: list[dict[str, Any]], start: int) -> None:
        cursor = self.db.execute(sql, encode_values(params))
        if self.rows_done == 0 and start == 1 and len(chunk) == 1:
            self.outcome.executed = True
            self.outcome.rowcount = cursor.rowcount
            self.outcome.lastrowid = cursor.lastrowid

    def locate(
        self,
        error: Exception,
        chunk: list[dict[str, Any]],
        start_row: int,
        columns: tuple[str, ...],
    ) -> Exception:
        """Find the failing record by replaying the chunk one row at a time (L-IMP-4.4)."""
        message = str(error)
        missing = NO_COLUMN_NAMED.search(message)
        if missing:
            name = fold_identifier_case(missing.group(1))
            for offset, record in enumerate(self._batch):
                if any(fold_identifier_case(key) == name for key in record):
                    return annotate(error, self._batch_start + offset, missing.group(1))
            return annotate(error, start_row, missing.group(1))
        if len(chunk) > 1:
            sql = self.insert_sql(columns, 1)
            with replay(self.db):
                for offset, record in enumerate(chunk):
                    try:
                        self.db.conn.execute(sql, encode_values(_flatten([record], columns)))
                    except (sqlite3.Error, OverflowError, UnicodeEncodeError) as row_error:
                        return annotate(
                            row_error, start_row + offset, _error_column(row_error, record, columns)
                        )
        record = chunk[0] if len(chunk) == 1 else {}
        return annotate(error, start_row, _error_column(error, record, columns))

    def _legacy_upsert_batch(self, batch: list[dict[str, Any]], start_row: int) -> None:
        """Pre-3.24 upsert: INSERT OR IGNORE the key, then UPDATE the rest (L-INS-6)."""
        if self.options.alter:
            self.table.add_missing_columns(batch)
        table = quote_identifier(self.table.name)
        pks = self.pk_columns
        folded_pks = [fold_identifier_case(pk) for pk in pks]
        not_null = [
            c for c in (self.options.not_null or ()) if fold_identifier_case(c) not in folded_pks
        ]
        conversions = self._conversions()
        insert_columns = pks + not_null
        insert_sql = "INSERT OR IGNORE INTO {}({}) VALUES({});".format(
            table,
            ", ".join(quote_identifier(c) for c in insert_columns),
            ", ".join("?" for _ in insert_columns),
        )
        where = " AND ".join(f"{quote_identifier(pk)} = ?" for pk in pks)
        for offset, record in enumerate(batch):
            folded = {fold_identifier_case(k): v for k, v in record.items()}
            key = [folded.get(pk) for pk in folded_pks]
            updates = [k for k in record if fold_identifier_case(k) not in folded_pks]
            try:
                self.db.execute(insert_sql, encode_values(key + ["" for _ in not_null]))
                if updates:
                    sets = ", ".join(
                        f"{quote_identifier(c)} = {conversions.get(c, '?')}" for c in updates
                    )
                    self.db.execute(
                        f"UPDATE {table} SET {sets} WHERE {where}",
                        encode_values([record[c] for c in updates] + key),
                    )
            except (sqlite3.Error, OverflowError, UnicodeEncodeError) as error:
                column = _error_column(error, record, tuple(self.columns))
                raise annotate(error, start_row + offset, column) from error

    # -- after the call -----------------------------------------------------------

    def finish(self) -> None:
        """Set ``last_rowid``/``last_pk`` when exactly one record was processed (L-INS-13)."""
        if self.rows_done != 1 or self.outcome.record is None:
            return
        table = self.table
        record = self.outcome.record
        key_value = self._record_key(record)
        if self.options.upsert:
            table.last_pk = key_value
            return
        if not self.outcome.executed:
            return
        if self.outcome.rowcount == 0:
            table.last_rowid = self._existing_rowid(record)
            table.last_pk = key_value
            return
        table.last_rowid = self.outcome.lastrowid
        if self.options.hash_id:
            table.last_pk = record[self.options.hash_id]
        elif self.pk_columns and not (
            len(self.pk_columns) == 1 and self.pk_columns[0].lower() in ROWID_ALIASES
        ):
            table.last_pk = (
                None if table.last_rowid is None else self._read_back_pk(table.last_rowid)
            )
        else:
            table.last_pk = table.last_rowid

    def _record_key(self, record: dict[str, Any]) -> Any:
        if self.options.hash_id:
            return record[self.options.hash_id]
        pks = self.pk_columns or [p for p in self.table.pks if p != "rowid"]
        if not pks:
            return None
        lowered = {fold_identifier_case(k): v for k, v in record.items()}
        values = tuple(lowered.get(fold_identifier_case(pk)) for pk in pks)
        return values[0] if len(values) == 1 else values

    def _read_back_pk(self, rowid: int) -> Any:
        select = ", ".join(quote_identifier(pk) for pk in self.pk_columns)
        row = self.db.execute(
            f"select {select} from {quote_identifier(self.table.name)} where rowid = ?", [rowid]
        ).fetchone()
        if row is None:
            return None
        return row[0] if len(row) == 1 else tuple(row)

    def _existing_rowid(self, record: dict[str, Any]) -> int | None:
        pks = self.pk_columns or [p for p in self.table.pks if p != "rowid"]
        if not pks:
            return None
        lowered = {fold_identifier_case(k): v for k, v in record.items()}
        where = " and ".join(f"{quote_identifier(pk)} = ?" for pk in pks)
        row = self.db.execute(
            f"select rowid from {quote_identifier(self.table.name)} where {where}",
            [lowered.get(fold_identifier_case(pk)) for pk in pks],
        ).fetchone()
        return row[0] if row else None


def required_columns(table: Table) -> set[str]:
    """Case-folded names of ``table``'s NOT NULL columns without a default, pk excluded: an
    upsert record that omits one cannot take the INSERT ... ON CONFLICT path (L-IMP-7)."""
    if not table.exists():
        return set()
    return {
        fold_identifier_case(c.name)
        for c in table.columns
        if c.notnull and c.default_value is None and not c.is_pk
    }


def _flatten(chunk: list[dict[str, Any]], columns: tuple[str, ...]) -> list[Any]:
    """The chunk's values in column order, one flat list; missing keys bind NULL."""
    if len(columns) == 1:
        column = columns[0]
        return [record.get(column) for record in chunk]
    getter: Callable[[dict[str, Any]], tuple[Any, ...]] = operator.itemgetter(*columns)
    try:
        return list(itertools.chain.from_iterable(map(getter, chunk)))
    except KeyError:
        return [record.get(column) for record in chunk for column in columns]


def _renamed(record: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    """``record`` with keys renamed; when two keys become one, the first value is kept."""
    renamed: dict[str, Any] = {}
    for key, value in record.items():
        renamed.setdefault(renames.get(key, key), value)
    return renamed


def _error_column(error: Exception, record: dict[str, Any], columns: tuple[str, ...]) -> str | None:
    """The column an error names or, for an int too large for SQLite, the column holding it."""
    column = column_from_message(str(error), columns)
    if column is None and isinstance(error, OverflowError):
        column = overflowing_column(record, columns)
    if column is None and isinstance(error, UnicodeEncodeError):
        column = next((c for c in columns if record.get(c) == error.object), None)
    return column


class RowListWriter:
    """Fast path for already-shaped rows: lists of values in ``header`` order.

    Used by the CLI's CSV/TSV ingest. Rows are bound as they are (no per-row dicts, no value
    encoding when ``plain_values`` says every value is str or None), in multi-row statements
    sized per L-IMP-2, with the same SQL, alter retry and row/column error location as
    ``insert_all``. The caller owns the transaction (L-IMP-1.6) and must pad rows to the
    header's length.

    ``write(..., reals=...)`` names columns of numeric text that bind as ``float(text)``, the
    double nearest the decimal text (L-IMP-6): SQLite 3.40's own text-to-real conversion is
    one unit in the last place off for some decimals. ``integers`` bind as ``int(text)``, and
    the empty cells of ``empty_null`` columns as NULL. Whole columns of a statement convert at
    once, at C speed, in the thread that waits on SQLite anyway.
    """

    def __init__(
        self,
        table: Table,
        header: list[str],
        options: InsertOptions,
        plain_values: bool = True,
    ) -> None:
        self.header = tuple(header)
        self.plain_values = plain_values
        self._writer = BatchWriter(table, _validate(table, options))
        self._prepared = False

    def write(
        self,
        rows: list[list[Any]],
        start_row: int,
        reals: Sequence[int] = (),
        integers: Sequence[int] = (),
        empty_null: Sequence[int] = (),
        mapped: Sequence[tuple[int, Callable[[list[Any]], Sequence[Any]]]] = (),
    ) -> None:
        """Write ``rows``; errors name rows counting ``rows[0]`` as ``start_row``.

        Every value in a ``reals`` or ``integers`` column is numeric text, empty or None;
        empty binds as NULL there. A ``mapped`` column ``(index, convert)`` binds
        ``convert(cells)``, called with the column's cells of each statement in turn.
        """
        if not rows:
            return
        writer = self._writer
        if not self._prepared:
            writer.prepare_table([dict(zip(self.header, rows[0]))])
            writer.columns = list(self.header)
            self._prepared = True
        if writer.options.upsert:
            self._check_upsert_keys(rows, start_row)
        per_statement = writer.rows_per_statement()
        for offset in range(0, len(rows), per_statement):
            chunk = rows[offset : offset + per_statement]
            self._execute(
                chunk,
                start_row + offset,
                writer.options.alter,
                (reals, integers, empty_null, mapped),
            )
        writer.rows_done += len(rows)

    def _check_upsert_keys(self, rows: list[list[Any]], start_row: int) -> None:
        writer = self._writer
        folded = [fold_identifier_case(c) for c in self.header]
        pks = writer.pk_columns
        plural = "columns" if len(pks) > 1 else "column"
        message = f"upsert() requires a value for the primary key {plural}: {', '.join(pks)}"
        for pk in pks:
            if fold_identifier_case(pk) not in folded:
                raise annotate(PrimaryKeyRequired(message), start_row, None)
            values = list(map(operator.itemgetter(folded.index(fold_identifier_case(pk))), rows))
            if None in values:
                raise annotate(PrimaryKeyRequired(message), start_row + values.index(None), None)

    def _execute(
        self,
        chunk: list[list[Any]],
        start_row: int,
        retry_alter: bool,
        columns: tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[Any]],
    ) -> None:
        writer = self._writer
        sql = writer.insert_sql(self.header, len(chunk))
        params = list(itertools.chain.from_iterable(chunk))
        width = len(self.header)
        reals, integers, empty_null, mapped = columns
        for index, convert in mapped:
            params[index::width] = convert(params[index::width])
        for index in empty_null:
            cells = params[index::width]
            if "" in cells:
                params[index::width] = map(_EMPTY_AS_NULL.get, cells, cells)
        for indexes, number in ((reals, float), (integers, int)):
            for index in indexes:
                cells = params[index::width]
                if "" in cells or None in cells:
                    params[index::width] = [number(v) if v else None for v in cells]
                else:
                    params[index::width] = map(number, cells)
        if not self.plain_values:
            params = encode_values(params)
        try:
            writer.db.execute(sql, params)
        except sqlite3.OperationalError as error:
            records = [dict(zip(self.header, row)) for row in chunk]
            if retry_alter and " column" in str(error):
                writer.table.add_missing_columns(records)
                self._execute(chunk, start_row, False, columns)
            else:
                raise writer.locate(error, records, start_row, self.header) from error
        except (sqlite3.Error, OverflowError) as error:
            records = [dict(zip(self.header, row)) for row in chunk]
            raise writer.locate(error, records, start_row, self.header) from error
