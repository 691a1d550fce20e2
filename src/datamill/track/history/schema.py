"""The history database layout (HI-5), created and extended through ``datamill.Database``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from datamill import Database
from datamill.core.identifiers import quote_identifier
from datamill.core.types import sql_type, suggest_column_types

COMMIT_EXTRA_COLUMNS = ("message", "author_name", "author_email", "parent")

# git-history 0.8's view text, table names substituted (HI-5).
VIEW_SQL = """select
  commits.commit_at as _commit_at,
  commits.hash as _commit_hash,
  {version}.*,
  (
    select json_group_array(name) from columns
    where id in (
      select column from {changed}
      where item_version = {version}._id
    )
) as _changed_columns
from {version}
  join commits on commits.id = {version}._commit"""

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _sql_name(name: str) -> str:
    """``name`` as git-history writes it into the view when it is a plain identifier, else quoted."""
    return name if _PLAIN_NAME.fullmatch(name) else quote_identifier(name)


class Tables:
    """Names of one namespace's tables."""

    def __init__(self, namespace: str) -> None:
        self.item = namespace
        self.version = f"{namespace}_version"
        self.changed = f"{namespace}_changed"
        self.view = f"{namespace}_version_detail"


def ensure_shared(db: Database) -> None:
    """``namespaces`` and ``commits``."""
    if not db["namespaces"].exists():
        db.create_table("namespaces", {"id": int, "name": str}, pk="id")
        db.table("namespaces").create_index(["name"], unique=True)
    if not db["commits"].exists():
        db.create_table(
            "commits",
            {
                "id": int,
                "namespace": int,
                "hash": str,
                "commit_at": str,
                "message": str,
                "author_name": str,
                "author_email": str,
                "parent": str,
            },
            pk="id",
            foreign_keys=[("namespace", "namespaces", "id")],
        )
        db.table("commits").create_index(["namespace", "hash"], unique=True)


def column_types(
    columns: Sequence[str], rows: Sequence[Mapping], declared: Mapping[str, str] | None
) -> dict[str, str]:
    """SQL types for new columns: ``declared`` (CSV) or library.md L-TYPE suggestions."""
    if declared is not None:
        return {name: declared.get(name, "TEXT") for name in columns}
    suggested = suggest_column_types(
        [{name: row.get(name) for name in columns if name in row} for row in rows]
    )
    return {name: sql_type(suggested.get(name, str)) for name in columns}


def python_type(sql: str) -> type:
    return {"INTEGER": int, "REAL": float, "FLOAT": float, "BLOB": bytes}.get(sql, str)


def create_id_tables(db: Database, tables: Tables, types: Mapping[str, str]) -> None:
    """The item, version and changed tables, their indexes and the view (HI-5)."""
    data = {name: python_type(sql) for name, sql in types.items()}
    db.create_table(
        tables.item,
        {"_id": int, "_item_id": str, **data, "_commit": int, "_removed": int},
        pk="_id",
        foreign_keys=[("_commit", "commits", "id")],
    )
    db.table(tables.item).create_index(["_item_id"], unique=True)
    db.create_table(
        tables.version,
        {
            "_id": int,
            "_item": int,
            "_version": int,
            "_commit": int,
            "_change": str,
            **data,
            "_item_full_hash": str,
        },
        pk="_id",
        foreign_keys=[("_item", tables.item, "_id"), ("_commit", "commits", "id")],
    )
    db.table(tables.version).create_index(["_item"])
    if not db["columns"].exists():
        db.create_table(
            "columns",
            {"id": int, "namespace": int, "name": str},
            pk="id",
            foreign_keys=[("namespace", "namespaces", "id")],
        )
        db.table("columns").create_index(["namespace", "name"], unique=True)
    db.create_table(
        tables.changed,
        {"item_version": int, "column": int},
        pk=("item_version", "column"),
        foreign_keys=[("item_version", tables.version, "_id"), ("column", "columns", "id")],
    )
    sql = VIEW_SQL.format(version=_sql_name(tables.version), changed=_sql_name(tables.changed))
    db.create_view(tables.view, sql, ignore=True)


def create_plain_table(db: Database, name: str, types: Mapping[str, str]) -> None:
    """Without ``--id``: every row of every version, plus ``_commit`` (0.8 layout)."""
    data = {column: python_type(sql) for column, sql in types.items()}
    db.create_table(name, {**data, "_commit": int}, foreign_keys=[("_commit", "commits", "id")])


def add_columns(db: Database, table: str, types: Mapping[str, str]) -> None:
    """New data columns, appended with ALTER TABLE ADD COLUMN (cli.md G-9)."""
    for name, sql in types.items():
        db.table(table).add_column(name, python_type(sql))
