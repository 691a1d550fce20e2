"""The outermost layer: request limits, the Host check, headers on every response, CORS and
never a traceback for a client (SV-SEC-4 to SV-SEC-7, SV-ERR).
"""

from __future__ import annotations

import ipaddress
import sys
import traceback
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from datamill.serve.streaming import StreamAborted

__all__ = ["Guard", "SECURITY_HEADERS", "is_loopback", "allowed_host_check"]

ErrorRenderer = Callable[[str, str, int, dict[str, str]], Response]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
MAX_URL_BYTES = 32768
MAX_PARAMETERS = 256
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host part of a ``Host`` header, without the port, lower-cased."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        return header[: end + 1] if end != -1 else header
    return header.split(":", 1)[0]


def allowed_host_check(setting: str, bind_host: str) -> Callable[[str], bool]:
    """SV-SEC-6: which ``Host`` headers to accept for a server bound to ``bind_host``."""
    if setting == "auto":
        if not is_loopback(bind_host):
            return lambda host: True
        return lambda host: host_name(host) in _LOOPBACK_NAMES
    names = {h.strip().lower() for h in setting.split(",") if h.strip()}
    if "*" in names:
        return lambda host: True
    return lambda host: host_name(host) in names


class Guard:
    """ASGI middleware enforcing SV-SEC-4..7 around the application.

    ``upload_paths`` (``/-/classify`` with a classifier loaded, classify.md CL-5) also take
    POST with a body; the view there caps the body while reading it.
    """

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        render_error: ErrorRenderer,
        host_allowed: Callable[[str], bool],
        default_ttl: int,
        cors: bool,
        upload_paths: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.render_error = render_error
        self.host_allowed = host_allowed
        self.default_ttl = default_ttl
        self.extra_headers = dict(SECURITY_HEADERS)
        if cors:
            self.extra_headers["Access-Control-Allow-Origin"] = "*"
            self.extra_headers["Access-Control-Expose-Headers"] = "Link"
        self.cors = cors
        self.upload_paths = frozenset(upload_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {
                    **message,
                    "headers": self._headers(message["status"], message.get("headers", [])),
                }
            await send(message)

        path = scope.get("raw_path", b"").decode("latin-1") or scope.get("path", "/")
        rejection = self._check(scope, path)
        if rejection is not None:
            await rejection(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except StreamAborted:
            raise  # the server closes the connection: the client sees an incomplete transfer
        except Exception:
            traceback.print_exc(file=sys.stderr)
            if started:
                raise
            response = self.render_error(path, "Internal server error", 500, {})
            await response(scope, receive, send_with_headers)

    def _check(self, scope: Scope, path: str) -> Response | None:
        query = scope.get("query_string", b"")
        if len(path.encode("latin-1")) + (len(query) + 1 if query else 0) > MAX_URL_BYTES:
            return self.render_error(
                path, f"Request URL too long (limit {MAX_URL_BYTES} bytes)", 414, {}
            )
        method = scope["method"]
        upload = path in self.upload_paths
        allowed = f"{ALLOWED_METHODS}, POST" if upload else ALLOWED_METHODS
        if method == "OPTIONS":
            headers = {"Allow": allowed}
            if self.cors:
                headers.update(
                    {
                        "Access-Control-Allow-Methods": allowed,
                        "Access-Control-Allow-Headers": "Content-Type",
                        "Access-Control-Max-Age": "3600",
                    }
                )
            return Response(status_code=204, headers=headers)
        upload = upload and method == "POST"
        if method not in ("GET", "HEAD") and not upload:
            return self.render_error(path, "Method not allowed", 405, {"Allow": allowed})
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        host = headers.get("host", "")
        if not self.host_allowed(host):
            return self.render_error(path, f"Invalid Host header: {host}", 400, {})
        length = headers.get("content-length", "0").strip()
        if not upload and ("transfer-encoding" in headers or length not in ("", "0")):
            return self.render_error(path, "Request bodies are not accepted", 413, {})
        if (
            query
            and len(urllib.parse.parse_qsl(query.decode("latin-1"), keep_blank_values=True))
            > MAX_PARAMETERS
        ):
            return self.render_error(
                path, f"Too many query string parameters (limit {MAX_PARAMETERS})", 400, {}
            )
        return None

    def _headers(
        self, status: int, headers: list[tuple[bytes, bytes]]
    ) -> list[tuple[bytes, bytes]]:
        kept = [(k, v) for k, v in headers if k.lower() != b"cache-control" or status < 400]
        names = {k.lower() for k, _ in kept}
        if status >= 400:
            kept.append((b"cache-control", b"no-store"))
        elif b"cache-control" not in names:
            kept.append((b"cache-control", f"max-age={self.default_ttl}".encode()))
        for name, value in self.extra_headers.items():
            if name.lower().encode() not in names:
                kept.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        return kept
