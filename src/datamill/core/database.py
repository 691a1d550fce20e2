"""The Database: connection, transactions, SQL execution and database-wide operations."""

from __future__ import annotations

import contextlib
import inspect
import itertools
import os
import pathlib
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from datamill import fuzzy, plugins
from datamill.core import introspect, spatialite
from datamill.core.ddl import quote_default_value
from datamill.core.errors import NoTable, NoView, TransactionError
from datamill.core.identifiers import quote_identifier
from datamill.core.m2m import m2m_table_candidates
from datamill.core.models import SQLITE_MAX_VARS, Trigger
from datamill.core.sql_functions import Cursor, create_function, function_errors
from datamill.core.sql_text import (
    QUERY_REJECTED_KEYWORDS,
    TRANSACTION_KEYWORDS,
    first_keyword,
    split_statements,
)
from datamill.core.sqlite import sqlite3
from datamill.core.table import COUNTS_TABLE_SQL, Table, View
from datamill.core.table_sql import create_table_sql
from datamill.core.values import dedupe_keys
from datamill.search import register_functions
from datamill.search.database_fts import DatabaseSearchMixin

Tracer = Callable[[str, Any], None]

_QUERY_NEEDS_ROWS = (
    "query() can only be used with SQL that returns rows - use execute() for other statements"
)
_savepoint_ids = itertools.count(1)


