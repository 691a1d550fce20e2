"""Running the app on uvicorn: binding, the listening line, and a clean stop (SV-CLI-3)."""

from __future__ import annotations

import logging
import signal
import socket
import sys
from collections.abc import Callable

import uvicorn

from datamill.serve.app import Server
from datamill.serve.middleware import is_loopback
from datamill.serve.streaming import StreamAborted

__all__ = ["ListenError", "bind", "run", "url_for"]

#: SV-CLI-3: buffered responses get this long to finish once a stop is asked for.
GRACEFUL_SECONDS = 5
MAX_REQUEST_HEAD = 64 * 1024


class ListenError(OSError):
    """The address cannot be bound; ``str()`` is the SV-CLI-3 message without ``Error:``."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (``port`` 0: any free port)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        raise ListenError(f"Cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.set_inheritable(True)
    return sock


def url_for(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


class _DropStreamAborts(logging.Filter):
    """An aborted export is reported by one line of ours, not uvicorn's traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], StreamAborted))


class _Uvicorn(uvicorn.Server):
    def __init__(
        self, config: uvicorn.Config, app: Server, on_listening: Callable[[], None]
    ) -> None:
        super().__init__(config)
        self.datamill_app = app
        self.on_listening = on_listening

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self.on_listening()

    def handle_exit(self, sig, frame) -> None:
        self.datamill_app.stopping.set()  # running exports end now, without a final chunk
        super().handle_exit(sig, frame)


def run(app: Server, sock: socket.socket, host: str) -> None:
    """Serve until SIGINT or SIGTERM; print the SV-CLI-3 lines to stderr once listening."""
    count = len(app.databases)
    noun = "database" if count == 1 else "databases"

    def on_listening() -> None:
        print(
            f"Serving {count} {noun} at {url_for(host, sock)} (Ctrl-C to stop)",
            file=sys.stderr,
            flush=True,
        )
        if not is_loopback(host):
            print(
                f"Warning: listening on {host}; anyone who can reach this machine can read these databases",
                file=sys.stderr,
                flush=True,
            )

    logging.getLogger("uvicorn.error").addFilter(_DropStreamAborts())
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
    )
    server = _Uvicorn(config, app, on_listening)
    # uvicorn re-raises the stop signal after shutting down; these handlers make that a no-op,
    # so the process exits 0 (SV-CLI-3).
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: None)
    server.run(sockets=[sock])
