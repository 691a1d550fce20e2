"""Full-text search commands: enable-fts, populate-fts, rebuild-fts, disable-fts, optimize,
search and search-all (C-ENABLE-FTS, C-POPULATE-FTS, C-REBUILD-FTS, C-DISABLE-FTS,
C-OPTIMIZE, C-SEARCH, fts.md S-CLI)."""

from __future__ import annotations

import base64
import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

import datamill
from datamill.cli.main import cli
from datamill.core.sqlite import sqlite3
from datamill.search.errors import SearchQueryError
from datamill.search.escape import PREFIX_MODES

_SPATIALITE_PATHS = (
    "/usr/lib/x86_64-linux-gnu/mod_spatialite.so",
    "/usr/lib/aarch64-linux-gnu/mod_spatialite.so",
    "/usr/local/lib/mod_spatialite.dylib",
    "/usr/local/lib/mod_spatialite.so",
    "/opt/homebrew/lib/mod_spatialite.dylib",
)

# -- shared options ------------------------------------------------------------------


def _existing_path(function: Callable) -> Callable:
    return click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=False))(
        function
    )


def _any_path(function: Callable) -> Callable:
    return click.argument("path", type=click.Path(dir_okay=False, allow_dash=False))(function)


def _load_extension_option(function: Callable) -> Callable:
    return click.option(
        "--load-extension",
        "load_extension",
        multiple=True,
        help="Path to SQLite extension, with optional :entrypoint",
    )(function)


_OUTPUT_OPTIONS = [
    click.option("--nl", is_flag=True, help="Output newline-delimited JSON"),
    click.option("--arrays", is_flag=True, help="Output rows as arrays instead of objects"),
    click.option("--csv", "csv_", is_flag=True, help="Output CSV"),
    click.option("--tsv", is_flag=True, help="Output TSV"),
    click.option("--no-headers", is_flag=True, help="Omit CSV/TSV/table headers"),
    click.option("-t", "--table", "table_", is_flag=True, help="Output as a formatted table"),
    click.option("--fmt", help="Table format, e.g. github or rst (implies --table)"),
    click.option("--json-cols", is_flag=True, help="Detect JSON in text columns and nest it"),
    click.option("--ascii", "ascii_", is_flag=True, help="Escape non-ASCII characters in JSON"),
]


def _output_options(function: Callable, table_flag: bool = True) -> Callable:
    options = _OUTPUT_OPTIONS if table_flag else _OUTPUT_OPTIONS[:5] + _OUTPUT_OPTIONS[6:]
    for option in reversed(options):
        function = option(function)
    return function


def _output_options_without_table_flag(function: Callable) -> Callable:
    """O-OUTPUT for search-all, whose ``-t``/``--table`` picks tables (use ``--fmt``)."""
    return _output_options(function, table_flag=False)


def _open(path: str, extensions: Sequence[str]) -> datamill.Database:
    db = datamill.Database(path)
    for extension in extensions:
        _load(db, extension)
    return db


def _load(db: datamill.Database, extension: str) -> None:
    path, _, entrypoint = extension.partition(":")
    if path == "spatialite" and not os.path.exists(path):
        found = [p for p in _SPATIALITE_PATHS if os.path.exists(p)]
        if not found:
            raise click.ClickException("Could not find SpatiaLite extension")
        path = found[0]
    try:
        db.conn.enable_load_extension(True)
        if entrypoint:
            db.conn.execute("select load_extension(?, ?)", [path, entrypoint])
        else:
            db.conn.load_extension(path)
    except (AttributeError, sqlite3.Error) as error:
        raise click.ClickException(str(error)) from None


# -- output (O-OUTPUT) ---------------------------------------------------------------


def _json_value(value: Any, json_cols: bool) -> Any:
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": base64.b64encode(value).decode("ascii")}
    if json_cols and isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _emit(rows: Iterable[dict], headers: list[str], options: dict) -> None:
    """Write rows in the format chosen by the O-OUTPUT options."""
    out = sys.stdout
    rows = iter(rows)
    if options.get("table_") or options["fmt"]:
        import tabulate

        fmt = options["fmt"] if options["fmt"] in tabulate.tabulate_formats else "simple"
        data = [[repr(v) if isinstance(v, bytes) else v for v in row.values()] for row in rows]
        out.write(
            tabulate.tabulate(data, [] if options["no_headers"] else headers, tablefmt=fmt) + "\n"
        )
        return
    if options["csv_"] or options["tsv"]:
        writer = csv.writer(out, dialect="excel-tab" if options["tsv"] else "excel")
        if not options["no_headers"]:
            writer.writerow(headers)
        for row in rows:
            writer.writerow(list(row.values()))
        return
    dumps = json.JSONEncoder(ensure_ascii=options["ascii_"], separators=(", ", ": ")).encode
    first = True
    for row in rows:
        values = {k: _json_value(v, options["json_cols"]) for k, v in row.items()}
        text = dumps(list(values.values()) if options["arrays"] else values)
        if options["nl"]:
            out.write(text + "\n")
        else:
            out.write(("[" if first else ",\n ") + text)
        first = False
    if first:
        out.write("[]\n")
    elif not options["nl"]:
        out.write("]\n")


