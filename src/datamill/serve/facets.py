"""Facet counts that report a time-out instead of vanishing (SV-FAC-1 to SV-FAC-3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from datamill.core.identifiers import quote_identifier
from datamill.serve.connection import QueryTimeout, ReadConnection
from datamill.serve.databases import DatabaseState
from datamill.serve.errors import ServeError, bad_request, forbidden
from datamill.serve.filters import json_array
from datamill.serve.schema import Relation, Schema
from datamill.serve.settings import Settings
from datamill.serve.table_query import TableQuery, last_value

__all__ = ["FacetSpec", "requested_facets", "run_facets", "facet_size", "FACETS_OFF", "MAX_FACETS"]

FACETS_OFF = "Facets are turned off on this server"
MAX_FACETS = 10
FACET_LABEL_LIMIT_MS = 100
_PARAMS = {"_facet": "column", "_facet_array": "array", "_facet_date": "date"}
_SELECT_OP = {"column": "exact", "array": "arraycontains", "date": "date"}

Pairs = list[tuple[str, str]]


@dataclass(frozen=True)
class FacetSpec:
    """One facet to compute: a column, how to count it, and whether the request can hide it."""

    column: str
    type: str  # column, array or date
    hideable: bool

    @property
    def param(self) -> str:
        return {v: k for k, v in _PARAMS.items()}[self.type]


def facet_size(
    pairs: Sequence[tuple[str, str]], table_meta: dict[str, Any], settings: Settings
) -> int:
    maximum = settings.max_returned_rows
    value = last_value(pairs, "_facet_size")
    if value is None or value == "":
        configured = table_meta.get("facet_size", settings.default_facet_size)
        return maximum if configured == "max" else min(configured, maximum)
    if value == "max":
        return maximum
    if value.isascii() and value.isdigit() and 1 <= int(value) <= maximum:
        return int(value)
    raise bad_request(f"_facet_size must be an integer between 1 and {maximum}, or max")


def requested_facets(
    pairs: Sequence[tuple[str, str]],
    table_meta: dict[str, Any],
    relation: Relation,
    settings: Settings,
) -> list[FacetSpec]:
    """Metadata facets first, then the request's, in order, each once (SV-FAC-1)."""
    specs: list[FacetSpec] = []
    for entry in table_meta.get("facets", []):
        if isinstance(entry, str):
            specs.append(FacetSpec(entry, "column", False))
        else:
            kind, column = next(iter(entry.items()))
            specs.append(FacetSpec(column, kind, False))
    asked = [(key, value) for key, value in pairs if key in _PARAMS and value]
    if asked and not settings.allow_facet:
        raise forbidden(FACETS_OFF)
    for key, value in asked:
        spec = FacetSpec(value, _PARAMS[key], True)
        if all((s.column, s.type) != (spec.column, spec.type) for s in specs):
            specs.append(spec)
    for spec in specs:
        if spec.column not in relation.columns:
            raise bad_request(f"Cannot facet on unknown column: {spec.column}")
    if len(specs) > MAX_FACETS:
        raise bad_request(f"Too many facets (limit {MAX_FACETS})")
    return specs


def _facet_sql(query: TableQuery, spec: FacetSpec, params: dict[str, Any], size: int) -> str:
    relation = query.relation
    table = quote_identifier(relation.name)
    column = f"{table}.{quote_identifier(spec.column)}"
    conditions = query.conditions(params)
    where = f" where {' and '.join(conditions)}" if conditions else ""
    order = f" order by count desc, value limit {size + 1}"
    if spec.type == "column":
        return f"select {column} as value, count(*) as count from {table}{where} group by {column}{order}"
    if spec.type == "date":
        return f"select date({column}) as value, count(*) as count from {table}{where} group by value{order}"
    row_identity = ", ".join(f"{table}.{e}" for e in query.key_expressions()) or f"{table}.*"
    array = json_array(column)
    return (
        f"select value, count(*) as count from (select distinct j.value as value, {row_identity} "
        f"from {table} join json_each({array}) j{where}) group by value{order}"
    )


