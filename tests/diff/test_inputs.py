"""Input specs and formats (DF-IN-1 to DF-IN-8)."""

from __future__ import annotations

import sqlite3

CHANGED_S01 = '1 row changed\n\n  station_id: S01\n    docks: "12" => "16"\n'


def _stations(docks_s01: str = "12") -> list[dict]:
    return [
        {"station_id": "S01", "docks": docks_s01},
        {"station_id": "S02", "docks": "8"},
    ]


def test_stdin_either_side(workdir, dm):
    (workdir / "a.csv").write_text("station_id,docks\nS01,12\nS02,8\n")
    new = b"station_id,docks\r\nS01,16\r\nS02,8\r\n"
    r = dm("a.csv", "-", "--key", "station_id", input=new)
    assert (r.exit_code, r.stdout) == (0, CHANGED_S01)
    r = dm("-", "a.csv", "--key", "station_id", input=b"station_id,docks\nS01,12\nS02,7\n")
    assert r.stdout == '1 row changed\n\n  station_id: S02\n    docks: "7" => "8"\n'


def test_stdin_errors_name_stdin(workdir, dm):
    r = dm("-", "stations_v1.csv", input=b"a,b\n1,2,3\n")
    assert (r.exit_code, r.stderr) == (2, "Error: stdin, line 2: expected 2 fields, found 3\n")


def test_tsv_and_semicolon_are_sniffed_and_mix_with_csv(workdir, dm):
    (workdir / "a.csv").write_text("station_id,docks\nS01,12\nS02,8\n")
    (workdir / "b.tsv").write_text("station_id\tdocks\nS01\t16\nS02\t8\n")
    (workdir / "c.txt").write_text("station_id;docks\r\nS01;16\r\nS02;8\r\n")
    assert dm("a.csv", "b.tsv", "--key", "station_id").stdout == CHANGED_S01
    assert dm("a.csv", "c.txt", "--key", "station_id").stdout == CHANGED_S01
    r = dm("a.csv", "b.tsv", "--key", "station_id", "--current-format", "tsv")
    assert r.stdout == CHANGED_S01
    # An explicit format never sniffs: as CSV the TSV file has one column.
    r = dm("b.tsv", "b.tsv", "--format", "csv", "--key", "station_id")
    assert r.exit_code == 2
    assert r.stderr.startswith(
        'Error: b.tsv: key column "station_id" not found; columns are: "station_id\tdocks"'
    )


def test_line_endings_and_quoting_differences_are_not_changes(workdir, dm):
    (workdir / "a.csv").write_bytes(b'id,v,w\n1,"a",x\n2,b,"y, z"\n')
    (workdir / "b.csv").write_bytes(b'id,v,w\r\n1,a,"x"\r\n"2",b,"y, z"\r\n')
    (workdir / "c.csv").write_bytes(b'id,v,w\r1,a,x\r2,b,"y, z"\r')
    assert dm("a.csv", "b.csv", "--key", "id").stdout == "\n"
    assert dm("a.csv", "c.csv", "--key", "id").stdout == "\n"


def test_quoted_line_breaks_and_multiline_records(workdir, dm):
    (workdir / "a.csv").write_bytes(b'id,note\n1,"two\nlines"\n2,"x ""q"" y"\n3,plain\n')
    (workdir / "b.csv").write_bytes(b'id,note\n1,"two\nlines!"\n2,"x ""q"" y"\n4,"a\r\nb"\n')
    r = dm("a.csv", "b.csv", "--key", "id", "--output", "csv")
    assert r.stdout == (
        "change,key,column,old,new\r\n"
        'changed,1,note,"two\nlines","two\nlines!"\r\n'
        'added,4,,,"{""id"": ""4"", ""note"": ""a\\r\\nb""}"\r\n'
        'removed,3,,"{""id"": ""3"", ""note"": ""plain""}",\r\n'
    )


