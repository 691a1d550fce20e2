"""L-CONV: Table.convert, including the L-IMP-4 row naming and one-transaction rollback."""

import pytest

import datamill
from datamill.db import BadMultiValues
from datamill.utils import sqlite3


@pytest.fixture
def db():
    db = datamill.Database(memory=True)
    db["posts"].insert_all(
        [{"id": i, "title": t, "n": i * 10} for i, t in enumerate(["one", "two", "three"], 1)],
        pk="id",
    )
    return db


def titles(db):
    return [row["title"] for row in db["posts"].rows_where(order_by="id")]


def test_convert_one_column_with_named_function_sql(db):
    statements = []
    with db.tracer(lambda sql, params: statements.append(sql)):
        db["posts"].convert("title", str.upper)
    assert titles(db) == ["ONE", "TWO", "THREE"]
    assert 'update "posts" set "title" = upper("title");' in statements


def test_convert_lambda_gets_unique_name_and_none_for_null(db):
    db["posts"].insert({"id": 4, "title": None}, pk="id")
    seen = []

    def record(value):
        seen.append(value)
        return value

    db["posts"].convert("title", record)
    assert None in seen
    statements = []
    with db.tracer(lambda sql, params: statements.append(sql)):
        db["posts"].convert("TITLE", lambda v: v and v[::-1])
    assert any('"title" = lambda_' in sql for sql in statements)
    assert titles(db)[:3] == ["eno", "owt", "eerht"]


def test_where_and_where_args(db):
    db["posts"].convert("title", str.upper, where="id > :min", where_args={"min": 1})
    assert titles(db) == ["one", "TWO", "THREE"]


def test_several_columns_and_encoded_results(db):
    db["posts"].convert(["title", "n"], lambda v: [v])
    row = db["posts"].get(1)
    assert row["title"] == '["one"]'
    assert row["n"] == "[10]"


def test_output_column_created_with_type_and_drop(db):
    db["posts"].convert("n", lambda v: v / 4, output="quarter", output_type=float, drop=True)
    assert [c.name for c in db["posts"].columns] == ["id", "title", "quarter"]
    assert db["posts"].columns_dict["quarter"] is float
    assert db["posts"].get(2)["quarter"] == 5.0


def test_output_matches_an_existing_column_case_insensitively(db):
    # L-GEN-3, issue 11 §3.4: output="upper" writes into the existing column "Upper".
    db["posts"].add_column("Upper", str)
    db["posts"].convert("title", str.upper, output="upper")
    assert db["posts"].schema == (
        'CREATE TABLE "posts" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "title" TEXT,\n'
        '   "n" INTEGER\n'
        ', "Upper" TEXT)'
    )
    assert [row["Upper"] for row in db["posts"].rows] == ["ONE", "TWO", "THREE"]


def test_output_needs_single_column(db):
    with pytest.raises(ValueError, match=r"^output= can only be used with a single column$"):
        db["posts"].convert(["title", "n"], str, output="x")


def test_multi_adds_typed_columns(db):
    db["posts"].convert("title", lambda v: {"upper": v.upper(), "length": len(v)}, multi=True)
    assert db["posts"].get(3) == {
        "id": 3,
        "title": "three",
        "n": 30,
        "upper": "THREE",
        "length": 5,
    }
    assert db["posts"].columns_dict["length"] is int


def test_multi_none_skips_and_drop(db):
    db["posts"].convert(
        "title", lambda v: None if v == "two" else {"first": v[0]}, multi=True, drop=True
    )
    assert [c.name for c in db["posts"].columns] == ["id", "n", "first"]
    assert [r["first"] for r in db["posts"].rows_where(order_by="id")] == ["o", None, "t"]


def test_multi_bad_values(db):
    with pytest.raises(BadMultiValues) as info:
        db["posts"].convert("title", lambda v: [v], multi=True)
    assert info.value.values == ["one"]
    assert str(info.value) == "['one']"
    assert "first" not in {c.name for c in db["posts"].columns}


def test_failure_names_row_and_leaves_table_unchanged(db):
    def explode_on_three(value):
        if value == "three":
            raise ValueError("bad value")
        return value.upper()

    # L-IMP-4, L-FUNC-3, issue 11 §3.11: SQLite's error, annotated; the function's as cause.
    with pytest.raises(sqlite3.OperationalError) as info:
        db["posts"].convert("title", explode_on_three)
    assert str(info.value) == 'user-defined function raised exception (row 3, column "title")'
    assert (info.value.row_number, info.value.column) == (3, "title")
    assert info.value.sqlite_errorname == "SQLITE_ERROR"
    assert repr(info.value.__cause__) == "ValueError('bad value')"
    assert titles(db) == ["one", "two", "three"]


def test_multi_failure_rolls_back_added_columns(db):
    def explode(value):
        if value == "two":
            raise KeyError("nope")
        return {"extra": 1}

    # With multi=True the function runs in Python: its own class, annotated (L-IMP-4).
    with pytest.raises(KeyError) as info:
        db["posts"].convert("title", explode, multi=True)
    assert str(info.value) == """'\\'nope\\' (row 2, column "title")'"""
    assert info.value.row_number == 2
    assert [c.name for c in db["posts"].columns] == ["id", "title", "n"]


def test_failure_in_second_column_names_its_row_and_column(db):
    def explode_on_twenty(value):
        if value == 20:
            raise ValueError("bad")
        return value

    with pytest.raises(sqlite3.OperationalError) as info:
        db["posts"].convert(["title", "n"], explode_on_twenty)
    assert str(info.value) == 'user-defined function raised exception (row 2, column "n")'
    assert (info.value.row_number, info.value.column) == (2, "n")
    assert titles(db) == ["one", "two", "three"]