# -- set-up commands -----------------------------------------------------------------


@cli.command(name="enable-fts")
@_existing_path
@click.argument("table")
@click.argument("column", nargs=-1, required=True)
@click.option("--fts4", is_flag=True, help="Use FTS4")
@click.option("--fts5", is_flag=True, help="Use FTS5 (the default)")
@click.option("--tokenize", help="Tokenizer to use, e.g. porter")
@click.option("--create-triggers", is_flag=True, help="Keep the index in sync with triggers")
@click.option("--replace", is_flag=True, help="Replace an existing FTS set-up")
@_load_extension_option
def enable_fts(path, table, column, fts4, fts5, tokenize, create_triggers, replace, load_extension):
    """Create an FTS4/FTS5 index for COLUMNs of TABLE and fill it."""
    if fts4 and fts5:
        click.echo("Can only use one of --fts4 or --fts5", err=True)
        return
    db = _open(path, load_extension)
    if table not in db.table_names():
        raise click.ClickException(f"no such table: {table}")
    try:
        db[table].enable_fts(
            column,
            fts_version="FTS4" if fts4 else "FTS5",
            create_triggers=create_triggers,
            tokenize=tokenize,
            replace=replace,
        )
    except (sqlite3.Error, ValueError) as error:
        raise click.ClickException(str(error)) from None


@cli.command(name="populate-fts")
@_existing_path
@click.argument("table")
@click.argument("column", nargs=-1, required=True)
@_load_extension_option
def populate_fts(path, table, column, load_extension):
    """Add all rows of TABLE to its FTS index."""
    db = _open(path, load_extension)
    try:
        db[table].populate_fts(column)
    except (sqlite3.Error, ValueError) as error:
        raise click.ClickException(str(error)) from None


def _fts_table_names(db: datamill.Database) -> list[str]:
    return db.table_names(fts4=True) + db.table_names(fts5=True)


@cli.command(name="rebuild-fts")
@_existing_path
@click.argument("tables", nargs=-1)
@_load_extension_option
def rebuild_fts(path, tables, load_extension):
    """Rebuild the FTS index of each TABLE (default: every FTS table)."""
    db = _open(path, load_extension)
    names = db.table_names()
    try:
        with db.atomic():
            for table in tables or _fts_table_names(db):
                if table not in names:
                    raise sqlite3.OperationalError(f"no such table: {table}")
                db[table].rebuild_fts()
    except sqlite3.Error as error:
        raise click.ClickException(str(error)) from None


@cli.command(name="disable-fts")
@_existing_path
@click.argument("table")
@_load_extension_option
def disable_fts(path, table, load_extension):
    """Remove TABLE's FTS index and the triggers that maintain it."""
    db = _open(path, load_extension)
    if table in db.table_names():
        db[table].disable_fts()


@cli.command(name="optimize")
@_existing_path
@click.argument("tables", nargs=-1)
@click.option("--no-vacuum", is_flag=True, help="Do not run VACUUM afterwards")
@_load_extension_option
def optimize(path, tables, no_vacuum, load_extension):
    """Optimize the FTS index of each TABLE (default: every FTS table), then VACUUM."""
    db = _open(path, load_extension)
    names = db.table_names()
    with db.atomic():
        for table in tables or _fts_table_names(db):
            if table in names:
                db[table].optimize()
    if not no_vacuum:
        db.vacuum()


# -- searching ---------------------------------------------------------------------


def _query_error(error: SearchQueryError) -> click.ClickException:
    return click.ClickException(f"{error} - try again with --quote")


