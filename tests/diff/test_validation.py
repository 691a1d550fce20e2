"""Every DF-VAL case: exact message, exit status 2, empty stdout, no traceback."""

from __future__ import annotations

import os

import pytest

from datamill.diff import diff_sources
from datamill.diff.errors import DiffInputError

V1 = "stations_v1.csv"


def check_error(r, message: str) -> None:
    assert r.stderr == f"Error: {message}\n"
    assert (r.exit_code, r.stdout) == (2, "")
    assert "Traceback" not in r.stderr


def test_val_1_missing_key_column(workdir, dm):
    r = dm(V1, "stations_v2.csv", "--key", "stn")
    check_error(
        r,
        'stations_v1.csv: key column "stn" not found; columns are: '
        '"station_id", "name", "docks", "district", "zone"',
    )


def test_val_1_json_element_and_nl_line_without_key_member(workdir, dm):
    (workdir / "v.json").write_text('[{"id": 1}, {"id": 2}, {"id": 3}, {"name": "x"}]')
    check_error(dm("v.json", "v.json", "--key", "id"), 'v.json: element 4 has no key member "id"')
    (workdir / "v.jsonl").write_text('{"id": 1}\n{"id": 2}\n\n{"name": "x"}\n')
    check_error(dm("v.jsonl", "v.jsonl", "--key", "id"), 'v.jsonl, line 4: no key member "id"')


def test_val_2_duplicate_keys_per_format(workdir, dm):
    (workdir / "dup.csv").write_text(
        "station_id,name\nS01,a\nS03,b\n\nS04,c\nS03,d\n"
    )  # line 6 holds the second S03 (line 4 is blank)
    check_error(
        dm(V1, "dup.csv", "--key", "station_id"),
        'dup.csv: duplicate key station_id="S03" on lines 3 and 6; '
        "use --on-duplicate first or --on-duplicate last to keep one",
    )
    (workdir / "b.csv").write_text("station_id,bay\nS01,2\nS01,2\n")
    check_error(
        dm("b.csv", "b.csv", "--key", "station_id", "--key", "bay"),
        'b.csv: duplicate key station_id="S01", bay="2" on lines 2 and 3; '
        "use --on-duplicate first or --on-duplicate last to keep one",
    )
    (workdir / "d.json").write_text('[{"id": 1}, {"id": 2}, {"id": 1}]')
    check_error(
        dm("d.json", "d.json", "--key", "id"),
        "d.json: duplicate key id=1 on elements 1 and 3; "
        "use --on-duplicate first or --on-duplicate last to keep one",
    )


def test_val_2_sqlite_duplicates_count_rows(workdir, dm):
    import sqlite3

    conn = sqlite3.connect(workdir / "d.db")
    conn.execute("create table t (code text, v text)")
    conn.executemany("insert into t values (?, ?)", [("a", "1"), ("b", "2"), ("a", "3")])
    conn.commit()
    conn.close()
    check_error(
        dm("d.db:t", "d.db:t", "--key", "code"),
        'd.db:t: duplicate key code="a" on rows 1 and 3; '
        "use --on-duplicate first or --on-duplicate last to keep one",
    )


def test_on_duplicate_first_and_last_df_key_4(workdir, dm):
    (workdir / "a.csv").write_text("id,v\n1,a\n2,b\n")
    (workdir / "b.csv").write_text("id,v\n1,x\n2,b\n1,y\n3,z\n3,w\n")
    r = dm("a.csv", "b.csv", "--key", "id", "--on-duplicate", "first")
    assert r.exit_code == 0
    assert r.stderr == (
        "Warning: b.csv: 2 rows with duplicate keys dropped (--on-duplicate first)\n"
    )
    assert r.stdout == (
        "1 row changed, 1 row added\n\n1 row changed\n\n"
        '  id: 1\n    v: "a" => "x"\n\n1 row added\n\n  id: 3\n  v: z\n'
    )
    r = dm("a.csv", "b.csv", "--key", "id", "--on-duplicate", "last")
    assert r.stdout == (
        "1 row changed, 1 row added\n\n1 row changed\n\n"
        '  id: 1\n    v: "a" => "y"\n\n1 row added\n\n  id: 3\n  v: w\n'
    )


