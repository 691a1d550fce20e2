"""`datamill track` against servers that misbehave on purpose (track.md TR-3, TR-4, TR-11).

A body that stops short must never be committed: the repository, index, log, working tree and
tracked file stay byte-identical, and stderr holds exactly one ``Error:`` line.
"""

from __future__ import annotations

import gzip

import pytest
from cli_helpers import run
from track_helpers import git, snapshot

ROWS = "id,name\n" + "".join(f"{n},station {n:03d}\n" for n in range(1, 101))


def response(headers: dict[str, str], body: bytes, status: str = "200 OK") -> bytes:
    """A raw HTTP/1.1 response; the server closes the connection after it."""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"HTTP/1.1 {status}\r\n{head}Connection: close\r\n\r\n".encode() + body


def first_rows(count: int) -> bytes:
    """The header line and the first ``count`` data lines of ROWS."""
    return "".join(ROWS.splitlines(keepends=True)[: count + 1]).encode()


def chunked(body: bytes, size: int = 500) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in _parts(body, size))


def _parts(body: bytes, size: int) -> list[bytes]:
    return [body[start : start + size] for start in range(0, len(body), size)]


@pytest.fixture
def tracked(server, repo):
    """A repository whose stations.csv holds all 100 rows, committed with plain git."""
    (repo / "stations.csv").write_text(ROWS)
    git(repo, "add", "stations.csv")
    git(repo, "commit", "-qm", "seed")
    return repo


def state(repo) -> tuple:
    """Everything a failed run must leave alone (TR-4: steps 1-7 change nothing)."""
    return (
        snapshot(repo),
        git(repo, "log", "--format=%H %s"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        (repo / "stations.csv").read_bytes(),
    )


def track_fails(server, repo, url: str, *extra: str) -> str:
    """Run track against a bad response; assert exit 1, one line, nothing changed."""
    before = state(repo)
    result = run("track", url, "--repo", str(repo), "--path", "stations.csv", *extra)
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert state(repo) == before
    return result.stderr.removeprefix("Error: ").rstrip("\n")


GZIPPED = gzip.compress(ROWS.encode(), mtime=0)
GZIP_CUT = GZIPPED[: len(GZIPPED) // 2]
CHUNK_CUT = chunked(ROWS.encode())[:1300]  # mid-way through the third chunk
CHUNK_CUT_DATA = 1300 - 3 * len(b"1f4\r\n") - 2 * len(b"\r\n")  # minus chunk framing

CUT_SHORT = [
    pytest.param(
        response({"Content-Length": str(len(ROWS))}, first_rows(40)),
        f"download cut short: received {len(first_rows(40)):,} of {len(ROWS):,} bytes",
        id="content-length-100-rows-closed-after-40",
    ),
    pytest.param(
        response({"Content-Encoding": "gzip"}, GZIP_CUT),
        f"download cut short: gzip stream ended early after {len(GZIP_CUT):,} bytes",
        id="gzip-cut-mid-stream",
    ),
    pytest.param(
        response({"Content-Encoding": "gzip", "Content-Length": str(len(GZIP_CUT))}, GZIP_CUT),
        f"download cut short: gzip stream ended early after {len(GZIP_CUT):,} bytes",
        id="gzip-cut-with-matching-length",
    ),
    pytest.param(
        response({"Content-Encoding": "gzip", "Content-Length": str(len(GZIPPED))}, GZIP_CUT),
        f"download cut short: received {len(GZIP_CUT):,} of {len(GZIPPED):,} bytes",
        id="gzip-content-length-closed-early",
    ),
    pytest.param(
        response({"Transfer-Encoding": "chunked"}, CHUNK_CUT),
        f"download cut short: chunked transfer ended early after {CHUNK_CUT_DATA:,} bytes",
        id="chunked-cut-mid-chunk",
    ),
    pytest.param(
        response({"Transfer-Encoding": "chunked"}, chunked(first_rows(40))),
        f"download cut short: chunked transfer ended early after {len(first_rows(40)):,} bytes",
        id="chunked-without-last-chunk",
    ),
]


# TR-3.1, TR-4: a download cut short is an error and is never committed
@pytest.mark.parametrize("raw, expected", CUT_SHORT)
def test_download_cut_short_is_never_committed(server, tracked, raw, expected):
    url = server.serve_raw("/stations.csv", raw)
    assert track_fails(server, tracked, url, "--key", "id") == f"{url}: {expected}"


def test_cut_short_on_first_version_leaves_an_unborn_branch(server, repo):
    url = server.serve_raw("/stations.csv", response({"Content-Length": "5000"}, first_rows(3)))
    before = snapshot(repo)
    result = run("track", url, "--repo", str(repo))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {url}: download cut short: received {len(first_rows(3))} of 5,000 bytes\n",
    )
    assert snapshot(repo) == before
    assert not (repo / "stations.csv").exists()


def test_complete_bodies_still_commit(server, tracked):
    """The checks do not refuse whole bodies: chunked, gzip, several gzip members."""
    changed = ROWS.replace("station 007", "station seven")
    body = changed.encode()
    half = len(body) // 2
    members = gzip.compress(body[:half], mtime=0) + gzip.compress(body[half:], mtime=0)
    for raw in [
        response({"Transfer-Encoding": "chunked"}, chunked(body) + b"0\r\n\r\n"),
        response({"Content-Encoding": "gzip"}, members),
    ]:
        git(tracked, "checkout", "-q", "HEAD~0", "--", "stations.csv")
        url = server.serve_raw("/stations.csv", raw)
        result = run("track", url, "--repo", str(tracked), "--key", "id")
        assert result.exit_code == 0, result.stderr
        assert result.stderr.endswith(": 1 row changed\n")
        assert (tracked / "stations.csv").read_bytes() == body
        git(tracked, "reset", "-q", "--hard", "HEAD~1")


@pytest.mark.parametrize(
    "route, expected",
    [
        (dict(headers={"Content-Encoding": "br"}, body=b"\x1b\x03"),
         '{url}: unsupported Content-Encoding "br"'),
        (dict(headers={"Content-Encoding": "gzip"}, body=b"id,name\n1,x\n"),
         "{url}: invalid gzip data: incorrect header check"),
        (dict(status=404, body=b"gone"), "GET {url} returned HTTP 404 Not Found"),
        (dict(status=500, body=b"boom"), "GET {url} returned HTTP 500 Internal Server Error"),
    ],
)  # fmt: skip
def test_bad_encodings_and_statuses(server, tracked, route, expected):
    server.serve("/stations.csv", **route)
    url = server.url("/stations.csv")
    assert track_fails(server, tracked, url) == expected.format(url=url)


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "Remote end closed connection without response"),
        (b"garbage\r\n\r\n", "invalid HTTP status line 'garbage'"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70000 + b"\r\n\r\n",
         "got more than 65536 bytes when reading header line"),
    ],
)  # fmt: skip
def test_broken_responses(server, tracked, raw, reason):
    url = server.serve_raw("/stations.csv", raw)
    assert track_fails(server, tracked, url) == f"GET {url} failed: {reason}"


