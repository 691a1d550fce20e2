"""insert: formats, type detection, table creation options and conflict handling (C-INSERT)."""

import json
import sqlite3

from cli_helpers import PLANTS_SCHEMA

TOWNS = "code,city,pop,area\n02134,Allston,29000,1.6\n10001,Chelsea,21000,\n"


def schema(path):
    conn = sqlite3.connect(path)
    return "\n".join(r[0] for r in conn.execute("select sql from sqlite_master order by rowid"))


def rows(path, sql):
    conn = sqlite3.connect(path)
    return conn.execute(sql).fetchall()


def test_garden_fixture_schema(garden):
    assert schema(garden) == PLANTS_SCHEMA
    assert rows(garden, "select * from plants where id = 3") == [(3, "Tomato", "vegetable", 120)]


def test_csv_detection_keeps_leading_zeros_and_nulls_empty_numbers(run, tmp_path):
    """O-DETECT, I-2, D-10: the spec's towns.csv example."""
    db = tmp_path / "towns.db"
    result = run("insert", db, "towns", "-", "--csv", input=TOWNS)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert schema(db) == (
        'CREATE TABLE "towns" (\n   "code" TEXT,\n   "city" TEXT,\n'
        '   "pop" INTEGER,\n   "area" REAL\n)'
    )
    assert rows(db, "select code, typeof(code), pop, typeof(pop), area from towns") == [
        ("02134", "text", 29000, "integer", 1.6),
        ("10001", "text", 21000, "integer", None),
    ]


def test_no_detect_types_and_type_override(run, tmp_path):
    db = tmp_path / "t.db"
    run("insert", db, "plain", "-", "--csv", "--no-detect-types", input=TOWNS)
    assert rows(db, "select pop, typeof(pop), area from plain") == [
        ("29000", "text", "1.6"),
        ("21000", "text", ""),
    ]
    run(
        "insert",
        db,
        "typed",
        "-",
        "--csv",
        "--type",
        "pop",
        "float",
        "--type",
        "code",
        "INTEGER",
        input=TOWNS,
    )
    assert schema(db).split("\n")[-6:] == [
        'CREATE TABLE "typed" (',
        '   "code" INTEGER,',
        '   "city" TEXT,',
        '   "pop" FLOAT,',
        '   "area" REAL',
        ")",
    ]
    assert rows(db, "select code, pop from typed") == [(2134, 29000.0), (10001, 21000.0)]


def test_bad_type_is_a_usage_error(run, tmp_path):
    result = run(
        "insert", tmp_path / "t.db", "t", "-", "--csv", "--type", "a", "badtype", input="a\n1\n"
    )
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--type': 'badtype' is not one of 'integer', 'text', 'float',"
        " 'real', 'blob', 'any'." in result.stderr
    )


def test_type_widens_in_place_when_later_batches_disagree(run, tmp_path):
    """I-2: types equal detection over all rows; the table is never rebuilt."""
    db = tmp_path / "w.db"
    lines = ["a,b,c,d"] + [f"{i},{i},{i}," for i in range(1, 6)] + ["007,2.5,x,4"]
    result = run("insert", db, "t", "-", "--csv", "--batch-size", "2", input="\n".join(lines))
    assert result.exit_code == 0, result.stderr
    assert schema(db) == (
        'CREATE TABLE "t" (\n   "a" TEXT,\n   "b" REAL,\n   "c" TEXT,\n   "d" INTEGER\n)'
    )
    assert rows(db, "select a, typeof(a), b, typeof(b), c, d from t where rowid in (1, 6)") == [
        ("1", "text", 1.0, "real", "1", None),
        ("007", "text", 2.5, "real", "x", 4),
    ]


def test_tsv_no_headers_delimiter_quotechar_sniff(run, tmp_path):
    db = tmp_path / "d.db"
    run("insert", db, "tabs", "-", "--tsv", input="a\tb\n1\tx\n")
    assert rows(db, "select * from tabs") == [(1, "x")]
    run("insert", db, "bare", "-", "--no-headers", input="1,x\n2,y\n")
    assert rows(db, "select untitled_1, untitled_2 from bare") == [(1, "x"), (2, "y")]
    run("insert", db, "semi", "-", "--delimiter", ";", "--quotechar", "'", input="a;b\n'x;y';2\n")
    assert rows(db, "select * from semi") == [("x;y", 2)]
    run("insert", db, "sniffed", "-", "--sniff", input="a|b\n1|2\n3|4\n")
    assert rows(db, "select * from sniffed") == [(1, 2), (3, 4)]


