"""``datamill analyze-tables``: per-column statistics, printed and optionally saved (C-ANALYZE-TABLES)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import click

from datamill import Database
from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import database_path, load_extension_option, open_database
from datamill.core.models import ColumnDetails

SAVE_TABLE = "_analyze_tables_"
VALUE_TRUNCATE = 80


def selected_columns(
    db: Database, tables: Sequence[str], columns: Sequence[str]
) -> list[tuple[str, str]]:
    """``(table, column)`` pairs to analyze; every ``-c`` name must exist in every table."""
    with reported_errors():
        names = list(tables) or db.table_names()
        pairs = []
        for table in names:
            if not db[table].exists():
                raise click.ClickException(f"Table {table} does not exist")
            table_columns = [column.name for column in db[table].columns]
            missing = sorted(set(columns) - set(table_columns))
            if missing:
                raise click.ClickException(f"These columns were not found: {', '.join(missing)}")
            pairs += [(table, c) for c in table_columns if not columns or c in columns]
    return pairs


def _value_lines(pairs: list[tuple[Any, int]]) -> Iterator[str]:
    for value, count in pairs:
        yield f"    {count}: {value}"


def format_details(details: ColumnDetails, position: int, total: int) -> str:
    """The text block for one column, ending with an empty line."""
    lines = [
        f"{details.table}.{details.column}: ({position}/{total})",
        "",
        f"  Total rows: {details.total_rows}",
        f"  Null rows: {details.num_null}",
        f"  Blank rows: {details.num_blank}",
        "",
        f"  Distinct values: {details.num_distinct}",
        "",
    ]
    every_row_null = details.num_null == details.total_rows
    if details.most_common and not every_row_null:
        lines += ["  Most common:", *_value_lines(details.most_common), ""]
    if details.least_common:
        lines += ["  Least common:", *_value_lines(details.least_common), ""]
    return "\n".join(lines)


def analyze_columns(
    db: Database,
    pairs: Sequence[tuple[str, str]],
    common_limit: int = 10,
    most: bool = True,
    least: bool = True,
) -> Iterator[ColumnDetails]:
    """Statistics for each ``(table, column)`` pair, counting each table's rows once."""
    totals: dict[str, int] = {}
    for table, column in pairs:
        if table not in totals:
            totals[table] = db[table].count
        yield db.table(table).analyze_column(
            column,
            common_limit=common_limit,
            value_truncate=VALUE_TRUNCATE,
            total_rows=totals[table],
            most_common=most,
            least_common=least,
        )


def _as_json(pairs: list[tuple[Any, int]] | None) -> str | None:
    if pairs is None:
        return None
    return json.dumps([list(pair) for pair in pairs], default=repr)


def save_details(db: Database, details: ColumnDetails) -> None:
    """Upsert one column's statistics into ``_analyze_tables_``."""
    db.table(SAVE_TABLE).insert(
        {
            "table": details.table,
            "column": details.column,
            "total_rows": details.total_rows,
            "num_null": details.num_null,
            "num_blank": details.num_blank,
            "num_distinct": details.num_distinct,
            "most_common": _as_json(details.most_common),
            "least_common": _as_json(details.least_common),
        },
        pk=("table", "column"),
        replace=True,
        columns={"most_common": str, "least_common": str},
    )


@cli.command(name="analyze-tables")
@click.argument("path", type=database_path(exists=True))
@click.argument("tables", nargs=-1)
@click.option(
    "-c",
    "--column",
    "columns",
    metavar="COLUMN",
    multiple=True,
    help="Only analyze this column (repeatable)",
)
@click.option("--save", is_flag=True, help="Also store the results in the _analyze_tables_ table")
@click.option(
    "--common-limit",
    type=int,
    default=10,
    show_default=True,
    help="Length of the most and least common value lists",
)
@click.option("--no-most", is_flag=True, help="Leave out the most common values")
@click.option("--no-least", is_flag=True, help="Leave out the least common values")
@load_extension_option
def analyze_tables(
    path: str,
    tables: Sequence[str],
    columns: Sequence[str],
    save: bool,
    common_limit: int,
    no_most: bool,
    no_least: bool,
    load_extension: Sequence[str],
) -> None:
    """Show row, null, blank and distinct counts and common values for each column

    Analyzes every table unless TABLES are named. Example:

    \b
        datamill analyze-tables trees.db trees -c species
    """
    db = open_database(path, load_extension)
    pairs = selected_columns(db, tables, columns)
    statistics = analyze_columns(db, pairs, common_limit, not no_most, not no_least)
    with reported_errors(), db.atomic():
        for position, details in enumerate(statistics, start=1):
            if save:
                save_details(db, details)
            click.echo(format_details(details, position, len(pairs)))
