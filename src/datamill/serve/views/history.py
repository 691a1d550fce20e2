"""History views over track.md databases: namespaces, commits, timelines and diffs (SV-HIST).

The data comes from ``datamill.serve.history``; this layer adds URLs (``diff_url``,
``next_url``), time limits and the JSON/HTML envelopes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from starlette.responses import Response

from datamill.serve import history
from datamill.serve.connection import ReadConnection
from datamill.serve.databases import DatabaseState
from datamill.serve.errors import ServeError
from datamill.serve.table_query import parse_size
from datamill.serve.urls import query_string
from datamill.serve.views.context import RequestContext, json_response, reject_shape
from datamill.serve.views.rows_output import crumbs

__all__ = ["history_view", "history_summary"]

T = TypeVar("T")
COMMITS_PAGE = 200


@contextmanager
def _history_errors() -> Iterator[None]:
    try:
        yield
    except history.HistoryViewError as error:
        raise ServeError(error.message, error.status) from None


def _call(
    ctx: RequestContext, conn: ReadConnection, fn: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """Run a history function under the SQL time limit, its errors as serve errors."""
    with _history_errors(), conn.limited(ctx.time_limit()):
        return fn(conn.conn, *args, **kwargs)


def history_summary(
    ctx: RequestContext, conn: ReadConnection | None, state: DatabaseState
) -> dict[str, Any] | None:
    """The database page's ``history`` key: ``{url, namespaces}``."""
    if conn is None:
        return None
    names = _call(ctx, conn, history.viewable_namespaces)
    return {"url": ctx.link([], ctx.server.urls.history(ctx.route.db or "")), "namespaces": names}


def history_view(ctx: RequestContext) -> Response:
    reject_shape(ctx)
    database = ctx.database()
    conn, _ = ctx.session(database)
    _call(ctx, conn, history.check_history_database, database.name)
    kind = ctx.route.kind
    db = database.name
    urls = ctx.server.urls
    body: dict[str, Any] = {"ok": True, "database": db}
    next_url = None
    if kind == "history":
        listing = _call(ctx, conn, history.namespaces)
        for entry in listing:
            entry["url"] = ctx.link([], urls.history(db, entry["name"]))
        body["namespaces"] = listing
    elif kind == "history_namespace":
        namespace = ctx.route.namespace or ""
        size = parse_size(ctx.param("_size"), COMMITS_PAGE, ctx.settings.max_returned_rows)
        commits, token = _call(
            ctx, conn, history.commit_page, namespace, size=size, after=ctx.param("_next")
        )
        diff_path = urls.history(db, namespace, "diff")
        for commit in commits:
            commit["diff_url"] = ctx.link([("to", str(commit["id"]))], diff_path)
        next_url = ctx.next_url(token)
        body.update(namespace=namespace, commits=commits, next=token, next_url=next_url)
    elif kind == "history_item":
        namespace = ctx.route.namespace or ""
        story = _call(ctx, conn, history.timeline, namespace, ctx.route.item or "")
        body.update(namespace=namespace, **story)
    else:
        namespace = ctx.route.namespace or ""
        changes = _call(
            ctx,
            conn,
            history.diff,
            namespace,
            ctx.param("from") or None,
            ctx.param("to") or None,
            ctx.settings.max_returned_rows,
        )
        body.update(namespace=namespace, **changes)
    if ctx.route.fmt == "json":
        return json_response(ctx, body, next_url)
    json_url = ctx.info.path + ".json" + query_string(ctx.pairs)
    return ctx.server.templates.render(
        "history.html",
        {
            "urls": urls,
            "crumbs": crumbs(ctx),
            "kind": kind,
            "data": body,
            "db": db,
            "next_url": next_url,
            "json_url": json_url,
        },
        headers=ctx.page_headers(json_url, next_url),
    )
