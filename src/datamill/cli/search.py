"""Full-text search commands: enable-fts, populate-fts, rebuild-fts, disable-fts, optimize,
search and search-all (C-ENABLE-FTS, C-POPULATE-FTS, C-REBUILD-FTS, C-DISABLE-FTS,
C-OPTIMIZE, C-SEARCH, fts.md S-CLI)."""

from __future__ import annotations

from collections.abc import Callable

import click

import datamill
from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import database_path, load_extension_option, open_database
from datamill.cli.output import output_options, write_rows
from datamill.core.identifiers import fold_identifier_case
from datamill.core.sqlite import sqlite3
from datamill.search.errors import SearchQueryError
from datamill.search.escape import PREFIX_MODES


def _existing_path(function: Callable) -> Callable:
    return click.argument("path", type=database_path(exists=True))(function)


def _any_path(function: Callable) -> Callable:
    return click.argument("path", type=database_path())(function)


# -- set-up commands -----------------------------------------------------------------


def _not_a_view(db: datamill.Database, name: str) -> None:
    """``Error: Table <name> is actually a view`` for a view given as TABLE (L-ACC-1)."""
    with reported_errors():
        db.table(name)


@cli.command(name="enable-fts")
@_existing_path
@click.argument("table")
@click.argument("column", nargs=-1, required=True)
@click.option("--fts4", is_flag=True, help="Use FTS4")
@click.option("--fts5", is_flag=True, help="Use FTS5 (the default)")
@click.option("--tokenize", help="FTS tokenizer, for example porter for stemming")
@click.option("--create-triggers", is_flag=True, help="Keep the index in sync with triggers")
@click.option("--replace", is_flag=True, help="Replace an existing FTS set-up")
@load_extension_option
def enable_fts(path, table, column, fts4, fts5, tokenize, create_triggers, replace, load_extension):
    """Create an FTS4/FTS5 index for COLUMNs of TABLE and fill it."""
    if fts4 and fts5:
        click.echo("Can only use one of --fts4 or --fts5", err=True)
        return
    db = open_database(path, load_extension)
    _not_a_view(db, table)
    if table not in db.table_names():
        raise click.ClickException(f"no such table: {table}")
    with reported_errors():
        db[table].enable_fts(
            column,
            fts_version="FTS4" if fts4 else "FTS5",
            create_triggers=create_triggers,
            tokenize=tokenize,
            replace=replace,
        )


@cli.command(name="populate-fts")
@_existing_path
@click.argument("table")
@click.argument("column", nargs=-1, required=True)
@load_extension_option
def populate_fts(path, table, column, load_extension):
    """Add all rows of TABLE to its FTS index."""
    db = open_database(path, load_extension)
    _not_a_view(db, table)
    with reported_errors():
        db[table].populate_fts(column)


def _fts_table_names(db: datamill.Database) -> list[str]:
    return db.table_names(fts4=True) + db.table_names(fts5=True)


@cli.command(name="rebuild-fts")
@_existing_path
@click.argument("tables", nargs=-1)
@load_extension_option
def rebuild_fts(path, tables, load_extension):
    """Rebuild the FTS index of each TABLE (default: every FTS table)."""
    db = open_database(path, load_extension)
    names = db.table_names()
    with reported_errors(), db.atomic():
        for table in tables or _fts_table_names(db):
            _not_a_view(db, table)
            if table not in names:
                raise sqlite3.OperationalError(f"no such table: {table}")
            db[table].rebuild_fts()


@cli.command(name="disable-fts")
@_existing_path
@click.argument("table")
@load_extension_option
def disable_fts(path, table, load_extension):
    """Remove TABLE's FTS index and the triggers that maintain it."""
    db = open_database(path, load_extension)
    _not_a_view(db, table)
    if table in db.table_names():
        db[table].disable_fts()


@cli.command(name="optimize")
@_existing_path
@click.argument("tables", nargs=-1)
@click.option("--no-vacuum", is_flag=True, help="Do not run VACUUM afterwards")
@load_extension_option
def optimize(path, tables, no_vacuum, load_extension):
    """Optimize the FTS index of each TABLE (default: every FTS table), then VACUUM."""
    db = open_database(path, load_extension)
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
@click.option("-o", "--order", help="ORDER BY expression instead of relevance, e.g. 'title desc'")
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
@output_options
@load_extension_option
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
    output,
):
    """Search DBTABLE for Q using full-text search."""
    db = open_database(path, load_extension)
    if dbtable not in db.table_names():
        raise click.ClickException(f"Table '{dbtable}' does not exist")
    table = db[dbtable]
    if table.detect_fts() is None:
        raise click.ClickException(f"Table '{dbtable}' is not configured for full-text search")
    existing = [c.name for c in table.columns]
    folded = {fold_identifier_case(name) for name in existing}
    for column in columns:
        if fold_identifier_case(column) not in folded:
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
    write_rows(headers, (list(row.values()) for row in rows), output)


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
@click.option(
    "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Rows; 0 for all"
)
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
@output_options(table_flag=False)
@load_extension_option
def search_all(path, q, tables, limit, raw, prefix, no_snippet, markers, load_extension, output):
    """Search every full-text indexed table of the database for Q."""
    db = open_database(path, load_extension)
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
    columns = ["table", "rowid", "rank", "snippet"]
    write_rows(columns, ([row[c] for c in columns] for row in rows), output)


__all__ = [
    "disable_fts",
    "enable_fts",
    "optimize",
    "populate_fts",
    "rebuild_fts",
    "search",
    "search_all",
]