class Database(DatabaseSearchMixin):
    """A SQLite database: open a file, an in-memory database or wrap a connection."""

    def __init__(
        self,
        filename_or_conn: str | pathlib.Path | sqlite3.Connection | None = None,
        memory: bool = False,
        memory_name: str | None = None,
        recreate: bool = False,
        recursive_triggers: bool = True,
        tracer: Tracer | None = None,
        use_counts_table: bool = False,
        execute_plugins: bool = True,
        use_old_upsert: bool = False,
        strict: bool = False,
    ) -> None:
        if (filename_or_conn is not None) == bool(memory or memory_name):
            raise ValueError("Either specify a filename_or_conn or pass memory=True")
        self.memory_name = memory_name
        self.memory = False
        if memory_name:
            self.conn = sqlite3.connect(
                f"file:{memory_name}?mode=memory&cache=shared",
                uri=True,
                check_same_thread=False,
            )
            self.memory = True
        elif memory or filename_or_conn == ":memory:":
            self.conn = sqlite3.connect(":memory:")
            self.memory = True
        elif isinstance(filename_or_conn, (str, pathlib.Path)):
            if recreate and os.path.exists(filename_or_conn):
                os.remove(filename_or_conn)
            self.conn = sqlite3.connect(str(filename_or_conn))
        else:
            if recreate:
                raise ValueError("recreate cannot be used with connections, only paths")
            _check_transaction_control(filename_or_conn)
            self.conn = filename_or_conn
        # Before plugins' prepare_connection, and outside the register_function registry, so
        # that later definitions of the same names replace them (S-FN-1, FZ-1).
        register_functions(self.conn)
        if fuzzy.available():
            fuzzy.register(self.conn)
        self._tracer = tracer
        self.use_counts_table = use_counts_table
        self.use_old_upsert = use_old_upsert
        self.strict = strict
        self._registered_functions: set[tuple[str, int]] = set()
        self._sqlite_max_vars = _host_parameter_limit(self.conn)
        if recursive_triggers:
            self.execute("PRAGMA recursive_triggers=on;")
        if execute_plugins:
            plugins.ensure_plugins_loaded()
            plugins.pm.hook.prepare_connection(conn=self.conn)

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        """Close the connection, rolling back any open transaction."""
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Database {self.conn!r}>"

    def attach(self, alias: str, filepath: str | pathlib.Path) -> None:
        """Attach another database file under ``alias``."""
        path = str(pathlib.Path(filepath).resolve()).replace("'", "''")
        self.execute(f"ATTACH DATABASE '{path}' AS {quote_identifier(alias)};")

    @property
    def sqlite_max_vars(self) -> int:
        """The host-parameter limit of this connection (L-IMP-2)."""
        return self._sqlite_max_vars

    # -- transactions ----------------------------------------------------------

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """A transaction, or a savepoint when one is already open (L-TXN-2)."""
        conn = self.conn
        if not conn.in_transaction:
            conn.execute("BEGIN")
            try:
                yield self
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        else:
            name = f"datamill_{next(_savepoint_ids)}"
            conn.execute(f'SAVEPOINT "{name}"')
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f'ROLLBACK TO "{name}"')
                    conn.execute(f'RELEASE "{name}"')
                raise
            conn.execute(f'RELEASE "{name}"')

    def begin(self) -> None:
        """Open a transaction; the library's methods join it and never commit it."""
        self.execute("BEGIN")

    def commit(self) -> None:
        """Commit the open transaction, if any."""
        if self.conn.in_transaction:
            self.conn.commit()

    def rollback(self) -> None:
        """Roll back the open transaction, if any."""
        if self.conn.in_transaction:
            self.conn.rollback()

    @contextlib.contextmanager
    def ensure_autocommit_on(self) -> Iterator[None]:
        """Run the block with the driver in autocommit mode (L-TXN-6)."""
        if self.conn.in_transaction:
            raise TransactionError(
                "ensure_autocommit_on() cannot be used inside a transaction - changing "
                "isolation_level would commit the open transaction"
            )
        old_isolation_level = self.conn.isolation_level
        try:
            self.conn.isolation_level = None
            yield
        finally:
            self.conn.isolation_level = old_isolation_level

    # -- executing SQL ---------------------------------------------------------

    def _trace(self, sql: str, parameters: Any) -> None:
        if self._tracer is not None:
            self._tracer(sql, parameters)

    @contextlib.contextmanager
    def tracer(self, tracer: Tracer | None = None) -> Iterator[Database]:
        """Trace every statement inside the block (``print`` by default)."""
        previous = self._tracer
        self._tracer = print if tracer is None else tracer
        try:
            yield self
        finally:
            self._tracer = previous

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Execute one statement, committing a write when no transaction was open (L-TXN-4)."""
        self._trace(sql, parameters)
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = _run(conn, sql, parameters)
        except BaseException:
            if not was_in_transaction and conn.in_transaction:
                conn.rollback()
            raise
        if (
            not was_in_transaction
            and conn.in_transaction
            and cursor.description is None
            and first_keyword(sql) not in TRANSACTION_KEYWORDS
        ):
            conn.commit()
        return cursor

    def executescript(self, sql: str) -> sqlite3.Cursor:
        """Execute a script; inside a transaction each statement runs on its own."""
        self._trace(sql, None)
        cursor = self.conn.cursor(Cursor)
        with function_errors():
            if not self.conn.in_transaction:
                return cursor.executescript(sql)
            for statement in split_statements(sql):
                cursor.execute(statement)
        return cursor

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        """Run a row-returning statement now and iterate its rows as dicts (L-QRY-1)."""
        keyword = first_keyword(sql)
        if keyword in QUERY_REJECTED_KEYWORDS:
            raise ValueError(_QUERY_NEEDS_ROWS)
        if keyword == "PRAGMA":
            cursor = self._execute_pragma(sql, params)
            if cursor.description is None:
                raise ValueError(_QUERY_NEEDS_ROWS)
            return _dict_rows(cursor, cursor)
        self._trace(sql, params)
        conn = self.conn
        was_in_transaction = conn.in_transaction
        name = f"datamill_q{next(_savepoint_ids)}"
        conn.execute(f'SAVEPOINT "{name}"')
        try:
            cursor = _run(conn, sql, params)
            if cursor.description is None:
                raise ValueError(_QUERY_NEEDS_ROWS)
            rows: Iterable[Any] = cursor
            try:
                conn.execute(f'RELEASE "{name}"')
            except sqlite3.OperationalError:
                # Only an unfinished write blocks RELEASE: buffer its rows, then release.
                rows = cursor.fetchall()
                conn.execute(f'RELEASE "{name}"')
        except BaseException:
            if conn.in_transaction:
                conn.execute(f'ROLLBACK TO "{name}"')
                conn.execute(f'RELEASE "{name}"')
            raise
        if not was_in_transaction and conn.in_transaction:
            conn.commit()
        return _dict_rows(cursor, rows)

    def _execute_pragma(self, sql: str, params: Any) -> sqlite3.Cursor:
        if self.conn.in_transaction:
            return self.execute(sql, params)
        with self.ensure_autocommit_on():
            return self.execute(sql, params)

    def execute_returning_dicts(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        """``list(db.query(sql, params))``."""
        return list(self.query(sql, params))

    def quote(self, value: Any) -> str:
        """Quote a value as an SQL literal using SQLite's ``quote()``."""
        return self.execute("SELECT quote(:value)", {"value": value}).fetchone()[0]

    def quote_default_value(self, value: Any) -> str:
        """Render a DEFAULT clause literal (L-DDL-3)."""
        return quote_default_value(value, self.quote)

    # -- SQL functions ---------------------------------------------------------

    def register_function(
        self,
        fn: Callable[..., Any] | None = None,
        deterministic: bool = False,
        replace: bool = False,
        name: str | None = None,
    ) -> Any:
        """Register a Python function as an SQL function; usable as a decorator (L-FUNC-1)."""

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            fn_name = name or fn.__name__
            arity = len(inspect.signature(fn).parameters)
            if not replace and (fn_name, arity) in self._registered_functions:
                return fn
            create_function(self.conn, fn_name, arity, fn, deterministic)
            self._registered_functions.add((fn_name, arity))
            return fn

        if fn is None:
            return register
        register(fn)
        return None

    # -- tables and views ------------------------------------------------------

    def table(self, table_name: str, **kwargs: Any) -> Table:
        """A Table object for ``table_name``; the table need not exist yet (L-ACC-1)."""
        if table_name in self.view_names():
            raise NoTable(f"Table {table_name} is actually a view")
        kwargs.setdefault("strict", self.strict)
        return Table(self, table_name, **kwargs)

    def __getitem__(self, table_name: str) -> Table | View:
        if table_name in self.view_names():
            return View(self, table_name)
        return Table(self, table_name, strict=self.strict)

    def view(self, view_name: str) -> View:
        """A View object; ``NoView`` if it is a table or missing."""
        if view_name not in self.view_names():
            if view_name in self.table_names():
                raise NoView(f"View {view_name} does not exist - {view_name} is a table")
            raise NoView(f"View {view_name} does not exist")
        return View(self, view_name)

    def table_names(self, fts4: bool = False, fts5: bool = False) -> list[str]:
        """Table names in sqlite_master order, optionally only FTS4/FTS5 virtual tables."""
        where = ["type = 'table'"]
        if fts4:
            where.append("sql like '%USING FTS4%'")
        if fts5:
            where.append("sql like '%USING FTS5%'")
        sql = "select name from sqlite_master where {}".format(" AND ".join(where))
        return [row[0] for row in self.execute(sql).fetchall()]

    def view_names(self) -> list[str]:
        """View names in sqlite_master order."""
        sql = "select name from sqlite_master where type = 'view'"
        return [row[0] for row in self.execute(sql).fetchall()]

    @property
    def tables(self) -> list[Table]:
        return [self.table(name) for name in self.table_names()]

    @property
    def views(self) -> list[View]:
        return [View(self, name) for name in self.view_names()]

    @property
    def triggers(self) -> list[Trigger]:
        return introspect.triggers(self)

    @property
    def triggers_dict(self) -> dict[str, str]:
        return {trigger.name: trigger.sql for trigger in self.triggers}

    @property
    def schema(self) -> str:
        """Every schema statement in sqlite_master order, each ending in ``;``."""
        sqls = []
        for (sql,) in self.execute(
            "select sql from sqlite_master where sql is not null"
        ).fetchall():
            sqls.append(sql if sql.strip().endswith(";") else sql + ";")
        return "\n".join(sqls)

    @property
    def sqlite_version(self) -> tuple[int, ...]:
        version = self.execute("select sqlite_version()").fetchone()[0]
        return tuple(int(part) for part in version.split("."))

    @property
    def journal_mode(self) -> str:
        return self.execute("PRAGMA journal_mode;").fetchone()[0]

    @property
    def supports_strict(self) -> bool:
        if not hasattr(self, "_supports_strict"):
            self._supports_strict = self.sqlite_version >= (3, 37, 0)
        return self._supports_strict

    @property
    def supports_on_conflict(self) -> bool:
        if not hasattr(self, "_supports_on_conflict"):
            self._supports_on_conflict = self.sqlite_version >= (3, 24, 0)
        return self._supports_on_conflict

    def create_table_sql(
        self,
        name: str,
        columns: dict[str, Any],
        pk: Any = None,
        foreign_keys: Any = None,
        column_order: Any = None,
        not_null: Any = None,
        defaults: Any = None,
        hash_id: str | None = None,
        hash_id_columns: Any = None,
        extracts: Any = None,
        if_not_exists: bool = False,
        strict: bool = False,
    ) -> str:
        """The exact CREATE TABLE text that ``create_table`` would execute (L-DDL)."""
        return create_table_sql(
            self,
            name,
            columns,
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            hash_id=hash_id,
            hash_id_columns=hash_id_columns,
            extracts=extracts,
            if_not_exists=if_not_exists,
            strict=strict,
        )

    def create_table(
        self,
        name: str,
        columns: dict[str, Any],
        pk: Any = None,
        foreign_keys: Any = None,
        column_order: Any = None,
        not_null: Any = None,
        defaults: Any = None,
        hash_id: str | None = None,
        hash_id_columns: Any = None,
        extracts: Any = None,
        if_not_exists: bool = False,
        replace: bool = False,
        ignore: bool = False,
        transform: bool = False,
        strict: bool = False,
    ) -> Table:
        """Create a table and return it (L-CRT-2)."""
        self.table(name).create(
            columns,
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            hash_id=hash_id,
            hash_id_columns=hash_id_columns,
            extracts=extracts,
            if_not_exists=if_not_exists,
            replace=replace,
            ignore=ignore,
            transform=transform,
            strict=strict,
        )
        return self.table(
            name,
            pk=pk,
            foreign_keys=foreign_keys,
            column_order=column_order,
            not_null=not_null,
            defaults=defaults,
            hash_id=hash_id,
            hash_id_columns=hash_id_columns,
        )

    def create_view(
        self, name: str, sql: str, ignore: bool = False, replace: bool = False
    ) -> Database:
        """Create a view; ``ignore``/``replace`` decide what happens if it exists (L-OBJ-1)."""
        if ignore and replace:
            raise ValueError("Use one or the other of ignore/replace, not both")
        create_sql = f"CREATE VIEW {quote_identifier(name)} AS {sql}"
        with self.atomic():
            if name in self.view_names():
                if ignore:
                    return self
                if replace:
                    existing = self.execute(
                        "select sql from sqlite_master where type = 'view' and name = ?", [name]
                    ).fetchone()[0]
                    if existing == create_sql:
                        return self
                    self.execute(f"DROP VIEW {quote_identifier(name)}")
            self.execute(create_sql)
        return self

    def rename_table(self, name: str, new_name: str) -> None:
        """``ALTER TABLE "name" RENAME TO "new_name"``."""
        with self.atomic():
            self.execute(
                f"ALTER TABLE {quote_identifier(name)} RENAME TO {quote_identifier(new_name)}"
            )

    # -- counts, WAL, maintenance ----------------------------------------------

    def enable_counts(self) -> None:
        """Maintain cached row counts in ``_counts`` for every ordinary table (L-MAINT-2)."""
        with self.atomic():
            for table in self.tables:
                # SQLite's own sqlite_* tables cannot carry triggers.
                if (
                    table.virtual_table_using is None
                    and table.name != "_counts"
                    and not table.name.lower().startswith("sqlite_")
                ):
                    table.enable_counts()
        self.use_counts_table = True

    def cached_counts(self, tables: Iterable[str] | None = None) -> dict[str, int]:
        """``{table: count}`` from ``_counts``, optionally for some tables only."""
        if "_counts" not in self.table_names():
            return {}
        sql = 'select "table", count from "_counts"'
        params: list[str] = []
        if tables:
            params = list(tables)
            sql += ' where "table" in ({})'.format(", ".join("?" for _ in params))
        return {row[0]: row[1] for row in self.execute(sql, params).fetchall()}

    def reset_counts(self) -> None:
        """Recompute ``_counts`` for every table that has counts triggers."""
        tables = [table for table in self.tables if table.has_counts_triggers]
        with self.atomic():
            self.execute(COUNTS_TABLE_SQL)
            self.execute('DELETE FROM "_counts";')
            for table in tables:
                self.execute(
                    'INSERT INTO "_counts" ("table", count) VALUES (?, ?)',
                    [table.name, table.execute_count()],
                )

    def enable_wal(self) -> None:
        """Switch to WAL journal mode (L-MAINT-4)."""
        self._set_journal_mode("wal", "enable_wal")

    def disable_wal(self) -> None:
        """Switch back to the rollback journal (L-MAINT-4)."""
        self._set_journal_mode("delete", "disable_wal")

    def _set_journal_mode(self, mode: str, method: str) -> None:
        if self.journal_mode == mode:
            return
        if self.conn.in_transaction:
            raise TransactionError(f"{method}() cannot be used while a transaction is open")
        with self.ensure_autocommit_on():
            self.execute(f"PRAGMA journal_mode={mode};")

    def add_foreign_keys(self, foreign_keys: Iterable[Any]) -> None:
        """Add foreign keys given as 4-tuples or ForeignKey objects (L-ALT-4)."""
        from datamill.core.foreign_keys import add_foreign_keys

        add_foreign_keys(self, foreign_keys)

    def index_foreign_keys(self) -> None:
        """Index every foreign key that no index covers yet (L-ALT-5)."""
        from datamill.core.foreign_keys import index_foreign_keys

        index_foreign_keys(self)

    def m2m_table_candidates(self, table: str, other_table: str) -> list[str]:
        """Tables with foreign keys to both ``table`` and ``other_table`` (L-LOOK-2)."""
        return m2m_table_candidates(self, table, other_table)

    def vacuum(self) -> None:
        """``VACUUM;``"""
        self.execute("VACUUM;")

    def analyze(self, name: str | None = None) -> None:
        """``ANALYZE`` the database, or one table or index."""
        sql = "ANALYZE"
        if name is not None:
            sql += f" {quote_identifier(name)}"
        self.execute(sql)

    def init_spatialite(self, path: str | None = None) -> bool:
        """Load SpatiaLite and initialise its metadata (L-GIS-2)."""
        return spatialite.init_spatialite(self, path)

    def iterdump(self) -> Iterator[str]:
        """The database as SQL statements, via sqlite-dump when installed (L-MAINT-5)."""
        try:
            from sqlite_dump import iterdump  # type: ignore[import-not-found]
        except ImportError:
            if not hasattr(self.conn, "iterdump"):
                raise AttributeError(
                    "conn.iterdump() not found - try pip install sqlite-dump"
                ) from None
            yield from self.conn.iterdump()
        else:
            yield from iterdump(self.conn)


def _run(conn: sqlite3.Connection, sql: str, params: Any) -> sqlite3.Cursor:
    """Execute on a ``Cursor``, so functions' own messages reach the caller (S-FN-8, FZ-4)."""
    cursor = conn.cursor(Cursor)
    with function_errors():
        return cursor.execute(sql) if params is None else cursor.execute(sql, params)


def _dict_rows(cursor: sqlite3.Cursor, rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    keys = dedupe_keys([description[0] for description in cursor.description])
    return (dict(zip(keys, row)) for row in rows)


def _check_transaction_control(conn: Any) -> None:
    if sys.version_info >= (3, 12):
        legacy = getattr(sqlite3, "LEGACY_TRANSACTION_CONTROL", None)
        if getattr(conn, "autocommit", legacy) != legacy:
            raise TransactionError(
                "datamill requires a connection that uses the default transaction handling - "
                "connections created with autocommit=True or autocommit=False are not supported"
            )


def _host_parameter_limit(conn: sqlite3.Connection) -> int:
    try:
        return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):
        return SQLITE_MAX_VARS
