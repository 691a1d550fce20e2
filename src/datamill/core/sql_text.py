"""Small lexical helpers over SQL text: the first keyword and statement splitting."""

from __future__ import annotations

from datamill.core.sqlite import sqlite3

TRANSACTION_KEYWORDS = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})
QUERY_REJECTED_KEYWORDS = TRANSACTION_KEYWORDS | {"VACUUM", "ATTACH", "DETACH"}


def first_keyword(sql: str) -> str:
    """The first keyword of ``sql``, upper-cased, skipping a BOM, comments, blanks and bare ``;``."""
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch.isspace() or ch in ";\ufeff":
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
        else:
            break
    start = i
    while i < n and (sql[i].isalnum() or sql[i] == "_"):
        i += 1
    return sql[start:i].upper()


def split_statements(script: str) -> list[str]:
    """Split a script into complete statements using ``sqlite3.complete_statement``."""
    statements = []
    buffer = ""
    pieces = script.split(";")
    for position, piece in enumerate(pieces):
        buffer += piece
        if position < len(pieces) - 1:
            buffer += ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer)
            buffer = ""
    if buffer.strip():
        statements.append(buffer)
    return statements
