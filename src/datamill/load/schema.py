"""Widening a column's declared type in place while a load streams (I-2).

SQLite cannot change a column's type with ALTER TABLE. A change that leaves every stored value
valid under the new declaration may instead edit the stored CREATE TABLE text, as SQLite's
documentation describes for "other kinds of table schema changes": the table is not copied,
and the values already written are converted to the new type's storage class afterwards. The
type's position in the statement comes from the project's CREATE TABLE parser, so quoting,
comments, odd spacing and multi-word types are handled and no other text is touched.
"""

from __future__ import annotations

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier
from datamill.core.table_parser import column_type_span
from datamill.io.detect import REAL, TEXT

REAL_TYPES = {REAL, "FLOAT"}


def widen_column(db: Database, table: str, column: str, old: str, new: str) -> None:
    """Change ``column``'s declared type from ``old`` to ``new`` without rewriting the table.

    Values already written are converted to the new storage class (numbers to REAL, or to
    their TEXT form). A column that was TEXT because every earlier value was empty turns
    numeric, and its empty strings become NULL. Must run inside the load's transaction.
    """
    sql = db.execute(
        "select sql from sqlite_master where type = 'table' and name = ?", [table]
    ).fetchone()[0]
    start, end = column_type_span(sql, column)
    prefix = "" if start < end else " "
    _store_schema(db, table, sql[:start] + prefix + new + sql[end:])
    quoted = quote_identifier(column)
    if old == TEXT:
        db.execute(f"update {quote_identifier(table)} set {quoted} = null where {quoted} = ''")
        return
    # A whole REAL is stored as an integer on disk and read back as REAL only through the
    # column's affinity, which the new declaration no longer gives: cast it back first.
    value = f"cast({quoted} as REAL)" if new == REAL or old in REAL_TYPES else quoted
    target = "REAL" if new == REAL else "TEXT"
    db.execute(
        f"update {quote_identifier(table)} set {quoted} = cast({value} as {target}) "
        f"where typeof({quoted}) in ('integer', 'real')"
    )


def _store_schema(db: Database, table: str, create_sql: str) -> None:
    """Replace ``table``'s stored CREATE TABLE text and make every connection reload it."""
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute(
            "update sqlite_master set sql = ? where type = 'table' and name = ?",
            [create_sql, table],
        )
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
