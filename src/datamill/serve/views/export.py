"""``_stream=on`` responses: every row as CSV or NDJSON, aborted rather than truncated (SV-CSV)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from datamill.serve.connection import QueryCancelled, QueryTimeout, ReadConnection
from datamill.serve.databases import DatabaseState, ServedDatabase
from datamill.serve.errors import ServeError, forbidden
from datamill.serve.row_encoders import attachment_header
from datamill.serve.streaming import RowStream, StreamAborted, StreamSpec, log_abort
from datamill.serve.views.context import RequestContext

if TYPE_CHECKING:
    from datamill.serve.app import Server

__all__ = ["export_response", "StreamedRows", "STREAMS_OFF"]

STREAMS_OFF = "Streaming exports are turned off on this server"


class StreamedRows:
    """Sends the chunks of a running ``RowStream``; a failure after the start aborts the transfer.

    There is no ``Content-Length``, so the body goes out chunked and a cut transfer shows.
    """

    status_code = 200

    def __init__(
        self,
        stream: RowStream,
        first: bytes,
        headers: dict[str, str],
        media_type: str,
        release: Callable[[], None],
        path: str,
    ) -> None:
        self.raw_headers = [(b"content-type", media_type.encode("latin-1"))] + [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()
        ]
        self.stream = stream
        self.first = first
        self.release = release
        self.path = path

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        watcher = asyncio.ensure_future(self._watch_disconnect(receive))
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            if scope["method"] == "HEAD":  # the headers are the answer: stop the export
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send({"type": "http.response.body", "body": self.first, "more_body": True})
            while True:
                try:
                    chunk = await self.stream.next_item()
                except QueryCancelled:
                    return  # the client left; nothing more to send or say
                except Exception as error:
                    log_abort(self.path, error)
                    raise StreamAborted(str(error)) from None
                if chunk is None:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            watcher.cancel()
            self.stream.cancel()
            self.release()

    async def _watch_disconnect(self, receive: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.stream.cancel()
                return


def _media(ctx: RequestContext, name: str, nl: bool) -> tuple[str, dict[str, str]]:
    headers = ctx.cache_headers()
    if not ctx.flag("_dl"):
        return "text/plain; charset=utf-8", headers
    if nl:
        headers["Content-Disposition"] = attachment_header(name, "ndjson")
        return "application/x-ndjson", headers
    headers["Content-Disposition"] = attachment_header(name, "csv")
    return "text/csv; charset=utf-8", headers


async def export_response(
    server: Server,
    ctx: RequestContext,
    database: ServedDatabase,
    prepare: Callable[[ReadConnection, DatabaseState], StreamSpec],
    name: str,
    nl: bool,
) -> StreamedRows:
    """Start the stream; answer with its first chunk or with the error that came first."""
    settings = server.settings
    if not settings.allow_csv_stream:
        raise forbidden(STREAMS_OFF)
    if not server.slots.try_acquire():
        limit = settings.max_concurrent_streams
        raise ServeError(
            f"Too many exports running (limit {limit}); try again shortly",
            503,
            {"Retry-After": "5"},
        )
    stream = RowStream(
        server.executor,
        database,
        prepare,
        ctx.time_limit(),
        settings.max_csv_mb * 1024 * 1024,
        settings.max_stream_seconds,
        server.stopping,
    )
    try:
        stream.start()
        first = await stream.next_item()
    except BaseException as error:
        stream.cancel()
        server.slots.release()
        raise _before_start(error) from None
    media_type, headers = _media(ctx, name, nl)
    return StreamedRows(
        stream, first or b"", headers, media_type, server.slots.release, ctx.info.path
    )


def _before_start(error: BaseException) -> BaseException:
    """An error before any byte was sent keeps its status."""
    if isinstance(error, QueryTimeout):
        return ServeError(str(error))
    if isinstance(error, StreamAborted):
        return ServeError(str(error), 503)
    return error
