"""Numbers from a typed side against CSV text that denotes them (DF-IN-8, DF-FIX-9)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from datamill.cli import cli
from datamill.diff import diff_sources
from datamill.diff.values import NumberText, as_text, equal_in_mixed_formats

DEMO = Path(__file__).resolve().parents[2] / "demo" / "data"

ZIPS = (
    "zip,city,pop,lat,lng,area\n"
    "00501,Holtsville,0,40.8154,-73.04570,0.50\n"
    "02134,Allston,29000,42.35300,-71.1320,3.50\n"
    "10001,New York,21102,40.7506,-73.9970,1.6e0\n"
    "35004,Moody,12000,33.606379,-86.50249,18.443384\n"
    "99950,Ketchikan,,55.542007,-131.432682,\n"
)


def ok_stdout(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _sqlite_real(text: str) -> float:
    return sqlite3.connect(":memory:").execute("select cast(? as real)", [text]).fetchone()[0]


@pytest.mark.parametrize(
    ("typed", "field", "equal"),
    [
        (3.5, "3.50", True),
        (3.5, "3.5e0", True),
        (3.5, " 3.5", True),
        (7, "7.0", True),
        (7, "7", True),
        (0.5, ".5", True),
        (7, "007", False),  # a code, not a number
        (501, "00501", False),
        (-7, "-007", False),
        (0.0, "abc", False),  # SQLite's CAST('abc' AS REAL) is 0.0: not a number here
        (12.0, "12abc", False),
        (2**62 + 1, "4611686018427387905", True),
        (2**62 + 1, "4611686018427387904", False),
        (2**62 + 1, "4.611686018427387905e18", False),
        (3.5, "3.6", False),
        (True, "1", False),  # true is "true" against CSV text
        (None, "", True),
    ],
)
def test_number_equals_the_csv_text_that_denotes_it(typed, field, equal):
    text = as_text(typed)
    assert equal_in_mixed_formats(text, field) is equal
    assert equal_in_mixed_formats(field, text) is equal


def test_text_from_the_typed_side_still_compares_as_text():
    assert not equal_in_mixed_formats("3.5", "3.50")
    assert equal_in_mixed_formats("3.5", "3.5")
    assert type(as_text("3.5")) is str and type(as_text(3.5)) is NumberText
    assert json.dumps([as_text(3.5), as_text(7)]) == '["3.5", "7"]'


def test_a_real_stored_by_sqlites_own_conversion_equals_its_text():
    stored = _sqlite_real("18.443384")  # 18.443384000000002 on SQLite 3.40
    assert equal_in_mixed_formats(as_text(stored), "18.443384")
    assert not equal_in_mixed_formats(as_text(stored), "18.443385")


def _sqlite_loaded(tmp_path: Path) -> Path:
    """ZIPS loaded by SQLite's own affinity (text into INTEGER/REAL columns)."""
    db = tmp_path / "zips.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "create table zips (zip TEXT, city TEXT, pop INTEGER, lat REAL, lng REAL, area REAL)"
        )
        rows = [line.split(",") for line in ZIPS.splitlines()[1:]]
        conn.executemany("insert into zips values (?, ?, nullif(?, ''), ?, ?, nullif(?, ''))", rows)
    conn.close()
    return db


@pytest.mark.parametrize("loader", ["datamill", "sqlite"])
def test_a_table_diffed_against_its_own_csv_shows_no_change(tmp_path, loader):
    csv_path = tmp_path / "zips.csv"
    csv_path.write_text(ZIPS, encoding="utf-8")
    if loader == "datamill":
        db = tmp_path / "zips.db"
        ok_stdout("insert", str(db), "zips", str(csv_path), "--csv")
    else:
        db = _sqlite_loaded(tmp_path)
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "select zip, pop, area from zips where city = 'Holtsville'"
        ).fetchone() == ("00501", 0, 0.5)
    for a, b in ((f"{db}:zips", str(csv_path)), (str(csv_path), f"{db}:zips")):
        assert ok_stdout("diff", a, b, "--key", "zip") == "\n"
        assert ok_stdout("diff", a, b) == "\n"  # without a key too (DF-KEY-3)
        result = diff_sources(a, b, key="zip")
        assert result["changed"] == [] and result["added"] == [] and result["removed"] == []


def test_real_changes_keep_each_sides_own_text(tmp_path):
    csv_path = tmp_path / "zips.csv"
    csv_path.write_text(ZIPS, encoding="utf-8")
    db = _sqlite_loaded(tmp_path)
    edited = tmp_path / "next.csv"
    edited.write_text(ZIPS.replace("02134,Allston,29000,42.35300", "02134,Allston,29001,42.35300"))
    result = diff_sources(f"{db}:zips", edited, key="zip", show_unchanged=True)
    assert result["changed"] == [
        {
            "key": "02134",
            "changes": {"pop": ["29000", "29001"]},
            "unchanged": {"city": "Allston", "lat": "42.353", "lng": "-71.132", "area": "3.5"},
        }
    ]


def test_json_numbers_equal_csv_text_too(tmp_path):
    (tmp_path / "a.json").write_text('[{"id": 1, "v": 3.5, "n": 7}, {"id": 2, "v": 1, "n": 8}]')
    (tmp_path / "b.csv").write_text("id,v,n\n1,3.50,7.0\n2,1.0,9\n")
    result = diff_sources(tmp_path / "a.json", tmp_path / "b.csv", key="id")
    assert result["changed"] == [{"key": "2", "changes": {"n": ["8", "9"]}}]


def test_demo_table_against_the_next_csv_reports_only_real_changes(tmp_path):
    db = tmp_path / "data.db"
    ok_stdout("insert", str(db), "trees", str(DEMO / "trees.csv"), "--csv")
    from_csv = diff_sources(DEMO / "trees.csv", DEMO / "trees-next.csv", key="TreeID")
    from_db = diff_sources(f"{db}:trees", DEMO / "trees-next.csv", key="TreeID")
    counts = [len(from_db[k]) for k in ("changed", "added", "removed")]
    assert counts == [len(from_csv[k]) for k in ("changed", "added", "removed")] == [25, 12, 4]
    assert [c["key"] for c in from_db["changed"]] == [c["key"] for c in from_csv["changed"]]
    assert ok_stdout("diff", f"{db}:trees", str(DEMO / "trees.csv"), "--key", "TreeID") == "\n"


def test_without_a_key_only_number_formatting_pairs_rows(tmp_path):
    db = _sqlite_loaded(tmp_path)
    edited = tmp_path / "next.csv"
    edited.write_text(ZIPS.replace("Moody,12000", "Moody,12001").replace("0.50", "0.5000"))
    result = diff_sources(f"{db}:zips", edited)
    assert [(r["city"], r["pop"]) for r in result["removed"]] == [("Moody", "12000")]
    assert [(r["city"], r["pop"]) for r in result["added"]] == [("Moody", "12001")]
    assert result["removed"][0]["area"] == repr(_sqlite_real("18.443384"))  # its own text