def test_ragged_rows_and_empty_null(run, tmp_path):
    db = tmp_path / "r.db"
    run("insert", db, "t", "-", "--csv", input="a,b,c\n1,x\n2,y,z,extra\n")
    assert rows(db, "select * from t") == [(1, "x", None), (2, "y", "z")]
    run("insert", db, "e", "-", "--csv", "--empty-null", input="a,b\n1,\n,y\n")
    assert rows(db, "select * from e") == [(1, None), (None, "y")]


def test_encoding_and_bom(run, tmp_path):
    db = tmp_path / "enc.db"
    source = tmp_path / "latin.csv"
    source.write_bytes("name\nJos\xe9\n".encode("latin-1"))
    run("insert", db, "l", source, "--csv", "--encoding", "latin-1")
    assert rows(db, "select name from l") == [("José",)]
    source.write_bytes(b"\xef\xbb\xbfname\nx\n")
    run("insert", db, "b", source, "--csv")
    assert rows(db, "select name from b") == [("x",)]


def test_nl_lines_text_and_flatten(run, tmp_path):
    db = tmp_path / "f.db"
    run("insert", db, "nl", "-", "--nl", input='{"a": 1}\n\n{"a": 2, "b": [1, 2]}\n')
    assert rows(db, "select a, b from nl") == [(1, None), (2, "[1, 2]")]
    run("insert", db, "lines", "-", "--lines", input=" one \n\ntwo\n")
    assert rows(db, "select line from lines") == [("one",), ("",), ("two",)]
    run("insert", db, "text", "-", "--text", input="all\nof it")
    assert rows(db, "select text from text") == [("all\nof it",)]
    doc = {"name": "Fern", "care": {"light": "low", "water": {"weekly": 2}}}
    run("insert", db, "p", "-", "--flatten", input=json.dumps(doc))
    assert schema(db).endswith(
        'CREATE TABLE "p" (\n   "name" TEXT,\n   "care_light" TEXT,\n'
        '   "care_water_weekly" INTEGER\n)'
    )


def test_base64_values_become_blobs(run, tmp_path):
    db = tmp_path / "b.db"
    run("insert", db, "t", "-", input='{"data": {"$base64": true, "encoded": "aGVsbG8="}}')
    assert rows(db, "select data, typeof(data) from t") == [(b"hello", "blob")]


def test_convert(run, tmp_path):
    db = tmp_path / "c.db"
    result = run(
        "insert",
        db,
        "verbs",
        "-",
        "--text",
        "--convert",
        '[{"verb": v} for v in text.split()]',
        input="sow reap\n",
    )
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select verb from verbs") == [("sow",), ("reap",)]
    run(
        "insert",
        db,
        "up",
        "-",
        "--nl",
        "--convert",
        'row["name"] = row["name"].upper()',
        input='{"name": "fern"}\n',
    )
    assert rows(db, "select name from up") == [("FERN",)]
    run("insert", db, "ln", "-", "--lines", "--convert", '{"n": len(line)}', input="abc\n")
    assert rows(db, "select n from ln") == [(3,)]
    run(
        "insert",
        db,
        "mod",
        "-",
        "--csv",
        "--import",
        "math",
        "--convert",
        'def convert(row):\n    return {"root": math.sqrt(int(row["n"]))}',
        input="n\n16\n",
    )
    assert rows(db, "select root from mod") == [(4.0,)]


def test_convert_errors(run, tmp_path):
    db = tmp_path / "c.db"
    result = run("insert", db, "t", "-", "--text", "--convert", "5", input="x")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: --convert must return dict or iterator\n",
    )
    result = run("insert", db, "t", "-", "--nl", "--convert", "[1]", input='{"a": 1}\n')
    assert result.stderr == "Error: Rows must all be dictionaries, got: [1] (input row 1, line 1)\n"
    result = run("insert", db, "t", "-", "--nl", "--convert", "def (", input='{"a": 1}\n')
    assert result.stderr == "Error: Could not compile code\n"


