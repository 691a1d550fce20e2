"""Helpers for track/history tests: a real HTTP server on 127.0.0.1, real git repos, the CLI."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Tracker",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Tracker",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
    "GIT_AUTHOR_DATE": "2024-05-02T06:17:00+00:00",
    "GIT_COMMITTER_DATE": "2024-05-02T06:17:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None  # written verbatim (status line and all), then the socket closes
    stall: float = 0.0  # seconds to wait after writing ``raw``, before closing


class Server:
    """Serves ``routes`` (path -> Route) and records each request's headers."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path.split("?")[0], Route(404, b"not found"))
                if route.delay:
                    time.sleep(route.delay)
                if route.raw is not None:
                    self.close_connection = True
                    self.wfile.write(route.raw)
                    self.wfile.flush()
                    time.sleep(route.stall)
                    return
                self.send_response(route.status)
                headers = {"Content-Length": str(len(route.body)), **route.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, body: str | bytes, **kwargs) -> str:
        data = body.encode() if isinstance(body, str) else body
        if kwargs.pop("gzip", False):
            data = gzip.compress(data)
            kwargs.setdefault("headers", {})["Content-Encoding"] = "gzip"
        self.routes[path] = Route(body=data, **kwargs)
        return self.url(path)

    def serve_raw(self, path: str, raw: bytes, stall: float = 0.0) -> str:
        """A misbehaving route: ``raw`` is the whole response, cut wherever the test likes."""
        self.routes[path] = Route(raw=raw, stall=stall)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def git(repo: Path | str, *args: str, input: bytes | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, input=input, check=True)
    return result.stdout.decode()


def snapshot(repo: Path) -> dict:
    """Refs, index bytes and every working-tree file: what must not change on failure."""
    files = {}
    for root, dirs, names in os.walk(repo):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            full = Path(root) / name
            files[str(full.relative_to(repo))] = full.read_bytes()
    index = repo / ".git" / "index"
    refs = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname) %(objectname)"],
        cwd=repo, capture_output=True, check=True,
    ).stdout  # fmt: skip
    return {
        "refs": refs,
        "head": (repo / ".git" / "HEAD").read_text(),
        "index": hashlib.sha1(index.read_bytes()).hexdigest() if index.exists() else None,
        "files": files,
        "git_dir_temp": sorted(p.name for p in (repo / ".git").iterdir() if "datamill" in p.name),
    }