def run_facets(
    conn: ReadConnection,
    state: DatabaseState,
    query: TableQuery,
    specs: Sequence[FacetSpec],
    size: int,
    settings: Settings,
    table_meta_for: Callable[[str], dict[str, Any]],
    link: Callable[[Pairs], str],
) -> dict[str, Any]:
    """``facet_results``: ``{"results": {name: entry}, "timed_out": [names]}`` (SV-FAC-2, -3).

    Completed counts are cached for the database version; a facet that timed out is not.
    """
    results: dict[str, Any] = {}
    timed_out: list[str] = []
    pairs = query.pairs
    for spec in specs:
        key = spec.column
        suffix = 2
        while key in results:
            key = f"{spec.column}_{suffix}"
            suffix += 1
        without = [p for p in pairs if p != (spec.param, spec.column)]
        entry: dict[str, Any] = {
            "name": spec.column,
            "type": spec.type,
            "hideable": spec.hideable,
            "toggle_url": link(without) if spec.hideable else link(list(pairs)),
            "results": [],
            "truncated": False,
            "timed_out": False,
        }
        counted = _counted(conn, state, query, spec, size, settings, table_meta_for)
        if counted is None:
            entry["timed_out"] = True
            timed_out.append(spec.column)
            results[key] = entry
            continue
        rows, labels = counted
        entry["results"] = [
            _result(spec, value, count, labels, pairs, link) for value, count in rows[:size]
        ]
        entry["truncated"] = len(rows) > size
        results[key] = entry
    return {"results": results, "timed_out": timed_out}


def _counted(
    conn: ReadConnection,
    state: DatabaseState,
    query: TableQuery,
    spec: FacetSpec,
    size: int,
    settings: Settings,
    table_meta_for: Callable[[str], dict[str, Any]],
) -> tuple[list[tuple], dict[Any, Any]] | None:
    """The facet's ``(value, count)`` rows (``size`` + 1 at most) and labels; None on time-out."""
    params: dict[str, Any] = {}
    sql = _facet_sql(query, spec, params, size)
    cache_key = ("facet", sql, tuple(sorted(params.items(), key=repr)))
    cached = state.facets.get(cache_key)
    if cached is not None:
        return cached
    try:
        _, rows = conn.query(sql, params, settings.facet_time_limit_ms)
    except QueryTimeout:
        return None
    values = [row[0] for row in rows[:size]]
    labels = _labels(conn, state.schema, query.relation, spec, values, table_meta_for)
    state.facets[cache_key] = (rows, labels)
    return rows, labels


def _result(
    spec: FacetSpec,
    value: Any,
    count: int,
    labels: dict[Any, Any],
    pairs: Pairs,
    link: Callable[[Pairs], str],
) -> dict[str, Any]:
    column = spec.column
    if value is None:
        selection = (f"{column}__isnull", "1")
        selected = selection in pairs
    else:
        text = str(value)
        op = _SELECT_OP[spec.type]
        selection = (column if op == "exact" else f"{column}__{op}", text)
        selected = selection in pairs or (op == "exact" and (f"{column}__exact", text) in pairs)
    if selected:
        toggled = [p for p in pairs if p != selection and p != (f"{column}__exact", selection[1])]
    else:
        toggled = [*[p for p in pairs if p[0] != "_next"], selection]
    return {
        "value": value,
        "label": labels.get(value, value),
        "count": count,
        "toggle_url": link(toggled),
        "selected": selected,
    }


def label_column(schema: Schema, table: str, table_meta: dict[str, Any]) -> str | None:
    """The column naming a referenced row: metadata, or the only non-key TEXT column of two."""
    configured = table_meta.get("label_column")
    if configured:
        return configured
    other = schema.get(table)
    if other is None or len(other.columns) != 2:
        return None
    rest = [c for c in other.columns if c not in other.pks]
    if len(rest) == 1 and other.has_text_affinity(rest[0]):
        return rest[0]
    return None


def _labels(
    conn: ReadConnection,
    schema: Schema,
    relation: Relation,
    spec: FacetSpec,
    values: list[Any],
    table_meta_for: Callable[[str], dict[str, Any]],
) -> dict[Any, Any]:
    if spec.type != "column":
        return {}
    fk = next((fk for fk in relation.foreign_keys if fk.column == spec.column), None)
    present = [v for v in values if v is not None]
    if fk is None or not present:
        return {}
    label = label_column(schema, fk.other_table, table_meta_for(fk.other_table))
    if label is None:
        return {}
    marks = ", ".join("?" for _ in present)
    sql = (
        f"select {quote_identifier(fk.other_column)}, {quote_identifier(label)} "
        f"from {quote_identifier(fk.other_table)} where {quote_identifier(fk.other_column)} in ({marks})"
    )
    try:
        _, rows = conn.query(sql, present, FACET_LABEL_LIMIT_MS)
    except (ServeError, QueryTimeout):  # a label is a nicety: the value stays the label
        return {}
    return dict(rows)
