"""Continuing a git-history 0.8 database (HI-8): add datamill's columns and backfill them."""

from __future__ import annotations

from datamill import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.track.history import gitwalk, schema


def needs_upgrade(db: Database) -> bool:
    """A 0.8 database has ``commits`` without the HI-FIX-2 columns."""
    if not db["commits"].exists():
        return False
    names = {column.name for column in db["commits"].columns}
    return not set(schema.COMMIT_EXTRA_COLUMNS) <= names


def recorded_hashes(db: Database, namespace: str) -> list[str]:
    """The commits recorded for ``namespace``, oldest first."""
    return [
        row[0]
        for row in db.execute(
            "select hash from commits where namespace = "
            "(select id from namespaces where name = ?) order by id",
            [namespace],
        )
    ]


def upgrade(db: Database, tables: schema.Tables, repo: str, present_ids: set[str] | None) -> None:
    """Add missing columns and backfill them, in one transaction.

    ``present_ids`` holds the item ids in the file at the last recorded commit (None without
    ``--id``): other items get ``_removed`` = 1, without inventing removal versions.
    """
    with db.atomic():
        names = {column.name for column in db["commits"].columns}
        for name in schema.COMMIT_EXTRA_COLUMNS:
            if name not in names:
                db.table("commits").add_column(name, str)
        hashes = [row[0] for row in db.execute("select hash from commits where message is null")]
        found = gitwalk.commit_info(repo, hashes)
        db.conn.executemany(
            "update commits set message = ?, author_name = ?, author_email = ?, parent = ? "
            "where hash = ?",
            [
                (info.message, info.author_name, info.author_email, info.parent, sha)
                for sha, info in found.items()
            ],
        )
        if present_ids is None or not db[tables.version].exists():
            return
        if "_change" not in {column.name for column in db[tables.version].columns}:
            db.table(tables.version).add_column("_change", str)
        db.execute(
            f"update {q(tables.version)} set _change = case when _version = 1 then 'added' "
            "else 'changed' end where _change is null"
        )
        if "_removed" not in {column.name for column in db[tables.item].columns}:
            db.table(tables.item).add_column("_removed", int)
        rows = db.execute(f"select _id, _item_id from {q(tables.item)}").fetchall()
        db.conn.executemany(
            f"update {q(tables.item)} set _removed = ? where _id = ?",
            [(0 if item_id in present_ids else 1, pk) for pk, item_id in rows],
        )
