"""Cached row counts: ``enable-counts`` and ``reset-counts`` (C-ENABLE-COUNTS, C-RESET-COUNTS)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import database_path, load_extension_option, open_database


@cli.command(name="enable-counts")
@click.argument("path", type=database_path(exists=True))
@click.argument("tables", nargs=-1)
@load_extension_option
def enable_counts(path: str, tables: Sequence[str], load_extension: Sequence[str]) -> None:
    """Keep each table's row count in a _counts table, updated by triggers

    Covers every table unless TABLES are named. Example:

    \b
        datamill enable-counts trees.db
    """
    db = open_database(path, load_extension)
    with reported_errors():
        if not tables:
            db.enable_counts()
            return
        existing = set(db.table_names())
        invalid = [table for table in tables if table not in existing]
        if invalid:
            raise click.ClickException(f"Invalid tables: {invalid}")
        with db.atomic():
            for table in tables:
                db.table(table).enable_counts()


@cli.command(name="reset-counts")
@click.argument("path", type=database_path(exists=True))
@load_extension_option
def reset_counts(path: str, load_extension: Sequence[str]) -> None:
    """Recompute every cached count in _counts from the tables themselves

    Example:

    \b
        datamill reset-counts trees.db
    """
    db = open_database(path, load_extension)
    with reported_errors():
        db.reset_counts()
