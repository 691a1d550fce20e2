"""--batch-size commits each batch while stdin is still open (I-1, I-3)."""

import sqlite3
import subprocess
import sys
import time

import pytest
from cli_helpers import sha256


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


def test_failure_with_real_stdin_exits_cleanly(tmp_path):
    """The read-ahead thread is stopped when the load fails, so the process exits with 1."""
    db_path = tmp_path / "fail.db"
    sqlite3.connect(db_path).execute("create table t (id integer primary key)").connection.commit()
    for _ in range(3):  # the shutdown race this guards against does not happen every time
        result = subprocess.run(
            [sys.executable, "-m", "datamill", "insert", str(db_path), "t", "-", "--csv"],
            input=b"id,size\n1,3\n",
            capture_output=True,
            timeout=60,
        )
        assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr == (
        b'Error: table t has no column named size (input row 1, line 2, column "size") - try'
        b" using --alter to add additional columns\n"
    )


def test_sigterm_rolls_back_the_whole_load(tmp_path):
    """I-3: SIGTERM counts as an error; without --batch-size nothing from the run persists."""
    import signal

    db_path = tmp_path / "term.db"
    sqlite3.connect(db_path).execute("create table t (n integer)").connection.commit()
    before = sha256(db_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "datamill", "insert", str(db_path), "t", "-", "--nl"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        process.stdin.write(b'{"n": 1}\n' * 5000)
        process.stdin.flush()
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 1
        assert process.stderr.read().decode().strip() == "Aborted!"
    finally:
        process.kill()
    assert sha256(db_path) == before
