"""Commands that create, rename, copy and drop tables, views, columns and indexes (section 6)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import click

from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import (
    database_path,
    load_extension_option,
    load_extensions,
    open_database,
)
from datamill.db import Database, DescIndex, fold_identifier_case
from datamill.utils import sqlite3

#: Column types accepted by ``create-table`` and ``transform --type`` (O-TYPES).
TABLE_COLUMN_TYPES = ("INTEGER", "TEXT", "FLOAT", "REAL", "BLOB", "ANY")
#: Column types accepted by ``add-column`` (O-TYPES).
ADD_COLUMN_TYPES = ("integer", "int", "float", "real", "text", "str", "blob", "bytes", "any")


def pk_argument(pk: Sequence[str]) -> str | tuple[str, ...] | None:
    """Repeated ``--pk`` values as the library's ``pk``: None, one name, or a tuple."""
    if not pk:
        return None
    return pk[0] if len(pk) == 1 else tuple(pk)


def column_types(columns: Sequence[str]) -> dict[str, str]:
    """``name type`` pairs as ``{name: TYPE}``, validated against O-TYPES."""
    if len(columns) % 2:
        raise click.ClickException("columns must be an even number of 'name' 'type' pairs")
    pairs = dict(zip(columns[::2], (kind.upper() for kind in columns[1::2])))
    if any(kind not in TABLE_COLUMN_TYPES for kind in pairs.values()):
        raise click.ClickException(f"column types must be one of {TABLE_COLUMN_TYPES}")
    return pairs


@cli.command(name="create-database")
@click.argument("path", type=database_path())
@click.option("--enable-wal", is_flag=True, help="Use write-ahead logging in the new database")
@click.option(
    "--init-spatialite", is_flag=True, help="Load SpatiaLite and create its metadata tables"
)
@load_extension_option
def create_database(
    path: str, enable_wal: bool, init_spatialite: bool, load_extension: Sequence[str]
) -> None:
    """Make a new, empty SQLite database file at PATH

    \b
        datamill create-database shop.db --enable-wal
    """
    db = open_database(path)
    with reported_errors():
        if enable_wal:
            db.enable_wal()
    loaded = load_extensions(db, load_extension)
    with reported_errors():
        if init_spatialite:
            spatialite = next((p for p in loaded if "spatialite" in os.path.basename(p)), None)
            db.init_spatialite(spatialite)
        db.vacuum()


@cli.command(name="create-table")
@click.argument("path", type=database_path())
@click.argument("table")
@click.argument("columns", nargs=-1, required=True)
@click.option("--pk", multiple=True, help="Primary key column (repeat for a compound key)")
@click.option("--not-null", multiple=True, help="Declare this column NOT NULL (repeatable)")
@click.option("--default", multiple=True, type=(str, str), help="Default value for a column")
@click.option("--fk", multiple=True, type=(str, str, str), help="Column, other table, other column")
@click.option("--ignore", is_flag=True, help="Leave an existing table of that name alone")
@click.option("--replace", is_flag=True, help="Drop an existing table of that name first")
@click.option("--transform", is_flag=True, help="Change an existing table of that name to match")
@click.option("--strict", is_flag=True, help="Create a STRICT table, which enforces column types")
@load_extension_option
def create_table(
    path: str,
    table: str,
    columns: Sequence[str],
    pk: Sequence[str],
    not_null: Sequence[str],
    default: Sequence[tuple[str, str]],
    fk: Sequence[tuple[str, str, str]],
    ignore: bool,
    replace: bool,
    transform: bool,
    strict: bool,
    load_extension: Sequence[str],
) -> None:
    """Create TABLE from pairs of column name and type

    Types: integer, text, float, real, blob or any.

    \b
        datamill create-table shop.db items id integer name text price float --pk id
    """
    types = column_types(columns)
    db = open_database(path, load_extension)
    with reported_errors():
        target = db.table(table)
        if target.exists() and not (ignore or replace or transform):
            raise click.ClickException(
                f'Table "{table}" already exists. Use --replace to delete and replace it.'
            )
        with db.atomic():
            target.create(
                types,
                pk=pk_argument(pk),
                not_null=set(not_null),
                defaults=dict(default),
                foreign_keys=list(fk),
                ignore=ignore,
                replace=replace,
                transform=transform,
                strict=strict,
            )
            if transform and not pk and not target.use_rowid:
                # C-CREATE-TABLE: with --transform an omitted --pk removes the key.
                target.transform(pk=None)


@cli.command(name="rename-table")
@click.argument("path", type=database_path())
@click.argument("table")
@click.argument("new_name")
@click.option("--ignore", is_flag=True, help="No error if there is no such table")
@load_extension_option
def rename_table(
    path: str, table: str, new_name: str, ignore: bool, load_extension: Sequence[str]
) -> None:
    """Give TABLE the name NEW_NAME"""
    db = open_database(path, load_extension)
    try:
        db.rename_table(table, new_name)
    except sqlite3.Error as error:
        if not ignore:
            raise click.ClickException(f'Table "{table}" could not be renamed. {error}') from error


@cli.command()
@click.argument("path", type=database_path())
@click.argument("table")
@click.argument("new_table")
@click.option("--ignore", is_flag=True, help="No error if there is no such table")
@load_extension_option
def duplicate(
    path: str, table: str, new_table: str, ignore: bool, load_extension: Sequence[str]
) -> None:
    """Copy TABLE, its columns and every row, to a new table NEW_TABLE"""
    db = open_database(path, load_extension)
    with reported_errors():
        if table not in db.table_names():
            if ignore:
                return
            raise click.ClickException(f'Table "{table}" does not exist')
        db.table(table).duplicate(new_table)


