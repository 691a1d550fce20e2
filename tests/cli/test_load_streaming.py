"""--batch-size commits each batch while stdin is still open (I-1, I-3)."""

import sqlite3
import subprocess
import sys
import time

import pytest


def wait_for_count(db_path, table, expected, timeout=10.0):
    deadline = time.monotonic() + timeout
    count = None
    while time.monotonic() < deadline:
        try:
            count = sqlite3.connect(db_path).execute(f"select count(*) from {table}").fetchone()[0]
        except sqlite3.OperationalError:
            count = None
        if count == expected:
            return count
        time.sleep(0.05)
    return count


@pytest.mark.parametrize(
    "options, first, rest",
    [
        (["--nl"], b'{"n": 1}\n{"n": 2}\n', b'{"n": 3}\n'),
        ([], b'[{"n": 1},\n{"n": 2},\n', b'{"n": 3}]\n'),
        (["--csv"], b"n\n1\n2\n", b"3\n"),
    ],
    ids=["ndjson", "json-array", "csv"],
)
def test_second_connection_sees_completed_batches(tmp_path, options, first, rest):
    db_path = tmp_path / "stream.db"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datamill",
            "insert",
            str(db_path),
            "t",
            "-",
            "--batch-size",
            "2",
            *options,
        ],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        process.stdin.write(first)
        process.stdin.flush()
        assert wait_for_count(db_path, "t", 2) == 2
        process.stdin.write(rest)
        process.stdin.close()
        assert process.wait(timeout=10) == 0, process.stderr.read()
    finally:
        process.kill()
    assert wait_for_count(db_path, "t", 3) == 3