def test_code_rows(run, tmp_path):
    db = tmp_path / "code.db"
    result = run("insert", db, "t", "--code", "def rows():\n    yield {'a': 1}\n    yield {'a': 2}")
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select a from t") == [(1,), (2,)]
    script = tmp_path / "rows.py"
    script.write_text("rows = {'b': 'one'}\n")
    run("insert", db, "s", "--code", script)
    assert rows(db, "select b from s") == [("one",)]


def test_row_source_validation(run, tmp_path):
    db = tmp_path / "v.db"
    cases = [
        (["insert", db, "t"], "Provide either a FILE argument or --code to specify rows to insert"),
        (
            ["insert", db, "t", "-", "--code", "rows=[]"],
            "--code cannot be used with a FILE argument",
        ),
        (
            ["insert", db, "t", "--code", "rows=[]", "--csv"],
            "--code cannot be used with input format options",
        ),
        (
            ["insert", db, "t", "--code", "rows = 5"],
            "--code must define a 'rows' function or iterable of rows to insert",
        ),
        (
            ["insert", db, "t", "--code", "rows = ("],
            "Error in --code: '(' was never closed (<string>, line 1)",
        ),
        (["insert", db, "t", "--code", "missing.py"], "File not found: missing.py"),
        (["insert", db, "t", "-", "--nl", "--csv"], "Use just one of --nl, --csv or --tsv"),
        (
            ["insert", db, "t", "-", "--csv", "--flatten"],
            "--flatten cannot be used with --csv or --tsv",
        ),
        (
            ["insert", db, "t", "-", "--empty-null"],
            "--empty-null can only be used with --csv or --tsv",
        ),
        (
            ["insert", db, "t", "-", "--encoding", "latin-1"],
            "--encoding must be used with --csv or --tsv",
        ),
        (
            ["insert", db, "t", "-", "--ignore", "--replace"],
            "Use either --ignore or --replace, not both",
        ),
    ]
    for args, message in cases:
        result = run(*args, input="")
        assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n"), args
    assert not db.exists()


def test_an_empty_json_file_is_an_error_and_changes_nothing(run, tmp_path, garden):
    """Issue 11: an empty document is not a JSON array; `[]` still inserts nothing."""
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "blank.json").write_text("  \n\t\n")
    before = (garden.read_bytes(), schema(garden))
    for name in ("empty.json", "blank.json"):
        path = tmp_path / name
        for db, extra in ((tmp_path / "new.db", []), (garden, []), (garden, ["--batch-size", "2"])):
            for command in ("insert", "upsert"):
                result = run(command, db, "plants", path, "--pk", "id", *extra)
                assert (result.exit_code, result.stderr) == (1, f"Error: {path} is empty\n")
                assert result.stdout == ""
            result = run("bulk", db, "insert into plants (id) values (:id)", path)
            assert (result.exit_code, result.stderr) == (1, f"Error: {path} is empty\n")
    result = run("insert", tmp_path / "new.db", "t", "-", "--batch-size", "5", input=" ")
    assert (result.exit_code, result.stderr) == (1, "Error: stdin is empty\n")
    assert not (tmp_path / "new.db").exists()
    assert (garden.read_bytes(), schema(garden)) == before


def test_an_empty_csv_leaves_no_database_behind_even_in_batches(run, tmp_path):
    db = tmp_path / "c.db"
    result = run("insert", db, "t", "-", "--csv", "--batch-size", "10", input="")
    assert (result.exit_code, result.stderr) == (1, "Error: CSV input is empty - no header row\n")
    assert not db.exists()


def test_a_header_naming_a_column_twice_is_an_error_everywhere(run, tmp_path, garden):
    """Issue 11: the second "name" silently replaced the first; now every loader refuses."""
    data = "id,name,x,y,name\n1,a,2,3,b\n"
    path = tmp_path / "dup.csv"
    path.write_text(data)
    message = 'column "name" appears twice in the header (columns 2 and 5)'
    before = garden.read_bytes()
    for db in (garden, tmp_path / "new.db"):
        for args in (
            ["insert", db, "plants", path, "--csv"],
            ["insert", db, "plants", path, "--sniff"],
            ["upsert", db, "plants", path, "--csv", "--pk", "id"],
            ["insert", db, "plants", path, "--csv", "--batch-size", "1"],
            ["bulk", db, "insert into plants (id) values (:id)", path, "--csv"],
        ):
            result = run(*args)
            assert (result.exit_code, result.stderr) == (1, f"Error: {path}: {message}\n"), args
    result = run("insert", garden, "plants", "-", "--csv", input=data)
    assert result.stderr == f"Error: stdin: {message}\n"
    result = run("memory", path, "select 1")
    assert (result.exit_code, result.stderr) == (1, f"Error: {path}: {message}\n")
    assert garden.read_bytes() == before
    assert not (tmp_path / "new.db").exists()