def test_line_numbers_count_physical_lines(workdir, dm):
    (workdir / "a.csv").write_bytes(b'id,note\n1,"two\nlines"\n\n2,x\n1,y\n')
    r = dm("a.csv", "a.csv", "--key", "id")
    assert r.stderr == (
        'Error: a.csv: duplicate key id="1" on lines 2 and 6; '
        "use --on-duplicate first or --on-duplicate last to keep one\n"
    )


def test_bom_is_dropped_and_utf16_is_read(workdir, dm):
    (workdir / "a.csv").write_bytes(b"\xef\xbb\xbfstation_id,docks\nS01,12\nS02,8\n")
    (workdir / "b.csv").write_bytes("station_id,docks\nS01,16\nS02,8\n".encode("utf-16"))
    r = dm("a.csv", "b.csv", "--key", "station_id", "--current-format", "csv")
    assert r.exit_code == 2  # --encoding applies to both sides
    (workdir / "c.csv").write_bytes("station_id,docks\nS01,12\nS02,8\n".encode("utf-16"))
    r = dm("c.csv", "b.csv", "--key", "station_id", "--encoding", "utf-16")
    assert r.stdout == CHANGED_S01


def test_json_and_nl_inferred_from_extension_df_fix_6(workdir, dm):
    import json

    (workdir / "a.json").write_text(json.dumps(_stations()))
    (workdir / "b.JSONL").write_text("\n".join(json.dumps(r) for r in _stations("16")) + "\n\n")
    (workdir / "c.ndjson").write_text("\n".join(json.dumps(r) for r in _stations("16")))
    assert dm("a.json", "b.JSONL", "--key", "station_id").stdout == CHANGED_S01
    assert dm("a.json", "c.ndjson", "--key", "station_id").stdout == CHANGED_S01
    (workdir / "d.txt").write_text(json.dumps(_stations("16")))
    r = dm("a.json", "d.txt", "--key", "station_id", "--current-format", "json")
    assert r.stdout == CHANGED_S01


def test_json_values_keep_types_and_nested_become_text_df_in_4(workdir, dm):
    (workdir / "a.json").write_text(
        '[{"id": 1, "n": 1, "flag": true, "tags": ["é", {"k": 1}]}, {"id": 2, "n": "12"}]'
    )
    (workdir / "b.json").write_text(
        '[{"id": 1, "n": 1.0, "flag": 1, "tags": ["é", {"k": 2}]},'
        ' {"id": 2, "n": 12, "extra": null}]'
    )
    r = dm("a.json", "b.json", "--key", "id")
    assert r.stdout == (
        "1 column added, 2 rows changed\n\n1 column added\n\n  extra\n\n2 rows changed\n\n"
        '  id: 1\n    tags: "["\\u00e9", {"k": 1}]" => "["\\u00e9", {"k": 2}]"\n\n'
        '  id: 2\n    n: "12" => "12"\n'
    )
    doc = dm("a.json", "b.json", "--key", "id", "--json").stdout
    assert '"n": [\n                    "12",\n                    12\n                ]' in doc


def test_json_missing_members_are_null_in_first_seen_order_df_fix_4(workdir, dm):
    (workdir / "a.json").write_text('[{"id": 1}]')
    (workdir / "b.json").write_text('[{"id": 1}, {"z": 1, "id": 2}, {"id": 3, "a": 2}]')
    r = dm("a.json", "b.json", "--key", "id", "--json")
    assert '"id": 3,\n            "a": 2,\n            "z": null\n' in r.stdout
    assert r.stdout.endswith(
        '"columns_added": [\n        "z",\n        "a"\n    ],\n    "columns_removed": []\n}\n'
    )


def test_mixed_formats_compare_as_text_df_in_8(workdir, dm):
    # The CSV field "1.0" denotes the JSON number 1 (DF-FIX-9); "true" is text, not 1.
    (workdir / "a.csv").write_text("id,n,f,b,e\n1,2,2.5,true,\n2,3,1.0,1,x\n")
    (workdir / "b.json").write_text(
        '[{"id": 1, "n": 2, "f": 2.5, "b": true, "e": null},'
        ' {"id": 2, "n": 3, "f": 1, "b": true, "e": "x"}]'
    )
    r = dm("a.csv", "b.json", "--key", "id")
    assert r.stdout == '1 row changed\n\n  id: 2\n    b: "1" => "true"\n'