def test_body_that_stalls_times_out(server, tracked):
    raw = response({"Content-Length": str(len(ROWS))}, first_rows(10))
    url = server.serve_raw("/stations.csv", raw, stall=2)
    message = track_fails(server, tracked, url, "--timeout", "0.5")
    assert message == f"GET {url} timed out after 0.5 seconds"


def test_redirect_loops_and_other_schemes(server, tracked):
    port = server.httpd.server_address[1]
    server.serve("/loop", "", status=302, headers={"Location": f"http://127.0.0.1:{port}/loop"})
    loop = server.url("/loop")
    assert track_fails(server, tracked, loop) == f"GET {loop} failed: too many redirects"
    for target in ["file:///etc/passwd?sig=abc", "ftp://127.0.0.1:9/stations.csv"]:
        server.serve("/hop", "", status=302, headers={"Location": target})
        hop = server.url("/hop")
        scheme = target.split(":")[0]
        message = track_fails(server, tracked, hop)
        assert message == f"GET {hop} failed: redirect to a non-HTTP URL ({scheme}:) not followed"


def test_malformed_urls(server, tracked):
    port = server.httpd.server_address[1]
    bad_port = "http://127.0.0.1:port/stations.csv"
    assert track_fails(server, tracked, bad_port) == (
        f"GET {bad_port} failed: nonnumeric port: 'port'"
    )
    space = f"http://127.0.0.1:{port}/a b.csv"
    assert track_fails(server, tracked, space).startswith(
        f"GET {space} failed: URL can't contain control characters."
    )
    before = state(tracked)
    usage = run("track", "http://[::1/stations.csv", "--repo", str(tracked))
    assert usage.exit_code == 2
    assert usage.stderr.endswith("\nError: Invalid value for 'SOURCE': Invalid IPv6 URL\n")
    assert state(tracked) == before
    assert server.requests == []


def test_connection_refused(tracked):
    url = "http://127.0.0.1:9/stations.csv"
    assert track_fails(None, tracked, url) == f"GET {url} failed: [Errno 111] Connection refused"


def test_non_utf8_body(server, tracked):
    url = server.serve(
        "/stations.csv", ROWS.replace("station 050", "estaci\xf3n").encode("latin-1")
    )
    offset = ROWS.index("station 050") + len("estaci")
    assert track_fails(server, tracked, url, "--key", "id") == (
        f"{url}, line 51: cannot decode byte 0xf3 at offset {offset} as utf-8; "
        "use --encoding, e.g. --encoding latin-1"
    )


# TR-GEN: a substituted secret never shows, even inside a reason quoted from below
def test_secret_not_echoed_by_a_failing_request(server, tracked, monkeypatch):
    monkeypatch.setenv("API_TOKEN", "s3cr3t\nvalue")
    url = server.serve("/stations.csv", ROWS)
    message = track_fails(server, tracked, url, "--header", "Authorization: Bearer ${API_TOKEN}")
    assert message.startswith(f"GET {url} failed: Invalid header value ")
    assert "s3cr3t" not in message and "***" in message
    assert server.requests == []


# TR-2, G-4: an unknown --encoding is a usage error before any work
@pytest.mark.parametrize(
    "encoding, problem",
    [("nope", "unknown encoding 'nope'"), ("base64", "'base64' is not a text encoding")],
)
@pytest.mark.parametrize("command", [["track"], ["track", "init"]])
def test_unknown_encoding_is_a_usage_error(server, tracked, command, encoding, problem):
    url = server.serve("/stations.csv", ROWS.replace("001", "one"))
    before = state(tracked)
    result = run(*command, url, "--repo", str(tracked), "--key", "id", "--encoding", encoding)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Usage: datamill {' '.join(command)} [OPTIONS]")
    assert result.stderr.endswith(f"\n\nError: Invalid value for '--encoding': {problem}\n")
    assert server.requests == []
    assert state(tracked) == before
    assert not (tracked / ".github").exists()
