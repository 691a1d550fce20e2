"""Bad input (CS-5, CS-9, EX-GEN-2): one ``Error:`` line, exit 1, the database as it was."""

from __future__ import annotations

import gzip
import sqlite3
import zipfile

import pytest

from .conftest import VOTES, write


@pytest.fixture
def existing(tmp_path):
    """A database that already holds a table, and its bytes."""
    path = tmp_path / "out.db"
    conn = sqlite3.connect(path)
    conn.execute("create table keep (id integer primary key, name text)")
    conn.execute("insert into keep values (1, 'x')")
    conn.execute("create view votes_view as select * from keep")
    conn.commit()
    conn.close()
    return path, path.read_bytes()


def fails(run, existing, args, message):
    path, before = existing
    result = run(*args, "out.db")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert path.read_bytes() == before
    return result


CASES = {
    "ragged": (
        {"rag.csv": "a,b\n1,2\n3,4,5\n"},
        [],
        "rag.csv, line 3: expected 2 fields, found 3 - use --skip-errors to skip such lines",
    ),
    "ragged after a multi-line cell": (
        {"rag.csv": 'a,b\n1,"two\nlines"\n3,4,5\n'},
        [],
        "rag.csv, line 4: expected 2 fields, found 3 - use --skip-errors to skip such lines",
    ),
    "bad encoding named": (
        {"lat.csv": "name,town\nJos\xe9,x\n".encode("latin-1")},
        ["--encoding", "utf-8"],
        "lat.csv is not valid utf-8 on line 2, column 4 (byte 0xe9) - "
        "use --encoding, e.g. --encoding=latin-1",
    ),
    "empty file": ({"zero.csv": ""}, [], "zero.csv: no header row"),
    "blank lines only": ({"zero.csv": "\n\n"}, [], "zero.csv: no header row"),
    "unterminated quote": (
        {"rag.csv": 'a,b\n1,2\n3,4\n5,"open\n'},
        [],
        "rag.csv, line 4: unexpected end of data",
    ),
    "NUL byte": (
        {"rag.csv": "a,b\n1,2\n3,4\n5,\x006\n"},
        [],
        "rag.csv, line 4: line contains NUL",
    ),
    "table name clash with a view": (
        {"votes_view.csv": VOTES},
        [],
        "Table votes_view is actually a view",
    ),
    "existing table lacks a column": (
        {"keep.csv": "id,name,ward\n2,y,3\n"},
        [],
        "table keep has no column named ward (keep.csv) - use --replace-tables to recreate it",
    ),
    "unique constraint": (
        {"votes.csv": VOTES + "0201,Lyon,DEM,Cy,1,2024-03-05\n"},
        ["-pk", "precinct"],
        'UNIQUE constraint failed: votes.precinct (votes.csv, row 4, line 5, column "precinct")',
    ),
    "missing fts column": (
        {"votes.csv": VOTES},
        ["-f", "nope"],
        'FTS column "nope" does not exist',
    ),
    "bad primary key": (
        {"votes.csv": VOTES},
        ["-pk", "nope"],
        "Invalid primary key column ['nope'] for table votes with columns "
        "['precinct', 'county', 'party', 'candidate', 'votes', 'reported']",
    ),
    "missing extract column": (
        {"votes.csv": VOTES},
        ["-c", "nope"],
        'Extract column "nope" does not exist',
    ),
    "missing index column": (
        {"votes.csv": VOTES},
        ["-i", "county,nope"],
        'Index column "nope" does not exist',
    ),
    "missing date column": (
        {"votes.csv": VOTES},
        ["-d", "nope"],
        'Date column "nope" does not exist',
    ),
    "missing shape column": (
        {"votes.csv": VOTES},
        ["--shape", "precinct,nope"],
        '--shape column "nope" does not exist in votes.csv',
    ),
    "bad shape type": (
        {"votes.csv": VOTES},
        ["--shape", "precinct,reported(date)"],
        'Invalid --shape type "date" for column "reported" - '
        "use integer, real, text, blob or numeric",
    ),
    "two value columns": (
        {"votes.csv": VOTES},
        ["-c", "county:Team:name", "-c", "party:Team:title"],
        '-c options give lookup table "Team" two value columns: name, title',
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_leaves_the_database_byte_identical(run, tmp_path, existing, case):
    files, options, message = CASES[case]
    for name, content in files.items():
        write(tmp_path / name, content)
    fails(run, existing, [*options, *files], message)


def test_zip_with_two_members(run, tmp_path, existing):
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.writestr("a.csv", "a\n1\n")
        archive.writestr("b.csv", "b\n2\n")
    fails(run, existing, ["data.zip"], "data.zip: a zip file must contain exactly one CSV")


def test_a_later_input_failing_undoes_the_earlier_ones(run, tmp_path, existing):
    write(tmp_path / "a.csv", VOTES)
    with gzip.open(tmp_path / "b.csv.gz", "wt") as fp:
        fp.write("x,y\n1,2\n1,2,3\n")
    fails(
        run,
        existing,
        ["a.csv", "b.csv.gz"],
        "b.csv.gz, line 3: expected 2 fields, found 3 - use --skip-errors to skip such lines",
    )


def test_lookup_table_without_the_value_column(run, tmp_path, existing):
    path, _ = existing
    conn = sqlite3.connect(path)
    conn.execute('create table "Party" (id integer primary key, label text)')
    conn.commit()
    conn.close()
    write(tmp_path / "votes.csv", VOTES)
    fails(run, (path, path.read_bytes()), ["votes.csv", "-c", "party:Party:name"],
          'Lookup table "Party" has no column "name"')  # fmt: skip


def test_a_failed_run_removes_the_database_it_created(run, tmp_path):
    write(tmp_path / "rag.csv", "a,b\n1,2\n3,4,5\n")
    assert run("rag.csv", "new.db").exit_code == 1
    assert not (tmp_path / "new.db").exists()


USAGE = {
    "missing path": (
        ["nope.csv", "out.db"],
        "Error: Invalid value for 'PATHS...': Path 'nope.csv' does not exist.",
    ),
    "csv dbname": (
        ["votes.csv", "votes.csv"],
        "Error: Invalid value for 'DBNAME': must not end with .csv",
    ),
    "long separator": (
        ["-s", ";;", "votes.csv", "out.db"],
        "Error: Invalid value for '-s' / '--separator': must be a single character",
    ),
    "quoting out of range": (
        ["-q", "5", "votes.csv", "out.db"],
        "Error: Invalid value for '-q' / '--quoting': 5 is not in the range 0<=x<=3.",
    ),
    "malformed fixed int": (
        ["--fixed-column-int", "n", "x", "votes.csv", "out.db"],
        "Error: Invalid value for '--fixed-column-int': 'x' is not a valid integer.",
    ),
}


@pytest.mark.parametrize("case", USAGE, ids=list(USAGE))
def test_usage_errors_exit_2(run, votes, case):
    args, message = USAGE[case]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.rstrip().splitlines()[-1] == message


def test_interrupted_run_leaves_the_database_as_it_was(run, tmp_path, existing, monkeypatch):
    """EX-GEN-2: Ctrl-C prints ``Aborted!``, exits 1 and rolls the whole run back."""

    def interrupt(self, values):
        raise KeyboardInterrupt

    monkeypatch.setattr("datamill.csvs.lookups.Lookup.ids_for", interrupt)
    write(tmp_path / "votes.csv", VOTES)
    path, before = existing
    result = run("votes.csv", "-c", "county", "out.db")
    assert (result.exit_code, result.stderr.strip()) == (1, "Aborted!")
    assert path.read_bytes() == before
    assert run("votes.csv", "-c", "county", "new.db").exit_code == 1
    assert not (tmp_path / "new.db").exists()
