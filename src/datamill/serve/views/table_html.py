"""The table page's HTML (SV-PAGE-3): filter rows, count, facets with bars, snippets, sort
links, paging and export links. Everything here is plain data; the template escapes it."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

from datamill.serve.html import SNIPPET_CLOSE, SNIPPET_OPEN, snippet_markup
from datamill.serve.table_query import Page, TableQuery
from datamill.serve.urls import query_string
from datamill.serve.views.context import RequestContext
from datamill.serve.views.history import item_column
from datamill.serve.views.rows_output import html_rows
from datamill.serve.views.table_extras import (
    definition,
    html_suggestions,
    sorted_facets,
    table_count,
    table_facets,
    table_snippets,
)

__all__ = ["table_html", "filter_form_redirect", "FORM_FIELDS"]

#: The filter form's fields; the server turns them into ``col__op=value`` (no script needed).
FORM_FIELDS = ("_filter_column", "_filter_op", "_filter_value")
OPERATOR_LABELS = {
    "exact": "=",
    "not": "≠",
    "contains": "contains",
    "startswith": "starts with",
    "endswith": "ends with",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "in",
    "notin": "not in",
    "isnull": "is null",
    "notnull": "is not null",
    "isblank": "is blank",
    "notblank": "is not blank",
    "like": "like",
    "notlike": "not like",
    "glob": "glob",
    "date": "date is",
    "arraycontains": "array contains",
    "arraynotcontains": "array lacks",
}
NO_VALUE_OPS = frozenset({"isnull", "notnull", "isblank", "notblank"})


def filter_form_redirect(ctx: RequestContext) -> Response | None:
    """A submitted filter form redirects to the same page with ``col__op=value`` pairs."""
    pairs = ctx.pairs
    if not any(name == FORM_FIELDS[0] for name, _ in pairs):
        return None
    fields = {name: [v for k, v in pairs if k == name] for name in FORM_FIELDS}
    kept = [(k, v) for k, v in pairs if k not in FORM_FIELDS and k != "_next"]
    for column, op, value in zip(*fields.values()):
        if not column or op not in OPERATOR_LABELS:
            continue
        if op in NO_VALUE_OPS:
            value = "1"
        kept.append((column if op == "exact" else f"{column}__{op}", value))
    return RedirectResponse(ctx.info.path + query_string(kept), 302)


def _sort_urls(ctx: RequestContext, query: TableQuery, columns: list[str]) -> dict[str, str]:
    """Each header's ``a.sort`` target: sort ascending, or descending when already ascending."""
    base = [p for p in ctx.pairs if p[0] not in ("_sort", "_sort_desc", "_next")]
    urls = {}
    for column in columns:
        ascending = query.explicit_sort and query.sort_column == column and not query.sort_desc
        urls[column] = ctx.info.path + query_string(
            [*base, ("_sort_desc" if ascending else "_sort", column)]
        )
    return urls


def _filter_rows(query: TableQuery) -> list[dict[str, str]]:
    """One row per filter, then a blank row to add one."""
    rows = [{"column": f.column, "op": f.op, "value": f.value} for f in query.filters]
    return [*rows, {"column": "", "op": "exact", "value": ""}]


def _hidden_fields(ctx: RequestContext, query: TableQuery) -> list[tuple[str, str]]:
    """What the filter form carries along: every parameter that is not a filter or a page."""
    filter_keys = {f.column if f.op == "exact" else f"{f.column}__{f.op}" for f in query.filters}
    return [(k, v) for k, v in ctx.pairs if k not in filter_keys and k not in ("_next", "_suggest")]


def _facet_bars(facets: list[dict[str, Any]]) -> None:
    """Each facet value's bar width, as a percentage of the facet's largest count."""
    for facet in facets:
        largest = max((item["count"] for item in facet["results"]), default=0) or 1
        for item in facet["results"]:
            item["bar"] = round(100 * item["count"] / largest, 1)


def _view_sql_url(ctx: RequestContext, query: TableQuery) -> str:
    """This page's statement in the SQL page, its values as ``:param`` fields."""
    params: dict[str, Any] = {}
    sql, _ = query.select_sql(params, query.size, hidden=False)
    pairs = [("sql", sql), *((name, str(value)) for name, value in params.items())]
    return ctx.server.urls.query(ctx.route.db or "") + query_string(pairs)


def table_html(ctx, conn, state, query: TableQuery, page: Page, specs, facet_size, next_url):
    relation = query.relation
    count = table_count(ctx, conn, state, query, page)
    facets = sorted_facets(table_facets(ctx, conn, state, query, specs, facet_size), specs)
    _facet_bars(facets)
    suggestions = html_suggestions(ctx, conn, state, query, specs)
    db = ctx.route.db or ""
    urls = ctx.server.urls
    key_columns = relation.key_columns if not relation.is_view else []
    fk_targets = {fk.column: fk for fk in relation.foreign_keys}
    snippets = None
    if query.search is not None and query.search.query is not None:
        found = table_snippets(
            conn, query, page, ctx.time_limit(), markers=(SNIPPET_OPEN, SNIPPET_CLOSE)
        )
        snippets = [snippet_markup(entry["snippet"]) for entry in found]

    def row_href(row: tuple) -> str | None:
        if not key_columns:
            return None
        values = [row[page.columns.index(c)] for c in key_columns]
        return urls.row(db, relation.name, values)

    timeline = item_column(ctx, conn, state, relation.name)

    def fk_href(column: str, value: Any) -> str | None:
        if timeline is not None and column == timeline[1] and value is not None:
            return urls.history(db, timeline[0], "items", str(value))
        fk = fk_targets.get(column)
        if fk is None or value is None:
            return None
        return urls.row(db, fk.other_table, [value])

    json_stem = urls.table(db, relation.name, ".json")
    without_page = [p for p in ctx.pairs if p[0] not in ("_next", "_size", "_suggest")]
    allow_sql = ctx.settings.default_allow_sql
    return html_rows(
        ctx,
        "table.html",
        page,
        next_url,
        {
            "relation": relation,
            "crumb_table": None,
            "metadata": ctx.table_meta(relation.name),
            "count": count,
            "description": query.describe(),
            "facets": facets,
            "suggestions": suggestions,
            "suggest_src": json_stem
            + query_string([*without_page, ("_size", "0"), ("_extra", "suggested_facets")]),
            "sort_column": query.sort_column,
            "sort_desc": query.sort_desc,
            "definition": definition(state, relation),
            "search": query.search.raw_query if query.search else None,
            "search_hidden": [
                (k, v)
                for k, v in ctx.pairs
                if k not in ("_search", "_next", "_suggest") and not k.startswith("_search_")
            ],
            "sort_urls": _sort_urls(ctx, query, page.columns),
            "filter_rows": _filter_rows(query),
            "filter_columns": query.filterable,
            "operators": OPERATOR_LABELS,
            "hidden_fields": _hidden_fields(ctx, query),
            "snippets": snippets,
            "facet_limit_ms": ctx.settings.facet_time_limit_ms,
            "db_file": ctx.database().path,
            "suggest_url": ctx.info.path + query_string([*ctx.pairs, ("_suggest", "on")]),
            "view_sql_url": _view_sql_url(ctx, query) if allow_sql else None,
            "stream_url": urls.table(db, relation.name, ".csv")
            + query_string([*without_page, ("_stream", "on"), ("_dl", "on")]),
            "stream_allowed": ctx.settings.allow_csv_stream,
        },
        row_href=row_href,
        fk_href=fk_href,
        key_columns=key_columns,
        name=relation.name,
    )