def _drop(db: Database, kind: str, name: str, ignore: bool) -> None:
    """Drop the table or view NAME (KIND says which); naming one of the other kind, or
    nothing at all, is an error unless IGNORE."""
    other = "view" if kind == "table" else "table"
    names = {"table": db.table_names, "view": db.view_names}
    with reported_errors():
        if name in names[other]():
            message = f'"{name}" is a {other}, not a {kind} - use drop-{other} to drop it'
        elif name not in names[kind]():
            message = f'{kind.capitalize()} "{name}" does not exist'
        else:
            (db.table(name) if kind == "table" else db.view(name)).drop()
            return
    if not ignore:
        raise click.ClickException(message)


@cli.command(name="drop-table")
@click.argument("path", type=database_path())
@click.argument("table")
@click.option("--ignore", is_flag=True, help="No error if there is no such table")
@load_extension_option
def drop_table(path: str, table: str, ignore: bool, load_extension: Sequence[str]) -> None:
    """Delete a table and all of its rows

    \b
        datamill drop-table shop.db old_items
    """
    _drop(open_database(path, load_extension), "table", table, ignore)


@cli.command(name="create-view")
@click.argument("path", type=database_path())
@click.argument("view")
@click.argument("select")
@click.option("--ignore", is_flag=True, help="Leave an existing view of that name alone")
@click.option("--replace", is_flag=True, help="Drop an existing view of that name first")
@load_extension_option
def create_view(
    path: str,
    view: str,
    select: str,
    ignore: bool,
    replace: bool,
    load_extension: Sequence[str],
) -> None:
    """Save a SELECT statement as a view called VIEW

    \b
        datamill create-view shop.db cheap "select * from items where price < 5"
    """
    db = open_database(path, load_extension)
    with reported_errors():
        if view in db.view_names() and not (ignore or replace):
            raise click.ClickException(
                f'View "{view}" already exists. Use --replace to delete and replace it.'
            )
        db.create_view(view, select, ignore=ignore, replace=replace)


@cli.command(name="drop-view")
@click.argument("path", type=database_path())
@click.argument("view")
@click.option("--ignore", is_flag=True, help="No error if there is no such view")
@load_extension_option
def drop_view(path: str, view: str, ignore: bool, load_extension: Sequence[str]) -> None:
    """Delete a view

    \b
        datamill drop-view shop.db cheap
    """
    _drop(open_database(path, load_extension), "view", view, ignore)


@cli.command(name="add-column")
@click.argument("path", type=database_path(exists=True))
@click.argument("table")
@click.argument("col_name")
@click.argument(
    "col_type", type=click.Choice(ADD_COLUMN_TYPES, case_sensitive=False), required=False
)
@click.option("--fk", help="Make the column a foreign key to this table")
@click.option("--fk-col", help="Referenced column on that foreign key table")
@click.option("--not-null-default", help="Declare the column NOT NULL with this DEFAULT")
@click.option("--ignore", is_flag=True, help="Leave an existing column of that name alone")
@load_extension_option
def add_column(
    path: str,
    table: str,
    col_name: str,
    col_type: str | None,
    fk: str | None,
    fk_col: str | None,
    not_null_default: str | None,
    ignore: bool,
    load_extension: Sequence[str],
) -> None:
    """Append a column to an existing table (type defaults to text)

    \b
        datamill add-column shop.db items weight float
    """
    db = open_database(path, load_extension)
    with reported_errors():
        target = db.table(table)
        existing = {fold_identifier_case(c.name) for c in target.columns}
        if ignore and fold_identifier_case(col_name) in existing:
            return
        target.add_column(
            col_name,
            col_type.lower() if col_type else None,
            fk=fk,
            fk_col=fk_col,
            not_null_default=not_null_default,
        )


@cli.command(name="create-index")
@click.argument("path", type=database_path(exists=True))
@click.argument("table")
@click.argument("column", nargs=-1, required=True)
@click.option("--name", help="Index name (default idx_TABLE_COLUMNS)")
@click.option("--unique", is_flag=True, help="Reject duplicate values (UNIQUE)")
@click.option(
    "--if-not-exists",
    "--ignore",
    "if_not_exists",
    is_flag=True,
    help="No error if the index is already there",
)
@click.option("--analyze", is_flag=True, help="Refresh planner statistics for it afterwards")
@load_extension_option
def create_index(
    path: str,
    table: str,
    column: Sequence[str],
    name: str | None,
    unique: bool,
    if_not_exists: bool,
    analyze: bool,
    load_extension: Sequence[str],
) -> None:
    """Index one or more columns of a table

    \b
        datamill create-index shop.db items name price

    A column written as -name is indexed in descending order; put "--" before the
    columns so that it is not read as an option:

    \b
        datamill create-index shop.db items -- -price
    """
    columns = [DescIndex(c[1:]) if c.startswith("-") else c for c in column]
    db = open_database(path, load_extension)
    with reported_errors():
        db.table(table).create_index(
            columns, index_name=name, unique=unique, if_not_exists=if_not_exists, analyze=analyze
        )


@cli.command(name="drop-index")
@click.argument("path", type=database_path(exists=True))
@click.argument("table")
@click.argument("index")
@click.option("--ignore", is_flag=True, help="No error if there is no such index")
@load_extension_option
def drop_index(
    path: str, table: str, index: str, ignore: bool, load_extension: Sequence[str]
) -> None:
    """Delete an index from a table

    \b
        datamill drop-index shop.db items idx_items_name
    """
    db = open_database(path, load_extension)
    with reported_errors():
        db.table(table).drop_index(index, ignore=ignore)
