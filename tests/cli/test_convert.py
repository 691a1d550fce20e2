"""C-CONVERT: every form of CODE, its options, recipes (R-*) and the error paths (O-CODE, G-8)."""

import json
import traceback

import pytest
from cli_helpers import fails, ok, run

from datamill import Database

EVENTS = [
    {"id": 1, "title": "spring fair", "day": "3/4/2024"},
    {"id": 2, "title": "seed swap", "day": "April 20 2024"},
    {"id": 3, "title": "harvest supper", "day": "not a date"},
]


@pytest.fixture
def events(tmp_path):
    path = str(tmp_path / "events.db")
    Database(path)["events"].insert_all(EVENTS, pk="id")
    return path


def rows(path, sql="select * from events order by id"):
    return [dict(row) for row in Database(path).query(sql)]


def column(path, name):
    return [row[name] for row in rows(path)]


def test_expression(events):
    assert ok("convert", events, "events", "title", "value.title()") == ""
    assert column(events, "title") == ["Spring Fair", "Seed Swap", "Harvest Supper"]


def test_function_body(events):
    code = "words = value.split()\nreturn '-'.join(words)"
    ok("convert", events, "events", "title", code)
    assert column(events, "title") == ["spring-fair", "seed-swap", "harvest-supper"]


def test_module_defining_convert_runs_setup_once(events):
    code = "calls = []\ndef convert(value):\n    calls.append(1)\n    return len(calls)"
    ok("convert", events, "events", "title", code)
    assert column(events, "title") == ["1", "2", "3"]


def test_bare_callable_with_import(events):
    Database(events).execute("update events set title = json_object('t', upper(title))")
    ok("convert", events, "events", "title", "json.loads", "--import", "json", "--multi")
    assert column(events, "t") == ["SPRING FAIR", "SEED SWAP", "HARVEST SUPPER"]


def test_bare_callable_recipe(events):
    ok("convert", events, "events", "day", "r.parsedate", "--where", "id < 3")
    assert column(events, "day") == ["2024-03-04", "2024-04-20", "not a date"]


def test_import_binds_top_level_package(events):
    ok(
        "convert",
        events,
        "events",
        "title",
        "os.path.basename('/x/' + value)",
        "--import",
        "os.path",
    )
    assert column(events, "title") == ["spring fair", "seed swap", "harvest supper"]


def test_code_from_stdin(events):
    ok("convert", events, "events", "title", "-", input="return value.upper()\n")
    assert column(events, "title") == ["SPRING FAIR", "SEED SWAP", "HARVEST SUPPER"]


def test_several_columns(events):
    ok("convert", events, "events", "title", "day", "str(value)[:4]")
    assert rows(events)[0] == {"id": 1, "title": "spri", "day": "3/4/"}


def test_list_result_is_stored_as_json(events):
    ok("convert", events, "events", "title", "value.split()")
    assert column(events, "title")[0] == '["spring", "fair"]'


def test_null_values_are_passed(events):
    Database(events).execute("update events set day = null where id = 2")
    ok("convert", events, "events", "day", "'missing' if value is None else value")
    assert column(events, "day") == ["3/4/2024", "missing", "not a date"]


def test_where_with_params(events):
    ok("convert", events, "events", "title", "value.upper()", "--where", "id >= :n", "-p", "n", "2")
    assert column(events, "title") == ["spring fair", "SEED SWAP", "HARVEST SUPPER"]


def test_output_column_and_type(events):
    ok(
        "convert",
        events,
        "events",
        "title",
        "len(value)",
        "--output",
        "size",
        "--output-type",
        "integer",
    )
    assert Database(events)["events"].columns_dict["size"] is int
    assert column(events, "size") == [11, 9, 14]
    assert column(events, "title")[0] == "spring fair"


def test_output_with_drop(events):
    ok("convert", events, "events", "title", "value.upper()", "--output", "loud", "--drop")
    assert rows(events)[0] == {"id": 1, "day": "3/4/2024", "loud": "SPRING FAIR"}


def test_multi_creates_typed_columns_and_drop(events):
    code = "{'first': value.split()[0], 'words': len(value.split())}"
    ok("convert", events, "events", "title", code, "--multi", "--drop")
    assert rows(events)[1] == {"id": 2, "day": "April 20 2024", "first": "seed", "words": 2}
    assert Database(events)["events"].columns_dict["words"] is int


def test_multi_none_leaves_row_alone(events):
    ok(
        "convert",
        events,
        "events",
        "title",
        "{'n': 1} if value.startswith('s') else None",
        "--multi",
    )
    assert column(events, "n") == [1, 1, None]


def test_multi_non_dict_is_an_error(events):
    err = fails("convert", events, "events", "title", "value.upper()", "--multi")
    assert err == (
        "Error: When using --multi code must return a Python dictionary - returned: 'SPRING FAIR'\n"
    )
    assert column(events, "title")[0] == "spring fair"


def test_recipes_with_error_modes(events):
    ok("convert", events, "events", "day", "r.parsedate(value, dayfirst=True, errors=r.SET_NULL)")
    assert column(events, "day") == ["2024-04-03", "2024-04-20", None]


def test_parsedatetime_ignore(events):
    ok("convert", events, "events", "day", "recipes.parsedatetime(value, errors=r.IGNORE)", "-s")
    assert column(events, "day") == ["2024-03-04T00:00:00", "2024-04-20T00:00:00", "not a date"]