def test_on_duplicate_last_keeps_first_position(workdir, dm):
    (workdir / "a.csv").write_text("id,v\n1,a\n2,b\n3,c\n")
    # Key 2 first matches unchanged, then a later duplicate changes it: it is
    # reported at its first position, before key 3.
    (workdir / "b.csv").write_text("id,v\n1,a\n2,b\n3,C\n2,B\n")
    r = dm("a.csv", "b.csv", "--key", "id", "--on-duplicate", "last")
    assert r.stdout == (
        '2 rows changed\n\n  id: 2\n    v: "b" => "B"\n\n  id: 3\n    v: "c" => "C"\n'
    )
    r = dm("b.csv", "a.csv", "--key", "id", "--on-duplicate", "last")
    assert r.stdout == (
        '2 rows changed\n\n  id: 2\n    v: "B" => "b"\n\n  id: 3\n    v: "C" => "c"\n'
    )


def test_val_3_empty_and_header_only_inputs_are_valid(workdir, dm):
    (workdir / "empty.csv").write_bytes(b"\xef\xbb\xbf \n\n")
    (workdir / "header.csv").write_text("station_id,name,docks,district,zone\n")
    (workdir / "empty.json").write_text("[]")
    r = dm("empty.csv", V1, "--key", "station_id")
    assert r.exit_code == 0
    assert r.stdout.startswith("4 rows added\n\n  station_id: S01\n  name: Harbour Gate\n")
    r = dm("header.csv", V1, "--key", "station_id")
    assert r.stdout.startswith("4 rows added\n\n")
    r = dm(V1, "empty.json", "--key", "station_id")
    assert r.stdout.startswith("4 rows removed\n\n")
    assert dm("header.csv", "empty.json", "--key", "station_id").stdout == "\n"


