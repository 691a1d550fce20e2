"""Reading what an FTS virtual table is: version, columns, content table, options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from datamill.core.identifiers import fold_identifier_case, quote_identifier

if TYPE_CHECKING:
    from datamill.core.database import Database

__all__ = ["FtsInfo", "detect_fts", "fts_info", "fts_tables", "has_config_rank"]

_USING = re.compile(r"\bUSING\s+(FTS[345])\b", re.IGNORECASE)
_OPTION = re.compile(
    r"""(?:^|,)\s*(content|tokenize|matchinfo)\s*=\s*"""
    r"""("(?:[^"]|"")*"|'(?:[^']|'')*'|\[[^\]]*\]|`(?:[^`]|``)*`|[^,)\s]*)""",
    re.IGNORECASE,
)


def _unquote(value: str) -> str:
    if value[:1] in "\"'`" and value[-1:] == value[:1] and len(value) >= 2:
        return value[1:-1].replace(value[0] * 2, value[0])
    if value[:1] == "[" and value.endswith("]"):
        return value[1:-1]
    return value


def _options(sql: str) -> dict[str, str]:
    body = sql[sql.index("(") + 1 : sql.rindex(")")] if "(" in sql and ")" in sql else ""
    return {m.group(1).lower(): _unquote(m.group(2)) for m in _OPTION.finditer(body)}


@dataclass(frozen=True)
class FtsInfo:
    """An FTS4 or FTS5 table and the facts search needs about it."""

    name: str
    version: str  # "FTS4" or "FTS5"
    columns: tuple[str, ...]
    content: str | None  # external content table; None if it stores its own content
    contentless: bool
    tokenize: str | None
    matchinfo_fts3: bool
    sql: str

    @property
    def table(self) -> str:
        """The name users search by: the content table, else the FTS table itself."""
        return self.content or self.name

    def column_index(self, column: str) -> int | None:
        """0-based position of an indexed column (matched case-insensitively), or None."""
        if column in self.columns:
            return self.columns.index(column)
        folded = [fold_identifier_case(name) for name in self.columns]
        target = fold_identifier_case(column)
        return folded.index(target) if target in folded else None


def fts_info(db: Database, name: str) -> FtsInfo | None:
    """Describe the FTS4/FTS5 table ``name``; None if it is not one."""
    row = db.execute(
        "select name, sql from sqlite_master where type = 'table' and name = ?", [name]
    ).fetchone()
    if row is None or not row[1]:
        return None
    match = _USING.search(row[1])
    if match is None or match.group(1).upper() not in ("FTS4", "FTS5"):
        return None
    options = _options(row[1])
    columns = tuple(r[1] for r in db.execute(f"PRAGMA table_info({quote_identifier(row[0])})"))
    content = options.get("content")
    return FtsInfo(
        name=row[0],
        version=match.group(1).upper(),
        columns=columns,
        content=content or None,
        contentless=content == "",
        tokenize=options.get("tokenize"),
        matchinfo_fts3=options.get("matchinfo", "").lower() == "fts3",
        sql=row[1],
    )


def detect_fts(db: Database, table: str) -> str | None:
    """Name of the FTS table for ``table`` (L-FTS-6), or None."""
    row = db.execute(
        """select name from sqlite_master
    where rootpage = 0
    and (
        sql like :like
        or sql like :like2
        or (tbl_name = :table and sql like '%VIRTUAL TABLE%USING FTS%')
    )""",
        {
            "like": f"%VIRTUAL TABLE%USING FTS%content=[{table}]%",
            "like2": f'%VIRTUAL TABLE%USING FTS%content="{table}"%',
            "table": table,
        },
    ).fetchone()
    return row[0] if row else None


def fts_tables(db: Database) -> list[FtsInfo]:
    """Every FTS4/FTS5 table of the main schema, in sqlite_master order."""
    names = [
        row[0]
        for row in db.execute(
            "select name from sqlite_master where type = 'table' and rootpage = 0 "
            "and sql like '%USING FTS%'"
        )
    ]
    return [info for info in (fts_info(db, name) for name in names) if info is not None]


def has_config_rank(db: Database, info: FtsInfo) -> bool:
    """True if an FTS5 table has a custom ``rank`` in its ``_config`` table."""
    if info.version != "FTS5":
        return False
    sql = f"select 1 from {quote_identifier(info.name + '_config')} where k = 'rank'"
    return db.execute(sql).fetchone() is not None
