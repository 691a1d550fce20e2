"""Rows as CSV, bare JSON shapes, NDJSON and HTML tables, shared by tables, rows and queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from datamill.serve.html import display_cell
from datamill.serve.json_output import dumps, objects, parse_json_columns
from datamill.serve.row_encoders import CsvEncoder, NdjsonEncoder, attachment_header
from datamill.serve.schema import Relation
from datamill.serve.streaming import Encoder
from datamill.serve.table_query import Page
from datamill.serve.tilde import encode_key
from datamill.serve.urls import query_string
from datamill.serve.views.context import JSON_TYPE, RequestContext, check_size

__all__ = [
    "csv_response",
    "bare_shape_response",
    "html_rows",
    "crumbs",
    "page_links",
    "stream_encoder",
]

NDJSON_TYPE = "application/x-ndjson"


def _headers(ctx: RequestContext, next_url: str | None) -> dict[str, str]:
    headers = ctx.cache_headers()
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    return headers


def csv_response(ctx: RequestContext, page: Page, name: str, next_url: str | None) -> Response:
    """The page as CSV (SV-CSV-2): ``text/plain``, or a ``text/csv`` download with ``_dl=on``."""
    encoder = CsvEncoder(page.columns, header=ctx.param("_header") != "off")
    body = (encoder.start() + encoder.encode(page.rows)).encode("utf-8")
    check_size(ctx, len(body))
    headers = _headers(ctx, next_url)
    media_type = "text/plain; charset=utf-8"
    if ctx.flag("_dl"):
        media_type = "text/csv; charset=utf-8"
        headers["Content-Disposition"] = attachment_header(name, "csv")
    return Response(body, headers=headers, media_type=media_type)


def row_key(relation: Relation, columns: list[str], row: tuple) -> str:
    """A row's key as its URL and ``_shape=object`` write it (A6)."""
    return encode_key([row[columns.index(c)] for c in relation.key_columns])


def bare_shape_response(
    ctx: RequestContext,
    page: Page,
    shape: str,
    relation: Relation | None,
    next_url: str | None,
    name: str = "",
) -> Response:
    """``array``, ``arrayfirst``, ``object`` and ``_nl=on``: paginated through ``Link`` only."""
    rows = parse_json_columns(page.columns, page.rows, [v for k, v in ctx.pairs if k == "_json"])
    headers = _headers(ctx, next_url)
    if ctx.flag("_nl"):
        body = NdjsonEncoder(page.columns).encode(rows).encode("utf-8")
        media_type = "text/plain; charset=utf-8"
        if ctx.flag("_dl"):
            media_type = NDJSON_TYPE
            headers["Content-Disposition"] = attachment_header(
                name or (relation.name if relation else ""), "ndjson"
            )
        check_size(ctx, len(body))
        return Response(body, headers=headers, media_type=media_type)
    if shape == "array":
        data: Any = objects(page.columns, rows)
    elif shape == "arrayfirst":
        data = [row[0] if row else None for row in rows]
    else:
        assert relation is not None
        keyed = objects(page.columns, rows)
        data = {row_key(relation, page.columns, row): obj for row, obj in zip(page.rows, keyed)}
    body = dumps(data).encode("utf-8")
    check_size(ctx, len(body))
    return Response(body, headers=headers, media_type=JSON_TYPE)


def stream_encoder(ctx: RequestContext, nl: bool) -> Callable[[list[str]], Encoder]:
    """The encoder factory for a stream: NDJSON for ``_nl=on``, else CSV."""
    header = ctx.param("_header") != "off"
    return lambda columns: NdjsonEncoder(columns) if nl else CsvEncoder(columns, header)


def crumbs(ctx: RequestContext, *, table: str | None = None) -> list[dict[str, str]]:
    """The ``nav.crumbs`` trail: the index, then the database, then the table."""
    urls = ctx.server.urls
    trail = [{"text": "home", "href": urls.index()}]
    if ctx.route.db:
        trail.append({"text": ctx.route.db, "href": urls.database(ctx.route.db)})
    if table is not None:
        trail.append({"text": table, "href": urls.table(ctx.route.db or "", table)})
    return trail


def page_links(ctx: RequestContext) -> dict[str, str]:
    """Export links of this page: JSON, CSV and the CSV download."""
    path = ctx.info.path
    stem = path[: -len("." + ctx.route.fmt)] if ctx.route.fmt != "html" else path
    pairs = ctx.pairs
    return {
        "json_url": stem + ".json" + query_string(pairs),
        "csv_url": stem + ".csv" + query_string(pairs),
        "csv_download_url": stem + ".csv" + query_string([*pairs, ("_dl", "on")]),
    }


def html_rows(
    ctx: RequestContext,
    template: str,
    page: Page,
    next_url: str | None,
    context: dict[str, Any],
    row_href: Callable[[tuple], str | None] = lambda row: None,
    fk_href: Callable[[str, Any], str | None] = lambda column, value: None,
    key_columns: list[str] | None = None,
    name: str = "",
) -> Response:
    """Render a page whose main content is a ``table.rows``."""
    truncate = ctx.settings.truncate_cells_html
    key_columns = key_columns or []
    display = []
    for row in page.rows:
        cells = []
        href = row_href(row)
        for column, value in zip(page.columns, row):
            cell = display_cell(column, value, truncate)
            if href and column in key_columns:
                cell.row_href = href
            else:
                cell.fk_href = fk_href(column, value)
            cells.append(cell)
        display.append(cells)
    first_pairs = [p for p in ctx.pairs if p[0] != "_next"]
    links = page_links(ctx)
    headers = ctx.page_headers(links["json_url"], next_url)
    return ctx.server.templates.render(
        template,
        {
            **context,
            **links,
            "urls": ctx.server.urls,
            "crumbs": crumbs(ctx, table=context.get("crumb_table")),
            "columns": page.columns,
            "rows": display,
            "next_url": next_url,
            "first_url": ctx.info.path + query_string(first_pairs) if ctx.param("_next") else None,
            "pairs": ctx.pairs,
            "name": name,
            "db": ctx.route.db,
        },
        headers=headers,
    )
