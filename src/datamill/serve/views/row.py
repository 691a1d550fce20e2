"""Row pages: one row by its key, and the rows elsewhere that reference it (SV-JSON-1, A2)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from datamill.core.identifiers import quote_identifier
from datamill.serve.connection import ReadConnection
from datamill.serve.counts import count_rows
from datamill.serve.databases import DatabaseState
from datamill.serve.errors import bad_request, not_found
from datamill.serve.extras import BARE_SHAPES, ordered, requested_extras
from datamill.serve.filters import bind_value
from datamill.serve.json_output import objects, parse_json_columns
from datamill.serve.schema import Relation
from datamill.serve.table_query import Page
from datamill.serve.views.common_extras import COMMON, column_details, common_extra
from datamill.serve.views.context import RequestContext, json_response, parse_shape
from datamill.serve.views.rows_output import bare_shape_response, csv_response, html_rows

__all__ = ["row_view"]


def _fetch(
    ctx: RequestContext, conn: ReadConnection, relation: Relation
) -> tuple[Page, str, dict[str, Any]]:
    key = list(ctx.route.key or ())
    label = ",".join(key)
    keys = relation.key_columns
    if relation.is_view or len(key) != len(keys):
        raise not_found(f"Row not found: {label}")
    columns = (["rowid"] if keys == ["rowid"] else []) + relation.columns
    select = ", ".join(
        f"{relation.rowid} as rowid" if c == "rowid" else quote_identifier(c) for c in columns
    )
    params: dict[str, Any] = {}
    conditions = []
    for index, (column, value) in enumerate(zip(keys, key)):
        expression = relation.rowid if column == "rowid" else quote_identifier(column)
        params[f"k{index}"] = bind_value(value, relation.has_text_affinity(column))
        conditions.append(f"{expression} = :k{index}")
    sql = f"select {select} from {quote_identifier(relation.name)} where {' and '.join(conditions)}"
    _, rows = conn.query(sql, params, ctx.time_limit(), 2)
    if not rows:
        raise not_found(f"Row not found: {label}")
    return Page(columns, rows[:1], None, 1), sql, params


def foreign_key_tables(
    ctx: RequestContext,
    conn: ReadConnection,
    state: DatabaseState,
    relation: Relation,
    row: dict[str, Any],
) -> list[dict[str, Any]]:
    """Each foreign key elsewhere that references this table, with its time-capped count."""
    result = []
    urls = ctx.server.urls
    for other in state.schema.tables():
        for fk in other.foreign_keys:
            if fk.other_table != relation.name or fk.other_column not in row:
                continue
            value = row[fk.other_column]
            params: dict[str, Any] = {"v": value}
            count, truncated = count_rows(
                conn,
                state,
                other,
                [f"{quote_identifier(fk.column)} = :v"],
                params,
                ctx.settings.count_time_limit_ms,
            )
            link = ctx.link([(fk.column, str(value))], urls.table(ctx.route.db or "", other.name))
            result.append(
                {
                    "other_table": other.name,
                    "column": fk.other_column,
                    "other_column": fk.column,
                    "count": count,
                    "count_truncated": truncated,
                    "link": link,
                }
            )
    return result


def row_view(ctx: RequestContext) -> Response:
    conn, state, relation = ctx.relation()
    fmt = ctx.route.fmt
    shape, _ = parse_shape(ctx, "row", is_table=True)
    extras: list[str] = []
    if fmt == "json":
        extras = requested_extras(ctx.pairs, "row")
        if extras and shape in BARE_SHAPES:
            raise bad_request("_extra needs the default shape, _shape=objects or _shape=arrays")
    page, sql, params = _fetch(ctx, conn, relation)
    if fmt == "csv":
        return csv_response(ctx, page, relation.name, None)
    row_object = objects(page.columns, page.rows)[0]
    if fmt == "json":
        if shape in BARE_SHAPES:
            return bare_shape_response(ctx, page, shape, relation, None)
        rows = parse_json_columns(
            page.columns, page.rows, [v for k, v in ctx.pairs if k == "_json"]
        )
        body: dict[str, Any] = {"ok": True}
        body["rows"] = [list(r) for r in rows] if shape == "arrays" else objects(page.columns, rows)
        body["truncated"] = False
        for name in ordered(extras):
            body[name] = _extra(
                ctx, conn, state, relation, page, row_object, sql, params, name, extras
            )
        return json_response(ctx, body)
    fks = foreign_key_tables(ctx, conn, state, relation, row_object)
    db = ctx.route.db or ""
    outgoing = {fk.column: fk for fk in relation.foreign_keys}

    def fk_href(column: str, value: Any) -> str | None:
        fk = outgoing.get(column)
        return (
            None
            if fk is None or value is None
            else ctx.server.urls.row(db, fk.other_table, [value])
        )

    return html_rows(
        ctx,
        "row.html",
        page,
        None,
        {
            "relation": relation,
            "crumb_table": relation.name,
            "incoming": fks,
            "row_label": ",".join(ctx.route.key or ()),
        },
        fk_href=fk_href,
        name=relation.name,
    )


def _extra(
    ctx,
    conn,
    state,
    relation: Relation,
    page: Page,
    row: dict,
    sql: str,
    params: dict,
    name: str,
    extras,
):
    if name in COMMON:
        return common_extra(name, ctx, "row", page.rows, extras)
    values = {
        "columns": lambda: page.columns,
        "primary_keys": lambda: list(relation.pks),
        "primary_key_values": lambda: list(ctx.route.key or ()),
        "database": lambda: ctx.route.db,
        "table": lambda: relation.name,
        "query": lambda: {"sql": sql, "params": params},
        "column_details": lambda: column_details(relation),
        "column_types": lambda: {},
        "foreign_key_tables": lambda: foreign_key_tables(ctx, conn, state, relation, row),
        "metadata": lambda: {
            **ctx.table_meta(relation.name),
            "columns": ctx.table_meta(relation.name).get("columns", {}),
        },
    }
    return values[name]()