def _make_db(path, rows, *, pk: str = "id integer primary key", without_rowid: bool = False):
    conn = sqlite3.connect(path)
    suffix = " without rowid" if without_rowid else ""
    conn.execute(f"create table plants ({pk}, name text, height real){suffix}")
    conn.executemany("insert into plants values (?, ?, ?)", rows)
    conn.execute("create view tall as select * from plants where height > 1")
    conn.commit()
    conn.close()


def test_sqlite_tables_use_shared_primary_key_df_in_6(workdir, dm):
    _make_db(workdir / "a.db", [(1, "fern", 0.5), (2, "oak", 12.0), (3, "ash", 9.0)])
    _make_db(workdir / "b.db", [(1, "fern", 0.75), (2, "oak", 12), (4, "elm", 3.0)])
    r = dm("a.db:plants", "b.db:plants")
    assert r.stdout == (
        "1 row changed, 1 row added, 1 row removed\n\n1 row changed\n\n"
        '  id: 1\n    height: "0.5" => "0.75"\n\n'
        "1 row added\n\n  id: 4\n  name: elm\n  height: 3.0\n\n"
        "1 row removed\n\n  id: 3\n  name: ash\n  height: 9.0\n"
    )
    # A view has no primary key: identity is by content.
    r = dm("a.db:tall", "b.db:tall")
    assert r.stdout == (
        "1 row added, 1 row removed\n\n1 row added\n\n  id: 4\n  name: elm\n  height: 3.0\n\n"
        "1 row removed\n\n  id: 3\n  name: ash\n  height: 9.0\n"
    )


def test_sqlite_against_csv_converts_values_to_text(workdir, dm):
    _make_db(workdir / "a.db", [(1, "fern", 0.5), (2, "oak", None)])
    (workdir / "b.csv").write_text("id,name,height\n1,fern,0.5\n2,oak,\n")
    assert dm("a.db:plants", "b.csv", "--key", "id").stdout == "\n"


def test_sqlite_without_rowid_order_and_colon_in_path(workdir, dm):
    (workdir / "d").mkdir()
    _make_db(workdir / "d" / "x.db", [("b", "oak", 1.0), ("a", "fern", 2.0)],
             pk="code text primary key", without_rowid=True)  # fmt: skip
    _make_db(workdir / "d" / "y.db", [], pk="code text primary key")
    r = dm("d/x.db:plants", "d/y.db:plants")
    assert r.stdout.startswith("2 rows removed\n\n  code: a\n")


def test_no_key_multiset_df_key_3(workdir, dm):
    (workdir / "a.csv").write_text("a\n1\n1\n2\n")
    (workdir / "b.csv").write_text("a\n1\n2\n2\n2\n")
    r = dm("a.csv", "b.csv", "--json")
    import json

    doc = json.loads(r.stdout)
    assert doc["added"] == [{"a": "2"}, {"a": "2"}]
    assert doc["removed"] == [{"a": "1"}]


def test_ignore_drops_column_everywhere_df_cmp_5(workdir, dm):
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id",
           "--ignore", "docks", "--ignore", "operator", "--show-unchanged")  # fmt: skip
    assert r.stdout.startswith(
        "1 column removed, 1 row changed, 1 row added, 1 row removed\n\n1 column removed\n\n  zone\n\n"
        '1 row changed\n\n  station_id: S01\n    district: "North" => "Harbour"\n\n'
        '    Unchanged:\n      name: "Harbour Gate"\n      zone: "A"\n\n'
        "1 row added\n\n  station_id: S05\n  name: Ropewalk, Upper\n  district: \n\n"
    )
