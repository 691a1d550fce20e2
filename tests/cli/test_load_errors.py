"""Bad input: exit 1, one located `Error: ...` line, no traceback, database untouched (I-3, I-4)."""

import sqlite3

import pytest
from cli_helpers import sha256


def assert_failed_cleanly(result, db_path, before, message):
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert sha256(db_path) == before


CASES = [
    (
        "unterminated quote",
        "bad.csv",
        b'id,name\n7,Rose\n8,"Lily\n',
        ["--csv"],
        "Invalid CSV on line 3: unexpected end of data",
    ),
    (
        "NUL byte",
        "bad.csv",
        b"id,name\n7,Rose\n8,Li\x00ly\n",
        ["--csv"],
        "Invalid CSV on line 3: line contains NUL",
    ),
    (
        "invalid JSON in the middle of an array",
        "bad.json",
        b'[{"id": 7, "name": "Rose"},\n {"id": 8, "name": Lily},\n {"id": 9}]',
        [],
        "Invalid JSON on line 2, column 20: Expecting value - use --csv for CSV or --tsv for"
        " TSV files",
    ),
    (
        "invalid JSON on line N of NDJSON",
        "bad.ndjson",
        b'{"id": 7, "name": "Rose"}\n{"id": 8, "name": "Lily"\n',
        ["--nl"],
        "Invalid JSON on line 2, column 25: Expecting ',' delimiter",
    ),
    (
        "non-UTF-8 byte in CSV",
        "bad.csv",
        b"id,name\n7,Rose\n8,Caf\xe9\n",
        ["--csv"],
        "Input is not valid utf-8 on line 3, column 6 (byte 0xe9)"
        " - use --encoding, e.g. --encoding=latin-1",
    ),
    (
        "non-UTF-8 byte in JSON",
        "bad.json",
        b'[{"id": 7, "name": "Caf\xe9"}]',
        [],
        "Input is not valid utf-8 on line 1, column 24 (byte 0xe9)",
    ),
    (
        "primary key collision",
        "dupe.json",
        b'[{"id": 7, "name": "Rose"},\n {"id": 2, "name": "Sage"}]',
        [],
        'UNIQUE constraint failed: plants.id (input row 2, line 2, column "id")',
    ),
    (
        "primary key collision from CSV",
        "dupe.csv",
        b"id,name\n7,Rose\n2,Sage\n",
        ["--csv"],
        'UNIQUE constraint failed: plants.id (input row 2, line 3, column "id")',
    ),
    (
        "record that is not an object",
        "bad.json",
        b'[{"id": 7},\n 5]',
        [],
        "Rows must all be dictionaries, got: 5 (input row 2, line 2)",
    ),
    (
        "unknown column without --alter",
        "new.json",
        b'{"id": 8, "name": "Sage", "colour": "grey"}',
        [],
        'table plants has no column named colour (input row 1, line 1, column "colour") - try'
        " using --alter to add additional columns",
    ),
]


@pytest.mark.parametrize("label, name, data, options, message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_leaves_database_unchanged(
    run, garden, tmp_path, label, name, data, options, message
):
    source = tmp_path / name
    source.write_bytes(data)
    before = sha256(garden)
    result = run("insert", garden, "plants", source, *options)
    assert_failed_cleanly(result, garden, before, message)


def test_not_null_violation(run, tmp_path):
    db_path = tmp_path / "nn.db"
    conn = sqlite3.connect(db_path)
    conn.execute("create table plants (id integer primary key, name text not null)")
    conn.execute("insert into plants values (1, 'Fern')")
    conn.commit()
    conn.close()
    before = sha256(db_path)
    result = run(
        "insert", db_path, "plants", "-", input='[{"id": 2, "name": "A"},\n{"id": 3}, {"id": 4}]'
    )
    assert_failed_cleanly(
        result,
        db_path,
        before,
        'NOT NULL constraint failed: plants.name (input row 2, line 2, column "name")',
    )


def test_failed_run_keeps_no_table_it_created(run, garden, tmp_path):
    before = sha256(garden)
    result = run("insert", garden, "fresh", "-", "--csv", input='a,b\n1,2\n3,"x\n')
    assert_failed_cleanly(result, garden, before, "Invalid CSV on line 3: unexpected end of data")
    conn = sqlite3.connect(garden)
    assert conn.execute("select name from sqlite_master where name = 'fresh'").fetchall() == []


def test_failed_run_on_a_new_database_leaves_no_file(run, tmp_path):
    db_path = tmp_path / "new.db"
    result = run("insert", db_path, "t", "-", "--nl", input='{"a": 1}\n{"a": \n')
    assert result.exit_code == 1
    assert result.stderr == "Error: Invalid JSON on line 2, column 7: Expecting value\n"
    assert not db_path.exists()


def test_missing_input_file(run, garden, tmp_path):
    before = sha256(garden)
    result = run("insert", garden, "plants", tmp_path / "missing.json")
    assert_failed_cleanly(
        result,
        garden,
        before,
        f"Could not open input file '{tmp_path / 'missing.json'}': No such file or directory",
    )


def test_truncate_is_rolled_back_with_the_failed_load(run, garden, tmp_path):
    before = sha256(garden)
    result = run("insert", garden, "plants", "-", "--truncate", input='[{"id": 9}, {"id": 9}]')
    assert_failed_cleanly(
        result,
        garden,
        before,
        'UNIQUE constraint failed: plants.id (input row 2, line 1, column "id")',
    )


def test_batch_size_keeps_committed_batches(run, tmp_path):
    db_path = tmp_path / "b.db"
    data = "id\n" + "".join(f"{i}\n" for i in range(1, 6)) + "3\n"
    result = run(
        "insert", db_path, "t", "-", "--csv", "--pk", "id", "--batch-size", "2", input=data
    )
    assert result.exit_code == 1
    assert (
        result.stderr
        == 'Error: UNIQUE constraint failed: t.id (input row 6, line 7, column "id")\n'
    )
    conn = sqlite3.connect(db_path)
    assert [r[0] for r in conn.execute("select id from t order by id")] == [
        1,
        2,
        3,
        4,
    ]  # the failing batch (5, 3) is rolled back


def test_convert_exception_names_the_row(run, tmp_path):
    db_path = tmp_path / "c.db"
    result = run(
        "insert",
        db_path,
        "t",
        "-",
        "--nl",
        "--convert",
        "row['a'] / 0 and row",
        input='{"a": 1}\n',
    )
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: --convert raised ZeroDivisionError: division by zero (input row 1, line 1)\n"
    )


def test_truncate_with_batch_size_is_undone_when_the_first_batch_fails(run, garden):
    before = sha256(garden)
    result = run(
        "insert",
        garden,
        "plants",
        "-",
        "--truncate",
        "--batch-size",
        "5",
        input='[{"id": 9}, {"id": 9}]',
    )
    assert_failed_cleanly(
        result,
        garden,
        before,
        'UNIQUE constraint failed: plants.id (input row 2, line 1, column "id")',
    )
