"""memory: load files into an in-memory database, then query, dump or save (C-MEMORY, D-4, D-8)."""

import json
import sqlite3

import pytest

TOWNS = "code,city,pop,area\n02134,Allston,29000,1.6\n10001,Chelsea,21000,\n"


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "towns.csv").write_text(TOWNS)
    (tmp_path / "plants.json").write_text(json.dumps([{"id": 1, "name": "Fern"}]))
    return tmp_path


def test_query_with_table_output(run, files):
    result = run("memory", "towns.csv", "select city, pop from towns order by pop desc", "-t")
    assert result.stdout == "city       pop\n-------  -----\nAllston  29000\nChelsea  21000\n"


def test_schema_shows_detected_types_and_views(run, files):
    result = run("memory", "towns.csv", "--schema")
    assert result.stdout == (
        'CREATE TABLE "towns" (\n   "code" TEXT,\n   "city" TEXT,\n   "pop" INTEGER,\n'
        '   "area" REAL\n);\nCREATE VIEW "t1" AS select * from "towns";\n'
        'CREATE VIEW "t" AS select * from "towns";\n'
    )
    result = run("memory", "towns.csv", "-n", "--schema")
    assert '"pop" TEXT' in result.stdout


def test_stdin_with_format_suffix(run, files):
    result = run("memory", "stdin:csv", "select city from t", "--csv", input=TOWNS)
    assert result.stdout == "city\nAllston\nChelsea\n"
    result = run("memory", "stdin:NL", "select a from stdin", input='{"a": 1}\n{"a": 2}\n')
    assert result.stdout == '[{"a": 1},\n {"a": 2}]\n'


def test_several_files_repeated_stems_and_views(run, files):
    (files / "sub").mkdir()
    (files / "sub" / "towns.csv").write_text("x,y\n1,2\n")
    result = run(
        "memory",
        "towns.csv",
        "plants.json",
        "sub/towns.csv",
        "select (select count(*) from t1), (select name from t2), (select x from towns_2),"
        " (select count(*) from t)",
        "--arrays",
    )
    assert result.stdout == '[[2, "Fern", 1, 2]]\n'


def test_format_detection(run, files):
    (files / "data.txt").write_text("a\tb\n1\t2\n")
    (files / "obj.txt").write_text('{"k": "v"}')
    (files / "empty.csv").write_text("  \n")
    result = run(
        "memory",
        "data.txt",
        "obj.txt",
        "empty.csv",
        "select name from sqlite_master where type = 'table'",
        "--csv",
        "--no-headers",
    )
    assert result.stdout == "data\nobj\n"


def test_dump_and_save(run, files):
    result = run("memory", "towns.csv", "--dump")
    assert "INSERT INTO \"towns\" VALUES('02134','Allston',29000,1.6);" in result.stdout
    result = run("memory", "towns.csv", "--save", "saved.db")
    assert (result.exit_code, result.stdout) == (0, "")
    conn = sqlite3.connect(files / "saved.db")
    assert conn.execute("select code, pop from towns").fetchall() == [
        ("02134", 29000),
        ("10001", 21000),
    ]


def test_analyze(run, files):
    result = run("memory", "plants.json", "--analyze")
    assert result.stdout.startswith(
        "plants.id: (1/2)\n\n  Total rows: 1\n  Null rows: 0\n  Blank rows: 0\n\n"
        "  Distinct values: 1\n\n  Most common:\n    1: 1\n\n"
    )


def test_analyze_matches_analyze_tables_across_tables(run, files):
    """C-MEMORY --analyze is C-ANALYZE-TABLES output for every table: one numbering across
    all tables, and no Most common list for a column that is NULL in every row."""
    (files / "one.json").write_text(json.dumps([{"a": 1, "b": None}, {"a": 2, "b": None}]))
    (files / "two.json").write_text(json.dumps([{"c": "x"}]))
    result = run("memory", "one.json", "two.json", "select 1", "--analyze")
    counts = "\n\n  Total rows: {}\n  Null rows: {}\n  Blank rows: 0\n\n  Distinct values: {}\n\n"
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "one.a: (1/3)" + counts.format(2, 0, 2)
        + "one.b: (2/3)" + counts.format(2, 2, 0)
        + "two.c: (3/3)" + counts.format(1, 0, 1) + "  Most common:\n    1: x\n\n"
    )  # fmt: skip


def test_encoding_bom_and_errors(run, files):
    (files / "bom.csv").write_bytes(b"\xef\xbb\xbfname,n\nx,1\n")
    assert run("memory", "bom.csv", "select name from bom", "--csv").stdout == "name\nx\n"
    (files / "one.csv").write_text("x\n1\n")
    result = run("memory", "one.csv", "select 1")
    assert (result.exit_code, result.stderr) == (1, "Error: Could not determine delimiter\n")
    (files / "latin.csv").write_bytes("name,n\nJos\xe9,1\n".encode("latin-1"))
    result = run("memory", "latin.csv", "select name from latin", "--csv", "--encoding", "latin-1")
    assert result.stdout == "name\nJosé\n"
    (files / "bad.json").write_text('[{"a": 1}, {"a": }]')
    result = run("memory", "bad.json", "select 1")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: Invalid JSON on line 1, column 18: Expecting value - use --csv for CSV or --tsv"
        " for TSV files\n",
    )
    result = run("memory", "missing.csv", "select 1")
    assert (
        result.stderr
        == "Error: Could not open input file 'missing.csv': No such file or directory\n"
    )


def test_return_db(files):
    """Plugins may call the command function with return_db=True."""
    from datamill.cli.memory import memory

    kwargs = {p.name: () if p.multiple or p.nargs == -1 else p.default for p in memory.params}
    kwargs.update(paths=["towns.csv"], sql="select 1", return_db=True)
    db = memory.callback(**kwargs)
    assert db["towns"].count == 2
