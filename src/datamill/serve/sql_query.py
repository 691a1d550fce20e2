"""Arbitrary read-only SQL: parameters, paging and streaming (SV-SQL).

There is no keyword matching: the authorizer decides what may run (SV-SEC-2). A page beyond
the first re-runs the statement and skips the rows already sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from datamill.core.sql_tokens import COMMENT, PUNCT, SPACE, WORD, ParseError, tokenize
from datamill.serve.connection import ReadConnection
from datamill.serve.errors import bad_request
from datamill.serve.keyset import decode_token, encode_offset
from datamill.serve.table_query import Page

__all__ = ["sql_parameters", "check_sql", "bind_parameters", "run_query_page", "skip_rows"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SKIP_BATCH = 1000


def sql_parameters(sql: str) -> list[str]:
    """Each ``:name`` outside literals, quoted identifiers and comments, in order, once."""
    try:
        tokens = tokenize(sql)
    except ParseError:
        return []
    names: list[str] = []
    for token, following in zip(tokens, tokens[1:]):
        if (
            token.kind == PUNCT
            and token.text == ":"
            and following.kind == WORD
            and following.start == token.end
            and _NAME.fullmatch(following.text)
            and following.text not in names
        ):
            names.append(following.text)
    return names


def check_sql(sql: str) -> None:
    """Refuse SQL with nothing to run (only blanks, comments and ``;``)."""
    try:
        tokens = tokenize(sql)
    except ParseError:
        return  # SQLite reports the unterminated literal itself
    if all(t.kind in (SPACE, COMMENT) or (t.kind == PUNCT and t.text == ";") for t in tokens):
        raise bad_request("SQL query is empty")


def reserved_parameter(names: Sequence[str]) -> str | None:
    return next((n for n in names if n == "sql" or n.startswith("_")), None)


def bind_parameters(
    names: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> tuple[dict[str, str], list[str]]:
    """Values (as text, O-PARAM) for ``names`` from the query string, and the names missing."""
    reserved = reserved_parameter(names)
    if reserved is not None:
        raise bad_request(f"SQL parameter name :{reserved} is reserved")
    given = dict(pairs)
    values = {name: given[name] for name in names if name in given}
    return values, [name for name in names if name not in given]


def skip_rows(cursor: Any, count: int) -> None:
    """Read and drop ``count`` rows (the rows earlier pages sent)."""
    while count > 0:
        batch = cursor.fetchmany(min(count, _SKIP_BATCH))
        if not batch:
            return
        count -= len(batch)


def run_query_page(
    conn: ReadConnection,
    sql: str,
    params: dict[str, str],
    size: int,
    next_token: str | None,
    limit_ms: int,
) -> Page:
    """One page: skip ``_next`` rows, read ``size`` plus one to know whether more follow."""
    offset = decode_token(next_token, None)[1] if next_token else 0
    with conn.limited(limit_ms):
        cursor = conn.execute(sql, params)
        columns = [d[0] for d in cursor.description or ()]
        skip_rows(cursor, offset)
        rows = cursor.fetchmany(size + 1) if cursor.description else []
    next_value = encode_offset(offset + size) if size and len(rows) > size else None
    return Page(columns, rows[:size], next_value, len(rows))
