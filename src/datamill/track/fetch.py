"""Acquire the content to track (TR-3): a URL, a local file or a command's stdout.

Every source is written to a temporary file with the same limits: a deadline for the whole
acquisition (``--timeout``) and a cap on the (decompressed) size (``--max-bytes``).
"""

from __future__ import annotations

import base64
import http.client
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
from collections.abc import Sequence
from dataclasses import dataclass

from datamill.track.errors import TrackError

CHUNK = 256 * 1024
SECRET_HEADERS = {"authorization", "cookie"}
VARIABLE = re.compile(r"\$\{([^}]*)\}")
GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer around deflate data
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
    """The acquisition bounds shared by every source kind.

    ``size_name`` names the size limit in the "is larger than" message.
    """

    timeout: float
    max_bytes: int
    size_name: str = "--max-bytes"


class _SizeGuard:
    """Counts bytes written to the temporary file and fails past ``--max-bytes``."""

    def __init__(self, out, limits: Limits, source: str) -> None:
        self.out, self.limits, self.source, self.size = out, limits, source, 0

    def room(self) -> int:
        """Bytes that may still be written."""
        return self.limits.max_bytes - self.size

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limits.max_bytes:
            raise too_large(self.source, self.limits)
        self.out.write(data)


def too_large(source: str, limits: Limits) -> TrackError:
    return TrackError(f"{source} is larger than {limits.size_name} ({limits.max_bytes} bytes)")


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


