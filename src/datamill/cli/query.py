"""``query`` (the default command) and ``rows``: run SQL and print the result (C-QUERY, C-ROWS)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from datamill import Database
from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import (
    attach_databases,
    attach_option,
    bind_params,
    database_path,
    functions_option,
    load_extension_option,
    open_database,
    param_option,
    register_functions,
)
from datamill.cli.output import OutputFormat, output_options, raw_options, write_rows
from datamill.db import quote_identifier

F = TypeVar("F", bound=Callable[..., Any])


def query_options(command: F) -> F:
    """The C-QUERY options, which ``memory`` takes too: --attach, the output and raw
    modes, -p/--param, --functions and --load-extension."""
    for option in reversed(
        (
            attach_option,
            output_options,
            raw_options,
            param_option,
            functions_option,
            load_extension_option,
        )
    ):
        command = option(command)
    return command


def run_query(db: Database, sql: str, params: dict[str, str], output: OutputFormat) -> None:
    """Run one statement and print its rows, or ``rows_affected``; commit only on success."""
    with reported_errors():
        cursor = db.execute(sql, params)
        try:
            if cursor.description is None:
                write_rows(["rows_affected"], [(cursor.rowcount,)], output)
            else:
                write_rows([d[0] for d in cursor.description], cursor, output)
        except BaseException:
            db.rollback()
            raise
        db.commit()


@cli.command()
@click.argument("path", type=database_path())
@click.argument("sql")
@query_options
def query(
    path: str,
    sql: str,
    attach: Sequence[tuple[str, str]],
    output: OutputFormat,
    param: Sequence[tuple[str, str]],
    functions: Sequence[str],
    load_extension: Sequence[str],
) -> None:
    """Run one SQL statement and print the rows it returns (JSON by default)

    This is the default command, so "query" can be left out. Pass "-" as SQL to read
    it from standard input.

    \b
        datamill shop.db "select name, price from items where price < :max" -p max 5
    """
    if sql == "-":
        sql = sys.stdin.read()
    db = open_database(path, load_extension)
    attach_databases(db, attach)
    register_functions(db, functions)
    run_query(db, sql, bind_params(param), output)


def rows_sql(
    table: str,
    columns: Sequence[str] = (),
    where: str | None = None,
    order: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> str:
    """The ``select`` that ``rows`` runs; a limit or offset of 0 counts as not given."""
    select = ", ".join(quote_identifier(c) for c in columns) if columns else "*"
    sql = f"select {select} from {quote_identifier(table)}"
    if where:
        sql += f" where {where}"
    if order:
        sql += f" order by {order}"
    if limit:
        sql += f" limit {limit}"
    if offset:
        if not limit:
            sql += " limit -1"
        sql += f" offset {offset}"
    return sql


@cli.command()
@click.argument("path", type=database_path())
@click.argument("dbtable")
@click.option("-c", "--column", multiple=True, help="Only this column (repeatable)")
@click.option("--where", help="SQL condition the rows must meet")
@click.option("-o", "--order", help="ORDER BY expression, e.g. 'price desc'")
@param_option
@click.option("--limit", type=int, help="Print at most this many rows")
@click.option("--offset", type=int, help="Skip this many rows first")
@output_options
@load_extension_option
def rows(
    path: str,
    dbtable: str,
    column: Sequence[str],
    where: str | None,
    order: str | None,
    param: Sequence[tuple[str, str]],
    limit: int | None,
    offset: int | None,
    output: OutputFormat,
    load_extension: Sequence[str],
) -> None:
    """Print the rows of a table, optionally filtered, ordered and limited

    \b
        datamill rows shop.db items --where "price > 10" -o name --limit 5
    """
    db = open_database(path, load_extension)
    sql = rows_sql(dbtable, column, where, order, limit, offset)
    run_query(db, sql, bind_params(param), output)
