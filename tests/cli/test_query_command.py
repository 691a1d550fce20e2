"""C-QUERY, C-ROWS and the global behaviour G-1..G-5, O-PARAM, O-ATTACH, O-EXT, O-FUNCTIONS."""

import os
import subprocess
import sys

import pytest
from cli_helpers import error, ok, plants_db, run, run_process, sha256

from datamill import Database
from datamill.cli import cli


@pytest.fixture
def garden(tmp_path):
    return plants_db(tmp_path / "garden.db")


# G-1 .. G-3


def test_top_level_help_lists_commands_and_marks_default():
    text = ok("--help")
    assert text.startswith("Usage: datamill [OPTIONS] COMMAND [ARGS]...\n\n")
    assert "Commands for interacting with a SQLite database" in text
    assert "  query*" in text and "  rows " in text
    assert ok("-h") == text


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help, name
        assert ok(name, "-h").startswith(f"Usage: datamill {name} [OPTIONS]")


def test_version():
    assert ok("--version") == "datamill, version 0.1.0\n"


def test_no_arguments_is_missing_path_usage_error():
    result = run()
    assert result.exit_code == 2
    assert result.output.endswith("Error: Missing argument 'PATH'.\n")
    assert result.output.startswith("Usage: datamill query [OPTIONS] PATH SQL\n")


def test_default_command_equals_query(garden):
    assert ok(garden, "select 1 as a") == ok("query", garden, "select 1 as a") == '[{"a": 1}]\n'


def test_query_creates_missing_database(tmp_path):
    path = tmp_path / "new.db"
    assert ok(str(path), "select 1") == '[{"1": 1}]\n'
    assert path.exists()


# C-QUERY


def test_named_parameters_are_bound_as_text(garden):
    assert ok(garden, "select name, height from plants where height > :h", "-p", "h", "30") == (
        '[{"name": "Fern", "height": 40},\n {"name": "Tomato", "height": 120}]\n'
    )
    assert ok(garden, "select typeof(:n) as t", "--param", "n", "6") == '[{"t": "text"}]\n'


def test_writes_report_rows_affected_and_commit(garden):
    assert ok(garden, "update plants set height = 35 where kind = 'herb'") == (
        '[{"rows_affected": 2}]\n'
    )
    assert ok(garden, "create table t (a)") == '[{"rows_affected": -1}]\n'
    db = Database(garden)
    assert [r["height"] for r in db.query("select height from plants order by id")] == [
        40,
        35,
        120,
        35,
    ]
    assert db["t"].exists()


def test_returning_rows_are_printed_and_committed(garden):
    assert ok(garden, "insert into plants (name) values ('Sage') returning id, name") == (
        '[{"id": 5, "name": "Sage"}]\n'
    )
    assert Database(garden)["plants"].count == 5


def test_sql_from_stdin(garden):
    assert ok(garden, "-", input="select count(*) as n from plants") == '[{"n": 4}]\n'


def test_query_errors(garden):
    assert error(garden, "select * from nope") == "Error: no such table: nope\n"
    assert error(garden, "select 1; select 2") == (
        "Error: You can only execute one statement at a time.\n"
    )
    assert error(garden, "select :h") == (
        "Error: You did not supply a value for binding parameter :h.\n"
    )


def test_failed_write_rolls_back(garden):
    before = sha256(garden)
    message = error(garden, "update plants set id = 1 where id = 2")
    assert message == "Error: UNIQUE constraint failed: plants.id\n"
    assert sha256(garden) == before


def test_failed_returning_statement_rolls_back(garden):
    ok(garden, "create table t (a integer check (a < 2))")
    message = error(garden, "insert into t select value from json_each('[1,2]') returning a")
    assert message == "Error: CHECK constraint failed: a < 2\n"
    assert Database(garden)["t"].count == 0


def test_attach(garden, tmp_path):
    other = str(tmp_path / "other.db")
    Database(other)["birds"].insert({"name": "Wren"})
    assert ok(garden, "select name from other.birds", "--attach", "other", other) == (
        '[{"name": "Wren"}]\n'
    )