def test_val_4_duplicate_column_names(workdir, dm):
    (workdir / "c.csv").write_text("station_id,name,docks,district,docks\nS01,a,1,b,2\n")
    check_error(dm("c.csv", V1), 'c.csv, line 1: duplicate column name "docks" (columns 3 and 5)')
    (workdir / "v.json").write_text('[{"a": 1}, {"a": 2}, {"a": 3}, {"docks": 1, "docks": 2}]')
    check_error(dm("v.json", V1), 'v.json: element 4 has duplicate key "docks"')
    (workdir / "v.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n{"docks": 1, "docks": 2}\n')
    check_error(dm("v.jsonl", V1), 'v.jsonl, line 4: duplicate key "docks"')


def test_val_5_blank_lines_are_skipped(workdir, dm):
    (workdir / "b.csv").write_text("\n" + open(V1).read().replace("\n", "\n\n"))
    assert dm(V1, "b.csv", "--key", "station_id").stdout == "\n"


def test_val_6_ragged_rows(workdir, dm):
    (workdir / "r.csv").write_text(open(V1).read() + "S05,a,1,b,c,d\n")
    check_error(dm("r.csv", V1, "--key", "station_id"), "r.csv, line 6: expected 5 fields, found 6")
    (workdir / "s.csv").write_text(open(V1).read() + "S05,a\n")
    check_error(dm(V1, "s.csv", "--key", "station_id"), "s.csv, line 6: expected 5 fields, found 2")
    # Trailing empty extras are dropped, and are not a change.
    (workdir / "t.csv").write_text(
        open(V1).read().replace("S02,Mill Lane,8,North,A", "S02,Mill Lane,8,North,A,,")
    )
    r = dm(V1, "t.csv", "--key", "station_id")
    assert (r.exit_code, r.stdout) == (0, "\n")


def test_val_7_undecodable_bytes(workdir, dm):
    body = "station_id,name\n" + "".join(f"S{i:02},n\n" for i in range(10))
    data = b"\xef\xbb\xbf" + body.encode() + b"S99,caf\xe9\n"
    (workdir / "l.csv").write_bytes(data)
    offset = data.index(b"\xe9")
    check_error(
        dm("l.csv", V1),
        f"l.csv, line 12: cannot decode byte 0xe9 at offset {offset} as utf-8; "
        "use --encoding, e.g. --encoding latin-1",
    )
    # Under latin-1 the UTF-8 BOM is three ordinary characters of the first name.
    r = dm("l.csv", "l.csv", "--encoding", "latin-1", "--key", "\xef\xbb\xbfstation_id")
    assert (r.exit_code, r.stdout) == (0, "\n")
    (workdir / "m.csv").write_bytes(b"id,name\n1,caf\xe9\n")
    (workdir / "n.csv").write_bytes(b"id,name\n1,cafe\n")
    r = dm("m.csv", "n.csv", "--encoding", "latin-1", "--key", "id")
    assert r.stdout == '1 row changed\n\n  id: 1\n    name: "caf\xe9" => "cafe"\n'


def test_val_7_late_decoding_error_in_a_large_file(workdir, dm):
    rows = "".join(f"{i},{'x' * 50}\n" for i in range(40000))
    data = ("id,v\n" + rows).encode() + b"40000,\xff\n"
    (workdir / "big.csv").write_bytes(data)
    check_error(
        dm(V1, "big.csv"),
        f"big.csv, line 40002: cannot decode byte 0xff at offset {len(data) - 2} as utf-8; "
        "use --encoding, e.g. --encoding latin-1",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("v.json", '[{"a": 1},\n {"a": 2},\n {"a" 3}]', "v.json, line 3, column 7: invalid JSON: Expecting ':' delimiter"),
        ("v.json", '{"a": 1}', "v.json: expected a JSON array of objects, found object"),
        ("v.json", '"text"', "v.json: expected a JSON array of objects, found string"),
        ("v.json", "12", "v.json: expected a JSON array of objects, found number"),
        ("v.json", "true", "v.json: expected a JSON array of objects, found boolean"),
        ("v.json", "null", "v.json: expected a JSON array of objects, found null"),
        ("v.json", '[{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}, [1]]', "v.json: element 5 is not an object (found array)"),
        ("v.jsonl", '{"a": 1}\n{"a": 2}\n{"a": 3}\n{"a": 4}\n[1]\n', "v.jsonl, line 5: expected a JSON object, found array"),
        ("v.jsonl", '{"a": 1}\n{"a" 2}\n', "v.jsonl, line 2, column 6: invalid JSON: Expecting ':' delimiter"),
        ("v.csv", 'a,b\n1,2\n3,"open\n4,5\n', "v.csv, line 3: unterminated quoted field"),
        ("v.csv", "a,b\n1,2\n3,4\n5,\x006\n", "v.csv, line 4: NUL byte in input; is this really a CSV file?"),
        ("v.csv", '  [{"a": 1}]\n', "v.csv: looks like JSON; use --format json or --format nl"),
        ("v.csv", '{"a": 1}\n', "v.csv: looks like JSON; use --format json or --format nl"),
    ],
)  # fmt: skip
def test_val_8_wrong_format(workdir, dm, name, content, message):
    (workdir / name).write_text(content)
    check_error(dm(name, V1), message)


def test_val_8_json_read_as_csv_when_format_says_so(workdir, dm):
    (workdir / "v.json").write_text('[{"a": 1}]')
    check_error(
        dm("v.json", V1, "--format", "csv"),
        "v.json: looks like JSON; use --format json or --format nl",
    )


