"""Table and view pages: JSON, CSV and HTML (SV-TBL, SV-CNT, SV-FAC, SV-FTS, SV-JSON, SV-CSV)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from datamill.serve.connection import ReadConnection
from datamill.serve.databases import DatabaseState
from datamill.serve.errors import bad_request, not_found
from datamill.serve.extras import BARE_SHAPES, requested_extras
from datamill.serve.facets import facet_size as parse_facet_size
from datamill.serve.facets import requested_facets
from datamill.serve.streaming import StreamSpec
from datamill.serve.table_query import Page, TableQuery
from datamill.serve.urls import query_string
from datamill.serve.views.context import RequestContext, json_response, parse_shape
from datamill.serve.views.rows_output import (
    bare_shape_response,
    csv_response,
    html_rows,
    stream_encoder,
)
from datamill.serve.views.table_extras import (
    definition,
    html_suggestions,
    json_body,
    sorted_facets,
    table_count,
    table_facets,
)

__all__ = ["table_view", "table_stream"]


def table_view(ctx: RequestContext) -> Response:
    """A buffered table or view response (runs on a SQL thread)."""
    conn, state, relation = ctx.relation()
    fmt = ctx.route.fmt
    meta = ctx.table_meta(relation.name)
    shape, _ = parse_shape(ctx, "table", is_table=not relation.is_view)
    if shape == "object" and not relation.key_columns:
        raise bad_request("_shape=object needs a table")
    query = TableQuery(conn, relation, ctx.pairs, ctx.settings, meta)
    extras: list[str] = []
    if fmt == "json":
        searched = query.search is not None and query.search.query is not None
        extras = requested_extras(ctx.pairs, "table", searched)
        if extras and shape in BARE_SHAPES:
            raise bad_request("_extra needs the default shape, _shape=objects or _shape=arrays")
    specs = requested_facets(ctx.pairs, meta, relation, ctx.settings)
    size = parse_facet_size(ctx.pairs, meta, ctx.settings)
    page = query.fetch_page(conn, ctx.time_limit())
    next_url = ctx.next_url(page.next_token)
    if fmt == "csv":
        return csv_response(ctx, page, relation.name, next_url)
    if fmt == "json":
        if shape in BARE_SHAPES:
            return bare_shape_response(ctx, page, shape, relation, next_url)
        body = json_body(ctx, conn, state, query, page, shape, extras, specs, size)
        return json_response(ctx, body, next_url)
    return _html(ctx, conn, state, query, page, specs, size, next_url)


def table_stream(ctx: RequestContext, nl: bool):
    """The stream plan for ``_stream=on``: every matching row in page order (SV-CSV-3)."""

    def prepare(conn: ReadConnection, state: DatabaseState) -> StreamSpec:
        relation = state.schema.get(ctx.route.table or "")
        if relation is None:
            raise not_found(f"Table not found: {ctx.route.table}")
        query = TableQuery(conn, relation, ctx.pairs, ctx.settings, ctx.table_meta(relation.name))
        params: dict[str, Any] = {}
        sql, _ = query.select_sql(params, None, hidden=False)
        return StreamSpec(sql, params, stream_encoder(ctx, nl))

    return prepare


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


def _html(ctx, conn, state, query: TableQuery, page: Page, specs, facet_size, next_url) -> Response:
    relation = query.relation
    count = table_count(ctx, conn, state, query, page)
    facets = sorted_facets(table_facets(ctx, conn, state, query, specs, facet_size), specs)
    suggestions = html_suggestions(ctx, conn, state, query, specs)
    db = ctx.route.db or ""
    urls = ctx.server.urls
    key_columns = relation.key_columns if not relation.is_view else []
    fk_targets = {fk.column: fk for fk in relation.foreign_keys}

    def row_href(row: tuple) -> str | None:
        if not key_columns:
            return None
        values = [row[page.columns.index(c)] for c in key_columns]
        return urls.row(db, relation.name, values)

    def fk_href(column: str, value: Any) -> str | None:
        fk = fk_targets.get(column)
        if fk is None or value is None:
            return None
        return urls.row(db, fk.other_table, [value])

    return html_rows(
        ctx,
        "table.html",
        page,
        next_url,
        {
            "relation": relation,
            "count": count,
            "description": query.describe(),
            "facets": facets,
            "suggestions": suggestions,
            "sort_column": query.sort_column,
            "sort_desc": query.sort_desc,
            "definition": definition(state, relation),
            "search": query.search.raw_query if query.search else None,
            "sort_urls": _sort_urls(ctx, query, page.columns),
            "facet_limit_ms": ctx.settings.facet_time_limit_ms,
            "db_file": ctx.database().path,
            "suggest_url": ctx.info.path + query_string([*ctx.pairs, ("_suggest", "on")]),
            "stream_url": urls.table(db, relation.name, ".csv")
            + query_string(
                [
                    *[p for p in ctx.pairs if p[0] not in ("_next", "_size")],
                    ("_stream", "on"),
                    ("_dl", "on"),
                ]
            ),
        },
        row_href=row_href,
        fk_href=fk_href,
        key_columns=key_columns,
        name=relation.name,
    )
