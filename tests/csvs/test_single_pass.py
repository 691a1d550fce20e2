"""CS-4 / CS-5: one read per input and one write per table, types settled while loading.

The table is created from its first batch's types; later batches widen columns in place, or
(numeric to TEXT) roll the table back and load it again with its final types. An input that
is not UTF-8 is rolled back and read again as latin-1. Small batches make "later" cheap.
"""

from __future__ import annotations

import sqlite3

import pytest

from .conftest import ok, rows, schema, types, write


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr("datamill.csvs.load.BATCH", 4)


def test_late_text_keeps_the_exact_text_of_earlier_rows(run, tmp_path, small_batches):
    write(tmp_path / "t.csv", "n,v,k\n1,1.50,a\n2,+5,b\n3, 7,a\n4,1e3,c\n5,2,b\n6,abc,d\n")
    ok(run("t.csv", "t.db", "-c", "k"))
    assert types("t.db", "t") == {"n": "INTEGER", "v": "TEXT", "k": "INTEGER"}
    assert rows("t.db", "select n, v, typeof(v), k from t order by n") == [
        (1, "1.50", "text", 1),
        (2, "+5", "text", 2),
        (3, " 7", "text", 1),
        (4, "1e3", "text", 3),
        (5, "2", "text", 2),
        (6, "abc", "text", 4),
    ]
    # CS-7: ids in first-appearance order and no row left over from the first attempt
    assert rows("t.db", "select id, value from k order by id") == [
        (1, "a"),
        (2, "b"),
        (3, "c"),
        (4, "d"),
    ]


def test_late_integer_to_real_is_widened_in_place(run, tmp_path, small_batches):
    write(tmp_path / "r.csv", "id,x\n1,1\n2,-2\n3,3\n4,4\n5,2.5\n6,\n")
    ok(run("r.csv", "r.db"))
    assert types("r.db", "r") == {"id": "INTEGER", "x": "REAL"}
    assert rows("r.db", "select x, typeof(x) from r order by id") == [
        (1.0, "real"),
        (-2.0, "real"),
        (3.0, "real"),
        (4.0, "real"),
        (2.5, "real"),
        (None, "null"),
    ]


def test_a_column_empty_in_the_first_batch_turns_numeric(run, tmp_path, small_batches):
    write(tmp_path / "e.csv", "id,x\n1,\n2,\n3,\n4,\n5,10\n6,\n")
    ok(run("e.csv", "e.db"))
    assert types("e.db", "e") == {"id": "INTEGER", "x": "INTEGER"}
    assert rows("e.db", "select x, typeof(x) from e order by id") == [
        (None, "null"),
        (None, "null"),
        (None, "null"),
        (None, "null"),
        (10, "integer"),
        (None, "null"),
    ]


def test_a_late_integer_beyond_64_bits_makes_the_column_text(run, tmp_path, small_batches):
    write(tmp_path / "b.csv", "id,big\n1,1\n2,2\n3,3\n4,4\n5,99999999999999999999\n")
    ok(run("b.csv", "b.db"))
    assert types("b.db", "b")["big"] == "TEXT"
    assert rows("b.db", "select big from b order by id") == [
        ("1",),
        ("2",),
        ("3",),
        ("4",),
        ("99999999999999999999",),
    ]


def test_a_late_real_in_an_integer_primary_key_reloads_the_table(run, tmp_path, small_batches):
    write(tmp_path / "p.csv", "id,name\n1,a\n2,b\n3,c\n4,d\n4.5,e\n")
    ok(run("p.csv", "p.db", "-pk", "id"))
    assert '"id" REAL PRIMARY KEY' in schema("p.db", "p")
    assert rows("p.db", "select id, name from p order by id") == [
        (1.0, "a"),
        (2.0, "b"),
        (3.0, "c"),
        (4.0, "d"),
        (4.5, "e"),
    ]


def test_table_option_second_input_forces_text(run, tmp_path):
    write(tmp_path / "a.csv", "v,n\n1.50,1\n+5,2\n")
    write(tmp_path / "b.csv", "v,n\nabc,3\n")
    ok(run("-t", "all", "a.csv", "b.csv", "all.db"))
    assert types("all.db", "all") == {"v": "TEXT", "n": "INTEGER"}
    assert rows("all.db", "select v, n from [all] order by n") == [
        ("1.50", 1),
        ("+5", 2),
        ("abc", 3),
    ]


def test_warnings_are_not_repeated_by_a_reload(run, tmp_path, small_batches):
    write(tmp_path / "w.csv", "a,b\n1,2\n3,4,5\n6,7\n8,9\n10,11\nx,12\n")
    result = ok(run("w.csv", "w.db", "--skip-errors"))
    assert result.stderr == "Warning: w.csv, line 3: expected 2 fields, found 3 - skipped\n"
    assert rows("w.db", "select a, b from w") == [
        ("1", 2),
        ("6", 7),
        ("8", 9),
        ("10", 11),
        ("x", 12),
    ]


