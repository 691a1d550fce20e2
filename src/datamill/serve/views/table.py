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
from datamill.serve.table_query import TableQuery
from datamill.serve.views.context import RequestContext, json_response, parse_shape
from datamill.serve.views.rows_output import (
    bare_shape_response,
    csv_response,
    stream_encoder,
)
from datamill.serve.views.table_extras import json_body
from datamill.serve.views.table_html import filter_form_redirect, table_html

__all__ = ["table_view", "table_stream"]


def table_view(ctx: RequestContext) -> Response:
    """A buffered table or view response (runs on a SQL thread)."""
    redirect = filter_form_redirect(ctx)
    if redirect is not None:
        return redirect
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
    page = query.fetch_page(conn, ctx.time_limit(), ctx.helpers(conn))
    next_url = ctx.next_url(page.next_token)
    if fmt == "csv":
        return csv_response(ctx, page, relation.name, next_url)
    if fmt == "json":
        if shape in BARE_SHAPES:
            return bare_shape_response(ctx, page, shape, relation, next_url)
        body = json_body(ctx, conn, state, query, page, shape, extras, specs, size)
        return json_response(ctx, body, next_url)
    return table_html(ctx, conn, state, query, page, specs, size, next_url)


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
