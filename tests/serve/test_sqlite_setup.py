"""``datamill serve`` turns SQLite's allocation statistics off, so its threads (and a search
ranked in parts) run at the same time: the statistics take a process-wide mutex on every
allocation. It must happen before anything imports ``sqlite3``; these tests fail if an import
added to the command line's start-up loads it earlier."""

from __future__ import annotations

import subprocess
import sys

from datamill.serve.sqlite_setup import disable_allocation_statistics

PROBE = """
import ctypes, importlib.util, sys
import click
from datamill.cli import cli
cli.get_command(click.Context(cli), sys.argv[1])
import sqlite3
sqlite3.connect(":memory:").execute("create table t (a)")
library = ctypes.CDLL(importlib.util.find_spec("_sqlite3").origin)
library.sqlite3_memory_used.restype = ctypes.c_int64
print(library.sqlite3_memory_used())
"""


def memory_counted_after_loading(command: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, command], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_the_serve_command_turns_the_statistics_off():
    assert memory_counted_after_loading("serve") == 0


def test_other_commands_leave_them_on():
    assert memory_counted_after_loading("query") > 0


def test_too_late_once_sqlite3_is_imported():
    import sqlite3  # noqa: F401 - this process has used SQLite already

    assert disable_allocation_statistics() is False
