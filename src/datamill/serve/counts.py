"""Counts that are exact when cheap and honest lower bounds when not (SV-CNT).

A rowid table is counted in rowid ranges that double in size, each a statement of its own
under the one ``count_time_limit_ms`` deadline; when the deadline passes, the ranges already
counted give a lower bound. Other relations get an exact count or, on time-out, the number
of rows the page query saw.
"""

from __future__ import annotations

import time
from typing import Any

from datamill.core.identifiers import quote_identifier
from datamill.serve.connection import QueryTimeout, ReadConnection
from datamill.serve.databases import DatabaseState
from datamill.serve.schema import Relation

__all__ = ["count_rows", "Count"]

Count = tuple[int, bool]  # (count or lower bound, truncated)
_FIRST_RANGE = 1 << 14


def count_rows(
    conn: ReadConnection,
    state: DatabaseState,
    relation: Relation,
    conditions: list[str] | None,
    params: dict[str, Any],
    limit_ms: int,
    seen: int = 0,
) -> Count:
    """Count the rows of ``relation`` matching ``conditions`` (None or empty: all rows).

    ``seen`` is how many matching rows a page query already read: a lower bound never falls
    below it. Unfiltered counts are cached per database version.
    """
    table = quote_identifier(relation.name)
    cache_key = None if conditions else ("count", relation.name)
    if cache_key is not None:
        if cache_key in state.counts:
            return state.counts[cache_key]
        if relation.has_count_triggers and "_counts" in state.schema.relations:
            stored = conn.scalar(
                'select count from "_counts" where "table" = ?', [relation.name], limit_ms
            )
            if stored is not None:
                state.counts[cache_key] = (stored, False)
                return stored, False
    where = " and ".join(conditions or [])
    deadline = time.monotonic() + limit_ms / 1000
    ranges = relation.rowid is not None and not relation.is_view
    first_ms = max(1, limit_ms // 4) if ranges else limit_ms
    try:
        result: Count = (
            conn.scalar(
                f"select count(*) from {table}" + (f" where {where}" if where else ""),
                params,
                first_ms,
            ),
            False,
        )
    except QueryTimeout:
        if not ranges:
            return seen, True
        result = _count_in_ranges(conn, relation, where, params, deadline, seen)
    if cache_key is not None and not result[1]:
        state.counts[cache_key] = result
    return result


def _count_in_ranges(
    conn: ReadConnection,
    relation: Relation,
    where: str,
    params: dict,
    deadline: float,
    seen: int,
) -> Count:
    """Sum counts over rowid ranges of doubling width until done or out of time."""
    table = quote_identifier(relation.name)
    rowid = f"{table}.{relation.rowid}"

    def remaining_ms() -> int:
        return int((deadline - time.monotonic()) * 1000)

    try:
        if remaining_ms() <= 0:
            return seen, True
        low, high = conn.query(
            f"select min({rowid}), max({rowid}) from {table}", (), remaining_ms()
        )[1][0]
    except QueryTimeout:
        return seen, True
    if low is None:
        return 0, False
    sql = f"select count(*) from {table} where {rowid} >= :_lo and {rowid} < :_hi"
    if where:
        sql += f" and {where}"
    total = 0
    start, width = low, _FIRST_RANGE
    while start <= high:
        left = remaining_ms()
        if left <= 0:
            return max(total, seen), True
        end = start + width
        try:
            total += conn.scalar(sql, {**params, "_lo": start, "_hi": end}, left)
        except QueryTimeout:
            return max(total, seen), True
        start, width = end, width * 2
    return total, False
