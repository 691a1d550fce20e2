"""Streams against a real server: constant memory and no silent truncation (SV-CSV-4, SV-CSV-5)."""

from __future__ import annotations

import http.client
import sqlite3
import threading
import time
import urllib.parse

import pytest
from serve_helpers import rss_kb, serving

COUNTING = "with recursive r(n) as (select 1 union all select n + 1 from r) "


@pytest.fixture(scope="module")
def numbers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("streams")
    conn = sqlite3.connect(folder / "numbers.db")
    conn.execute("create table numbers (id integer primary key)")
    conn.execute(
        COUNTING.replace("from r)", "from r where n < 1000000)")
        + "insert into numbers select n from r"
    )
    conn.commit()
    conn.close()
    return folder


def open_stream(url: str, path: str, params: dict) -> http.client.HTTPResponse:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path + "?" + urllib.parse.urlencode(params))
    return conn.getresponse()


def read_all(response: http.client.HTTPResponse) -> tuple[bytes, bool]:
    """The body and whether the transfer ended cleanly (the final chunk arrived)."""
    received = b""
    try:
        while True:
            chunk = response.read(65536)
            if not chunk:
                return received, True
            received += chunk
    except http.client.IncompleteRead as error:
        return received + error.partial, False


@pytest.mark.parametrize(
    "settings, params, reason",
    [
        (
            [],
            {
                "sql": "select case when n < 30000 then n else abs(-9223372036854775807 - 1) end as n from ("
                + COUNTING
                + "select n from r limit 40000)"
            },
            "integer overflow",
        ),
        (
            ["--setting", "sql_time_limit_ms", "200"],
            {"sql": COUNTING + "select n from r where n < 20000 or n = -1"},
            "no row within 200 ms",
        ),
        (
            ["--setting", "max_csv_mb", "1"],
            {"sql": "select id, id * 2, id * 3 from numbers"},
            "max_csv_mb (1 MB) reached",
        ),
    ],
)
def test_failure_mid_stream_aborts_the_transfer_sv_csv_5(numbers, settings, params, reason):
    with serving("numbers.db", *settings, cwd=numbers) as server:
        response = open_stream(server.url, "/numbers/-/query.csv", {**params, "_stream": "on"})
        assert response.status == 200  # the headers went out with the first rows
        body, clean = read_all(response)
        status, _, stderr = server.stop()
    assert not clean  # no final chunk: the client sees an incomplete transfer
    assert body.startswith(b"n") or body.startswith(b"id")
    assert b"error" not in body.lower() and b"abort" not in body.lower()  # nothing appended
    assert status == 0
    aborts = [line for line in stderr.splitlines() if "aborted" in line]
    assert aborts == [f"datamill serve: export /numbers/-/query.csv aborted: {reason}"]
    assert "Traceback" not in stderr


def test_a_million_rows_in_constant_memory_sv_csv_4(numbers):
    with serving("numbers.db", cwd=numbers) as server:
        pid = server.proc.pid
        warm = open_stream(server.url, "/numbers/numbers.csv", {"_stream": "on", "id__lt": "20000"})
        read_all(warm)
        baseline = rss_kb(pid)
        peak = baseline
        response = open_stream(server.url, "/numbers/numbers.csv", {"_stream": "on"})
        lines = 0
        last = b""
        sampled = time.monotonic()
        while True:
            chunk = response.read(262144)
            if not chunk:
                break
            lines += chunk.count(b"\r\n")
            last = (last + chunk)[-32:]
            if time.monotonic() - sampled > 0.05:
                peak = max(peak, rss_kb(pid))
                sampled = time.monotonic()
        peak = max(peak, rss_kb(pid))
    assert lines == 1_000_001 and last.endswith(b"1000000\r\n")
    assert (peak - baseline) < 30 * 1024, f"RSS grew by {(peak - baseline) / 1024:.1f} MB"


def test_a_client_that_leaves_frees_its_stream(numbers):
    with serving("numbers.db", "--setting", "max_concurrent_streams", "1", cwd=numbers) as server:
        endless = {"sql": COUNTING + "select n from r", "_stream": "on"}
        response = open_stream(server.url, "/numbers/-/query.csv", endless)
        assert response.status == 200
        response.read(100000)
        response.close()
        deadline = time.monotonic() + 3
        while True:
            probe = open_stream(
                server.url, "/numbers/numbers.csv", {"_stream": "on", "id__lt": "3"}
            )
            status = probe.status
            probe.read()
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == 200


def test_shutdown_cuts_streams_and_exits_zero(numbers):
    with serving("numbers.db", cwd=numbers) as server:
        response = open_stream(
            server.url,
            "/numbers/-/query.csv",
            {"sql": COUNTING + "select n from r", "_stream": "on"},
        )
        assert response.status == 200
        response.read(10000)
        result: dict = {}
        reader = threading.Thread(
            target=lambda: result.update(zip(("body", "clean"), read_all(response)))
        )
        reader.start()
        started = time.monotonic()
        status, _, stderr = server.stop()
        reader.join(10)
    assert status == 0
    assert time.monotonic() - started < 8
    assert result["clean"] is False
    assert "export /numbers/-/query.csv aborted: server shutting down" in stderr
