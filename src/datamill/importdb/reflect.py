"""Which source tables to copy (IDB-3) and their reflected schema (IDB-4)."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable

import sqlalchemy as sa

from datamill.core.identifiers import fold_identifier_case
from datamill.importdb import postgres, typemap
from datamill.importdb.errors import ImportDbError
from datamill.importdb.options import ImportOptions
from datamill.importdb.source import Source


@dataclasses.dataclass
class SourceColumn:
    name: str
    type: str
    """The declared SQLite type (``""`` for none)."""
    not_null: bool
    converts: bool
    """Whether values go through a ``ValueConverter`` (False: stored as the driver gives them)."""


@dataclasses.dataclass
class SourceForeignKey:
    columns: tuple[str, ...]
    other_table: str
    other_columns: tuple[str, ...]
    other_schema: str | None


@dataclasses.dataclass
class SourceTable:
    name: str
    columns: list[SourceColumn]
    pk: list[str]
    foreign_keys: list[SourceForeignKey]


@dataclasses.dataclass
class Relations:
    """The source's tables and views, as far as ``--all`` and ``--table`` see them."""

    for_all: list[str]
    """What ``--all`` copies, sorted by name."""
    known: set[str]
    """Every name ``--table`` accepts (partitions and views included)."""


def relations(source: Source, inspector: sa.Inspector, views: bool) -> Relations:
    """The names ``--all`` (with ``--views`` when ``views``) and ``--table`` may use."""
    if source.dialect == "postgresql":
        schema = source.schema or inspector.default_schema_name
        if schema is None:  # no schema on the search_path exists
            raise ImportDbError(
                "The database has no default schema: name one with --postgres-schema"
            )
        found = postgres.relations(source.connection, schema)
        for_all = [
            n for n, kind, partition in found if not partition and (views or kind == "table")
        ]
        return Relations(sorted(for_all), {name for name, _, _ in found})
    if source.is_sqlite:
        tables, view_names = _sqlite_relations(source.connection)
    else:
        tables = inspector.get_table_names(schema=source.schema)
        view_names = inspector.get_view_names(schema=source.schema)
    for_all = sorted(set(tables) | set(view_names)) if views else sorted(tables)
    return Relations(for_all, set(tables) | set(view_names))


def _sqlite_relations(connection: sa.Connection) -> tuple[list[str], list[str]]:
    """Tables without ``sqlite_`` internals, virtual tables and their shadow tables; views.

    Shadow tables are known from ``PRAGMA table_list`` (SQLite 3.37+).
    """
    try:
        listed = connection.exec_driver_sql("PRAGMA table_list").all()
    except sa.exc.DBAPIError:
        listed = []
    shadow = {row[1] for row in listed if row[0] == "main" and row[2] == "shadow"}
    tables, views = [], []
    rows = connection.exec_driver_sql(
        "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view')"
    ).all()
    for name, kind, sql in rows:
        if kind == "view":
            views.append(name)
        elif not (
            name.startswith("sqlite_")
            or name in shadow
            or (sql or "").upper().startswith("CREATE VIRTUAL TABLE")
        ):
            tables.append(name)
    return tables, views


def plan(source: Source, inspector: sa.Inspector, options: ImportOptions) -> list[str]:
    """The tables to go through, in order: ``--all`` sorted (skipped ones included, for
    progress numbering), or the ``--table`` names as given (duplicates dropped)."""
    found = relations(source, inspector, options.views)
    if options.all:
        return found.for_all
    names = list(dict.fromkeys(options.tables))
    for name in names:
        if name not in found.known:
            raise ImportDbError(f'Table "{name}" does not exist in the source database')
    return names


def reflect_table(
    source: Source, inspector: sa.Inspector, name: str, options: ImportOptions
) -> SourceTable:
    """The columns, key and foreign keys of table or view ``name``."""
    schema = source.schema
    with warnings.catch_warnings():
        # Types SQLAlchemy does not know are reflected as NullType, with a warning.
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        reflected = inspector.get_columns(name, schema=schema)
        pk = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
        fks = inspector.get_foreign_keys(name, schema=schema)
    redacted = {column for table, column in options.redact if table == name}
    columns = []
    for column in reflected:
        column_type = column["type"]
        if column["name"] in redacted:
            declared, converts = typemap.TEXT, True
        else:
            declared = typemap.declared_type(column_type, options.numeric_text, source.is_sqlite)
            converts = typemap.needs_conversion(column_type, source.is_sqlite)
        columns.append(SourceColumn(column["name"], declared, not column["nullable"], converts))
    check_case([c.name for c in columns], "Column", f' in table "{name}"')
    foreign_keys = [
        SourceForeignKey(
            tuple(fk["constrained_columns"]),
            fk["referred_table"],
            tuple(fk["referred_columns"]),
            fk.get("referred_schema"),
        )
        for fk in fks
        if fk.get("referred_table") and fk.get("constrained_columns")
    ]
    return SourceTable(name, columns, list(pk), foreign_keys)


def check_case(names: Iterable[str], kind: str, where: str = "") -> None:
    """``Error: Table names "Plants" and "plants" differ only in case`` (likewise columns)."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(fold_identifier_case(name), name)
        if other != name:
            raise ImportDbError(f'{kind} names "{other}" and "{name}"{where} differ only in case')
