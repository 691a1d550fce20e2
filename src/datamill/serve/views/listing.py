"""The index and database pages (SV-JSON-1, SV-CNT-3, SV-PAGE-2)."""

from __future__ import annotations

import time
from typing import Any

from starlette.responses import Response

from datamill.serve.counts import count_rows
from datamill.serve.databases import DatabaseState, ServedDatabase
from datamill.serve.views.context import RequestContext, json_response, reject_shape
from datamill.serve.views.history import history_summary
from datamill.serve.views.rows_output import crumbs

__all__ = ["index_view", "database_view"]

#: SV-CNT-3: the database page counts tables within this many count time limits in total.
COUNT_BUDGET_LIMITS = 5


def _summary(ctx: RequestContext, database: ServedDatabase) -> dict[str, Any]:
    _, state = ctx.session(database)
    schema = state.schema
    tables = schema.tables()
    return {
        "name": database.name,
        "url": ctx.link([], ctx.server.urls.database(database.name)),
        "size": database.size,
        "immutable": database.immutable,
        "tables_count": sum(1 for t in tables if not t.hidden),
        "views_count": len(schema.views()),
        "hidden_tables_count": sum(1 for t in tables if t.hidden),
        "history": schema.is_history,
    }


def index_view(ctx: RequestContext) -> Response:
    reject_shape(ctx)
    databases = [_summary(ctx, database) for database in ctx.server.databases.values()]
    if ctx.route.fmt == "json":
        return json_response(ctx, {"ok": True, "databases": databases})
    urls = ctx.server.urls
    return ctx.server.templates.render(
        "index.html",
        {
            "urls": urls,
            "crumbs": [],
            "databases": databases,
            "metadata": ctx.server.metadata.instance(),
            "json_url": urls.path(".json"),
        },
        headers=ctx.page_headers(urls.path(".json")),
    )


def _counted_tables(
    ctx: RequestContext, database: ServedDatabase
) -> tuple[DatabaseState, list[dict[str, Any]]]:
    conn, state = ctx.session(database)
    limit_ms = ctx.settings.count_time_limit_ms
    budget_end = time.monotonic() + COUNT_BUDGET_LIMITS * limit_ms / 1000
    tables = []
    for relation in state.schema.tables():
        cached = state.counts.get(("count", relation.name))
        left_ms = int((budget_end - time.monotonic()) * 1000)
        if cached is not None:
            count, truncated = cached
        elif left_ms > 0:
            count, truncated = count_rows(conn, state, relation, None, {}, min(limit_ms, left_ms))
        else:
            count, truncated = None, True
        tables.append(
            {
                "name": relation.name,
                "columns": list(relation.columns),
                "primary_keys": list(relation.pks),
                "count": count,
                "count_truncated": truncated,
                "hidden": relation.hidden,
                "fts_table": relation.fts.name if relation.fts else None,
            }
        )
    return state, tables


def database_view(ctx: RequestContext) -> Response:
    reject_shape(ctx)
    database = ctx.database()
    state, tables = _counted_tables(ctx, database)
    conn = ctx.conn
    history = history_summary(ctx, conn, state) if state.schema.is_history else None
    views = [{"name": v.name, "private": False} for v in state.schema.views()]
    if ctx.route.fmt == "json":
        body = {
            "ok": True,
            "database": database.name,
            "size": database.size,
            "immutable": database.immutable,
            "tables": tables,
            "views": views,
            "history": history,
        }
        return json_response(ctx, body)
    urls = ctx.server.urls
    return ctx.server.templates.render(
        "database.html",
        {
            "urls": urls,
            "crumbs": crumbs(ctx),
            "db": database.name,
            "database": database,
            "tables": [t for t in tables if not t["hidden"]],
            "hidden_tables": [t for t in tables if t["hidden"]],
            "views": views,
            "history": history,
            "metadata": ctx.server.metadata.database(database.name),
            "json_url": urls.database(database.name, ".json"),
            "allow_sql": ctx.settings.default_allow_sql,
        },
        headers=ctx.page_headers(urls.database(database.name, ".json")),
    )