def test_empty_inputs_create_nothing(run, tmp_path):
    db = tmp_path / "e.db"
    for args, data in [(["-"], "[]"), (["-", "--nl"], "\n\n")]:
        result = run("insert", db, "t", *args, input=data)
        assert result.exit_code == 0
    assert rows(db, "select name from sqlite_master") == []
    result = run("insert", db, "t", "-", "--csv", input="")
    assert (result.exit_code, result.stderr) == (1, "Error: CSV input is empty - no header row\n")


def test_not_null_default_strict(run, tmp_path):
    db = tmp_path / "s.db"
    result = run(
        "insert",
        db,
        "t",
        "-",
        "--pk",
        "id",
        "--not-null",
        "name",
        "--default",
        "kind",
        "herb",
        "--strict",
        input='{"id": 1, "name": "Basil", "kind": "x"}',
    )
    assert result.exit_code == 0, result.stderr
    assert schema(db) == (
        'CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT NOT NULL,\n'
        "   \"kind\" TEXT DEFAULT 'herb'\n) STRICT"
    )


def test_ignore_replace_truncate_stop_after(run, garden):
    run(
        "insert",
        garden,
        "plants",
        "-",
        "--ignore",
        input='[{"id": 1, "name": "X"}, {"id": 5, "name": "Y"}]',
    )
    assert rows(garden, "select id, name from plants where id in (1, 5)") == [(1, "Fern"), (5, "Y")]
    run("insert", garden, "plants", "-", "--replace", input='{"id": 1, "name": "Z"}')
    assert rows(garden, "select id, name, height from plants where id = 1") == [(1, "Z", None)]
    run(
        "insert",
        garden,
        "plants",
        "-",
        "--truncate",
        "--stop-after",
        "2",
        input='[{"id": 7}, {"id": 8}, {"id": 9}]',
    )
    assert rows(garden, "select id from plants") == [(7,), (8,)]


def test_existing_table_keeps_its_types(run, garden):
    result = run("insert", garden, "plants", "-", "--csv", input="id,name,height\n9,Sage,007\n")
    assert result.exit_code == 0, result.stderr
    assert rows(garden, "select height, typeof(height) from plants where id = 9") == [
        (7, "integer")
    ]


def test_invalid_pk_on_existing_table_and_view(run, garden):
    result = run("insert", garden, "plants", "-", "--pk", "x", input='{"id": 9}')
    assert result.stderr == (
        "Error: Invalid primary key column ['x'] for table plants with columns "
        "['id', 'name', 'kind', 'height']\n"
    )
    conn = sqlite3.connect(garden)
    conn.execute("create view herbs as select * from plants")
    conn.commit()
    result = run("insert", garden, "herbs", "-", input='{"id": 9}')
    assert (result.exit_code, result.stderr) == (1, "Error: Table herbs is actually a view\n")


def test_analyze(run, garden):
    run("insert", garden, "plants", "-", "--analyze", input='{"id": 9}')
    assert rows(garden, "select tbl from sqlite_stat1") == [("plants",)]


def test_summary_on_a_terminal(run, garden, monkeypatch):
    monkeypatch.setattr("datamill.cli.load.stderr_is_terminal", lambda: True)
    result = run(
        "insert", garden, "plants", "-", "--ignore", input='[{"id": 1}, {"id": 8}, {"id": 9}]'
    )
    assert result.stdout == ""
    assert result.stderr.startswith("2 rows inserted, 1 ignored, 0 replaced in ")
    assert result.stderr.endswith("s\n")
    result = run("insert", garden, "plants", "-", "--silent", input='{"id": 10}')
    assert result.stderr == ""
