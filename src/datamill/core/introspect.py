"""Reading schema facts from SQLite: columns, keys, indexes, triggers, defaults (L-INTRO)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from datamill.core.identifiers import quote_identifier
from datamill.core.models import (
    Column,
    ForeignKey,
    Index,
    Trigger,
    XIndex,
    XIndexColumn,
    foreign_key,
)

if TYPE_CHECKING:
    from datamill.core.database import Database


def table_columns(db: Database, name: str) -> list[Column]:
    """``PRAGMA table_info`` as Column tuples; ``[]`` for a missing object."""
    return [Column(*row[:6]) for row in db.execute(f"PRAGMA table_info({quote_identifier(name)})")]


def primary_key_columns(columns: list[Column]) -> list[Column]:
    """The primary key columns in key declaration order; ``[]`` for a rowid table."""
    return sorted((c for c in columns if c.is_pk), key=lambda c: c.is_pk)


def primary_keys(columns: list[Column]) -> list[str]:
    """Primary key column names in declaration order, or ``["rowid"]`` for a rowid table."""
    return [c.name for c in primary_key_columns(columns)] or ["rowid"]


def foreign_keys(db: Database, name: str) -> list[ForeignKey]:
    """One ForeignKey per ``PRAGMA foreign_key_list`` id; bare REFERENCES resolve to the PK."""
    grouped: dict[int, list[Any]] = {}
    for row in db.execute(f"PRAGMA foreign_key_list({quote_identifier(name)})").fetchall():
        grouped.setdefault(row[0], []).append(row)
    fks = []
    for rows in grouped.values():
        rows.sort(key=lambda r: r[1])
        other_table = rows[0][2]
        columns = tuple(r[3] for r in rows)
        other_columns = tuple(r[4] for r in rows)
        if any(c is None for c in other_columns):
            other_pks = primary_keys(table_columns(db, other_table))
            other_columns = tuple(other_pks[: len(columns)])
        fks.append(
            foreign_key(
                name,
                columns,
                other_table,
                other_columns,
                on_delete=rows[0][6],
                on_update=rows[0][5],
            )
        )
    return fks


def indexes(db: Database, name: str) -> list[Index]:
    """Indexes on the table, with their column lists (L-INTRO-15)."""
    result = []
    for row in db.execute(f"PRAGMA index_list({quote_identifier(name)})").fetchall():
        seq, index_name, unique = row[0], row[1], row[2]
        origin = row[3] if len(row) > 3 else "c"
        partial = row[4] if len(row) > 4 else 0
        columns = [
            info[2] for info in db.execute(f"PRAGMA index_info({quote_identifier(index_name)})")
        ]
        result.append(Index(seq, index_name, unique, origin, partial, columns))
    return result


def xindexes(db: Database, name: str) -> list[XIndex]:
    """Indexes with every key and auxiliary column from ``PRAGMA index_xinfo``."""
    return [
        XIndex(
            index.name,
            [
                XIndexColumn(*row)
                for row in db.execute(f"PRAGMA index_xinfo({quote_identifier(index.name)})")
            ],
        )
        for index in indexes(db, name)
    ]


def triggers(db: Database, table: str | None = None) -> list[Trigger]:
    """Triggers in the database, or only those on ``table``."""
    sql = "select name, tbl_name, sql from sqlite_master where type = 'trigger'"
    params: list[str] = []
    if table is not None:
        sql += " and tbl_name = ?"
        params.append(table)
    return [Trigger(*row) for row in db.execute(sql, params).fetchall()]


_INTEGER = re.compile(r"^[0-9]+$")


def parse_default_value(text: str | None) -> Any:
    """Interpret a ``dflt_value`` from ``PRAGMA table_info`` as a Python value (L-INTRO-18)."""
    if text is None:
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if _INTEGER.match(text):
        return int(text)
    if text[:2] in ("X'", "x'") and text.endswith("'"):
        return bytes.fromhex(text[2:-1])
    upper = text.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    if upper == "NULL":
        return None
    try:
        return float(text)
    except ValueError:
        return text


_STRICT_OPTIONS = re.compile(r"\)\s*([^)]*)$", re.S)


def is_strict(schema: str | None) -> bool:
    """True when STRICT is among the options after the last ``)`` (L-INTRO-19)."""
    if not schema:
        return False
    match = _STRICT_OPTIONS.search(schema)
    if not match:
        return False
    options = [option.strip().upper() for option in match.group(1).split(",")]
    return "STRICT" in options


_VIRTUAL_USING = re.compile(
    r"^\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"(?:\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|`(?:[^`]|``)+`|'(?:[^']|'')+'|[^\s(]+)"
    r"(?:\s*\.\s*(?:\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|`(?:[^`]|``)+`|[^\s(]+))?"
    r"\s+USING\s+(\w+)",
    re.I,
)


def virtual_table_using(schema: str | None) -> str | None:
    """The upper-cased module name of a virtual table's schema, or None (L-INTRO-21)."""
    if not schema:
        return None
    match = _VIRTUAL_USING.match(schema)
    return match.group(1).upper() if match else None
