"""Table, View and their shared read interface, Queryable (L-ACC, L-INTRO, L-ROWS, L-CRT...).

The methods that change a table (insert, transform, extract, foreign keys, convert) and
``analyze_column`` import their machinery when first called, so commands that only read
start quickly (issue 11).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from datamill.core import introspect, spatialite
from datamill.core.ddl import create_index_sql
from datamill.core.errors import AlterError, NoTable, NotFoundError
from datamill.core.identifiers import fold_identifier_case, quote_identifier, resolve_casing
from datamill.core.m2m import m2m as link_many_to_many
from datamill.core.models import (
    DEFAULT,
    Column,
    ColumnDetails,
    ForeignKey,
    Index,
    Trigger,
    XIndex,
)
from datamill.core.row_errors import annotate, column_from_message
from datamill.core.sqlite import sqlite3
from datamill.core.table_parser import Check, parse_checks
from datamill.core.table_sql import guess_foreign_column, guess_foreign_table
from datamill.core.types import column_affinity, sql_type, suggest_column_types
from datamill.core.values import dedupe_keys, jsonify_if_needed
from datamill.search.table_fts import TableSearchMixin

if TYPE_CHECKING:
    from datamill.core.database import Database


class _ImplicitBatchSize(int):
    """The built-in default batch size; any other value, even ``100``, counts as explicit."""


DEFAULT_BATCH_SIZE = _ImplicitBatchSize(100)

COUNTS_TABLE_SQL = (
    'CREATE TABLE IF NOT EXISTS "_counts"(\n   "table" TEXT PRIMARY KEY,\n'
    "   count INTEGER DEFAULT 0\n);"
)


class Queryable:
    """What tables and views share: existence, counts, rows and columns."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name

    def exists(self) -> bool:
        return False

    @property
    def count(self) -> int:
        """``select count(*)``; raises OperationalError if the object is missing."""
        return self.count_where()

    def count_where(self, where: str | None = None, where_args: Any = None) -> int:
        sql = f"select count(*) from {quote_identifier(self.name)}"
        if where is not None:
            sql += f" where {where}"
        return self.db.execute(sql, where_args or []).fetchone()[0]

    def execute_count(self) -> int:
        """``count(*)``, never the cached count."""
        return self.count_where()

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()

    def rows_where(
        self,
        where: str | None = None,
        where_args: Any = None,
        order_by: str | None = None,
        select: str = "*",
        limit: int | None = None,
        offset: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield rows as dicts (L-ROWS-1); a missing table yields nothing."""
        if not self.exists():
            return
        sql = f"select {select} from {quote_identifier(self.name)}"
        if where is not None:
            sql += f" where {where}"
        if order_by is not None:
            sql += f" order by {order_by}"
        if limit is not None:
            sql += f" limit {limit}"
        if offset is not None:
            if limit is None:
                sql += " limit -1"
            sql += f" offset {offset}"
        cursor = self.db.execute(sql, where_args or [])
        keys = dedupe_keys([d[0] for d in cursor.description])
        for row in cursor:
            yield dict(zip(keys, row))

    def pks_and_rows_where(
        self,
        where: str | None = None,
        where_args: Any = None,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Iterator[tuple[Any, dict[str, Any]]]:
        """Yield ``(pk, row)`` pairs; rowid tables get ``rowid`` in each row (L-ROWS-2)."""
        columns = self.columns
        column_names = [c.name for c in columns]
        pks = [c.name for c in introspect.primary_key_columns(columns)]
        select = ",".join(quote_identifier(name) for name in column_names)
        if not pks:
            select = "rowid," + select
            pks = ["rowid"]
        for row in self.rows_where(
            where=where,
            where_args=where_args,
            order_by=order_by,
            select=select,
            limit=limit,
            offset=offset,
        ):
            values = tuple(row[pk] for pk in pks)
            yield (values[0] if len(values) == 1 else values), row

    @property
    def columns(self) -> list[Column]:
        return introspect.table_columns(self.db, self.name)

    @property
    def columns_dict(self) -> dict[str, type]:
        """``{name: python type}`` by SQLite type affinity."""
        return {column.name: column_affinity(column.type) for column in self.columns}

    @property
    def schema(self) -> str:
        row = self.db.execute(
            "select sql from sqlite_master where name = ?", [self.name]
        ).fetchone()
        return row[0] if row else ""


class View(Queryable):
    """A view: readable like a table, droppable, never writable."""

    def exists(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "<View {} ({})>".format(self.name, ", ".join(c.name for c in self.columns))

    def drop(self, ignore: bool = False) -> None:
        """``DROP VIEW``; a missing view raises unless ``ignore``."""
        try:
            self.db.execute(f"DROP VIEW {quote_identifier(self.name)}")
        except sqlite3.OperationalError:
            if not ignore:
                raise


class Table(Queryable, TableSearchMixin):
    """A table, which need not exist until the first insert or create."""

    last_rowid: int | None = None
    last_pk: Any = None

    def __init__(
        self,
        db: Database,
        name: str,
        pk: Any = None,
        foreign_keys: Any = None,
        column_order: Any = None,
        not_null: Any = None,
        defaults: Any = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        hash_id: str | None = None,
        hash_id_columns: Any = None,
        alter: bool = False,
        ignore: bool = False,
        replace: bool = False,
        extracts: Any = None,
        conversions: dict[str, str] | None = None,
        columns: dict[str, Any] | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(db, name)
        self._defaults = dict(
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            batch_size=batch_size,
            hash_id=hash_id,
            hash_id_columns=hash_id_columns,
            alter=alter,
            ignore=ignore,
            replace=replace,
            extracts=extracts,
            conversions=conversions or {},
            columns=columns,
            strict=strict,
        )

    def __repr__(self) -> str:
        if not self.exists():
            return f"<Table {self.name} (does not exist yet)>"
        return "<Table {} ({})>".format(self.name, ", ".join(c.name for c in self.columns))

    def value_or_default(self, key: str, value: Any) -> Any:
        """``value``, or this table's configured value for ``key`` when it is ``DEFAULT``."""
        return self._defaults[key] if value is DEFAULT else value

    # -- introspection -----------------------------------------------------------

    def exists(self) -> bool:
        return (
            self.db.execute(
                "select name from sqlite_master where type = 'table' and name = ?", [self.name]
            ).fetchone()
            is not None
        )

    @property
    def count(self) -> int:
        if self.db.use_counts_table:
            cached = self.db.cached_counts([self.name])
            if self.name in cached:
                return cached[self.name]
        return self.count_where()

    @property
    def pks(self) -> list[str]:
        """Primary key columns in declaration order, or ``["rowid"]``."""
        return introspect.primary_keys(self.columns)

    @property
    def use_rowid(self) -> bool:
        return not any(column.is_pk for column in self.columns)

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        return introspect.foreign_keys(self.db, self.name)

    @property
    def indexes(self) -> list[Index]:
        return introspect.indexes(self.db, self.name)

    @property
    def xindexes(self) -> list[XIndex]:
        return introspect.xindexes(self.db, self.name)

    @property
    def triggers(self) -> list[Trigger]:
        return introspect.triggers(self.db, self.name)

    @property
    def triggers_dict(self) -> dict[str, str]:
        return {trigger.name: trigger.sql for trigger in self.triggers}

    @property
    def default_values(self) -> dict[str, Any]:
        """``{column: default}`` for columns that declare a DEFAULT (L-INTRO-18)."""
        return {
            column.name: introspect.parse_default_value(column.default_value)
            for column in self.columns
            if column.default_value is not None
        }

    @property
    def strict(self) -> bool:
        return introspect.is_strict(self.schema)

    @property
    def virtual_table_using(self) -> str | None:
        return introspect.virtual_table_using(self.schema)

    @property
    def has_counts_triggers(self) -> bool:
        names = {trigger.name for trigger in self.triggers}
        return {f"{self.name}_counts_insert", f"{self.name}_counts_delete"} <= names

    # -- reading -------------------------------------------------------------------

    def get(self, pk_values: Any) -> dict[str, Any]:
        """The row with these primary key values; ``NotFoundError`` if there is none."""
        if not isinstance(pk_values, (list, tuple)):
            pk_values = [pk_values]
        pks = self.pks
        if len(pks) != len(pk_values):
            plural = "" if len(pks) == 1 else "s"
            raise NotFoundError(f"Need {len(pks)} primary key value{plural}")
        where = " and ".join(f"{quote_identifier(pk)} = ?" for pk in pks)
        try:
            rows = self.db.execute(
                f"select * from {quote_identifier(self.name)} where {where}", list(pk_values)
            )
        except sqlite3.OperationalError:
            if not self.exists():
                raise NotFoundError() from None
            raise
        keys = dedupe_keys([d[0] for d in rows.description])
        row = rows.fetchone()
        if row is None:
            raise NotFoundError()
        self.last_pk = pk_values[0] if len(pks) == 1 else pk_values
        return dict(zip(keys, row))

    # -- creating --------------------------------------------------------------------

    def create(
        self,
        columns: dict[str, Any],
        pk: Any = DEFAULT,
        foreign_keys: Any = DEFAULT,
        column_order: Any = DEFAULT,
        not_null: Any = DEFAULT,
        defaults: Any = DEFAULT,
        hash_id: Any = DEFAULT,
        hash_id_columns: Any = DEFAULT,
        extracts: Any = DEFAULT,
        if_not_exists: bool = False,
        replace: bool = False,
        ignore: bool = False,
        transform: bool = False,
        strict: Any = DEFAULT,
    ) -> Table:
        """Create the table (L-CRT-1); see L-CRT-9 for what happens when it exists."""
        resolved = {
            key: self.value_or_default(key, value)
            for key, value in dict(
                pk=pk,
                foreign_keys=foreign_keys,
                column_order=column_order,
                not_null=not_null,
                defaults=defaults,
                hash_id=hash_id,
                hash_id_columns=hash_id_columns,
                extracts=extracts,
                strict=strict,
            ).items()
        }
        with self.db.atomic():
            if self.exists():
                if ignore:
                    self._store_config(resolved)
                    return self
                if replace:
                    self.drop()
                elif transform:
                    self._create_by_transform(columns, resolved)
                    self._store_config(resolved)
                    return self
            sql = self.db.create_table_sql(
                self.name, columns, if_not_exists=if_not_exists, **resolved
            )
            self.db.execute(sql)
        self._store_config(resolved)
        return self

    def _store_config(self, resolved: dict[str, Any]) -> None:
        for key, value in resolved.items():
            if value is None:
                continue
            if key == "strict" and not value:
                continue
            if key == "pk" and resolved.get("hash_id"):
                continue
            self._defaults[key] = value

    def _create_by_transform(self, columns: dict[str, Any], resolved: dict[str, Any]) -> None:
        """``create(transform=True)`` on an existing table (L-CRT-9)."""
        existing = {c.name: c for c in self.columns}
        names = list(existing)
        wanted = {resolve_casing(name, names): kind for name, kind in columns.items()}
        missing = [name for name in wanted if name not in existing]
        for name in missing:
            self.add_column(name, wanted[name])
        existing = {c.name: c for c in self.columns}
        strict = self.strict
        types_changed = (
            bool(missing)
            or set(wanted) != set(existing)
            or any(
                column_affinity(sql_type(kind, strict=strict))
                is not column_affinity(existing[name].type)
                for name, kind in wanted.items()
            )
        )
        # The key a new table would get: pk, else the hash_id column (L-CRT-7), else none,
        # so a transform without either makes a rowid table, as the baseline does.
        pk = (
            resolved["pk"] or resolved["hash_id"] or ("id" if resolved["hash_id_columns"] else None)
        )
        new_pks = (
            [resolve_casing(pk, names)]
            if isinstance(pk, str)
            else [resolve_casing(c, names) for c in pk or ()]
        )
        # As in the baseline, the key is compared only when one is given.
        pk_changed = bool(new_pks) and new_pks != [p for p in self.pks if p != "rowid"]
        order = [resolve_casing(c, names) for c in resolved["column_order"] or ()]
        order_changed = bool(order) and [c.name for c in self.columns][: len(order)] != order
        not_null = {resolve_casing(c, names) for c in resolved["not_null"] or ()}
        not_null_changed = not_null != {c.name for c in self.columns if c.notnull}
        defaults = {resolve_casing(c, names): v for c, v in (resolved["defaults"] or {}).items()}
        defaults_changed = defaults != self.default_values
        if types_changed or pk_changed or order_changed or not_null_changed or defaults_changed:
            self.transform(
                types=wanted,
                drop={name for name in existing if name not in wanted},
                column_order=order or None,
                not_null=not_null,
                defaults=defaults,
                pk=(new_pks[0] if len(new_pks) == 1 else tuple(new_pks)) if new_pks else None,
            )

    # -- inserting ----------------------------------------------------------------------

    def insert(
        self,
        record: dict[str, Any],
        pk: Any = DEFAULT,
        foreign_keys: Any = DEFAULT,
        column_order: Any = DEFAULT,
        not_null: Any = DEFAULT,
        defaults: Any = DEFAULT,
        hash_id: Any = DEFAULT,
        hash_id_columns: Any = DEFAULT,
        alter: Any = DEFAULT,
        ignore: Any = DEFAULT,
        replace: Any = DEFAULT,
        extracts: Any = DEFAULT,
        conversions: Any = DEFAULT,
        columns: Any = DEFAULT,
        strict: Any = DEFAULT,
    ) -> Table:
        """Insert one record; the same as ``insert_all([record], ...)``."""
        return self.insert_all(
            [record],
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            hash_id=hash_id,
            hash_id_columns=hash_id_columns,
            alter=alter,
            ignore=ignore,
            replace=replace,
            extracts=extracts,
            conversions=conversions,
            columns=columns,
            strict=strict,
        )

    def insert_all(
        self,
        records: Iterable[Any],
        pk: Any = DEFAULT,
        foreign_keys: Any = DEFAULT,
        column_order: Any = DEFAULT,
        not_null: Any = DEFAULT,
        defaults: Any = DEFAULT,
        batch_size: Any = DEFAULT,
        hash_id: Any = DEFAULT,
        hash_id_columns: Any = DEFAULT,
        alter: Any = DEFAULT,
        ignore: Any = DEFAULT,
        replace: Any = DEFAULT,
        truncate: bool = False,
        extracts: Any = DEFAULT,
        conversions: Any = DEFAULT,
        columns: Any = DEFAULT,
        upsert: bool = False,
        analyze: bool = False,
        strict: Any = DEFAULT,
    ) -> Table:
        """Insert (or with ``upsert=True`` upsert) many records (L-INS, L-IMP-1..4)."""
        from datamill.core.insert import InsertOptions, insert_all

        resolved_batch_size = self.value_or_default("batch_size", batch_size)
        options = InsertOptions(
            pk=self.value_or_default("pk", pk),
            foreign_keys=self.value_or_default("foreign_keys", foreign_keys),
            column_order=self.value_or_default("column_order", column_order),
            not_null=self.value_or_default("not_null", not_null),
            defaults=self.value_or_default("defaults", defaults),
            batch_size=int(resolved_batch_size),
            batch_size_explicit=not isinstance(resolved_batch_size, _ImplicitBatchSize),
            hash_id=self.value_or_default("hash_id", hash_id),
            hash_id_columns=self.value_or_default("hash_id_columns", hash_id_columns),
            alter=self.value_or_default("alter", alter),
            ignore=self.value_or_default("ignore", ignore),
            replace=self.value_or_default("replace", replace),
            truncate=truncate,
            extracts=self.value_or_default("extracts", extracts),
            conversions=self.value_or_default("conversions", conversions) or {},
            columns=self.value_or_default("columns", columns),
            upsert=upsert,
            analyze=analyze,
            strict=self.value_or_default("strict", strict),
        )
        return insert_all(self, records, options)

    def upsert(
        self,
        record: dict[str, Any],
        pk: Any = DEFAULT,
        foreign_keys: Any = DEFAULT,
        column_order: Any = DEFAULT,
        not_null: Any = DEFAULT,
        defaults: Any = DEFAULT,
        hash_id: Any = DEFAULT,
        hash_id_columns: Any = DEFAULT,
        alter: Any = DEFAULT,
        extracts: Any = DEFAULT,
        conversions: Any = DEFAULT,
        columns: Any = DEFAULT,
        strict: Any = DEFAULT,
    ) -> Table:
        """Insert a record, or update the row with the same primary key."""
        return self.upsert_all(
            [record],
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            hash_id=hash_id,
            hash_id_columns=hash_id_columns,
            alter=alter,
            extracts=extracts,
            conversions=conversions,
            columns=columns,
            strict=strict,
        )

    def upsert_all(
        self,
        records: Iterable[Any],
        pk: Any = DEFAULT,
        foreign_keys: Any = DEFAULT,
        column_order: Any = DEFAULT,
        not_null: Any = DEFAULT,
        defaults: Any = DEFAULT,
        batch_size: Any = DEFAULT,
        hash_id: Any = DEFAULT,
        hash_id_columns: Any = DEFAULT,
        alter: Any = DEFAULT,
        extracts: Any = DEFAULT,
        conversions: Any = DEFAULT,
        columns: Any = DEFAULT,
        analyze: bool = False,
        strict: Any = DEFAULT,
    ) -> Table:
        """Upsert many records: ``insert_all(..., upsert=True)``."""
        return self.insert_all(
            records,
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            batch_size=batch_size,
            hash_id=hash_id,
            hash_id_columns=hash_id_columns,
            alter=alter,
            extracts=extracts,
            conversions=conversions,
            columns=columns,
            upsert=True,
            analyze=analyze,
            strict=strict,
        )

    # -- updating and deleting ------------------------------------------------------------

    def update(
        self,
        pk_values: Any,
        updates: dict[str, Any] | None = None,
        alter: bool = False,
        conversions: dict[str, str] | None = None,
    ) -> Table:
        """Update the row with these primary key values (L-UPD-1)."""
        self.get(pk_values)
        if not updates:
            return self
        if not isinstance(pk_values, (list, tuple)):
            pk_values = [pk_values]
        names = [c.name for c in self.columns]
        conversions = {resolve_casing(k, names): v for k, v in (conversions or {}).items()}
        columns = [resolve_casing(key, names) for key in updates]
        sets = ", ".join(f"{quote_identifier(c)} = {conversions.get(c, '?')}" for c in columns)
        where = " and ".join(f"{quote_identifier(pk)} = ?" for pk in self.pks)
        sql = f"update {quote_identifier(self.name)} set {sets} where {where}"
        params = [jsonify_if_needed(value) for value in updates.values()] + list(pk_values)
        with self.db.atomic():
            try:
                self._run_update(sql, params, columns)
            except sqlite3.OperationalError as error:
                if not (alter and " column" in str(error)):
                    raise
                self.add_missing_columns([updates])
                self._run_update(sql, params, columns)
        return self

    def _run_update(self, sql: str, params: list[Any], columns: list[str]) -> None:
        try:
            cursor = self.db.execute(sql, params)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, OverflowError) as error:
            raise annotate(error, 1, column_from_message(str(error), columns)) from error
        if cursor.rowcount != 1:
            raise NotFoundError(f"Expected to update 1 row, updated {cursor.rowcount}")

    def delete(self, pk_values: Any) -> Table:
        """Delete the row with these primary key values (L-UPD-2)."""
        self.get(pk_values)
        if not isinstance(pk_values, (list, tuple)):
            pk_values = [pk_values]
        where = " and ".join(f"{quote_identifier(pk)} = ?" for pk in self.pks)
        with self.db.atomic():
            self.db.execute(
                f"delete from {quote_identifier(self.name)} where {where}", list(pk_values)
            )
        return self

    def delete_where(
        self, where: str | None = None, where_args: Any = None, analyze: bool = False
    ) -> Table:
        """Delete matching rows, or all rows with no ``where`` (L-UPD-3)."""
        if not self.exists():
            return self
        sql = f"delete from {quote_identifier(self.name)}"
        if where is not None:
            sql += f" where {where}"
        with self.db.atomic():
            self.db.execute(sql, where_args or [])
        if analyze:
            self.analyze()
        return self

    # -- lookups ---------------------------------------------------------------------------

    def lookup(
        self,
        lookup_values: dict[str, Any],
        extra_values: dict[str, Any] | None = None,
        pk: str | None = "id",
        foreign_keys: Any = None,
        column_order: Any = None,
        not_null: Any = None,
        defaults: Any = None,
        extracts: Any = None,
        conversions: dict[str, str] | None = None,
        columns: dict[str, Any] | None = None,
        strict: bool = False,
    ) -> Any:
        """The pk of the row matching ``lookup_values``, inserting it if needed (L-LOOK-1)."""
        if not isinstance(lookup_values, dict):
            raise ValueError("lookup_values must be a dictionary")
        if pk is None:
            raise ValueError("pk cannot be None")
        if extra_values is not None and not isinstance(extra_values, dict):
            raise ValueError("extra_values must be a dictionary")
        combined = {**lookup_values, **(extra_values or {})}
        insert_kwargs = dict(
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            extracts=extracts,
            conversions=conversions,
            columns=columns,
            strict=strict,
        )
        with self.db.atomic():
            if not self.exists():
                self.insert(combined, **insert_kwargs)
                self.create_index(list(lookup_values), unique=True)
                return self.last_pk
            self.add_missing_columns([combined])
            names = [c.name for c in self.columns]
            keys = [resolve_casing(key, names) for key in lookup_values]
            wanted = sorted(fold_identifier_case(k) for k in keys)
            if not any(
                sorted(fold_identifier_case(c) for c in index.columns) == wanted
                for index in self.indexes
            ):
                self.create_index(keys, unique=True)
            where = " and ".join(f"{quote_identifier(key)} IS ?" for key in keys)
            pks = self.pks
            select = ", ".join(quote_identifier(p) if p != "rowid" else "rowid" for p in pks)
            row = self.db.execute(
                f"select {select} from {quote_identifier(self.name)} where {where} limit 1",
                [jsonify_if_needed(v) for v in lookup_values.values()],
            ).fetchone()
            if row is not None:
                return row[0] if len(row) == 1 else tuple(row)
            self.insert(combined, **insert_kwargs)
            return self.last_pk

    # -- columns and indexes ----------------------------------------------------------------

    def add_column(
        self,
        col_name: str,
        col_type: Any = None,
        fk: str | None = None,
        fk_col: str | None = None,
        not_null_default: Any = None,
    ) -> Table:
        """``ALTER TABLE ADD COLUMN``, optionally as a foreign key (L-ALT-1)."""
        declared_type = None
        if fk is not None:
            if fk not in self.db.table_names():
                raise AlterError(f"table '{fk}' does not exist")
            other = self.db.table(fk)
            if fk_col is not None:
                if fold_identifier_case(fk_col) not in {
                    fold_identifier_case(c.name) for c in other.columns
                }:
                    raise AlterError(f"table '{fk}' has no column {fk_col}")
            else:
                other_pks = introspect.primary_key_columns(other.columns)
                if other_pks:
                    fk_col, declared_type = other_pks[0].name, other_pks[0].type
                else:
                    fk_col, declared_type = "rowid", "INTEGER"
        sql_column_type = declared_type or sql_type(
            str if col_type is None else col_type, strict=self.strict
        )
        sql = (
            f"ALTER TABLE {quote_identifier(self.name)} ADD COLUMN "
            f"{quote_identifier(col_name)} {sql_column_type}"
        )
        if not_null_default is not None:
            sql += f" NOT NULL DEFAULT {self.db.quote_default_value(not_null_default)}"
        sql += ";"
        from datamill.core.transform import foreign_key_safe_atomic

        with foreign_key_safe_atomic(self.db):
            self.db.execute(sql)
            if fk is not None:
                self.add_foreign_key(col_name, fk, fk_col)
        return self

    def add_missing_columns(self, records: Iterable[dict[str, Any]]) -> Table:
        """Add every key of ``records`` that is not yet a column, typed from the values."""
        needed = suggest_column_types(records)
        existing = {fold_identifier_case(c.name) for c in self.columns}
        with self.db.atomic():
            for name, kind in needed.items():
                if fold_identifier_case(name) not in existing:
                    self.add_column(name, kind)
                    existing.add(fold_identifier_case(name))
        return self

    def create_index(
        self,
        columns: Iterable[str],
        index_name: str | None = None,
        unique: bool = False,
        if_not_exists: bool = False,
        find_unique_name: bool = False,
        analyze: bool = False,
    ) -> Table:
        """Create an index named ``idx_{table}_{columns}`` unless named (L-ALT-8)."""
        columns = list(columns)
        if index_name is None:
            index_name = "idx_{}_{}".format(
                self.name.replace(" ", "_"), "_".join(str(c) for c in columns)
            )
        base_name = index_name
        suffix = 2
        while True:
            sql = create_index_sql(index_name, self.name, columns, unique, if_not_exists)
            try:
                with self.db.atomic():
                    self.db.execute(sql)
                break
            except sqlite3.OperationalError as error:
                if find_unique_name and "already exists" in str(error):
                    index_name = f"{base_name}_{suffix}"
                    suffix += 1
                    continue
                raise
        if analyze:
            self.db.analyze(index_name)
        return self

    def drop_index(self, index_name: str, ignore: bool = False) -> Table:
        """Drop an index of this table (L-ALT-9)."""
        if index_name not in {index.name for index in self.indexes}:
            if ignore:
                return self
            raise sqlite3.OperationalError(f"No index named {index_name} on table {self.name}")
        with self.db.atomic():
            self.db.execute(f"DROP INDEX {quote_identifier(index_name)}")
        return self

    def guess_foreign_table(self, column: str) -> str:
        """Guess the table a column like ``country_id`` refers to (L-ALT-6)."""
        return guess_foreign_table(self.db, column)

    def guess_foreign_column(self, other_table: str) -> str:
        """The single primary key of ``other_table`` (L-ALT-7)."""
        return guess_foreign_column(self.db, other_table)

    # -- lifecycle ---------------------------------------------------------------------------

    def drop(self, ignore: bool = False) -> None:
        """``DROP TABLE``; a missing table raises unless ``ignore``."""
        try:
            with self.db.atomic():
                self.db.execute(f"DROP TABLE {quote_identifier(self.name)}")
        except sqlite3.OperationalError:
            if not ignore:
                raise

    def duplicate(self, new_name: str) -> Table:
        """Copy the table's rows (not its constraints) into ``new_name`` (L-OBJ-3)."""
        if not self.exists():
            raise NoTable(f"Table {self.name} does not exist")
        with self.db.atomic():
            self.db.execute(
                f"CREATE TABLE {quote_identifier(new_name)} AS SELECT * FROM "
                f"{quote_identifier(self.name)};"
            )
        return self.db.table(new_name)

    def enable_counts(self) -> None:
        """Keep this table's row count in ``_counts`` with triggers (L-MAINT-1)."""
        table = quote_identifier(self.name)
        triggers = "".join(
            _counts_trigger(self.name, event, op)
            for event, op in (("insert", "+"), ("delete", "-"))
        )
        script = (
            COUNTS_TABLE_SQL
            + "\n"
            + triggers
            + f'INSERT OR REPLACE INTO "_counts" VALUES ({_sql_string(self.name)}, '
            f"(SELECT count(*) FROM {table}));"
        )
        with self.db.atomic():
            self.db.executescript(script)
        self.db.use_counts_table = True

    def analyze(self) -> None:
        """``ANALYZE "t"``."""
        self.db.analyze(self.name)

    # -- schema changes (transform, extract, foreign keys, many-to-many) ---------------------

    @property
    def checks(self) -> list[Check]:
        """CHECK constraints: column checks in column order, then table checks (L-CRT-11)."""
        if not self.exists() or self.virtual_table_using:
            return []
        return parse_checks(self.schema)

    @property
    def column_checks(self) -> dict[str, list[Check]]:
        """``{column: [Check]}`` for columns that have CHECK constraints."""
        grouped: dict[str, list[Check]] = {}
        for check in self.checks:
            if check.column:
                grouped.setdefault(check.column, []).append(check)
        return grouped

    @property
    def table_checks(self) -> list[Check]:
        """Table-level CHECK constraints."""
        return [check for check in self.checks if not check.column]

    def transform(
        self,
        *,
        types: dict[str, Any] | None = None,
        rename: dict[str, str] | None = None,
        drop: Iterable[str] | None = None,
        pk: Any = DEFAULT,
        not_null: Any = None,
        defaults: dict[str, Any] | None = None,
        drop_foreign_keys: Iterable[Any] | None = None,
        add_foreign_keys: Iterable[Any] | None = None,
        foreign_keys: Iterable[Any] | None = None,
        column_order: Iterable[str] | None = None,
        keep_table: str | None = None,
        strict: bool | None = None,
    ) -> Table:
        """Rebuild the table with changed columns, keys and constraints (L-XFM)."""
        from datamill.core.transform import TransformOptions
        from datamill.core.transform import transform as transform_table

        options = TransformOptions(
            types=types,
            rename=rename,
            drop=drop,
            pk=pk,
            not_null=not_null,
            defaults=defaults,
            drop_foreign_keys=drop_foreign_keys,
            add_foreign_keys=add_foreign_keys,
            foreign_keys=foreign_keys,
            column_order=column_order,
            keep_table=keep_table,
            strict=strict,
        )
        transform_table(self, options)
        if strict is not None:
            self._defaults["strict"] = bool(strict)
        return self

    def transform_sql(
        self,
        *,
        types: dict[str, Any] | None = None,
        rename: dict[str, str] | None = None,
        drop: Iterable[str] | None = None,
        pk: Any = DEFAULT,
        not_null: Any = None,
        defaults: dict[str, Any] | None = None,
        drop_foreign_keys: Iterable[Any] | None = None,
        add_foreign_keys: Iterable[Any] | None = None,
        foreign_keys: Iterable[Any] | None = None,
        column_order: Iterable[str] | None = None,
        keep_table: str | None = None,
        strict: bool | None = None,
        tmp_suffix: str | None = None,
    ) -> list[str]:
        """The SQL statements ``transform()`` would run (L-XFM-3)."""
        from datamill.core.transform import TransformOptions, transform_sql

        options = TransformOptions(
            types=types,
            rename=rename,
            drop=drop,
            pk=pk,
            not_null=not_null,
            defaults=defaults,
            drop_foreign_keys=drop_foreign_keys,
            add_foreign_keys=add_foreign_keys,
            foreign_keys=foreign_keys,
            column_order=column_order,
            keep_table=keep_table,
            strict=strict,
        )
        return transform_sql(self, options, tmp_suffix)

    def extract(
        self,
        columns: str | Iterable[str],
        table: str | None = None,
        fk_column: str | None = None,
        rename: dict[str, str] | None = None,
    ) -> Table:
        """Move ``columns`` into a lookup table and replace them with a foreign key (L-XFM-9)."""
        from datamill.core.extract import extract as extract_columns

        extract_columns(self, columns, table, fk_column, rename)
        return self

    def add_foreign_key(
        self,
        column: str | tuple[str, ...],
        other_table: str | None = None,
        other_column: str | tuple[str, ...] | None = None,
        ignore: bool = False,
        on_delete: str = "NO ACTION",
        on_update: str = "NO ACTION",
    ) -> Table:
        """Add a (possibly compound) foreign key to this table (L-ALT-3)."""
        from datamill.core.foreign_keys import add_foreign_key

        add_foreign_key(self, column, other_table, other_column, ignore, on_delete, on_update)
        return self

    def m2m(
        self,
        other_table: str | Table,
        record_or_iterable: dict[str, Any] | Iterable[dict[str, Any]] | None = None,
        pk: Any = DEFAULT,
        lookup: dict[str, Any] | None = None,
        m2m_table: str | None = None,
        alter: bool = False,
    ) -> Table:
        """Link the row at ``last_pk`` to rows of ``other_table`` (L-LOOK-2)."""
        link_many_to_many(self, other_table, record_or_iterable, pk, lookup, m2m_table, alter)
        return self

    def analyze_column(
        self,
        column: str,
        common_limit: int = 10,
        value_truncate: int | None = None,
        total_rows: int | None = None,
        most_common: bool = True,
        least_common: bool = True,
    ) -> ColumnDetails:
        """Statistics for one column (L-ANLZ-1)."""
        from datamill.core.analysis import analyze_column

        return analyze_column(
            self, column, common_limit, value_truncate, total_rows, most_common, least_common
        )

    def convert(
        self,
        columns: str | list[str],
        fn: Any,
        output: str | None = None,
        output_type: Any = None,
        drop: bool = False,
        multi: bool = False,
        where: str | None = None,
        where_args: Any = None,
        show_progress: bool = False,
    ) -> Table:
        """Rewrite column values with ``fn`` in one transaction (L-CONV)."""
        from datamill.core.convert import convert

        convert(
            self, columns, fn, output, output_type, drop, multi, where, where_args, show_progress
        )
        return self

    def add_geometry_column(
        self,
        column_name: str,
        geometry_type: str,
        srid: int = 4326,
        coord_dimension: str = "XY",
        not_null: bool = False,
    ) -> bool:
        """Add a SpatiaLite geometry column (L-GIS-3)."""
        return spatialite.add_geometry_column(
            self, column_name, geometry_type, srid, coord_dimension, not_null
        )

    def create_spatial_index(self, column_name: str) -> bool:
        """Create a SpatiaLite spatial index (L-GIS-4)."""
        return spatialite.create_spatial_index(self, column_name)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _counts_trigger(table: str, event: str, op: str) -> str:
    """The ``{t}_counts_insert``/``_delete`` trigger, laid out as C-ENABLE-COUNTS stores it."""
    name = _sql_string(table)
    return (
        f"CREATE TRIGGER IF NOT EXISTS {quote_identifier(f'{table}_counts_{event}')} "
        f"AFTER {event.upper()} ON {quote_identifier(table)}\n"
        "BEGIN\n"
        '    INSERT OR REPLACE INTO "_counts"\n'
        "    VALUES (\n"
        f"        {name},\n"
        "        COALESCE(\n"
        f'            (SELECT count FROM "_counts" WHERE "table" = {name}),\n'
        "        0\n"
        f"        ) {op} 1\n"
        "    );\n"
        "END;\n"
    )
