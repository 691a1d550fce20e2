"""Acquire the content to track (TR-3): a URL, a local file or a command's stdout.

Every source is written to a temporary file with the same limits: a deadline for the whole
acquisition (``--timeout``) and a cap on the (decompressed) size (``--max-bytes``).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass

from datamill.track.errors import TrackError

CHUNK = 256 * 1024
SECRET_HEADERS = {"authorization", "cookie"}
VARIABLE = re.compile(r"\$\{([^}]*)\}")
SIZE = re.compile(r"^\s*(\d+)\s*([KMG]?)\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``--max-bytes``: an integer with an optional K, M or G suffix (powers of 1024)."""
    match = SIZE.match(text)
    if not match:
        raise ValueError("expected an integer with an optional K, M or G suffix")
    power = " KMG".index(match.group(2).upper() or " ")
    return int(match.group(1)) * 1024**power


def variables_in(text: str) -> list[str]:
    """Names used as ``${NAME}`` in ``text``, in order of appearance."""
    return VARIABLE.findall(text)


def substitute(text: str, environ: dict[str, str] | None = None) -> str:
    """Replace every ``${NAME}`` by the environment variable NAME (TR-3.2)."""
    env = os.environ if environ is None else environ

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in env:
            raise TrackError(f"${{{name}}} is not set")
        return env[name]

    return VARIABLE.sub(value, text)


def display_url(url: str) -> str:
    """The URL as typed, with any ``user:password@`` replaced by ``***@`` (TR-3.3)."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", r"\1***@", url)


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"datamill/{version('datamill')}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "datamill"


@dataclass(frozen=True)
class Limits:
    """The acquisition bounds shared by every source kind."""

    timeout: float
    max_bytes: int


class _SizeGuard:
    """Counts bytes written to the temporary file and fails past ``--max-bytes``."""

    def __init__(self, out, limits: Limits, source: str) -> None:
        self.out, self.limits, self.source, self.size = out, limits, source, 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limits.max_bytes:
            raise too_large(self.source, self.limits)
        self.out.write(data)


def too_large(source: str, limits: Limits) -> TrackError:
    return TrackError(f"{source} is larger than --max-bytes ({limits.max_bytes} bytes)")


def split_userinfo(url: str) -> tuple[str, str | None]:
    """Move ``user:password@`` out of the URL into a Basic ``Authorization`` value."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows up to 10 redirects, dropping credentials when the host changes."""

    max_redirections = 10

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            origin = getattr(req, "datamill_origin", urllib.parse.urlsplit(req.full_url).hostname)
            new.datamill_origin = origin
            if urllib.parse.urlsplit(new.full_url).hostname != origin:
                for name in list(new.headers):
                    if name.lower() in SECRET_HEADERS:
                        del new.headers[name]
        return new


def fetch_url(url: str, shown: str, headers: list[tuple[str, str]], limits: Limits, out) -> None:
    """GET ``url`` into the binary file ``out``; ``shown`` is the URL for messages."""
    url, basic = split_userinfo(url)
    request = urllib.request.Request(url, method="GET")
    if basic:
        request.add_header("Authorization", basic)
    request.add_header("User-Agent", user_agent())
    request.add_header("Accept-Encoding", "gzip")
    for name, value in headers:
        request.add_header(name, value)
    opener = urllib.request.build_opener(_RedirectHandler)
    deadline = time.monotonic() + limits.timeout
    timed_out = TrackError(f"GET {shown} timed out after {limits.timeout:g} seconds")
    try:
        with opener.open(request, timeout=limits.timeout) as response:
            length = response.headers.get("Content-Length")
            gzipped = response.headers.get("Content-Encoding", "").lower() == "gzip"
            if length and length.isdigit() and not gzipped and int(length) > limits.max_bytes:
                raise too_large(shown, limits)
            _read_body(response, gzipped, deadline, timed_out, _SizeGuard(out, limits, shown))
    except urllib.error.HTTPError as err:
        raise TrackError(f"GET {shown} returned HTTP {err.code} {err.reason}") from None
    except TimeoutError:
        raise timed_out from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise timed_out from None
        raise TrackError(f"GET {shown} failed: {err.reason}") from None
    except (OSError, ValueError, zlib.error) as err:
        if isinstance(err, TrackError):
            raise
        raise TrackError(f"GET {shown} failed: {err}") from None


def _read_body(response, gzipped: bool, deadline: float, timed_out, sink: _SizeGuard) -> None:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    sock = _socket_of(response)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise timed_out
        if sock is not None:
            sock.settimeout(remaining)
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            break
        if decompressor is None:
            sink.write(chunk)
            continue
        sink.write(decompressor.decompress(chunk, sink.limits.max_bytes - sink.size + 1))
        while decompressor.unconsumed_tail:
            tail = decompressor.unconsumed_tail
            sink.write(decompressor.decompress(tail, sink.limits.max_bytes - sink.size + 1))
    if decompressor is not None:
        sink.write(decompressor.flush())


def _socket_of(response):
    """The underlying socket, so each read can be bounded by the remaining time."""
    try:
        return response.fp.raw._sock
    except AttributeError:
        return None


def copy_file(path: str, shown: str, limits: Limits, out) -> None:
    """Copy a local file, enforcing ``--max-bytes`` before reading it."""
    if not os.path.isfile(path):
        raise TrackError(f"Source file not found: {shown}")
    if os.path.getsize(path) > limits.max_bytes:
        raise too_large(shown, limits)
    try:
        with open(path, "rb") as source:
            shutil.copyfileobj(source, _SizeGuard(out, limits, shown), CHUNK)
    except OSError as err:
        raise TrackError(f"{shown}: {err.strerror}") from None


def run_command(command: str, cwd: str, limits: Limits, out) -> None:
    """Run ``/bin/sh -c command`` in ``cwd``; its stdout goes to ``out`` (a real file)."""
    deadline = time.monotonic() + limits.timeout
    process = subprocess.Popen(
        ["/bin/sh", "-c", command],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                status = process.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            if os.fstat(out.fileno()).st_size > limits.max_bytes:
                raise too_large("command output", limits)
            if time.monotonic() > deadline:
                raise TrackError(f"Command timed out after {limits.timeout:g} seconds")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if os.fstat(out.fileno()).st_size > limits.max_bytes:
        raise too_large("command output", limits)
    if status != 0:
        raise TrackError(f"Command exited with status {status}")
