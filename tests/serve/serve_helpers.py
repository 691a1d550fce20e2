"""Shared helpers for the serve tests: fixture databases, an in-process client and a real server."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette nudges towards its httpx fork; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from datamill import Database
from datamill.serve import create_app

PLANTS = [
    {"id": 1, "name": "Fern", "kind": "shade", "height": 40},
    {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    {"id": 3, "name": "Tomato", "kind": "vegetable", "height": 120},
    {"id": 4, "name": "Mint", "kind": "herb", "height": 30},
]
BASE = "http://127.0.0.1:8001"
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def garden_db(path: Path) -> str:
    """cli.md 0.1's garden.db: ``plants`` with 4 rows, key ``id``."""
    Database(str(path))["plants"].insert_all(PLANTS, pk="id")
    return str(path)


@contextlib.contextmanager
def client_for(*paths: str, base_url: str = BASE, **options) -> Iterator[TestClient]:
    """An in-process client for ``create_app(paths, **options)``, started and stopped."""
    app = create_app(paths, **options)
    with TestClient(app, base_url=base_url, raise_server_exceptions=False) as client:
        yield client


def error_of(response) -> str:
    """The message of a JSON error response, checking the SV-ERR-1/A1 body."""
    body = response.json()
    assert body == {
        "ok": False,
        "error": body["error"],
        "errors": [body["error"]],
        "status": response.status_code,
    }
    return body["error"]


class ServeProcess:
    """``datamill serve ... --port 0`` running in a subprocess."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "datamill", "serve", *args, "--port", "0"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr_lines: list[str] = []
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 20
        assert self.proc.stderr is not None
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.stderr_lines.append(line)
            match = re.match(r"Serving \d+ databases? at (http://\S+) \(Ctrl-C to stop\)", line)
            if match:
                return match.group(1)
        self.stop()
        raise AssertionError("server did not start: " + "".join(self.stderr_lines))

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str, str]:
        """Stop the server; returns its exit status, stdout and the rest of stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out, "".join(self.stderr_lines) + err


@contextlib.contextmanager
def serving(*args: str, cwd: Path) -> Iterator[ServeProcess]:
    server = ServeProcess(list(args), cwd)
    try:
        yield server
    finally:
        server.stop()


def raw_status(app, raw_path: str) -> int:
    """The status for a path sent exactly as given (HTTP clients normalise ``..`` away)."""
    path, _, query = raw_path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": urllib.parse.unquote(path),
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "headers": [(b"host", b"127.0.0.1:8001")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8001),
    }
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    return messages[0]["status"]


def rss_kb(pid: int) -> int:
    """Resident set size of a process in KiB (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def sqlite_rows(path: str, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


__all__ = [
    "BASE",
    "PLANTS",
    "SECURITY_HEADERS",
    "ServeProcess",
    "client_for",
    "error_of",
    "garden_db",
    "raw_status",
    "rss_kb",
    "serving",
    "sqlite_rows",
]