def test_jsonsplit(events):
    Database(events).execute("update events set day = '4, 8,15'")
    ok("convert", events, "events", "day", "r.jsonsplit(value, type=int)")
    assert json.loads(column(events, "day")[0]) == [4, 8, 15]


def test_dry_run(events):
    assert ok("convert", events, "events", "title", "value.title()", "--dry-run") == (
        "spring fair\n --- becomes:\nSpring Fair\n\n"
        "seed swap\n --- becomes:\nSeed Swap\n\n"
        "harvest supper\n --- becomes:\nHarvest Supper\n\n"
        "Would affect 3 rows\n"
    )
    assert column(events, "title")[0] == "spring fair"


def test_dry_run_multi_where_singular(events):
    out = ok(
        "convert",
        events,
        "events",
        "title",
        "{'n': len(value)}",
        "--multi",
        "--dry-run",
        "--where",
        "id = 2",
    )
    assert out == 'seed swap\n --- becomes:\n{"n": 9}\n\nWould affect 1 row\n'
    assert "n" not in Database(events)["events"].columns_dict


def test_dry_run_multi_prints_non_ascii_characters(events):
    # issue 11 §3.2: the --multi preview is JSON with the characters themselves, not \\uXXXX.
    Database(events).execute("update events set title = 'café' where id = 1")
    out = ok(
        "convert",
        events,
        "events",
        "title",
        "{'t': value + ' → ☕', 'n': len(value)}",
        "--multi",
        "--dry-run",
        "--where",
        "id = 1",
    )
    assert out == 'café\n --- becomes:\n{"t": "café → ☕", "n": 4}\n\nWould affect 1 row\n'


def test_failure_names_row_and_changes_nothing(events):
    before = rows(events)
    err = fails("convert", events, "events", "day", "r.parsedate(value)")
    assert err == (
        "Error: user-defined function raised exception: ParserError: "
        'Unknown string format: not a date (row 3, column "day")\n'
    )
    assert rows(events) == before


def test_failure_with_several_columns_names_the_column(events):
    err = fails("convert", events, "events", "title", "day", "value[8]")
    assert err == (
        "Error: user-defined function raised exception: IndexError: "
        'string index out of range (row 1, column "day")\n'
    )


def test_failure_with_output_creates_no_column(events):
    fails("convert", events, "events", "day", "1 / 0", "--output", "bad")
    assert "bad" not in Database(events)["events"].columns_dict


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["title", "day", "value", "--output", "x"],
            "Cannot use --output with more than one column",
        ),
        (["title", "day", "value", "--multi"], "Cannot use --multi with more than one column"),
        (["title", "value", "--drop"], "--drop can only be used with --output or --multi"),
        (["title", "value +"], "Could not compile code"),
        (["nope", "value"], "no such column: nope"),
    ],
)
def test_errors(events, args, message):
    assert fails("convert", events, "events", *args) == f"Error: {message}\n"


def test_missing_table(events):
    assert fails("convert", events, "nope", "a", "value") == "Error: no such table: nope\n"


def test_view_is_not_a_table(events):
    """G-8: a view cannot be converted: one Error line, the database as it was."""
    Database(events).create_view("titles", "select id, title from events")
    before = rows(events)
    err = fails("convert", events, "titles", "title", "value.upper()")
    assert err == "Error: Table titles is actually a view\n"
    assert rows(events) == before


def test_bad_output_type(events):
    result = run("convert", events, "events", "title", "value", "--output-type", "date")
    assert result.exit_code == 2
    assert "'date' is not one of 'integer', 'float', 'blob', 'text'" in result.stderr


def test_pdb_opens_the_debugger_on_the_error(events, monkeypatch):
    debugged = []
    monkeypatch.setattr("pdb.post_mortem", debugged.append)
    result = run("convert", events, "events", "day", "r.parsedate(value)", "--pdb")
    assert result.exit_code == 1
    assert result.stdout == (
        "\nException raised, dropping into pdb...: Unknown string format: not a date\n"
    )
    # The debugger gets the traceback of the exception CODE raised, not of its re-raise.
    frames = [frame.f_code.co_name for frame, _ in traceback.walk_tb(debugged[0])]
    assert frames[-1] == "parse" and "parsedate" in frames
    assert column(events, "day")[0] == "3/4/2024"


def test_progress_goes_to_stderr_with_multi_phases(events, capsys):
    table = Database(events)["events"]
    table.convert("title", lambda v: {"n": len(v)}, multi=True, show_progress=True)
    table.convert("title", str.upper, show_progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    # Off a terminal, click prints each bar's label once.
    assert captured.err.startswith("1: Evaluating\n2: Updating\n")


@pytest.mark.parametrize("extra", [[], ["--dry-run"], ["--multi"]])
def test_file_that_is_not_a_database(tmp_path, extra):
    path = tmp_path / "bad.db"
    path.write_bytes(b"not a database, " * 20)
    assert fails("convert", str(path), "t", "c", "{'a': value}", *extra) == (
        "Error: file is not a database\n"
    )


@pytest.mark.parametrize("extra", [[], ["--multi"]])
def test_failure_of_an_exception_that_cannot_be_copied_still_names_the_row(events, extra):
    Database(events).execute("update events set title = 'Ærø' where id = 2")
    code = "{'x': value.encode().decode('ascii')}"
    err = fails("convert", events, "events", "title", code, *extra)
    assert err == (
        "Error: user-defined function raised exception: UnicodeDecodeError: 'ascii' codec can't "
        'decode byte 0xc3 in position 0: ordinal not in range(128) (row 2, column "title")\n'
    )