def test_val_9_fields_over_128_kib(workdir, dm):
    big = "x" * (300 * 1024)
    (workdir / "a.csv").write_text(f'id,v\n1,"{big}"\n2,{big}\n')
    (workdir / "b.csv").write_text(f'id,v\n1,"{big}y"\n2,{big}\n')
    r = dm("a.csv", "b.csv", "--key", "id", "--output", "csv")
    assert r.exit_code == 0
    assert r.stdout == f"change,key,column,old,new\r\nchanged,1,v,{big},{big}y\r\n"


def test_val_10_directory_and_unreadable(workdir, dm):
    os.mkdir("folder")
    check_error(dm("folder", V1), "folder: Is a directory")
    (workdir / "secret.csv").write_text("a\n1\n")
    os.chmod("secret.csv", 0)
    try:
        if os.access("secret.csv", os.R_OK):
            pytest.skip("running as a user who can read anything")
        check_error(dm(V1, "secret.csv"), "secret.csv: Permission denied")
    finally:
        os.chmod("secret.csv", 0o644)


def test_missing_spec_is_a_click_usage_error_df_in_1(workdir, dm):
    r = dm("nope.csv", V1)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.endswith(
        "\n\nError: Invalid value for 'PREVIOUS': File 'nope.csv' does not exist.\n"
    )
    r = dm(V1, "x.db:plants")
    assert r.stderr.endswith(
        "Error: Invalid value for 'CURRENT': File 'x.db:plants' does not exist.\n"
    )
    r = dm("-", "-")
    assert r.exit_code == 2
    assert r.stderr.endswith("\n\nError: Only one of PREVIOUS and CURRENT can be -\n")


def test_sqlite_spec_errors_df_in_1(workdir, dm):
    import sqlite3

    check_error(dm(f"{V1}:plants", V1), "stations_v1.csv: not a SQLite database")
    sqlite3.connect(workdir / "data.db").execute("create table other (a)").connection.close()
    check_error(dm("data.db:plants", V1), "data.db: no such table or view: plants")


def test_ignore_errors_df_cmp_5(workdir, dm):
    check_error(
        dm(V1, "stations_v2.csv", "--key", "station_id", "--ignore", "nope"),
        '--ignore column "nope" is not in either input',
    )
    r = dm(V1, "stations_v2.csv", "--key", "station_id", "--ignore", "station_id")
    assert r.exit_code == 2
    assert r.stderr.endswith("\n\nError: --ignore cannot name a --key column: station_id\n")


def test_a_key_named_twice_is_a_usage_error_df_key_2(workdir, dm):
    r = dm(V1, "stations_v2.csv", "--key", "station_id", "--key", "station_id")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.endswith("\n\nError: --key cannot name a column twice: station_id\n")
    assert r.stderr.count("Error:") == 1 and "Traceback" not in r.stderr
    with pytest.raises(DiffInputError, match="--key cannot name a column twice: station_id"):
        diff_sources(V1, "stations_v2.csv", key=["station_id", "name", "station_id"])


def test_previous_error_wins_when_both_sides_are_bad(workdir, dm):
    (workdir / "p.csv").write_text(open(V1).read() + "S09,short\n")
    (workdir / "c.csv").write_text("a,a\n1,2\n")
    check_error(
        dm("p.csv", "c.csv", "--key", "station_id"), "p.csv, line 6: expected 5 fields, found 2"
    )
    check_error(
        dm("p.csv", V1, "--key", "nope"),
        'p.csv: key column "nope" not found; columns are: "station_id", "name", "docks", "district", "zone"',
    )
    (workdir / "k.csv").write_text("other\n1\n")
    check_error(
        dm("p.csv", "k.csv", "--key", "station_id"), "p.csv, line 6: expected 5 fields, found 2"
    )


def test_unknown_encoding(workdir, dm):
    check_error(dm(V1, V1, "--encoding", "bogus"), "unknown encoding: bogus")
