"""Facet suggestions on a budget (SV-FAC-4, SV-FAC-5).

Each column check reads at most the first 10,000 matching rows in page order, under its own
``facet_suggest_time_limit_ms``; checks stop once ``facet_suggest_budget_ms`` is spent, and
every column not checked in time is reported with ``timed_out: true``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from datamill.core.identifiers import quote_identifier
from datamill.serve.connection import QueryTimeout, ReadConnection
from datamill.serve.databases import DatabaseState
from datamill.serve.errors import ServeError
from datamill.serve.settings import Settings
from datamill.serve.table_query import TableQuery

__all__ = ["suggest_facets", "cached_suggestions", "SAMPLE_ROWS"]

SAMPLE_ROWS = 10_000
Pairs = list[tuple[str, str]]


def _candidates(query: TableQuery, faceted: set[str]) -> list[str]:
    keys = set(query.relation.pks)
    return [c for c in query.relation.columns if c not in keys and c not in faceted]


def _check(
    conn: ReadConnection, query: TableQuery, column: str, limit_ms: int, max_values: int
) -> bool:
    """Whether ``column`` has 2..``max_values`` distinct values, fewer than its sampled rows."""
    params: dict[str, Any] = {}
    conditions = query.conditions(params)
    where = f" where {' and '.join(conditions)}" if conditions else ""
    order = ", ".join(term.sql() for term in query.order_terms())
    quoted = quote_identifier(column)
    sample = (
        f"select {quoted} as v from {quote_identifier(query.relation.name)}{where}"
        + (f" order by {order}" if order else "")
        + f" limit {SAMPLE_ROWS}"
    )
    distinct, rows = conn.query(
        f"select count(distinct v), count(*) from ({sample})", params, limit_ms
    )[1][0]
    return 2 <= distinct <= max_values and distinct < rows


def _cache_key(query: TableQuery) -> tuple:
    """Suggestions depend on the table, its filters and its search (SV-FAC-5)."""
    params: dict[str, Any] = {}
    conditions = tuple(query.conditions(params))
    return ("suggest", query.relation.name, conditions, tuple(sorted(params.items(), key=repr)))


def suggest_facets(
    conn: ReadConnection,
    state: DatabaseState,
    query: TableQuery,
    faceted: set[str],
    settings: Settings,
    link: Callable[[Pairs], str],
) -> list[dict[str, Any]]:
    """The ``suggested_facets`` list: qualifying columns, then those not checked in time."""
    key = _cache_key(query)
    outcomes = state.suggestions.get(key)
    if outcomes is None:
        outcomes = _run_checks(conn, query, settings)
        if all(outcome is not None for _, outcome in outcomes):
            state.suggestions[key] = outcomes
    return _entries([(c, o) for c, o in outcomes if c not in faceted], query.pairs, link)


def cached_suggestions(
    state: DatabaseState, query: TableQuery, faceted: set[str], link: Callable[[Pairs], str]
) -> list[dict[str, Any]] | None:
    """The suggestions if this version already has them, else None (without running a check)."""
    outcomes = state.suggestions.get(_cache_key(query))
    if outcomes is None:
        return None
    return _entries([(c, o) for c, o in outcomes if c not in faceted], query.pairs, link)


def _run_checks(
    conn: ReadConnection, query: TableQuery, settings: Settings
) -> list[tuple[str, bool | None]]:
    """(column, qualifies) in column order; None where the check timed out or never ran."""
    budget_end = time.monotonic() + settings.facet_suggest_budget_ms / 1000
    outcomes: list[tuple[str, bool | None]] = []
    for column in _candidates(query, set()):
        left_ms = int((budget_end - time.monotonic()) * 1000)
        if left_ms <= 0:
            outcomes.append((column, None))
            continue
        try:
            limit = min(settings.facet_suggest_time_limit_ms, left_ms)
            outcomes.append(
                (column, _check(conn, query, column, limit, settings.default_facet_size))
            )
        except QueryTimeout:
            outcomes.append((column, None))
        except ServeError:
            outcomes.append((column, False))
    return outcomes


def _entries(
    outcomes: Sequence[tuple[str, bool | None]], pairs: Pairs, link: Callable[[Pairs], str]
) -> list[dict[str, Any]]:
    def entry(column: str, timed_out: bool) -> dict[str, Any]:
        return {
            "name": column,
            "type": "column",
            "toggle_url": link([*[p for p in pairs if p[0] != "_next"], ("_facet", column)]),
            "timed_out": timed_out,
        }

    qualifying = [entry(c, False) for c, outcome in outcomes if outcome]
    unchecked = [entry(c, True) for c, outcome in outcomes if outcome is None]
    return qualifying + unchecked
