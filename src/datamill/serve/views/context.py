"""What every view gets: the server's parts, the parsed route and the request's links."""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from datamill.serve.connection import ReadConnection
from datamill.serve.databases import DatabaseState, ServedDatabase
from datamill.serve.errors import bad_request, not_found
from datamill.serve.extras import BARE_SHAPES
from datamill.serve.json_output import dumps
from datamill.serve.rank_parts import Helpers
from datamill.serve.routing import Route
from datamill.serve.schema import Relation
from datamill.serve.table_query import last_value
from datamill.serve.urls import RequestInfo, query_string

if TYPE_CHECKING:
    from datamill.serve.app import Server

__all__ = ["RequestContext", "json_response", "parse_shape", "JSON_TYPE"]

JSON_TYPE = "application/json; charset=utf-8"
SHAPES = ("objects", "arrays", *BARE_SHAPES)
Pairs = list[tuple[str, str]]


@dataclass
class RequestContext:
    """One request as the views see it."""

    server: Server
    route: Route
    info: RequestInfo
    started: float = field(default_factory=time.perf_counter)
    conn: ReadConnection | None = None

    @property
    def pairs(self) -> Pairs:
        return list(self.info.pairs)

    @property
    def settings(self):
        return self.server.settings

    def param(self, name: str) -> str | None:
        return last_value(self.info.pairs, name)

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").lower() in ("1", "on", "true", "yes")

    def database(self) -> ServedDatabase:
        database = self.server.databases.get(self.route.db or "")
        if database is None:
            raise not_found(f"Database not found: {self.route.db}")
        return database

    def relation(self) -> tuple[ReadConnection, DatabaseState, Relation]:
        """The connection, state and relation of a table, view or row route; 404s otherwise."""
        conn, state = self.session(self.database())
        relation = state.schema.get(self.route.table or "")
        if relation is None:
            raise not_found(f"Table not found: {self.route.table}")
        return conn, state, relation

    def table_meta(self, table: str) -> dict[str, Any]:
        """Metadata of ``table`` in this route's database."""
        return self.server.metadata.table(self.route.db or "", table)

    def session(self, database: ServedDatabase) -> tuple[ReadConnection, DatabaseState]:
        """This thread's connection and the database's state; starts the timing counters."""
        conn, state = self.server.executor.session(database)
        conn.reset_stats()
        self.conn = conn
        return conn, state

    def helpers(self, conn: ReadConnection) -> Helpers | None:
        """The executor's idle helper threads, for work beside this request on ``conn``'s
        database; None while other requests are running."""
        executor = self.server.executor
        count = executor.idle_helpers
        if count < 1:
            return None
        database = self.database()
        return Helpers(
            count,
            functools.partial(executor.beside, database),
            lambda: database.state(conn).version,
        )

    def time_limit(self) -> int:
        """``sql_time_limit_ms``, lowered (never raised) by ``_timelimit``."""
        limit = self.settings.sql_time_limit_ms
        value = self.param("_timelimit")
        if value and value.isascii() and value.isdigit() and int(value) > 0:
            return min(limit, int(value))
        return limit

    def ttl(self) -> int:
        value = self.param("_ttl")
        if value is not None and value.isascii() and value.isdigit():
            return int(value)
        return self.settings.default_cache_ttl

    def link(self, pairs: Sequence[tuple[str, str]], path: str | None = None) -> str:
        """An absolute URL for ``path`` (default: this request's path) with ``pairs``."""
        return self.server.urls.absolute(self.info, (path or self.info.path) + query_string(pairs))

    def next_url(self, token: str | None) -> str | None:
        if token is None:
            return None
        pairs = [p for p in self.info.pairs if p[0] != "_next"]
        return self.link([*pairs, ("_next", token)])

    def timing(self) -> dict[str, Any]:
        conn = self.conn
        return {
            "total_ms": round((time.perf_counter() - self.started) * 1000, 3),
            "sql_ms": round(conn.sql_seconds * 1000, 3) if conn else 0.0,
            "statements": conn.statements if conn else 0,
        }

    def cache_headers(self) -> dict[str, str]:
        return {"Cache-Control": f"max-age={self.ttl()}"}

    def page_headers(self, json_url: str, next_url: str | None = None) -> dict[str, str]:
        """An HTML page's headers: caching, its JSON twin and its next page (SV-PAGE-1, SV-JSON-4)."""
        links = [f'<{json_url}>; rel="alternate"; type="application/json"']
        if next_url:
            links.append(f'<{next_url}>; rel="next"')
        return {**self.cache_headers(), "Link": ", ".join(links)}


def json_response(
    ctx: RequestContext, data: Any, next_url: str | None = None, status: int = 200
) -> Response:
    """A JSON body with the caching and ``Link`` headers; over ``max_response_mb`` is a 400."""
    body = dumps(data).encode("utf-8")
    check_size(ctx, len(body))
    headers = ctx.cache_headers()
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    return Response(body, status, headers=headers, media_type=JSON_TYPE)


def check_size(ctx: RequestContext, size: int) -> None:
    limit = ctx.settings.max_response_mb
    if size > limit * 1024 * 1024:
        raise bad_request(
            f"Response too large (limit {limit} MB); use _stream=on or a smaller _size"
        )


def parse_shape(ctx: RequestContext, scope: str, is_table: bool = False) -> tuple[str, bool]:
    """``(_shape, _nl)`` for a row-returning resource (SV-JSON-2); 400s for misuse."""
    shape = ctx.param("_shape")
    nl = ctx.flag("_nl")
    if shape is not None and shape not in SHAPES:
        raise bad_request(f"Unknown _shape: {shape}")
    if nl:
        if shape not in (None, "array"):
            raise bad_request("_nl=on needs _shape=array")
        shape = "array"
    shape = shape or "objects"
    if shape == "object" and not is_table:
        raise bad_request("_shape=object needs a table")
    return shape, nl


def reject_shape(ctx: RequestContext) -> None:
    """Index, database and history pages take no ``_shape``."""
    if ctx.param("_shape") is not None or ctx.flag("_nl"):
        raise bad_request("_shape is only available for tables, views, rows and queries")
