"""Inspection commands: tables, views, triggers, indexes, schema and dump (C-TABLES .. C-DUMP)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import click

from datamill import Database
from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import database_path, load_extension_option, open_database
from datamill.cli.output import NameList, OutputFormat, output_options, write_rows


def _object_rows(
    db: Database, names: Sequence[str], counts: bool, columns: bool, schema: bool
) -> Iterator[list[Any]]:
    for name in names:
        obj = db[name]
        row: list[Any] = [name]
        if counts:
            row.append(obj.execute_count())
        if columns:
            row.append(NameList(column.name for column in obj.columns))
        if schema:
            row.append(obj.schema)
        yield row


def _print_objects(
    db: Database,
    kind: str,
    names: Sequence[str],
    counts: bool,
    columns: bool,
    schema: bool,
    output: OutputFormat,
) -> None:
    headers = [kind]
    headers += ["count"] if counts else []
    headers += ["columns"] if columns else []
    headers += ["schema"] if schema else []
    with reported_errors():
        write_rows(headers, _object_rows(db, names, counts, columns, schema), output)


def _object_options(fn: Any) -> Any:
    fn = click.option("--schema", is_flag=True, help="Add a column with the CREATE statement")(fn)
    fn = click.option("--columns", is_flag=True, help="Add a column listing the column names")(fn)
    return click.option("--counts", is_flag=True, help="Add a column with the number of rows")(fn)


@cli.command()
@click.argument("path", type=database_path(exists=True))
@click.option("--fts4", is_flag=True, help="Only tables with an FTS4 index")
@click.option("--fts5", is_flag=True, help="Only tables with an FTS5 index")
@_object_options
@output_options
@load_extension_option
def tables(
    path: str,
    fts4: bool,
    fts5: bool,
    counts: bool,
    columns: bool,
    schema: bool,
    output: OutputFormat,
    load_extension: Sequence[str],
) -> None:
    """Print the name of every table, optionally with counts, columns and schema

    \b
        datamill tables shop.db --counts
    """
    db = open_database(path, load_extension)
    with reported_errors():
        names = db.table_names(fts4=fts4, fts5=fts5)
    _print_objects(db, "table", names, counts, columns, schema, output)


@cli.command()
@click.argument("path", type=database_path(exists=True))
@_object_options
@output_options
@load_extension_option
def views(
    path: str,
    counts: bool,
    columns: bool,
    schema: bool,
    output: OutputFormat,
    load_extension: Sequence[str],
) -> None:
    """Print the name of every view, optionally with counts, columns and schema

    \b
        datamill views shop.db --schema
    """
    db = open_database(path, load_extension)
    with reported_errors():
        names = db.view_names()
    _print_objects(db, "view", names, counts, columns, schema, output)


@cli.command()
@click.argument("path", type=database_path())
@click.argument("tables", nargs=-1)
@output_options
@load_extension_option
def triggers(
    path: str, tables: Sequence[str], output: OutputFormat, load_extension: Sequence[str]
) -> None:
    """Print each trigger with its table and SQL, for all tables or those named

    \b
        datamill triggers shop.db items
    """
    db = open_database(path, load_extension)
    with reported_errors():
        rows = [
            [trigger.name, trigger.table, trigger.sql]
            for trigger in db.triggers
            if not tables or trigger.table in tables
        ]
    write_rows(["name", "table", "sql"], rows, output)


INDEXES_SQL = """
select
    sqlite_master.name as "table",
    index_list.name as index_name,
    index_info.seqno, index_info.cid, index_info.name,
    index_info."desc", index_info.coll, index_info."key"
from sqlite_master
join pragma_index_list(sqlite_master.name) as index_list
join pragma_index_xinfo(index_list.name) as index_info
where sqlite_master.type = 'table'
"""


def indexes_sql(tables: Sequence[str], aux: bool) -> str:
    """The query behind ``indexes``: one row per index column (C-INDEXES)."""
    sql = INDEXES_SQL
    if tables:
        sql += "and sqlite_master.name in ({})\n".format(", ".join("?" for _ in tables))
    if not aux:
        sql += 'and index_info."key" = 1\n'
    return sql + "order by sqlite_master.rowid, index_list.seq, index_info.seqno"


@cli.command()
@click.argument("path", type=database_path())
@click.argument("tables", nargs=-1)
@click.option(
    "--aux", is_flag=True, help="Also list the hidden key columns SQLite stores in each index"
)
@output_options
@load_extension_option
def indexes(
    path: str,
    tables: Sequence[str],
    aux: bool,
    output: OutputFormat,
    load_extension: Sequence[str],
) -> None:
    """Print one row per indexed column, for all tables or those named

    \b
        datamill indexes shop.db items
    """
    db = open_database(path, load_extension)
    with reported_errors():
        cursor = db.execute(indexes_sql(tables, aux), list(tables))
        write_rows([d[0] for d in cursor.description], cursor, output)


@cli.command()
@click.argument("path", type=database_path())
@click.argument("tables", nargs=-1)
@load_extension_option
def schema(path: str, tables: Sequence[str], load_extension: Sequence[str]) -> None:
    """Print the CREATE statements of the database, or of the tables named

    \b
        datamill schema shop.db items
    """
    db = open_database(path, load_extension)
    with reported_errors():
        if not tables:
            click.echo(db.schema)
            return
        known = set(db.table_names()) | set(db.view_names())
        for table in tables:
            if table not in known:
                raise click.ClickException(f'Table "{table}" does not exist')
        for table in tables:
            click.echo(db[table].schema)


@cli.command()
@click.argument("path", type=database_path(exists=True))
@load_extension_option
def dump(path: str, load_extension: Sequence[str]) -> None:
    """Print SQL that recreates the whole database, rows included

    \b
        datamill dump shop.db > shop.sql
    """
    db = open_database(path, load_extension)
    with reported_errors():
        for line in db.iterdump():
            click.echo(line)
