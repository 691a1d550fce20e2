"""Full-text indexes written by ``csvs`` (CS-7, CS-8), laid out as ``enable-fts`` does."""

from __future__ import annotations

from collections.abc import Sequence

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.core.sqlite import sqlite3
from datamill.csvs.errors import CsvsError
from datamill.search.fts_sql import rebuild_sql


def fts_version(db: Database) -> str:
    """FTS5, else FTS4; neither is an error."""
    for version in ("FTS5", "FTS4"):
        try:
            db.execute(f"create virtual table temp.datamill_fts_probe using {version}(x)")
        except sqlite3.OperationalError:
            continue
        db.execute("drop table temp.datamill_fts_probe")
        return version
    raise CsvsError("Your SQLite version does not support any variant of FTS")


def create_fts(db: Database, fts: str, content: str, columns: Sequence[str], version: str) -> None:
    """``CREATE VIRTUAL TABLE fts USING version (columns, content=content)``."""
    names = ", ".join(q(column) for column in columns)
    db.execute(
        f"CREATE VIRTUAL TABLE {q(fts)} USING {version} (\n    {names},\n    content={q(content)}\n)"
    )


def index_rows(
    db: Database,
    fts: str,
    table: str,
    columns: Sequence[str],
    lookups: dict[str, tuple[str, str]],
    after_rowid: int = 0,
) -> None:
    """Index ``table``'s rows past ``after_rowid``; an extracted column by its value text."""
    values = []
    for column in columns:
        if column in lookups:
            lookup, value_column = lookups[column]
            values.append(f"(select {q(value_column)} from {q(lookup)} where id = t.{q(column)})")
        else:
            values.append(f"t.{q(column)}")
    names = ", ".join(q(column) for column in columns)
    db.execute(
        f"insert into {q(fts)} (rowid, {names}) select t.rowid, {', '.join(values)} "
        f"from {q(table)} t where t.rowid > ?",
        [after_rowid],
    )


def rebuild(db: Database, fts: str) -> None:
    db.execute(rebuild_sql(fts))
