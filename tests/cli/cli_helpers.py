"""Helpers for every test that runs the CLI: invoke ``datamill`` in-process and check how it ended."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from click.testing import CliRunner, Result

from datamill import Database
from datamill.cli import cli

PLANTS = [
    {"id": 1, "name": "Fern", "kind": "shade", "height": 40},
    {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    {"id": 3, "name": "Tomato", "kind": "vegetable", "height": 120},
    {"id": 4, "name": "Mint", "kind": "herb", "height": 30},
]
#: The schema of ``plants`` whether built by ``plants_db`` or by ``datamill insert --pk=id``.
PLANTS_SCHEMA = (
    'CREATE TABLE "plants" (\n'
    '   "id" INTEGER PRIMARY KEY,\n'
    '   "name" TEXT,\n'
    '   "kind" TEXT,\n'
    '   "height" INTEGER\n'
    ")"
)


def plants_db(path) -> str:
    """Create a database at ``path`` holding PLANTS in ``plants`` (pk id); return the path."""
    path = str(path)
    Database(path)["plants"].insert_all(PLANTS, pk="id")
    return path


def run(*args: object, input: str | bytes | None = None) -> Result:
    """Invoke ``datamill`` in-process with ``args`` (paths are turned into text); the Result
    keeps stdout and stderr apart. Exceptions propagate: a traceback fails the test."""
    return CliRunner().invoke(
        cli, [str(a) for a in args], input=input, catch_exceptions=False, prog_name="datamill"
    )


def run_process(
    *args: object, cwd=None, env: dict[str, str] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m datamill`` with ``args`` in a fresh process; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "datamill", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def ok(*args: str, input: str | bytes | None = None) -> str:
    """Run, expect exit status 0 and return everything written (stdout and stderr)."""
    result = run(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.output


def ok_stdout(*args: str, input: str | bytes | None = None) -> str:
    """Run, expect exit status 0 and return stdout exactly as written (``\\r\\n`` kept)."""
    result = run(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


def error(*args: str, input: str | bytes | None = None) -> str:
    """Run, expect exit status 1 and return everything written."""
    result = run(*args, input=input)
    assert result.exit_code == 1, result.output
    return result.output


def fails(*args: str, input: str | bytes | None = None) -> str:
    """Run, expect exit status 1 with nothing on stdout; return stderr."""
    result = run(*args, input=input)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return result.stderr


def sha256(path) -> str:
    """Fingerprint a file, to prove a failed command left it untouched."""
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def unchanged_after_error(path, *args: str) -> str:
    """Run a command expected to fail (exit 1) and assert the database file did not change."""
    before = sha256(path)
    message = error(*args)
    assert sha256(path) == before
    return message
