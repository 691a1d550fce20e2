"""C-ANALYZE-TABLES: the block format, list rules, options and --save (D-6)."""

import json

import cli_helpers
import pytest

from datamill import Database

SAVE_SCHEMA = (
    'CREATE TABLE "_analyze_tables_" (\n'
    '   "table" TEXT,\n'
    '   "column" TEXT,\n'
    '   "total_rows" INTEGER,\n'
    '   "num_null" INTEGER,\n'
    '   "num_blank" INTEGER,\n'
    '   "num_distinct" INTEGER,\n'
    '   "most_common" TEXT,\n'
    '   "least_common" TEXT,\n'
    '   PRIMARY KEY ("table", "column")\n'
    ")"
)


@pytest.fixture
def garden(tmp_path):
    return cli_helpers.plants_db(tmp_path / "garden.db")


def run(*args):
    return cli_helpers.run("analyze-tables", *args)


def ok(*args):
    return cli_helpers.ok("analyze-tables", *args)


def block(header, total, null, blank, distinct, *sections):
    lines = [header, "", f"  Total rows: {total}", f"  Null rows: {null}"]
    lines += [f"  Blank rows: {blank}", "", f"  Distinct values: {distinct}", ""]
    for title, values in sections:
        lines += [f"  {title}:", *(f"    {count}: {value}" for count, value in values), ""]
    return "\n".join(lines) + "\n"


def test_spec_example(garden):
    assert ok(garden, "plants", "-c", "kind", "--common-limit", "1") == (
        "plants.kind: (1/1)\n\n  Total rows: 4\n  Null rows: 0\n  Blank rows: 0\n\n"
        "  Distinct values: 3\n\n  Most common:\n    2: herb\n\n"
        "  Least common:\n    1: vegetable\n\n"
    )


def test_every_column_of_every_table(garden):
    Database(garden)["notes"].insert({"text": "x"})
    out = ok(garden)
    assert out == (
        block("plants.id: (1/5)", 4, 0, 0, 4)
        + block("plants.name: (2/5)", 4, 0, 0, 4)
        + block(
            "plants.kind: (3/5)",
            4,
            0,
            0,
            3,
            ("Most common", [(2, "herb"), (1, "vegetable"), (1, "shade")]),
        )
        + block("plants.height: (4/5)", 4, 0, 0, 4)
        + block("notes.text: (5/5)", 1, 0, 0, 1, ("Most common", [(1, "x")]))
    )


def test_nulls_blanks_and_single_value(tmp_path):
    path = str(tmp_path / "t.db")
    Database(path)["t"].insert_all(
        [
            {"n": None, "b": "", "one": None},
            {"n": None, "b": "", "one": "x"},
            {"n": None, "b": "y", "one": "x"},
        ]
    )
    assert ok(path, "t") == (
        block("t.n: (1/3)", 3, 3, 0, 0)
        + block("t.b: (2/3)", 3, 0, 2, 2, ("Most common", [(2, ""), (1, "y")]))
        # One distinct value: the first stored row's value (here NULL) with the row total.
        + block("t.one: (3/3)", 3, 1, 0, 1, ("Most common", [(3, "None")]))
    )


def test_long_values_are_cut_to_80_characters(tmp_path):
    path = str(tmp_path / "t.db")
    Database(path)["t"].insert_all([{"c": "a" * 100}, {"c": "a" * 100}, {"c": "b"}])
    out = ok(path, "t", "--no-least")
    assert f"    2: {'a' * 80}...\n    1: b\n" in out


def test_least_common_and_flags(tmp_path):
    path = str(tmp_path / "t.db")
    Database(path)["t"].insert_all([{"c": v} for v in "abbcccdddd"])
    both = ok(path, "t", "--common-limit", "2")
    assert both == block(
        "t.c: (1/1)",
        10,
        0,
        0,
        4,
        ("Most common", [(4, "d"), (3, "c")]),
        ("Least common", [(1, "a"), (2, "b")]),
    )
    assert ok(path, "t", "--common-limit", "2", "--no-most") == block(
        "t.c: (1/1)", 10, 0, 0, 4, ("Least common", [(1, "a"), (2, "b")])
    )
    assert ok(path, "t", "--common-limit", "2", "--no-least") == block(
        "t.c: (1/1)", 10, 0, 0, 4, ("Most common", [(4, "d"), (3, "c")])
    )
    # Least common appears only when the distinct count exceeds the limit.
    assert "Least common" not in ok(path, "t")


def test_save(garden):
    ok(garden, "plants", "-c", "kind", "-c", "id", "--common-limit", "1", "--save")
    ok(garden, "plants", "-c", "kind", "--save")  # a second run replaces the row
    db = Database(garden)
    assert db["_analyze_tables_"].schema == SAVE_SCHEMA
    rows = list(db.query('select * from _analyze_tables_ order by "column"'))
    assert rows == [
        {
            "table": "plants",
            "column": "id",
            "total_rows": 4,
            "num_null": 0,
            "num_blank": 0,
            "num_distinct": 4,
            "most_common": None,
            "least_common": None,
        },
        {
            "table": "plants",
            "column": "kind",
            "total_rows": 4,
            "num_null": 0,
            "num_blank": 0,
            "num_distinct": 3,
            "most_common": json.dumps([["herb", 2], ["vegetable", 1], ["shade", 1]]),
            "least_common": None,
        },
    ]


def test_unknown_columns(garden):
    result = run(garden, "plants", "-c", "zz", "-c", "kind", "-c", "nope")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: These columns were not found: nope, zz\n"


def test_unknown_table(garden):
    result = run(garden, "plants", "trees")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: Table trees does not exist\n"


def test_view_is_not_a_table(garden):
    Database(garden).create_view("tall", "select name from plants where height > 30")
    result = run(garden, "tall")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: Table tall is actually a view\n"


def test_path_must_exist(tmp_path):
    result = run(str(tmp_path / "missing.db"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"not a database, " * 20)
    result = run(str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: file is not a database\n"
