"""CS-FIX: each deliberate difference from csvs-to-sqlite 1.3.1, tested as such; CS-4 reading."""

from __future__ import annotations

import gzip

from .conftest import VOTES, ok, rows, schema, tables, types, write


def test_fix_1_stdout_stays_empty(run, votes):
    result = ok(run("votes.csv", "v.db", "-c", "county"))
    assert result.stdout == ""


def test_fix_2_detection_keeps_text_and_only_empty_cells_are_null(run, tmp_path):
    write(
        tmp_path / "t.csv",
        "zip,flag,word,n,big,real\n02134,True,NA,1,99999999999999999999,1.5\n"
        "00601,False,None,,1,2\n,,null,3,2,\n",
    )
    ok(run("t.csv", "t.db"))
    assert types("t.db", "t") == {
        "zip": "TEXT",
        "flag": "TEXT",
        "word": "TEXT",
        "n": "INTEGER",
        "big": "TEXT",  # outside 64 bits: digits intact
        "real": "REAL",
    }
    assert rows("t.db", "select * from t") == [
        ("02134", "True", "NA", 1, "99999999999999999999", 1.5),
        ("00601", "False", "None", None, "1", 2.0),
        (None, None, "null", 3, "2", None),
    ]


def test_fix_2_shape_text_keeps_leading_zeros(run, tmp_path):
    write(tmp_path / "z.csv", "zip\n00601\n")
    ok(run("z.csv", "z.db", "--shape", "zip(TEXT)"))
    assert rows("z.db", "select zip, typeof(zip) from z") == [("00601", "text")]


def test_fix_3_unparseable_file_is_an_error_and_nothing_is_written(run, tmp_path, votes):
    write(tmp_path / "bad.csv", 'a,b\n1,"open\n')
    result = run("votes.csv", "bad.csv", "v.db")
    assert result.exit_code == 1
    assert result.stderr == "Error: bad.csv, line 2: unexpected end of data\n"
    assert not (tmp_path / "v.db").exists()


def test_fix_4_checks_come_before_writing_and_bad_dates_are_kept(run, votes, tmp_path):
    ok(run("votes.csv", "v.db"))
    before = (tmp_path / "v.db").read_bytes()
    assert run("votes.csv", "v.db", "--replace-tables", "-i", "nope").exit_code == 1
    assert run("votes.csv", "v.db", "--replace-tables", "-pk", "nope").exit_code == 1
    assert run("votes.csv", "v.db", "--replace-tables", "-f", "nope").exit_code == 1
    assert (tmp_path / "v.db").read_bytes() == before
    write(votes, VOTES + "0301,Nye,REP,Cy,2,not a date\n")
    assert ok(run("votes.csv", "v2.db", "-d", "reported")).stderr.startswith("Warning: ")
    assert rows("v2.db", "select reported from votes where precinct = '0301'") == [("not a date",)]


def test_fix_4_columns_missing_from_some_inputs_are_left_alone(run, votes, tmp_path):
    write(tmp_path / "other.csv", "precinct,turnout\n1,0.5\n")
    ok(run("votes.csv", "other.csv", "v.db", "-c", "county", "-i", "party", "-d", "reported"))
    assert types("v.db", "other") == {"precinct": "INTEGER", "turnout": "REAL"}
    assert rows("v.db", "select name from sqlite_master where tbl_name = 'other'") == [("other",)]


def test_fix_5_ddl_and_index_names(run, votes):
    ok(run("votes.csv", "v.db", "-c", "county"))
    assert '"county" INTEGER REFERENCES "county"("id")' in schema("v.db", "votes")
    assert schema("v.db", "county") == (
        'CREATE TABLE "county" (\n   "id" INTEGER PRIMARY KEY,\n   "value" TEXT\n)'
    )
    assert schema("v.db", "idx_county_value").startswith('CREATE UNIQUE INDEX "idx_county_value"')
    assert schema("v.db", "idx_votes_county").startswith('CREATE INDEX "idx_votes_county"')


def test_fix_6_names_and_union(run, tmp_path):
    write(tmp_path / "d" / "one.csv", "a\n1\n")
    write(tmp_path / "x.csv.gz", gzip.compress(b"b\n2\n"))
    ok(run("d", "x.csv.gz", "n.db"))
    assert tables("n.db") == ["one", "x"]
    write(tmp_path / "p.csv", "a,b\n1,2\n")
    write(tmp_path / "q.csv", "c\n3\n")
    ok(run("-t", "all", "p.csv", "q.csv", "u.db"))
    assert rows("u.db", "select * from [all]") == [(1, 2, None), (None, None, 3)]


def test_fix_7_bom_dropped_and_latin1_warned(run, tmp_path):
    write(tmp_path / "bom.csv", "\ufeffname,n\nx,1\n")
    write(tmp_path / "lat.csv", "caf\xe9\n1\n", encoding="latin-1")
    result = ok(run("bom.csv", "lat.csv", "b.db"))
    assert list(types("b.db", "bom")) == ["name", "n"]
    assert list(types("b.db", "lat")) == ["café"]
    assert result.stderr == "Warning: lat.csv is not valid UTF-8; it was read as latin-1\n"


def test_reading_line_endings_headers_and_short_rows(run, tmp_path):
    write(tmp_path / "cr.csv", 'a,,a,b\r1,2,3,"x\r\ny"\r\n4\r')
    ok(run("cr.csv", "r.db"))
    assert list(types("r.db", "cr")) == ["a", "untitled_2", "a_2", "b"]
    assert rows("r.db", "select * from cr") == [(1, 2, 3, "x\r\ny"), (4, None, None, None)]


def test_header_only_file_creates_text_columns(run, tmp_path):
    write(tmp_path / "h.csv", "a,b\n")
    ok(run("h.csv", "h.db"))
    assert types("h.db", "h") == {"a": "TEXT", "b": "TEXT"}
