"""``datamill convert``: rewrite column values with Python code (C-CONVERT, O-CODE, R-*)."""

from __future__ import annotations

import json
import pdb
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from datamill import Database
from datamill.cli.errors import REPORTABLE, reported_errors
from datamill.cli.main import cli
from datamill.cli.options import bind_params, database_path, open_database
from datamill.cli.user_code import compile_function
from datamill.core.errors import BadMultiValues
from datamill.core.identifiers import quote_identifier

OUTPUT_TYPES = {"integer": int, "float": float, "blob": bytes, "text": str}
DRY_RUN_ROWS = 10


CONVERT_HELP = """Rewrite the values of one or more columns with a snippet of Python.

CODE sees the current cell as the variable "value" and its result becomes the new value:

\b
    datamill convert shop.db items title 'value.strip().title()'

CODE may also be a whole function body ending in "return", a module that defines
convert(value), or the name of any callable that takes one value:

\b
    datamill convert shop.db items added r.parsedate
    datamill convert shop.db items extra json.loads --import json

Pass "-" as CODE to read the code from standard input. The conversion runs in a single
transaction: if the code raises an exception for any row, no row is changed.

Recipes, available as r.NAME or recipes.NAME:

\b
  r.jsonsplit(value, delimiter=",", type=str)
      "a, b,c" becomes the JSON array ["a", "b", "c"]; type=int or
      type=float converts each part
  r.parsedate(value, dayfirst=False, yearfirst=False, errors=None)
      any recognisable date as YYYY-MM-DD (month first unless dayfirst=True)
  r.parsedatetime(value, dayfirst=False, yearfirst=False, errors=None)
      the same, as YYYY-MM-DDTHH:MM:SS

With errors=r.IGNORE a value that is not a date is kept as it is, with
errors=r.SET_NULL it becomes null; by default it stops the conversion.

For example:

\b
    datamill convert shop.db items tags 'r.jsonsplit(value, delimiter=";")'
"""


def _check_options(columns: Sequence[str], output: str | None, multi: bool, drop: bool) -> None:
    if output is not None and len(columns) > 1:
        raise click.ClickException("Cannot use --output with more than one column")
    if multi and len(columns) > 1:
        raise click.ClickException("Cannot use --multi with more than one column")
    if drop and not (output or multi):
        raise click.ClickException("--drop can only be used with --output or --multi")


def _preview(
    db: Database,
    table: str,
    column: str,
    fn: Callable[[Any], Any],
    multi: bool,
    where: str | None,
    params: dict[str, str],
) -> None:
    """Print up to ten sample conversions of the first column, then the affected row count."""
    sql = f"select {quote_identifier(column)} from {quote_identifier(table)}"
    if where:
        sql += f" where {where}"
    with reported_errors():
        samples = db.execute(f"{sql} limit {DRY_RUN_ROWS}", params).fetchall()
        affected = db[table].count_where(where, params)
    for (value,) in samples:
        converted = value
        if value:
            try:
                converted = fn(value)
            except Exception as error:
                raise click.ClickException(_failure_message(error)) from error
        click.echo(str(value))
        click.echo(" --- becomes:")
        click.echo(
            json.dumps(converted, default=repr, ensure_ascii=False)
            if multi and value
            else str(converted)
        )
        click.echo()
    click.echo(f"Would affect {affected} row{'' if affected == 1 else 's'}")


def _failure_message(error: BaseException) -> str:
    """The one-line report of an exception raised by CODE, with its row and column if known."""
    original = error.__cause__ or error
    message = f"user-defined function raised exception: {type(original).__name__}: {original}"
    row = getattr(error, "row_number", None)
    if row is None:
        return message
    column = getattr(error, "column", None)
    return message + (f" (row {row})" if column is None else f' (row {row}, column "{column}")')


def _debug(error: BaseException) -> None:
    original = error.__cause__ or error
    click.echo()
    click.echo(f"Exception raised, dropping into pdb...: {original}")
    pdb.post_mortem(original.__traceback__)
    sys.exit(1)


@cli.command(help=CONVERT_HELP)
@click.argument("db_path", type=database_path())
@click.argument("table")
@click.argument("columns", nargs=-1, required=True)
@click.argument("code")
@click.option("--import", "imports", multiple=True, help="Module to import for CODE (repeatable)")
@click.option("--dry-run", is_flag=True, help="Preview the first 10 conversions; change nothing")
@click.option("--multi", is_flag=True, help="CODE returns a dict: write each key to its own column")
@click.option("--where", help="SQL condition choosing the rows to convert")
@click.option(
    "-p", "--param", multiple=True, type=(str, str), help="Value for a :name used in --where"
)
@click.option("--output", help="Write results to this column instead (created if needed)")
@click.option(
    "--output-type",
    type=click.Choice(list(OUTPUT_TYPES)),
    default="text",
    help="SQLite type for a newly created --output column",
)
@click.option("--drop", is_flag=True, help="Remove the source column once converted")
@click.option("-s", "--silent", is_flag=True, help="Hide the progress bar")
@click.option("--pdb", "debug", is_flag=True, help="Start the debugger if CODE raises")
def convert(
    db_path: str,
    table: str,
    columns: Sequence[str],
    code: str,
    imports: Sequence[str],
    dry_run: bool,
    multi: bool,
    where: str | None,
    param: Sequence[tuple[str, str]],
    output: str | None,
    output_type: str,
    drop: bool,
    silent: bool,
    debug: bool,
) -> None:
    _check_options(columns, output, multi, drop)
    if code == "-":
        code = sys.stdin.read()
    fn = compile_function(code, "value", imports)
    params = bind_params(param)
    db = open_database(db_path)
    if dry_run:
        _preview(db, table, columns[0], fn, multi, where, params)
        return
    try:
        db.table(table).convert(
            list(columns),
            fn,
            output=output,
            output_type=OUTPUT_TYPES[output_type],
            drop=drop,
            multi=multi,
            where=where,
            where_args=params,
            show_progress=not silent and sys.stderr.isatty(),
        )
    except BadMultiValues as error:
        raise click.ClickException(
            f"When using --multi code must return a Python dictionary - returned: {error.values!r}"
        ) from error
    except Exception as error:
        if hasattr(error, "row_number"):  # raised by CODE, annotated with the row
            if debug:
                _debug(error)
            raise click.ClickException(_failure_message(error)) from error
        if isinstance(error, REPORTABLE):
            raise click.ClickException(str(error)) from error
        raise