@cli.command(name="search")
@_any_path
@click.argument("dbtable")
@click.argument("q")
@click.option("-o", "--order", help="Order by ('column' or 'column desc')")
@click.option("-c", "--column", "columns", multiple=True, help="Columns to return")
@click.option("--limit", type=int, help="Number of rows to return (default: all)")
@click.option("--offset", type=int, help="Rows to skip before the first one returned")
@click.option("--sql", "show_sql", is_flag=True, help="Show the SQL that would be run")
@click.option("--quote", is_flag=True, help="Escape the query so any text is safe")
@click.option(
    "--prefix",
    type=click.Choice(PREFIX_MODES),
    default="explicit",
    show_default=True,
    help="With --quote: which words are prefix searches",
)
@click.option("--rank", "include_rank", is_flag=True, help="Include the rank of each row")
@click.option("--ranking", type=click.Choice(["bm25", "bm25_columns"]), help="Ranking formula")
@click.option("--k1", type=float, help="BM25 k1 (FTS4 only)")
@click.option("--b", "b", type=float, help="BM25 b (FTS4 only)")
@click.option("--weight", "weights", type=(str, float), multiple=True, help="Column weight")
@click.option("--snippet", is_flag=True, help="Add a snippet from the best column")
@click.option("--snippet-column", help="Add a snippet from this column")
@click.option("--highlight", help="Add this column with matches highlighted (FTS5)")
@click.option("--markers", type=(str, str), default=("<b>", "</b>"), help="Highlight markers")
@_output_options
@_load_extension_option
def search(
    path,
    dbtable,
    q,
    order,
    columns,
    limit,
    offset,
    show_sql,
    quote,
    prefix,
    include_rank,
    ranking,
    k1,
    b,
    weights,
    snippet,
    snippet_column,
    highlight,
    markers,
    load_extension,
    **output,
):
    """Search DBTABLE for Q using full-text search."""
    db = _open(path, load_extension)
    if dbtable not in db.table_names():
        raise click.ClickException(f"Table '{dbtable}' does not exist")
    table = db[dbtable]
    if table.detect_fts() is None:
        raise click.ClickException(f"Table '{dbtable}' is not configured for full-text search")
    existing = [c.name for c in table.columns]
    folded = {name.lower() for name in existing}
    for column in columns:
        if column.lower() not in folded:
            raise click.ClickException(f"Table '{dbtable}' has no column '{column}")
    extras = dict(
        ranking=ranking,
        k1=k1,
        b=b,
        weights=dict(weights) if weights else None,
        snippet=snippet_column or (True if snippet else None),
        highlight=highlight,
        markers=markers,
    )
    try:
        if show_sql:
            click.echo(
                table.search_sql(
                    columns=list(columns) or None,
                    order_by=order,
                    limit=limit,
                    offset=offset,
                    include_rank=include_rank,
                    **extras,
                )
            )
            return
        rows = table.search(
            q,
            order_by=order,
            columns=list(columns) or None,
            limit=limit,
            offset=offset,
            include_rank=include_rank,
            quote=quote,
            prefix=prefix,
            **extras,
        )
        rows = list(rows)
    except SearchQueryError as error:
        raise _query_error(error) from None
    except (sqlite3.Error, ValueError) as error:
        raise click.ClickException(str(error)) from None
    headers = list(rows[0]) if rows else _headers(existing, columns, include_rank, extras)
    _emit(rows, headers, output)


def _headers(existing, columns, include_rank, extras) -> list[str]:
    headers = list(columns) if columns else ["rowid", *existing]
    if include_rank:
        headers.append("rank")
    if extras["snippet"] is not None:
        headers.append("snippet")
    if extras["highlight"] is not None:
        headers.append("highlight")
    return headers


@cli.command(name="search-all")
@_existing_path
@click.argument("q")
@click.option("-t", "--table", "tables", multiple=True, help="Only search these tables")
@click.option("--limit", type=int, default=20, show_default=True, help="Rows; 0 for all")
@click.option("--raw", is_flag=True, help="Do not escape Q")
@click.option(
    "--prefix",
    type=click.Choice(PREFIX_MODES),
    default="explicit",
    show_default=True,
    help="Which words are prefix searches",
)
@click.option("--no-snippet", is_flag=True, help="Leave out snippets")
@click.option("--markers", type=(str, str), default=("<b>", "</b>"), help="Highlight markers")
@_output_options_without_table_flag
@_load_extension_option
def search_all(path, q, tables, limit, raw, prefix, no_snippet, markers, load_extension, **output):
    """Search every full-text indexed table of the database for Q."""
    db = _open(path, load_extension)
    try:
        rows = db.search_all(
            q,
            tables=list(tables) or None,
            limit=limit or None,
            quote=not raw,
            prefix=prefix,
            snippet=not no_snippet,
            markers=markers,
        )
    except SearchQueryError as error:
        raise _query_error(error) from None
    except (sqlite3.Error, ValueError) as error:
        message = str(error)
        if message.startswith("Full-text search is not configured for table "):
            message = f"Table {message.rsplit(' ', 1)[-1]} is not configured for full-text search"
        raise click.ClickException(message) from None
    _emit(rows, ["table", "rowid", "rank", "snippet"], output)


__all__ = [
    "disable_fts",
    "enable_fts",
    "optimize",
    "populate_fts",
    "rebuild_fts",
    "search",
    "search_all",
]
