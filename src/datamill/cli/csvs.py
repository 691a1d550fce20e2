"""``datamill csvs``: csvs-to-sqlite 1.3.1's command over ``datamill.csvs`` (CS-1, CS-2)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from datamill.cli.errors import reported_errors
from datamill.cli.load import database_for
from datamill.cli.main import cli
from datamill.csvs import CsvsError, CsvsOptions, load_csvs, parse_extract, parse_shape


class _InputPath(click.Path):
    """A file or folder that must exist; URLs and ``-`` pass as they are."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value == "-" or str(value).startswith(("http://", "https://")):
            return value
        return super().convert(value, param, ctx)


def _separator(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value == "\\t":
        return "\t"
    if len(value) != 1:
        raise click.BadParameter("must be a single character")
    return value


def _dbname(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value.lower().endswith(".csv"):
        raise click.BadParameter("must not end with .csv")
    if "." not in os.path.basename(value):
        value += ".db"
    return value


@cli.command(name="csvs")
@click.argument("paths", nargs=-1, required=True, type=_InputPath(exists=True))
@click.argument("dbname", callback=_dbname)
@click.option("-s", "--separator", default=",", callback=_separator, help="Field separator")
@click.option(
    "-q",
    "--quoting",
    type=click.IntRange(0, 3),
    default=0,
    help="csv.QUOTE_* number: 3 makes double quotes data",
)
@click.option("--skip-errors", is_flag=True, help="Skip lines with too many fields")
@click.option("--replace-tables", is_flag=True, help="Drop and recreate existing tables")
@click.option("-t", "--table", help="Load every input into this table")
@click.option(
    "-c", "--extract-column", "extract", multiple=True, help="COL[:TABLE[:VALUECOL]] lookup"
)
@click.option("-d", "--date", multiple=True, help="Column to rewrite as an ISO date")
@click.option("-dt", "--datetime", multiple=True, help="Column to rewrite as an ISO datetime")
@click.option("-df", "--datetime-format", multiple=True, help="strptime format tried first")
@click.option("-pk", "--primary-key", multiple=True, help="Primary key column (repeatable)")
@click.option("-f", "--fts", multiple=True, help="Column to full-text index")
@click.option("-i", "--index", multiple=True, help="COL or COL1,COL2 to index")
@click.option("--shape", help="csvcol[:dbcol][(TYPE)],... columns to keep")
@click.option("--filename-column", help="Column holding each input's derived name")
@click.option("--fixed-column", multiple=True, type=(str, str), help="NAME VALUE text column")
@click.option("--fixed-column-int", multiple=True, type=(str, int), help="NAME INT integer column")
@click.option(
    "--fixed-column-float", multiple=True, type=(str, float), help="NAME FLOAT real column"
)
@click.option("--no-index-fks", is_flag=True, help="Don't index the -c columns")
@click.option("--no-fulltext-fks", is_flag=True, help="Don't full-text index lookup tables")
@click.option("--just-strings", is_flag=True, help="No type detection: TEXT columns")
@click.option("--encoding", help="Input encoding (default: UTF-8, else latin-1 with a warning)")
@click.option("--silent", is_flag=True, help="No summary")
def csvs_command(
    paths: tuple[str, ...],
    dbname: str,
    extract: tuple[str, ...],
    index: tuple[str, ...],
    shape: str | None,
    fixed_column: tuple[tuple[str, str], ...],
    fixed_column_int: tuple[tuple[str, int], ...],
    fixed_column_float: tuple[tuple[str, float], ...],
    no_index_fks: bool,
    no_fulltext_fks: bool,
    silent: bool,
    **params: Any,
) -> None:
    """Load CSV files, folders of them (searched recursively) or URLs into DBNAME.

    One table per CSV unless -t names one table for all. PATHS may be .gz, .bz2, .xz or
    single-member .zip files, http(s) URLs, or - for stdin.
    """
    existed = os.path.exists(dbname)
    with reported_errors():
        try:
            options = CsvsOptions(
                extract=[parse_extract(spec) for spec in extract],
                index=[spec.split(",") for spec in index],
                shape=parse_shape(shape) if shape is not None else None,
                fixed_columns=[*fixed_column, *fixed_column_int, *fixed_column_float],
                index_fks=not no_index_fks,
                fulltext_fks=not no_fulltext_fks,
                date=list(params.pop("date")),
                datetime=list(params.pop("datetime")),
                datetime_format=list(params.pop("datetime_format")),
                primary_key=list(params.pop("primary_key")),
                fts=list(params.pop("fts")),
                **params,
            )
            with database_for(dbname) as db:
                count = load_csvs(db, paths, options, _warn)
        except CsvsError as error:
            raise click.ClickException(str(error)) from None
    if not silent and _on_terminal():
        files = f"{count} CSV file{'s' if count != 1 else ''}"
        if existed:
            click.echo(f"Added {files} to {dbname}", err=True)
        else:
            click.echo(f"Created {dbname} from {files}", err=True)


def _on_terminal() -> bool:
    """Summaries go to stderr only when it is a terminal (EX-GEN-3)."""
    return sys.stderr.isatty()


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)