def _latin1_late(rows_before: int = 5000, numeric_kinds: int = 0) -> bytes:
    """Rows of about 100 bytes; an invalid UTF-8 byte well past the reader's first chunk.

    The first ``numeric_kinds`` rows have a number as their kind.
    """
    lines = [b"id,kind,note"]
    for i in range(1, rows_before + 1):
        kind = b"%d" % i if i <= numeric_kinds else b"k%d" % (i % 7)
        lines.append(b"%d,%s,%s" % (i, kind, b"x" * 90))
    lines.append(b"%d,caf\xe9,late" % (rows_before + 1))
    lines.append(b"%d,k1,after" % (rows_before + 2))
    return b"\n".join(lines) + b"\n"


def test_invalid_utf8_found_after_the_first_batch_rereads_as_latin1(run, tmp_path):
    write(tmp_path / "lat.csv", _latin1_late())
    result = ok(run("lat.csv", "l.db"))
    assert result.stderr == "Warning: lat.csv is not valid UTF-8; it was read as latin-1\n"
    assert rows("l.db", "select count(*), count(distinct id), max(id) from lat") == [
        (5002, 5002, 5002)
    ]
    assert rows("l.db", "select kind, note from lat where id = 5001") == [("café", "late")]


def test_latin1_reread_with_lookups_keeps_ids_and_leaves_no_orphans(run, tmp_path):
    write(tmp_path / "lat.csv", _latin1_late())
    ok(run("lat.csv", "l.db", "-c", "kind"))
    assert rows("l.db", "select id, value from kind order by id") == [
        *[(n, f"k{n % 7}") for n in range(1, 8)],
        (8, "café"),
    ]
    assert rows("l.db", "select count(*) from lat where kind not in (select id from kind)") == [
        (0,)
    ]
    assert rows("l.db", "select count(*) from lat") == [(5002,)]


def test_explicit_encoding_is_not_retried(run, tmp_path):
    write(tmp_path / "lat.csv", _latin1_late())
    result = run("lat.csv", "l.db", "--encoding", "utf-8")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: lat.csv is not valid utf-8 on line 5002, column 9 (byte 0xe9) - "
        "use --encoding, e.g. --encoding=latin-1\n"
    )
    assert not (tmp_path / "l.db").exists()


@pytest.mark.parametrize("extra", [[], ["-c", "v"]], ids=["plain", "lookups"])
def test_ragged_line_after_a_reload_leaves_the_database_as_it_was(
    run, tmp_path, small_batches, extra
):
    path = tmp_path / "out.db"
    conn = sqlite3.connect(path)
    conn.execute("create table keep (id integer primary key)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    write(tmp_path / "rag.csv", "n,v\n1,1.5\n2,2\n3,3\n4,4\n5,abc\n6,6\n7,7,7\n")
    result = run("rag.csv", "out.db", *extra)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: rag.csv, line 8: expected 2 fields, found 3 - use --skip-errors to skip such lines\n"
    )
    assert path.read_bytes() == before


def test_a_reload_that_meets_invalid_utf8_in_its_detection_pass(run, tmp_path, monkeypatch):
    """The restart comes before the bad byte: the detection pass falls back to latin-1."""
    monkeypatch.setattr("datamill.csvs.load.BATCH", 100)
    write(tmp_path / "lat.csv", _latin1_late(numeric_kinds=149))
    result = ok(run("lat.csv", "l.db"))
    assert result.stderr == "Warning: lat.csv is not valid UTF-8; it was read as latin-1\n"
    assert types("l.db", "lat")["kind"] == "TEXT"
    assert rows("l.db", "select id, kind from lat where id in (1, 2, 150, 5001) order by id") == [
        (1, "1"),
        (2, "2"),
        (150, "k3"),
        (5001, "café"),
    ]
    assert rows("l.db", "select count(*) from lat") == [(5002,)]


def _traced_load(tmp_path, text, monkeypatch):
    from datamill.core.database import Database
    from datamill.csvs import CsvsOptions, load_csvs
    from sql_trace import trace

    monkeypatch.setattr("datamill.csvs.load.BATCH", 4)
    path = write(tmp_path / "t.csv", text)
    db = Database(tmp_path / "t.db")
    recorder = trace(db)
    load_csvs(db, [str(path)], CsvsOptions())
    return db, recorder


def test_each_row_is_inserted_once_and_the_table_never_copied(tmp_path, monkeypatch):
    """CS-4 / I-2: one CREATE TABLE, rows bound once as VALUES, no rebuild."""
    text = "a,b,c\n1,x,\n2,y,\n3,z,\n4,w,\n5.5,v,7\n6,u,\n"
    db, recorder = _traced_load(tmp_path, text, monkeypatch)
    assert [sql.split("(")[0] for sql in recorder.sql if sql.upper().startswith("CREATE")] == [
        'CREATE TABLE "t" '
    ]
    inserts = recorder.starting_with("INSERT")
    assert all(" VALUES " in sql.upper() and "SELECT" not in sql.upper() for sql, _ in inserts)
    assert sum(len(params) for _, params in inserts) == 6 * 3
    assert not recorder.starting_with("ALTER", "DROP")
    # the late widening edited the declared types in place
    assert db.execute("select a, c from t order by rowid").fetchall() == [
        (1.0, None),
        (2.0, None),
        (3.0, None),
        (4.0, None),
        (5.5, 7),
        (6.0, None),
    ]
    assert [(c.name, c.type) for c in db.table("t").columns] == [
        ("a", "REAL"),
        ("b", "TEXT"),
        ("c", "INTEGER"),
    ]