def test_functions_from_code_and_file(garden, tmp_path):
    code = "def shout(s):\n    return s.upper() + '!'\n"
    assert ok(garden, "select shout('hi') as s", "--functions", code) == '[{"s": "HI!"}]\n'
    path = tmp_path / "funcs.py"
    path.write_text("import json\ndef twice(x):\n    return x * 2\n_hidden = lambda: 1\n")
    assert ok(garden, "select twice(21) as n", "--functions", str(path)) == '[{"n": 42}]\n'
    assert error(garden, "select _hidden()", "--functions", str(path)) == (
        "Error: no such function: _hidden\n"
    )
    later = "def twice(x):\n    return x * 3\n"
    assert ok(garden, "select twice(2) as n", "--functions", code, "--functions", str(path),
              "--functions", later, "--functions", "  ") == '[{"n": 6}]\n'  # fmt: skip


def test_functions_errors(garden):
    assert error(garden, "select 1", "--functions", "missing.py") == (
        "Error: File not found: missing.py\n"
    )
    assert error(garden, "select 1", "--functions", "def (") == (
        "Error: Error in functions definition: invalid syntax (<string>, line 1)\n"
    )
    boom = "def boom():\n    raise ValueError('x')\n"
    assert error(garden, "select boom()", "--functions", boom) == (
        "Error: user-defined function raised exception\n"
    )


def test_load_extension_errors(garden):
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/mod_spatialite.so"):
        assert error(garden, "select 1", "--load-extension", "spatialite") == (
            "Error: Could not find SpatiaLite extension\n"
        )
    message = error(garden, "select 1", "--load-extension", "/nonexistent/ext.so:entry")
    assert message.startswith("Error: ") and message.count("\n") == 1


# C-ROWS


def test_rows_options(garden):
    assert ok("rows", garden, "plants", "-c", "name", "-c", "height", "--where", "height > :h",
              "-p", "h", "28", "-o", "height desc") == (
        '[{"name": "Tomato", "height": 120},\n'
        ' {"name": "Fern", "height": 40},\n'
        ' {"name": "Mint", "height": 30}]\n'
    )  # fmt: skip
    assert ok("rows", garden, "plants", "--limit", "2", "--offset", "1", "--nl") == (
        '{"id": 2, "name": "Basil", "kind": "herb", "height": 25}\n'
        '{"id": 3, "name": "Tomato", "kind": "vegetable", "height": 120}\n'
    )
    assert ok("rows", garden, "plants", "-c", "id", "--offset", "3") == '[{"id": 4}]\n'
    assert ok("rows", garden, "plants", "-c", "id", "--limit", "0", "--offset", "0", "--csv") == (
        "id\n1\n2\n3\n4\n"
    )


def test_rows_missing_table(garden):
    assert error("rows", garden, "nope") == "Error: no such table: nope\n"


# Real subprocess runs: exit status, one stderr line, no traceback, file untouched.


def test_subprocess_bad_sql_leaves_database_byte_identical(garden):
    before = sha256(garden)
    proc = run_process(garden, "delete form plants")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == 'Error: near "form": syntax error\n'
    assert "Traceback" not in proc.stderr
    assert sha256(garden) == before


def test_subprocess_missing_database_is_a_usage_error(tmp_path):
    proc = run_process("tables", "missing.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        "Usage: python -m datamill tables [OPTIONS] PATH\n"
        "Try 'python -m datamill tables --help' for help.\n\n"
        "Error: Invalid value for 'PATH': File 'missing.db' does not exist.\n"
    )
    assert not (tmp_path / "missing.db").exists()


def test_subprocess_success(garden):
    proc = run_process(garden, "select count(*) from plants", "--raw")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "4", "")


def test_subprocess_closed_pipe_ends_quietly(garden):
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c limit 200000) select x from c"
    process = subprocess.Popen(
        [sys.executable, "-m", "datamill", garden, sql, "--nl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline() == b'{"x": 1}\n'
    process.stdout.close()
    assert process.wait() == 1
    assert process.stderr.read() == b""
