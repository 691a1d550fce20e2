"""``datamill serve`` on the command line: bad input before binding, and the server's lifecycle (SV-CLI)."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request

import cli_helpers
import pytest
from serve_helpers import garden_db, serving


def run(*args: str):
    return cli_helpers.run("serve", *args)


@pytest.fixture
def garden(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    garden_db(tmp_path / "garden.db")
    return tmp_path


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def test_needs_a_database_sv_cli_1(garden):
    result = run()
    assert result.exit_code == 2
    assert last_line(result) == "Error: Give at least one database file (DB or -i DB)"


def test_missing_file_is_a_usage_error(garden):
    result = run("missing.db")
    assert result.exit_code == 2
    assert (
        last_line(result) == "Error: Invalid value for '[DB]...': File 'missing.db' does not exist."
    )


def test_directory_is_a_usage_error(garden):
    (garden / "folder").mkdir()
    result = run("folder")
    assert result.exit_code == 2
    assert last_line(result) == "Error: Invalid value for '[DB]...': File 'folder' is a directory."


def test_same_file_twice(garden):
    result = run("garden.db", "-i", "./garden.db")
    assert result.exit_code == 2
    assert last_line(result) == "Error: ./garden.db is given more than once"


def test_not_a_database_sv_cli_3(garden):
    (garden / "notes.txt").write_text("hello, this is not a database at all" * 10)
    result = run("notes.txt")
    assert result.exit_code == 1
    assert result.output == "Error: notes.txt is not a SQLite database\n"


def test_locked_database(garden):
    writer = sqlite3.connect(garden / "garden.db", isolation_level=None)
    writer.execute("begin exclusive")
    try:
        result = run("garden.db")
    finally:
        writer.execute("rollback")
        writer.close()
    assert result.exit_code == 1
    assert result.output == "Error: Cannot open garden.db read-only: database is locked\n"


def test_immutable_with_pending_wal(garden):
    writer = sqlite3.connect(garden / "garden.db")
    writer.execute("pragma journal_mode = wal")
    writer.execute("pragma wal_autocheckpoint = 0")
    writer.execute("insert into plants (name) values ('Sage')")
    writer.commit()
    try:
        result = run("-i", "garden.db")
    finally:
        writer.close()
    assert result.exit_code == 1
    assert result.output == (
        "Error: garden.db-wal holds changes that -i would hide; "
        'run "datamill disable-wal garden.db" or serve it without -i\n'
    )


@pytest.mark.parametrize(
    "setting, message",
    [
        (("nope", "1"), "unknown setting 'nope'"),
        (("sql_time_limit_ms", "abc"), "sql_time_limit_ms needs an integer >= 1, got 'abc'"),
        (("sql_time_limit_ms", "0"), "sql_time_limit_ms needs an integer >= 1, got '0'"),
        (("max_csv_mb", "-1"), "max_csv_mb needs an integer >= 0, got '-1'"),
        (
            ("suggest_facets", "maybe"),
            "suggest_facets needs on, off, true, false, 1 or 0, got 'maybe'",
        ),
        (("base_url", "prefix"), "base_url needs a path that starts and ends with /, got 'prefix'"),
    ],
)
def test_bad_settings_sv_cli_4(garden, setting, message):
    result = run("garden.db", "--setting", *setting)
    assert result.exit_code == 2
    assert last_line(result) == f"Error: Invalid value for '--setting': {message}"


def test_bad_metadata_sv_cli_5(garden):
    (garden / "meta.json").write_text("{not json")
    result = run("garden.db", "--metadata", "meta.json")
    assert result.exit_code == 1
    assert result.output.startswith("Error: Invalid metadata in meta.json: Expecting property name")
    (garden / "meta.json").write_text(
        json.dumps({"databases": {"garden": {"tables": {"plants": {"size": "x"}}}}})
    )
    result = run("garden.db", "--metadata", "meta.json")
    assert (
        result.output
        == "Error: Invalid metadata in meta.json: databases.garden.tables.plants.size must be an integer\n"
    )


def test_port_in_use(garden):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        result = run("garden.db", "--port", str(port))
    finally:
        blocker.close()
    assert result.exit_code == 1
    assert result.output == f"Error: Cannot listen on 127.0.0.1:{port}: Address already in use\n"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serves_and_stops_cleanly_sv_cli_3(garden, stop):
    (garden / "meta.json").write_text(json.dumps({"title": "Garden", "colour": "green"}))
    with serving("garden.db", "--metadata", "meta.json", cwd=garden) as server:
        with urllib.request.urlopen(server.url + "garden/plants.json?_size=1") as response:
            body = json.load(response)
        assert body["rows"] == [{"id": 1, "name": "Fern", "kind": "shade", "height": 40}]
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/")
        status, stdout, stderr = server.stop(stop)
    assert status == 0
    assert stdout == ""
    lines = stderr.splitlines()
    assert lines[0] == "Warning: meta.json: unknown key colour ignored"
    assert lines[1] == f"Serving 1 database at {server.url} (Ctrl-C to stop)"
    assert lines[2:] == []  # no access log


def test_database_names_sv_cli_2(garden):
    (garden / "sub").mkdir()
    garden_db(garden / "sub" / "garden.db")
    with serving("garden.db", "-i", "sub/garden.db", cwd=garden) as server:
        with urllib.request.urlopen(server.url + ".json") as response:
            databases = json.load(response)["databases"]
        assert "Serving 2 databases at" in server.stderr_lines[-1]
    assert [(d["name"], d["immutable"]) for d in databases] == [
        ("garden", False),
        ("garden_2", True),
    ]


WITHOUT_EXTRA = (
    "import sys\nfor name in ('starlette', 'uvicorn', 'jinja2'):\n    sys.modules[name] = None\n"
)


def test_without_the_extra_sv_cli_6(garden):
    library = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRA + "from datamill.serve import create_app"],
        capture_output=True,
        text=True,
    )
    assert library.returncode == 1
    assert library.stderr.strip().splitlines()[-1] == (
        "ImportError: datamill serve needs extra packages: pip install 'datamill[serve]'"
    )
    command = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_EXTRA + "from datamill.cli import cli\ncli(['serve', 'garden.db'])",
        ],
        capture_output=True,
        text=True,
    )
    assert command.returncode == 1
    assert (
        command.stderr
        == "Error: datamill serve needs extra packages: pip install 'datamill[serve]'\n"
    )
    rest = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_EXTRA
            + "import datamill.serve.settings, datamill.serve.metadata, datamill.serve.history\n"
            + "from datamill.cli import cli\ncli(['tables', 'garden.db'])",
        ],
        capture_output=True,
        text=True,
    )
    assert (rest.returncode, rest.stdout) == (0, '[{"table": "plants"}]\n')
