"""PostgreSQL specifics: one read-only snapshot, session settings, server-text values (IDB-4).

The session runs with ``TimeZone`` UTC, ``DateStyle`` ISO and ``IntervalStyle`` postgres. With
psycopg 3, the driver behind ``datamill[postgres]``, values of every type without a standard
Python value (interval, json/jsonb, ranges, network, geometric, money, bit, tsvector, xml...)
and arrays of them are loaded as the server's text; dates outside Python's range (infinity,
BC, after 9999) too; enum arrays as lists of strings.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datamill.importdb.errors import ImportDbError

SESSION_SETTINGS = (
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
    "SET TimeZone TO 'UTC'",
    "SET DateStyle TO 'ISO, MDY'",
    "SET IntervalStyle TO 'postgres'",
)
#: Types psycopg loads as standard Python values that IDB-4 converts itself.
PYTHON_VALUED_TYPES = frozenset(
    {
        "bool",
        "bpchar",
        '"char"',
        "name",
        "text",
        "varchar",
        "int2",
        "int4",
        "int8",
        "oid",
        "float4",
        "float8",
        "numeric",
        "bytea",
        "date",
        "time",
        "timetz",
        "timestamp",
        "timestamptz",
        "uuid",
    }
)
#: Table-like relations: base tables and partitioned tables; views; materialized views.
RELATIONS_SQL = """
SELECT c.relname, c.relkind, c.relispartition
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm')
ORDER BY c.relname
"""
TABLE_KINDS = frozenset({"r", "p"})


def begin_snapshot(connection: sa.Connection, schema: str | None) -> None:
    """Open the REPEATABLE READ READ ONLY transaction and set the session up."""
    for statement in SESSION_SETTINGS:
        connection.exec_driver_sql(statement)
    if schema is not None:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :schema"),
            {"schema": schema},
        ).first()
        if exists is None:
            raise ImportDbError(f'Schema "{schema}" does not exist')
        quoted = connection.dialect.identifier_preparer.quote_identifier(schema)
        connection.exec_driver_sql(f"SET search_path TO {quoted}")
    driver_connection = connection.connection.driver_connection
    if type(driver_connection).__module__.partition(".")[0] == "psycopg":
        _load_server_text(connection, driver_connection)


def relations(connection: sa.Connection, schema: str) -> list[tuple[str, str, bool]]:
    """``(name, kind, is_partition)`` of the schema's tables and views, by name."""
    rows = connection.execute(sa.text(RELATIONS_SQL), {"schema": schema}).all()
    return [
        (name, "table" if kind in TABLE_KINDS else "view", bool(partition))
        for name, kind, partition in rows
    ]


def _load_server_text(connection: sa.Connection, driver_connection: Any) -> None:
    """Register psycopg 3 loaders so values arrive as IDB-4 wants them.

    psycopg is imported here: other PostgreSQL drivers work without it.
    """
    from psycopg.pq import Format
    from psycopg.types import TypeInfo
    from psycopg.types.array import register_array
    from psycopg.types.string import TextLoader

    adapters = driver_connection.adapters
    for info in list(adapters.types):
        if info.name not in PYTHON_VALUED_TYPES:
            adapters.register_loader(info.oid, TextLoader)
            if info.array_oid:
                adapters.register_loader(info.array_oid, TextLoader)

    for name in ("date", "time", "timetz", "timestamp", "timestamptz"):
        oid = adapters.types[name].oid
        adapters.register_loader(oid, _fallback(adapters.get_loader(oid, Format.TEXT)))

    enums = connection.exec_driver_sql(
        "SELECT typname, oid, typarray FROM pg_catalog.pg_type WHERE typtype = 'e'"
    ).all()
    for name, oid, array_oid in enums:
        register_array(TypeInfo(name, oid, array_oid), driver_connection)


def _fallback(fast: type) -> type:
    """A loader using ``fast`` that returns the server's text for a date or time Python
    cannot represent (infinity, BC, after 9999)."""
    from psycopg import DataError
    from psycopg.adapt import Loader

    class ServerTextFallback(Loader):
        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._load = fast(oid, context).load

        def load(self, data: Any) -> Any:
            try:
                return self._load(data)
            except DataError:
                return bytes(data).decode()

    return ServerTextFallback
