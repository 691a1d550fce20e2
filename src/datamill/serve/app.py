"""The ASGI application of ``datamill serve``: routing requests to views (SV-CLI-6, SV-APP)."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from datamill.serve.classifying import ClassifyService
from datamill.serve.connection import QueryTimeout
from datamill.serve.databases import ServedDatabase, open_databases
from datamill.serve.errors import ServeError, not_found
from datamill.serve.executor import SqlExecutor
from datamill.serve.html import STATIC_FILES, Templates
from datamill.serve.json_output import dumps
from datamill.serve.metadata import Metadata, load_metadata
from datamill.serve.middleware import Guard, allowed_host_check
from datamill.serve.routing import Redirect, Route, parse_path
from datamill.serve.settings import Settings
from datamill.serve.streaming import StreamSlots
from datamill.serve.urls import RequestInfo, Urls
from datamill.serve.views.classify import classify_image_view, classify_view
from datamill.serve.views.context import JSON_TYPE, RequestContext
from datamill.serve.views.export import StreamedRows, export_response
from datamill.serve.views.history import history_view
from datamill.serve.views.listing import database_view, index_view
from datamill.serve.views.query import query_stream, query_view
from datamill.serve.views.row import row_view
from datamill.serve.views.table import table_stream, table_view

if TYPE_CHECKING:
    from datamill.classify.classifier import Classifier

__all__ = ["Server", "create_app"]

STATIC_MAX_AGE = 365 * 24 * 3600
_VIEWS: dict[str, Callable[[RequestContext], Response]] = {
    "index": index_view,
    "database": database_view,
    "table": table_view,
    "row": row_view,
    "query": query_view,
    "history": history_view,
    "history_namespace": history_view,
    "history_item": history_view,
    "history_diff": history_view,
}


def _package_version() -> str:
    try:
        return version("datamill")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


class Server:
    """Everything a request needs: databases, settings, metadata, threads and templates."""

    def __init__(
        self,
        databases: list[ServedDatabase],
        settings: Settings,
        metadata: Metadata,
        host: str = "127.0.0.1",
        cors: bool = False,
        classify: ClassifyService | None = None,
    ) -> None:
        self.databases = {database.name: database for database in databases}
        self.settings = settings
        self.metadata = metadata
        self.version = _package_version()
        self.urls = Urls(settings.base_url, settings.force_https_urls)
        self.executor = SqlExecutor(settings.num_sql_threads, settings.sql_time_limit_ms / 1000)
        self.templates = Templates(self.version)
        self.slots = StreamSlots(settings.max_concurrent_streams)
        self.stopping = threading.Event()
        self.classify = classify
        self.app = Guard(
            self._dispatch_asgi,
            self.render_error,
            allowed_host_check(settings.allowed_hosts, host),
            settings.default_cache_ttl,
            cors,
            upload_paths=(self.urls.path("-", "classify"),) if classify else (),
        )

    async def __call__(
        self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable
    ) -> None:
        await self.app(scope, receive, send)

    # -- errors ----------------------------------------------------------------------

    def render_error(
        self, path: str, message: str, status: int, headers: Mapping[str, str]
    ) -> Response:
        """An error as JSON for ``.json``/``.csv``/``/-/health`` paths, else as an HTML page."""
        last = path.split("?")[0].rsplit("/", 1)[-1]
        if last.endswith((".json", ".csv")) or path.endswith(("/-/health", "/-/classify")):
            body = dumps({"ok": False, "error": message, "errors": [message], "status": status})
            return Response(body, status, headers=dict(headers), media_type=JSON_TYPE)
        return self.templates.render(
            "error.html",
            {
                "urls": self.urls,
                "crumbs": [{"text": "home", "href": self.urls.index()}],
                "message": message,
                "status": status,
            },
            status,
            dict(headers),
        )

    # -- dispatch ------------------------------------------------------------------------

    async def _dispatch_asgi(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        request = Request(scope, receive)
        raw_path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        try:
            response = await self._respond(request, raw_path)
        except ServeError as error:
            response = self.render_error(raw_path, error.message, error.status, error.headers)
        await response(scope, receive, send)

    async def _lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.stopping.set()
                self.executor.shutdown()
                if self.classify is not None:
                    self.classify.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _relative(self, raw_path: str) -> str:
        base = self.settings.base_url
        if base != "/" and raw_path.startswith(base):
            return "/" + raw_path[len(base) :]
        if base != "/" and raw_path + "/" == base:
            return "/"
        return raw_path

    async def _respond(self, request: Request, raw_path: str) -> Response | StreamedRows:
        pairs = tuple(request.query_params.multi_items())
        info = RequestInfo(
            scheme=request.url.scheme,
            host=request.headers.get("host", ""),
            path=raw_path,
            pairs=pairs,
        )
        try:
            route = parse_path(self._relative(raw_path))
        except Redirect as redirect:
            query = request.url.query
            location = (
                self.urls.base.rstrip("/") + redirect.location
                if self.urls.base != "/"
                else redirect.location
            )
            return RedirectResponse(location + (f"?{query}" if query else ""), redirect.status)
        ctx = RequestContext(self, route, info)
        kind = route.kind
        if kind == "static":
            return self._static(route, ctx)
        if kind == "robots":
            allow = "Allow: /" if self.settings.allow_robots else "Disallow: /"
            return Response(f"User-agent: *\n{allow}\n", media_type="text/plain; charset=utf-8")
        if kind == "classify":
            return await classify_view(ctx, request)
        if kind == "classify_image":
            return classify_image_view(ctx)
        if kind == "health":
            return await self.executor.run(self._health, ctx)
        if kind == "database" and ctx.param("sql") is not None:
            suffix = {"html": "", "json": ".json", "csv": ".csv"}[route.fmt]
            location = self.urls.query(route.db or "", suffix)
            return RedirectResponse(location + f"?{request.url.query}", 302)
        if kind == "database" and route.fmt == "csv":
            raise not_found()
        if kind in ("table", "query") and self._wants_stream(ctx):
            return await self._export(ctx)
        try:
            return await self.executor.run(_VIEWS[kind], ctx)
        except QueryTimeout as timeout:
            raise ServeError(str(timeout)) from None

    def _wants_stream(self, ctx: RequestContext) -> bool:
        if not ctx.flag("_stream"):
            return False
        return ctx.route.fmt == "csv" or (ctx.route.fmt == "json" and ctx.flag("_nl"))

    async def _export(self, ctx: RequestContext) -> StreamedRows:
        nl = ctx.route.fmt == "json"
        if nl and ctx.param("_shape") not in (None, "array"):
            raise ServeError("_nl=on needs _shape=array")
        prepare = table_stream(ctx, nl) if ctx.route.kind == "table" else query_stream(ctx, nl)
        database = ctx.database()
        name = ctx.route.table if ctx.route.kind == "table" else database.name
        return await export_response(self, ctx, database, prepare, name or "", nl)

    def _health(self, ctx: RequestContext) -> Response:
        for database in self.databases.values():
            try:
                conn, _ = self.executor.session(database)
                conn.query("select 1", (), self.settings.sql_time_limit_ms)
            except (ServeError, QueryTimeout):
                raise ServeError(f"Database {database.name} is not readable", 503) from None
        return Response(dumps({"ok": True}), headers=ctx.cache_headers(), media_type=JSON_TYPE)

    def _static(self, route: Route, ctx: RequestContext) -> Response:
        name = route.asset or ""
        if name not in STATIC_FILES:
            raise not_found()
        content = (resources.files("datamill.serve") / "static" / name).read_bytes()
        max_age = STATIC_MAX_AGE if ctx.param("v") else self.settings.default_cache_ttl
        return Response(
            content, headers={"Cache-Control": f"max-age={max_age}"}, media_type=STATIC_FILES[name]
        )


def create_app(
    paths: Iterable[str | Path] = (),
    immutable: Iterable[str | Path] = (),
    settings: Settings | Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    metadata: Metadata | str | Path | Mapping[str, Any] | None = None,
    cors: bool = False,
    host: str = "127.0.0.1",
    classifier: Classifier | str | None = None,
) -> Server:
    """The ASGI app serving ``paths`` (read-only) and ``immutable`` (``immutable=1``) files.

    ``settings`` takes SV-CLI-4 names and values; ``metadata`` a file path, a mapping or
    loaded ``Metadata``; ``classifier`` a loaded classifier, ``"imagenet"`` or a model file
    for ``/-/classify`` (classify.md CL-5).
    Raises ``StartupError``, ``SettingError`` or ``MetadataError`` (all ``ValueError``) with
    the message the command line prints after ``Error:``, and ``ClassifyError`` for a
    classifier that cannot be loaded.
    """
    if not isinstance(settings, Settings):
        settings = Settings.from_pairs(settings)
    loaded = metadata if isinstance(metadata, Metadata) else load_metadata(metadata)[0]
    paths = [str(p) for p in paths]
    immutable = [str(p) for p in immutable]
    databases = open_databases(paths, immutable)
    for database in databases:
        database.hidden_names = loaded.hidden_tables(database.name)
    if not databases:
        raise ValueError("Give at least one database file (DB or -i DB)")
    classify = None
    if classifier is not None:
        classify = ClassifyService(classifier, settings.classify_allow_private)
    return Server(databases, settings, loaded, host, cors, classify)
