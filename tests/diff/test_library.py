"""The library API (DF-LIB-1 to DF-LIB-7)."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import warnings

import pytest

from datamill.diff import (
    DiffInputError,
    column_counts,
    compare,
    diff_sources,
    human_text,
    json_text,
    load_csv,
    load_json,
    load_nl,
    load_table,
    long_rows,
)


def test_load_csv_mapping_columns_and_key(workdir):
    with open("stations_v1.csv", newline="") as fp:
        rows = load_csv(fp, key="station_id")
    assert rows.columns == ["station_id", "name", "docks", "district", "zone"]
    assert rows.key == ("station_id",)
    assert list(rows) == ["S01", "S02", "S03", "S04"]
    assert rows["S02"] == {
        "station_id": "S02", "name": "Mill Lane", "docks": "8", "district": "North", "zone": "A",
    }  # fmt: skip
    with open("bays_v1.csv", newline="") as fp:
        bays = load_csv(fp, key=["station_id", "bay"])
    assert list(bays) == [("S01", "1"), ("S01", "2"), ("S02", "1")]


def test_load_csv_without_key_uses_csv_diff_digests_with_copy_suffixes():
    rows = load_csv(io.StringIO("a,b\n1,2\n1,2\n1,2\n", newline=""))
    digest = hashlib.sha1(json.dumps({"a": "1", "b": "2"}, sort_keys=True).encode()).hexdigest()
    assert list(rows) == [digest, f"{digest}#2", f"{digest}#3"]


def test_compare_and_human_text_match_the_worked_example(workdir):
    with open("stations_v1.csv", newline="") as a, open("stations_v2.csv", newline="") as b:
        prev, cur = load_csv(a, key="station_id"), load_csv(b, key="station_id")
    result = compare(prev, cur)
    assert list(result) == ["added", "removed", "changed", "columns_added", "columns_removed"]
    assert result["changed"][0] == {
        "key": "S01",
        "changes": {"docks": ["12", "16"], "district": ["North", "Harbour"]},
    }
    text = human_text(result, "station_id")
    assert text.startswith("1 column added, 1 column removed, 2 rows changed")
    assert text.endswith("  zone: A")  # no final newline
    assert human_text(result, None).count("  None: S0") == 2
    streamed = diff_sources("stations_v1.csv", "stations_v2.csv", key="station_id")
    assert streamed == result


def test_compare_plain_dicts_and_show_unchanged():
    prev = {1: {"id": 1, "v": "a", "w": "x"}}
    cur = {1: {"id": 1, "v": "b", "w": "x"}, 2: {"id": 2, "v": "c", "w": "y"}}
    result = compare(prev, cur, show_unchanged=True)
    assert result["changed"] == [
        {"key": 1, "changes": {"v": ["a", "b"]}, "unchanged": {"id": 1, "w": "x"}}
    ]
    result = compare(prev, cur, True, key="id")
    assert result["changed"][0]["unchanged"] == {"w": "x"}
    assert result["added"] == [{"id": 2, "v": "c", "w": "y"}]


def test_human_text_extras_from_current_mapping():
    prev = {"a": {"id": "a", "v": "1"}}
    cur = {"a": {"id": "a", "v": "2"}}
    text = human_text(compare(prev, cur), "id", current=cur, extras=[("link", "/x/{id}?v={v}")])
    assert text == '1 row changed\n\n  id: a\n    v: "1" => "2"\n  extras:\n    link: /x/a?v=2'


def test_load_json_and_nl(tmp_path):
    rows = load_json(io.StringIO('[{"id": 1, "t": [1, 2]}, {"id": 2, "x": 5}]'), key="id")
    assert rows.columns == ["id", "t", "x"]
    assert rows[1] == {"id": 1, "t": "[1, 2]", "x": None}
    assert rows[2] == {"id": 2, "x": 5, "t": None}
    nl = load_nl(io.BytesIO(b'{"id": "a"}\n\n{"id": "b", "v": 1}\n'), key="id")
    assert list(nl) == ["a", "b"] and nl["a"] == {"id": "a", "v": None}
    with pytest.raises(DiffInputError) as info:
        load_json(io.StringIO('[{"id": 1}, {"v": 2}]'), key="id")
    assert str(info.value) == '<input>: element 2 has no key member "id"'


def test_load_table_and_duplicates_policy(tmp_path):
    path = str(tmp_path / "d.db")
    conn = sqlite3.connect(path)
    conn.execute("create table t (code text, n integer)")
    conn.executemany("insert into t values (?, ?)", [("a", 1), ("b", 2), ("a", 3)])
    conn.commit()
    conn.close()
    with pytest.raises(DiffInputError) as info:
        load_table(path, "t", key="code")
    err = info.value
    assert err.source == f"{path}:t" and err.line is None
    assert str(err).endswith('duplicate key code="a" on rows 1 and 3; '
                             "use --on-duplicate first or --on-duplicate last to keep one")  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = load_table(path, "t", key="code", on_duplicate="last")
    assert list(rows.items()) == [("a", {"code": "a", "n": 3}), ("b", {"code": "b", "n": 2})]
    assert str(caught[0].message) == (
        f"{path}:t: 1 rows with duplicate keys dropped (--on-duplicate last)"
    )


def test_diff_input_error_attributes(workdir):
    (workdir / "r.csv").write_text("a,b\n1,2\n3\n")
    with pytest.raises(DiffInputError) as info:
        diff_sources("r.csv", "stations_v1.csv")
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.source, err.line, err.offset, err.column) == ("r.csv", 3, None, None)
    assert str(err) == "r.csv, line 3: expected 2 fields, found 1"
    (workdir / "l.csv").write_bytes(b"a\n\xff\n")
    with pytest.raises(DiffInputError) as info:
        diff_sources("stations_v1.csv", "l.csv")
    assert (info.value.line, info.value.offset) == (2, 2)


def test_diff_sources_accepts_binary_files_and_formats(workdir):
    with open("stations_v1.csv", "rb") as a, open("stations_v2.csv", "rb") as b:
        result = diff_sources(a, b, key="station_id", ignore=["operator", "zone"])
        assert not a.closed
    assert result["columns_added"] == [] and result["columns_removed"] == []
    piped = io.BufferedReader(io.BytesIO(b'[{"station_id": "S01", "docks": "12"}]'))
    result = diff_sources(piped, "stations_v1.csv", key="station_id", previous_format="json")
    assert [r["station_id"] for r in result["added"]] == ["S02", "S03", "S04"]


def test_column_counts_and_long_rows(workdir):
    result = diff_sources("stations_v1.csv", "stations_v2.csv", key="station_id")
    assert column_counts(result) == {"docks": 2, "district": 1}
    rows = list(long_rows(result))
    assert rows[0] == ("change", "key", "column", "old", "new")
    assert rows[3] == ("changed", "S01", "docks", "12", "16")
    assert rows[-1][0:3] == ("removed", "S02", "")
    assert json_text(result).endswith('"columns_removed": [\n        "zone"\n    ]\n}\n')


def test_column_counts_ties_follow_previous_header_order():
    result = compare(
        {1: {"id": 1, "a": "x", "b": "x"}, 2: {"id": 2, "a": "x", "b": "x"}},
        {1: {"id": 1, "a": "x", "b": "y"}, 2: {"id": 2, "a": "y", "b": "x"}},
    )
    assert list(column_counts(result)) == ["a", "b"]
