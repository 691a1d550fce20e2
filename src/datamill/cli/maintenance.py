"""Maintenance commands: analyze, vacuum, enable-wal and disable-wal (C-ANALYZE .. C-DISABLE-WAL)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import database_path, load_extension_option, open_database


@cli.command()
@click.argument("path", type=database_path(exists=True))
@click.argument("names", nargs=-1)
def analyze(path: str, names: Sequence[str]) -> None:
    """Refresh SQLite's query planner statistics (ANALYZE), everywhere or for NAMES

    NAMES may be tables or indexes.

    \b
        datamill analyze shop.db
    """
    db = open_database(path)
    with reported_errors():
        with db.atomic():
            if not names:
                db.analyze()
            for name in names:
                db.analyze(name)


@cli.command()
@click.argument("path", type=database_path(exists=True))
def vacuum(path: str) -> None:
    """Rebuild the database file to reclaim unused space (VACUUM)

    \b
        datamill vacuum shop.db
    """
    db = open_database(path)
    with reported_errors():
        db.vacuum()


@cli.command(name="enable-wal")
@click.argument("path", type=database_path(exists=True), nargs=-1, required=True)
@load_extension_option
def enable_wal(path: Sequence[str], load_extension: Sequence[str]) -> None:
    """Switch each database to write-ahead logging (journal_mode=wal)

    \b
        datamill enable-wal shop.db
    """
    for each in path:
        db = open_database(each, load_extension)
        with reported_errors():
            db.enable_wal()


@cli.command(name="disable-wal")
@click.argument("path", type=database_path(exists=True), nargs=-1, required=True)
@load_extension_option
def disable_wal(path: Sequence[str], load_extension: Sequence[str]) -> None:
    """Switch each database back to a rollback journal (journal_mode=delete)

    \b
        datamill disable-wal shop.db
    """
    for each in path:
        db = open_database(each, load_extension)
        with reported_errors():
            db.disable_wal()
