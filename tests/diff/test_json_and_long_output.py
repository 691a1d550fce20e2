"""JSON (DF-JSON) and long CSV (DF-LONG) reports, and output-mode usage errors (DF-OPT)."""

from __future__ import annotations

import json
import sqlite3

JSON_EXAMPLE = """{
    "added": [
        {
            "station_id": "S05",
            "name": "Ropewalk, Upper",
            "docks": "6",
            "district": "",
            "operator": "CityBikes"
        }
    ],
    "removed": [
        {
            "station_id": "S02",
            "name": "Mill Lane",
            "docks": "8",
            "district": "North",
            "zone": "A"
        }
    ],
    "changed": [
        {
            "key": "S01",
            "changes": {
                "docks": [
                    "12",
                    "16"
                ],
                "district": [
                    "North",
                    "Harbour"
                ]
            }
        },
        {
            "key": "S04",
            "changes": {
                "docks": [
                    "10",
                    "14"
                ]
            }
        }
    ],
    "columns_added": [
        "operator"
    ],
    "columns_removed": [
        "zone"
    ]
}
"""

LONG_EXAMPLE = (
    "change,key,column,old,new\r\n"
    "column_added,,operator,,\r\n"
    "column_removed,,zone,,\r\n"
    "changed,S01,docks,12,16\r\n"
    "changed,S01,district,North,Harbour\r\n"
    "changed,S04,docks,10,14\r\n"
    'added,S05,,,"{""station_id"": ""S05"", ""name"": ""Ropewalk, Upper"", ""docks"": ""6"", '
    '""district"": """", ""operator"": ""CityBikes""}"\r\n'
    'removed,S02,,"{""station_id"": ""S02"", ""name"": ""Mill Lane"", ""docks"": ""8"", '
    '""district"": ""North"", ""zone"": ""A""}",\r\n'
)


def test_json_example_df_json_2(workdir, dm):
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id", "--json")
    assert (r.exit_code, r.stdout) == (0, JSON_EXAMPLE)
    assert dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id",
              "--output", "json").stdout == JSON_EXAMPLE  # fmt: skip


def test_json_composite_key_is_an_array_df_key_2(workdir, dm):
    r = dm("bays_v1.csv", "bays_v2.csv", "--key", "station_id", "--key", "bay", "--json")
    assert '"key": [\n                "S01",\n                "2"\n            ],' in r.stdout


def test_json_show_unchanged_and_column_counts(workdir, dm):
    r = dm(
        "stations_v1.csv", "stations_v2.csv", "--key", "station_id",
        "--json", "--show-unchanged", "--column-counts",
    )  # fmt: skip
    doc = json.loads(r.stdout)
    assert list(doc) == [
        "added", "removed", "changed", "columns_added", "columns_removed", "column_counts",
    ]  # fmt: skip
    assert doc["changed"][1] == {
        "key": "S04",
        "changes": {"docks": ["10", "14"]},
        "unchanged": {"name": "Tannery Yard", "district": "West", "zone": "B"},
    }
    assert doc["column_counts"] == {"docks": 2, "district": 1}
    assert r.stdout.endswith(
        '    "column_counts": {\n        "docks": 2,\n        "district": 1\n    }\n}\n'
    )


def test_json_keeps_sqlite_types_and_encodes_blobs(workdir, dm):
    for name, value in (("a.db", b"\x00\x01"), ("b.db", b"\xca\xfe")):
        conn = sqlite3.connect(workdir / name)
        conn.execute("create table t (id integer primary key, n real, b blob, s text)")
        conn.execute("insert into t values (1, 2.5, ?, 'x')", (value,))
        conn.commit()
        conn.close()
    r = dm("a.db:t", "b.db:t", "--json")
    doc = json.loads(r.stdout)
    assert doc["changed"] == [
        {
            "key": 1,
            "changes": {
                "b": [
                    {"$base64": True, "encoded": "AAE="},
                    {"$base64": True, "encoded": "yv4="},
                ]
            },
        }
    ]
    text = dm("a.db:t", "b.db:t").stdout
    assert text == "1 row changed\n\n  id: 1\n    b: \"b'\\x00\\x01'\" => \"b'\\xca\\xfe'\"\n"


def test_long_csv_example_df_long_1(workdir, dm):
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id", "--output", "csv")
    assert (r.exit_code, r.stdout) == (0, LONG_EXAMPLE)


def test_long_csv_composite_key_and_typed_cells(workdir, dm):
    r = dm("bays_v1.csv", "bays_v2.csv", "--key", "station_id", "--key", "bay", "--output", "csv")
    assert r.stdout == (
        "change,key,column,old,new\r\n"
        'changed,"[""S01"", ""2""]",status,ok,broken\r\n'
        'added,"[""S02"", ""2""]",,,"{""station_id"": ""S02"", ""bay"": ""2"", ""status"": ""ok""}"\r\n'
    )
    (workdir / "a.json").write_text('[{"id": 1, "v": null, "w": 1.5, "s": "é"}]')
    (workdir / "b.json").write_text('[{"id": 1, "v": true, "w": 2, "s": "é"}]')
    r = dm("a.json", "b.json", "--key", "id", "--output", "csv")
    assert r.stdout == "change,key,column,old,new\r\nchanged,1,v,,true\r\nchanged,1,w,1.5,2\r\n"


def test_output_mode_usage_errors_df_opt(workdir, dm):
    base = ("stations_v1.csv", "stations_v2.csv", "--key", "station_id")
    cases = {
        ("--json", "--extra", "x", "{name}"): "Extra fields are not supported in JSON output mode",
        ("--json", "--max-rows", "1"): "--max-rows is not supported in JSON output mode",
        (
            "--output",
            "csv",
            "--show-unchanged",
        ): "--show-unchanged is not supported in CSV output mode",
        (
            "--output",
            "csv",
            "--extra",
            "x",
            "{name}",
        ): "--extra is not supported in CSV output mode",
        ("--output", "csv", "--max-rows", "2"): "--max-rows is not supported in CSV output mode",
        (
            "--output",
            "csv",
            "--column-counts",
        ): "--column-counts is not supported in CSV output mode",
        ("--json", "--output", "csv"): "--json cannot be combined with --output csv",
        ("--json", "--output", "text"): "--json cannot be combined with --output text",
    }
    for extra, message in cases.items():
        r = dm(*base, *extra)
        assert (r.exit_code, r.stdout) == (2, ""), extra
        assert r.stderr.startswith("Usage: datamill diff [OPTIONS] PREVIOUS CURRENT\n")
        assert r.stderr.endswith(f"\nError: {message}\n"), r.stderr
