"""``datamill import-db``: db-to-sqlite 1.5's command over ``datamill.importdb`` (IDB)."""

from __future__ import annotations

import sys

import click

from datamill.cli.errors import reported_errors
from datamill.cli.load import database_for
from datamill.cli.main import cli
from datamill.importdb import ImportDbError, ImportOptions, Reporter, import_database


@cli.command(name="import-db")
@click.argument("connection")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=False))
@click.option("--all", "all_", is_flag=True, help="Copy every table")
@click.option("--table", "tables", multiple=True, help="Table or view to copy (repeatable)")
@click.option("--skip", multiple=True, help="With --all, a table to leave out (repeatable)")
@click.option(
    "--redact",
    multiple=True,
    type=(str, str),
    metavar="TABLE COLUMN",
    help="Replace every value of this column with *** (repeatable)",
)
@click.option("--sql", help="Query whose result is copied into the --output table")
@click.option("--output", help="Table for the --sql result")
@click.option("--pk", multiple=True, help="Primary key column of the --output table (repeatable)")
@click.option(
    "--index-fks/--no-index-fks",
    default=True,
    show_default=True,
    help="Index the foreign key columns of the written tables",
)
@click.option("-p", "--progress", is_flag=True, help="Show progress on stderr")
@click.option("--postgres-schema", help="PostgreSQL schema to read instead of the default")
@click.option("--views", is_flag=True, help="With --all, also copy views' rows as tables")
@click.option("--replace-tables", is_flag=True, help="Drop and recreate existing output tables")
@click.option("--numeric-text", is_flag=True, help="Keep NUMERIC/DECIMAL values as exact TEXT")
def import_db_command(connection: str, path: str, all_: bool, progress: bool, **params) -> None:
    """Copy tables, views or a query result from CONNECTION into SQLite file PATH.

    CONNECTION is a SQLAlchemy URL (postgresql://user:password@host/db, mysql://user@host/db)
    or the path of an existing SQLite file, which is read without being changed.
    """
    options = ImportOptions(all=all_, **params)
    with reported_errors():
        try:
            options.check(connection)
            with database_for(path) as db:
                reporter = Reporter(progress=progress, bar=sys.stderr.isatty())
                import_database(connection, db, options, reporter)
        except ImportDbError as error:
            raise click.ClickException(str(error)) from None
