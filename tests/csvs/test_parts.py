"""CS-PERF: a large input is loaded in parts by several processes at once, and the result is
exactly that of one process: the same tables, values, lookup ids, warnings and errors.

Parts are forced here on small files (``MIN_PART_BYTES``, ``available_cpus``); each test
loads the same input in parts and in one process and compares the two databases' dumps.
"""

from __future__ import annotations

import os
import sqlite3

import pytest

import datamill.csvs.load
from datamill.csvs.part_process import PartProcess, SplitFailed
from datamill.csvs.parts import cut_points

from .conftest import rows, types, write


class Parts:
    """Switches loading in parts on (``count`` processes) or off, and counts merges."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 1
        self.merged = 0
        monkeypatch.setattr("datamill.csvs.parts.MIN_PART_BYTES", 1)
        monkeypatch.setattr("datamill.csvs.parts.HEAD_START", 0)
        monkeypatch.setattr("datamill.csvs.parts.available_cpus", lambda: self.count)
        merge = datamill.csvs.load.merge_part

        def counted(*args, **kwargs):
            self.merged += 1
            return merge(*args, **kwargs)

        monkeypatch.setattr("datamill.csvs.load.merge_part", counted)


@pytest.fixture
def parts(monkeypatch):
    return Parts(monkeypatch)


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def both(run, parts, *args, count=2, fresh=True):
    """Run ``datamill csvs ARGS... DB`` in ``count`` parts and in one process (into new
    databases if ``fresh``): the two results, databases and counts of merged parts."""
    outcome = {}
    for label, processes in (("parts", count), ("one", 1)):
        parts.count, parts.merged = processes, 0
        db = f"{label}.db"
        if fresh and os.path.exists(db):
            os.remove(db)
        result = run(*args, db)
        outcome[label] = (result, dump(db) if os.path.exists(db) else None, parts.merged)
    assert outcome["one"][2] == 0
    return outcome["parts"], outcome["one"]


def same(run, parts, *args, count=2, merged=True, fresh=True):
    (result, database, merges), (single, single_database, _) = both(
        run, parts, *args, count=count, fresh=fresh
    )
    assert (result.exit_code, result.output) == (single.exit_code, single.output)
    assert database == single_database
    assert (merges > 0) == merged
    return result


def numbered(count: int, row) -> str:
    return "".join(row(i) for i in range(1, count + 1))


def test_plain_load_in_two_and_three_parts(run, parts, tmp_path):
    write(
        tmp_path / "t.csv",
        "id,name,score,when\n"
        + numbered(300, lambda i: f"{i},n{i % 7},{i * 1.5},2024-01-{i % 28 + 1:02}\n"),
    )
    for count in (2, 3):
        result = same(run, parts, "t.csv", count=count)
        assert result.exit_code == 0
    assert types("one.db", "t") == {
        "id": "INTEGER",
        "name": "TEXT",
        "score": "REAL",
        "when": "TEXT",
    }
    assert rows("parts.db", "select count(*), sum(id) from t") == [(300, 45150)]


def test_a_later_part_widens_integer_to_real(run, parts, tmp_path):
    write(
        tmp_path / "w.csv", "id,x\n" + numbered(200, lambda i: f"{i},{i if i < 150 else i + 0.5}\n")
    )
    same(run, parts, "w.csv")
    assert types("parts.db", "w")["x"] == "REAL"
    assert rows("parts.db", "select x, typeof(x) from w where id in (1, 199)") == [
        (1.0, "real"),
        (199.5, "real"),
    ]


def test_text_in_a_later_part_keeps_the_exact_text_of_earlier_numbers(run, parts, tmp_path):
    text = "id,v\n" + numbered(200, lambda i: f"{i},{'1.50' if i == 3 else i}\n") + "201,abc\n"
    write(tmp_path / "x.csv", text)
    same(run, parts, "x.csv")
    assert types("parts.db", "x")["v"] == "TEXT"
    assert rows("parts.db", "select v, typeof(v) from x where id in (3, 4, 201)") == [
        ("1.50", "text"),
        ("4", "text"),
        ("abc", "text"),
    ]


def test_text_in_the_first_part_and_numbers_in_the_next(run, parts, tmp_path):
    write(tmp_path / "y.csv", "id,v\n1,n/a\n" + numbered(200, lambda i: f"{i + 1},+{i}\n"))
    same(run, parts, "y.csv")
    assert rows("parts.db", "select v, typeof(v) from y where id = 150") == [("+149", "text")]


def test_lookup_ids_follow_first_appearance_across_parts(run, parts, tmp_path):
    write(
        tmp_path / "trees.csv",
        "id,species,kind\n"
        + numbered(150, lambda i: f"{i},s{i % 5},k{i % 2}\n")
        + numbered(150, lambda i: f"{150 + i},s{i % 9},k{i % 3}\n"),
    )
    same(run, parts, "trees.csv", "-c", "species", "-c", "kind:kinds:name", "--fts", "id")
    assert rows("parts.db", "select id, value from species order by id")[:6] == [
        (1, "s1"),
        (2, "s2"),
        (3, "s3"),
        (4, "s4"),
        (5, "s0"),
        (6, "s5"),
    ]
    assert rows("parts.db", "select name from kinds order by id") == [("k1",), ("k0",), ("k2",)]


def test_dates_and_their_warning_across_parts(run, parts, tmp_path):
    write(
        tmp_path / "d.csv",
        "id,day\n"
        + numbered(150, lambda i: f"{i},03/{i % 28 + 1}/2024\n")
        + numbered(150, lambda i: f"{150 + i},{'soon' if i % 50 == 0 else '2024-05-01'}\n"),
    )
    result = same(run, parts, "d.csv", "-d", "day")
    assert 'first on line 201: "soon"' in result.output
    assert "3 values in column" in result.output


def test_skipped_lines_are_reported_with_their_lines(run, parts, tmp_path):
    lines = numbered(300, lambda i: f"{i},a\n" if i % 40 else f"{i},a,surplus\n")
    write(tmp_path / "s.csv", "id,v\n" + lines)
    result = same(run, parts, "s.csv", "--skip-errors")
    assert "s.csv, line 281: expected 2 fields, found 3 - skipped" in result.output
    assert rows("parts.db", "select count(*) from s") == [(293,)]


def test_many_skipped_lines_are_counted_once(run, parts, tmp_path):
    write(
        tmp_path / "m.csv",
        "id,v\n" + numbered(300, lambda i: f"{i},a{',x' if i % 3 == 0 else ''}\n"),
    )
    result = same(run, parts, "m.csv", "--skip-errors")
    assert "m.csv: 80 more lines skipped" in result.output


def test_quoted_line_breaks_near_the_cuts(run, parts, tmp_path):
    write(
        tmp_path / "q.csv",
        "id,note\n" + numbered(300, lambda i: f'{i},"line one\nline ""two""\n, three"\n'),
    )
    same(run, parts, "q.csv", count=3)
    assert rows("parts.db", "select note from q where id = 299") == [
        ('line one\nline "two"\n, three',)
    ]


def test_a_stray_quote_that_misleads_the_cut_falls_back_to_one_process(run, parts, tmp_path):
    # The stray quote makes the count of quote characters odd at every line end after it,
    # so a cut lands inside the quoted cell further on: the first part does not end cleanly.
    text = 'id,v\n1,5"\n' + numbered(200, lambda i: f'{i + 1},"a\nb"\n')
    write(tmp_path / "stray.csv", text)
    same(run, parts, "stray.csv", merged=False)
    assert rows("parts.db", "select count(*) from stray") == [(201,)]


def test_several_inputs_into_one_table_and_an_existing_table(run, parts, tmp_path):
    write(tmp_path / "in" / "a.csv", "id,v\n" + numbered(200, lambda i: f"{i},{i}\n"))
    write(tmp_path / "in" / "b.csv", "id,v,w\n" + numbered(200, lambda i: f"{200 + i},{i / 2},x\n"))
    same(run, parts, "in", "-t", "all", "--filename-column", "source")
    for label in ("parts", "one"):
        parts.count = 2 if label == "parts" else 1
        result = run("in/a.csv", "-t", "all", f"{label}.db")
        assert result.exit_code == 0, result.output
    assert dump("parts.db") == dump("one.db")
    assert rows("parts.db", "select count(*) from [all]") == [(600,)]


def test_a_ragged_line_in_a_later_part_is_the_same_error(run, parts, tmp_path):
    write(
        tmp_path / "r.csv", "id,v\n" + numbered(300, lambda i: f"{i},a{',b' if i == 250 else ''}\n")
    )
    sqlite3.connect(tmp_path / "parts.db").execute("create table keep (x)").connection.commit()
    before = (tmp_path / "parts.db").read_bytes()
    (result, _, _), (single, _, _) = both(run, parts, "r.csv", fresh=False)
    assert result.exit_code == 1
    assert result.output == single.output
    assert "r.csv, line 251: expected 2 fields, found 3" in result.output
    assert (tmp_path / "parts.db").read_bytes() == before  # EX-GEN-2
    assert not [p for p in os.listdir(tmp_path) if p.startswith("datamill-csvs-")]


def test_a_duplicate_key_across_parts_is_the_same_error(run, parts, tmp_path):
    write(tmp_path / "k.csv", "id,v\n" + numbered(200, lambda i: f"{i},a\n") + "7,again\n")
    (result, _, _), (single, _, _) = both(run, parts, "k.csv", "--primary-key", "id")
    assert result.exit_code == 1
    assert result.output == single.output
    assert "UNIQUE constraint failed" in result.output


def test_bytes_that_are_not_utf8_in_a_later_part(run, parts, tmp_path):
    body = "".join(f"{i},caf\u00e9\n" if i == 180 else f"{i},x\n" for i in range(1, 201))
    write(tmp_path / "l.csv", ("id,v\n" + body).encode("latin-1"))
    result = same(run, parts, "l.csv")
    assert "l.csv is not valid UTF-8; it was read as latin-1" in result.output
    assert rows("parts.db", "select v from l where id = 180") == [("caf\u00e9",)]


def test_a_latin1_input_is_loaded_in_parts(run, parts, tmp_path):
    body = "".join(f"{i},\u00e9t\u00e9 {i}\n" for i in range(1, 201))
    write(tmp_path / "lat.csv", ("id,saison\n" + body).encode("latin-1"))
    same(run, parts, "lat.csv", "--encoding", "latin-1")


def test_a_child_that_dies_means_one_process(run, parts, tmp_path, monkeypatch):
    write(tmp_path / "c.csv", "id,v\n" + numbered(200, lambda i: f"{i},{i}\n"))

    def died(self):
        raise SplitFailed("killed")

    monkeypatch.setattr(PartProcess, "results", died)
    same(run, parts, "c.csv", merged=False)
    assert rows("parts.db", "select count(*) from c") == [(200,)]


def test_compressed_inputs_are_loaded_in_one_process(run, parts, tmp_path):
    import gzip

    (tmp_path / "z.csv.gz").write_bytes(gzip.compress(b"id\n" + b"1\n" * 200))
    same(run, parts, "z.csv.gz", merged=False)


def test_cut_points_fall_after_line_ends_outside_quotes(tmp_path, monkeypatch):
    monkeypatch.setattr("datamill.csvs.parts.HEAD_START", 0)
    path = tmp_path / "c.csv"
    path.write_bytes(b'a,b\n1,"x\ny\nz"\n2,q\n3,"r\ns"\n4,t\n')
    size = path.stat().st_size
    for count in (2, 3):
        spans = cut_points(str(path), count, quoted=True)
        assert spans is not None and spans[0][0] == 0 and spans[-1][1] == size
        data = path.read_bytes()
        for start, _ in spans[1:]:
            assert data[start - 1 : start] == b"\n"
            assert data[:start].count(b'"') % 2 == 0
    assert cut_points(str(path), 2, quoted=False) is not None
    path.write_bytes(b"a,b\r1,2\r3,4\r")  # no line feed to cut at
    assert cut_points(str(path), 2, quoted=True) is None


def test_a_scratch_database_that_fails_means_one_process(run, parts, tmp_path, monkeypatch):
    write(tmp_path / "f.csv", "id,v\n" + numbered(200, lambda i: f"{i},{i}\n"))

    def full(self, spec):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("datamill.csvs.part_load.PartRun.load", full)  # this process's part
    same(run, parts, "f.csv", merged=False)
    assert rows("parts.db", "select count(*) from f") == [(200,)]
    assert not [p for p in os.listdir(tmp_path) if p.startswith("datamill-csvs-")]


def test_no_cut_before_a_byte_order_mark(tmp_path, monkeypatch):
    monkeypatch.setattr("datamill.csvs.parts.HEAD_START", 0)
    path = tmp_path / "bom.csv"
    path.write_bytes(b"a\n" + b"\xef\xbb\xbf1\n" * 20 + b"2\n" * 20)
    spans = cut_points(str(path), 2, quoted=True)
    assert spans == [(0, 102), (102, 142)]  # the first line end not followed by the mark


def test_columns_sharing_a_lookup_number_its_values_row_by_row(run, parts, tmp_path):
    # CS-7: first appearance over rows in order, cells left to right, in one process too.
    home = {20: "Y", 1050: "Z"}
    away = {10: "X", 700: "W"}
    rows_ = numbered(1200, lambda i: f"{i},{home.get(i, 'A')},{away.get(i, 'B')}\n")
    write(tmp_path / "g.csv", "id,home,away\n" + rows_)
    same(run, parts, "g.csv", "-c", "home:teams:name", "-c", "away:teams:name")
    assert rows("one.db", "select name from teams order by id") == [
        ("A",),
        ("B",),
        ("X",),
        ("Y",),
        ("W",),
        ("Z",),
    ]


def test_an_empty_integer_key_after_the_first_part_means_one_process(run, parts, tmp_path):
    first = numbered(150, lambda i: f"{999 + i},a\n")
    later = numbered(150, lambda i: f"{'' if i == 5 else i},b\n")
    write(tmp_path / "e.csv", "id,v\n" + first + later)
    same(run, parts, "e.csv", "--primary-key", "id", merged=False)
    assert rows("parts.db", "select id from e where v = 'b' and id > 1000") == [(1150,)]


def test_a_utf16_database_is_loaded_in_one_process(run, parts, tmp_path):
    write(tmp_path / "u.csv", "id,v\n" + numbered(200, lambda i: f"{i},{i}\n"))
    for name in ("parts.db", "one.db"):
        conn = sqlite3.connect(tmp_path / name)
        conn.execute("pragma encoding = 'UTF-16le'")
        conn.execute("create table keep (x)")
        conn.close()
    same(run, parts, "u.csv", fresh=False, merged=False)
    assert rows("parts.db", "select count(*) from u") == [(200,)]


def test_replace_tables_with_parts(run, parts, tmp_path):
    write(tmp_path / "datamill_part_input_1.csv", "id\n" + numbered(200, lambda i: f"{i}\n"))
    same(run, parts, "datamill_part_input_1.csv", "--replace-tables")


def test_a_terminated_run_leaves_no_scratch_folder(run, parts, tmp_path, monkeypatch):
    import signal

    import datamill.csvs.parallel

    write(tmp_path / "t.csv", "id,v\n" + numbered(200, lambda i: f"{i},{i}\n"))
    parts.count = 2
    folders = []
    load_parts = datamill.csvs.parallel.load_parts

    def terminated(specs):
        folders.extend(p for p in os.listdir(tmp_path) if p.startswith("datamill-csvs-"))
        os.kill(os.getpid(), signal.SIGTERM)
        return load_parts(specs)

    monkeypatch.setattr("datamill.csvs.parallel.load_parts", terminated)
    before = signal.getsignal(signal.SIGTERM)
    result = run("t.csv", "t.db")
    assert result.exit_code == 128 + signal.SIGTERM
    assert folders  # the folder existed, and is gone
    assert not [p for p in os.listdir(tmp_path) if p.startswith("datamill-csvs-")]
    assert signal.getsignal(signal.SIGTERM) is before
    assert rows("t.db", "select count(*) from sqlite_master") == [(0,)]


def test_a_refused_attach_means_one_process(parts, tmp_path):
    from datamill import Database
    from datamill.core.sqlite import sqlite3 as sqlite
    from datamill.csvs import CsvsOptions, load_csvs

    write(tmp_path / "a.csv", "id,v\n" + numbered(200, lambda i: f"{i},{i}\n"))
    parts.count = 2
    db = Database(str(tmp_path / "a.db"))
    db.conn.setlimit(sqlite.SQLITE_LIMIT_ATTACHED, 0)  # "too many attached databases"
    load_csvs(db, [str(tmp_path / "a.csv")], CsvsOptions())
    assert parts.merged == 0
    assert db.execute("select count(*), sum(v) from a").fetchone() == (200, 20100)
    assert not [p for p in os.listdir(tmp_path) if p.startswith("datamill-csvs-")]


def test_an_in_memory_database_is_loaded_in_parts(parts, tmp_path):
    from datamill import Database
    from datamill.csvs import CsvsOptions, load_csvs

    write(tmp_path / "m.csv", "id,v\n" + numbered(200, lambda i: f"{i},{i / 4}\n"))
    parts.count = 2
    db = Database(memory=True)
    load_csvs(db, [str(tmp_path / "m.csv")], CsvsOptions())
    assert parts.merged == 2
    assert db.execute("select count(*), sum(v), typeof(v) from m").fetchone() == (
        200,
        5025.0,
        "real",
    )


def test_a_child_that_prints_something_else_is_a_failed_split():
    import subprocess
    import sys

    child = PartProcess.__new__(PartProcess)
    child.process = subprocess.Popen(
        [sys.executable, "-c", "print('not a pickle')"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with pytest.raises(SplitFailed, match="unreadable results"):
        child.results()
