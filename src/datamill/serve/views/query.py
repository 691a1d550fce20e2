"""The arbitrary SQL page ``/<db>/-/query`` (SV-SQL)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from datamill.serve.connection import ReadConnection
from datamill.serve.databases import DatabaseState
from datamill.serve.errors import ServeError, bad_request, forbidden
from datamill.serve.extras import BARE_SHAPES, ordered, requested_extras
from datamill.serve.json_output import objects, parse_json_columns
from datamill.serve.keyset import decode_token
from datamill.serve.sql_query import bind_parameters, check_sql, run_query_page, sql_parameters
from datamill.serve.streaming import StreamSpec
from datamill.serve.table_query import SQL_OFF, Page, parse_size
from datamill.serve.views.common_extras import COMMON, common_extra
from datamill.serve.views.context import RequestContext, json_response, parse_shape
from datamill.serve.views.rows_output import (
    bare_shape_response,
    csv_response,
    html_rows,
    stream_encoder,
)

__all__ = ["query_view", "query_stream", "checked_sql"]


def checked_sql(ctx: RequestContext) -> tuple[str, dict[str, str]]:
    """The statement and its parameter values; 403/400 per SV-SQL-1 and SV-SQL-3."""
    if not ctx.settings.default_allow_sql:
        raise forbidden(SQL_OFF)
    sql = ctx.param("sql") or ""
    check_sql(sql)
    values, missing = bind_parameters(sql_parameters(sql), ctx.pairs)
    if missing:
        raise bad_request(f"Missing value for SQL parameter :{missing[0]}")
    return sql, values


def query_view(ctx: RequestContext) -> Response:
    database = ctx.database()
    fmt = ctx.route.fmt
    if fmt == "html":
        return _html(ctx, database)
    shape, _ = parse_shape(ctx, "query")
    extras: list[str] = []
    if fmt == "json":
        extras = requested_extras(ctx.pairs, "query")
        if extras and shape in BARE_SHAPES:
            raise bad_request("_extra needs the default shape, _shape=objects or _shape=arrays")
    sql, values = checked_sql(ctx)
    conn, _ = ctx.session(database)
    size = parse_size(
        ctx.param("_size"), ctx.settings.max_returned_rows, ctx.settings.max_returned_rows
    )
    page = run_query_page(conn, sql, values, size, ctx.param("_next"), ctx.time_limit())
    next_url = ctx.next_url(page.next_token)
    if fmt == "csv":
        return csv_response(ctx, page, database.name, next_url)
    if shape in BARE_SHAPES:
        return bare_shape_response(ctx, page, shape, None, next_url, database.name)
    rows = parse_json_columns(page.columns, page.rows, [v for k, v in ctx.pairs if k == "_json"])
    body: dict[str, Any] = {"ok": True}
    body["rows"] = [list(r) for r in rows] if shape == "arrays" else objects(page.columns, rows)
    body["truncated"] = page.next_token is not None
    body["next"] = page.next_token
    body["next_url"] = next_url
    for name in ordered(extras):
        body[name] = _extra(ctx, page, sql, values, name, extras)
    return json_response(ctx, body, next_url)


def _extra(
    ctx: RequestContext, page, sql: str, values: dict[str, str], name: str, extras: list[str]
) -> Any:
    if name in COMMON:
        return common_extra(name, ctx, "query", page.rows, extras)
    return {
        "columns": lambda: page.columns,
        "query": lambda: {"sql": sql, "params": values},
        "database": lambda: ctx.route.db,
        "metadata": lambda: {},
    }[name]()


def query_stream(ctx: RequestContext, nl: bool):
    """The stream plan for ``_stream=on``: every row of the statement (SV-CSV-3, SV-FIX-5)."""
    sql, values = checked_sql(ctx)
    offset = decode_token(ctx.param("_next") or "", None)[1] if ctx.param("_next") else 0

    def prepare(conn: ReadConnection, state: DatabaseState) -> StreamSpec:
        return StreamSpec(sql, values, stream_encoder(ctx, nl), skip=offset)

    return prepare


def _html(ctx: RequestContext, database) -> Response:
    """The SQL page: the form, and the results when every parameter has a value."""
    if not ctx.settings.default_allow_sql:
        raise forbidden(SQL_OFF)
    sql = ctx.param("sql") or ""
    names = sql_parameters(sql)
    given = dict(ctx.pairs)
    context: dict[str, Any] = {
        "sql": sql,
        "parameters": [(name, given.get(name, "")) for name in names],
        "error": None,
        "row_info": None,
        "crumb_table": None,
    }
    page = None
    try:
        if sql.strip() and not [n for n in names if n not in given]:
            sql, values = checked_sql(ctx)
            conn, _ = ctx.session(database)
            size = parse_size(
                ctx.param("_size"), ctx.settings.max_returned_rows, ctx.settings.max_returned_rows
            )
            page = run_query_page(conn, sql, values, size, ctx.param("_next"), ctx.time_limit())
    except ServeError as error:
        context["error"] = error.message
    if page is None:
        page = Page([], [], None, 0)
    else:
        shown = len(page.rows)
        context["row_info"] = (
            f"Rows 1–{shown} shown; more follow"
            if page.next_token
            else f"{shown} row{'s' if shown != 1 else ''}"
        )
    return html_rows(
        ctx, "query.html", page, ctx.next_url(page.next_token), context, name=database.name
    )