class _Refused(Exception):
    """A request that fails before any body is read; ``str()`` is the reason."""


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows up to 10 http(s) redirects, dropping credentials when the host changes."""

    max_redirections = 10
    inf_msg = "datamill: too many redirects: "

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("Location") or headers.get("URI") or ""
        scheme = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, target)).scheme
        if scheme.lower() not in ("http", "https"):
            # The target is not shown: a redirect may carry a signed URL.
            raise _Refused(f"redirect to a non-HTTP URL ({scheme}:) not followed")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

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


def secret_values(texts: list[str], environ: dict[str, str] | None = None) -> list[str]:
    """The values ``substitute`` puts into ``texts``: they never appear in a message (TR-GEN)."""
    env = os.environ if environ is None else environ
    return [env[name] for text in texts for name in variables_in(text) if env.get(name)]


def _masked(text: str, hidden: list[str]) -> str:
    """``text`` on one line, with every hidden value (plain or escaped) replaced by ``***``."""
    for value in hidden:
        for form in {value, repr(value)[1:-1], repr(value.encode())[2:-1]}:
            text = text.replace(form, "***")
    return " ".join(text.split())


def _reason(err: BaseException) -> str:
    """What went wrong, from an exception raised while connecting or reading headers."""
    if isinstance(err, urllib.error.URLError) and not isinstance(err, urllib.error.HTTPError):
        return str(err.reason)
    if isinstance(err, http.client.BadStatusLine) and not isinstance(err, OSError):
        line = err.line  # type: ignore[attr-defined]  # set by __init__; typeshed omits it
        return f"invalid HTTP status line {line.strip()!r}"
    return str(err) or type(err).__name__


def fetch_url(
    url: str,
    shown: str,
    headers: list[tuple[str, str]],
    limits: Limits,
    out,
    hidden: list[str] | None = None,
    handlers: Sequence[urllib.request.BaseHandler] = (),
) -> None:
    """GET ``url`` into the binary file ``out``; ``shown`` is the URL for messages.

    ``hidden`` lists substituted secret values, masked in any reason quoted from below.
    A body that ends before its ``Content-Length``, its last chunk or its gzip trailer is an
    error, never content (TR-3.1). ``handlers`` are added to the opener (they replace the
    default handler of their kind, e.g. one that checks each address before connecting).
    """
    hidden = list(hidden or [])
    deadline = time.monotonic() + limits.timeout
    timed_out = TrackError(f"GET {shown} timed out after {limits.timeout:g} seconds")
    try:
        url, basic = split_userinfo(url)
        if basic:
            hidden.append(basic.split(" ", 1)[1])
        request = urllib.request.Request(url, method="GET")
        if basic:
            request.add_header("Authorization", basic)
        request.add_header("User-Agent", user_agent())
        request.add_header("Accept-Encoding", "gzip")
        for name, value in headers:
            request.add_header(name, value)
        opener = urllib.request.build_opener(_RedirectHandler, *handlers)
        with opener.open(request, timeout=limits.timeout) as response:
            _Body(response, shown, limits).copy(deadline, timed_out, out)
    except urllib.error.HTTPError as err:
        if str(err.reason).startswith(_RedirectHandler.inf_msg):
            raise TrackError(f"GET {shown} failed: too many redirects") from None
        reason = _masked(str(err.reason), hidden)
        raise TrackError(f"GET {shown} returned HTTP {err.code} {reason}") from None
    except TimeoutError:
        raise timed_out from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise timed_out from None
        raise TrackError(f"GET {shown} failed: {_masked(_reason(err), hidden)}") from None
    except (_Refused, http.client.HTTPException, OSError, ValueError) as err:
        raise TrackError(f"GET {shown} failed: {_masked(_reason(err), hidden)}") from None


class _Body:
    """Reads a response body to the end, refusing one that stops short (TR-3.1).

    Counted on the wire: ``Content-Length`` bytes, every chunk up to the last one, and with
    ``Content-Encoding: gzip`` a complete gzip stream (one member or several).
    """

    def __init__(self, response: http.client.HTTPResponse, shown: str, limits: Limits) -> None:
        self.response, self.shown, self.limits, self.received = response, shown, limits, 0
        coding = response.headers.get("Content-Encoding", "").strip().lower()
        if coding not in ("", "identity", "gzip", "x-gzip"):
            raise TrackError(f'{shown}: unsupported Content-Encoding "{coding}"')
        self.gzipped = coding in ("gzip", "x-gzip")
        chunked = "chunked" in response.headers.get("Transfer-Encoding", "").lower()
        length = response.headers.get("Content-Length", "").strip()
        self.declared = int(length) if length.isdigit() and not chunked else None
        if self.declared is not None and not self.gzipped and self.declared > limits.max_bytes:
            raise too_large(shown, limits)

    def copy(self, deadline: float, timed_out: TrackError, out) -> None:
        """Write the (decompressed) body to the binary file ``out``."""
        sink = _SizeGuard(out, self.limits, self.shown)
        gunzip = _Gunzip(self.shown) if self.gzipped else None
        sock = _socket_of(self.response)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timed_out
            if sock is not None:
                sock.settimeout(remaining)
            try:
                chunk = self.response.read1(CHUNK)
            except http.client.IncompleteRead:
                early = f"chunked transfer ended early after {self.received:,} bytes"
                raise self.cut_short(early) from None
            if not chunk:
                break
            self.received += len(chunk)
            if gunzip is None:
                sink.write(chunk)
            else:
                gunzip.feed(chunk, sink)
        if self.declared is not None and self.received < self.declared:
            raise self.cut_short(f"received {self.received:,} of {self.declared:,} bytes")
        if gunzip is not None and self.received and not gunzip.complete:
            raise self.cut_short(f"gzip stream ended early after {self.received:,} bytes")

    def cut_short(self, what: str) -> TrackError:
        return TrackError(f"{self.shown}: download cut short: {what}")


class _Gunzip:
    """Incremental gzip decompression, bounded by the room left under ``--max-bytes``."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.decompressor = zlib.decompressobj(GZIP_WBITS)

    @property
    def complete(self) -> bool:
        return self.decompressor.eof

    def feed(self, data: bytes, sink: _SizeGuard) -> None:
        while data:
            if self.decompressor.eof:  # a further member (RFC 1952 allows several)
                self.decompressor = zlib.decompressobj(GZIP_WBITS)
            try:
                sink.write(self.decompressor.decompress(data, sink.room() + 1))
            except zlib.error as err:
                detail = str(err).rsplit(": ", 1)[-1]
                raise TrackError(f"{self.shown}: invalid gzip data: {detail}") from None
            if self.decompressor.eof:
                data = self.decompressor.unused_data
            else:
                data = self.decompressor.unconsumed_tail


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
