"""lookup() (L-LOOK-1) and the lookup tables made by extracts= (L-LOOK-3)."""

import inspect
import sqlite3

import pytest

from datamill.db import Index, Table
from sql_trace import trace


def test_look_1_creates_table_row_and_unique_index(db):
    assert db["species"].lookup({"name": "Palm", "kind": "tree"}, {"extra": 1}) == 1
    assert db["species"].schema == (
        'CREATE TABLE "species" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "name" TEXT,\n'
        '   "kind" TEXT,\n'
        '   "extra" INTEGER\n'
        ")"
    )
    assert db["species"].indexes == [
        Index(
            seq=0,
            name="idx_species_name_kind",
            unique=1,
            origin="c",
            partial=0,
            columns=["name", "kind"],
        )
    ]


def test_look_1_returns_existing_pk_and_ignores_extra_values(db):
    db["species"].lookup({"name": "Palm"}, {"extra": 1})
    db["species"].lookup({"name": "Oak"}, {"extra": 2})
    assert db["species"].lookup({"name": "Palm"}, {"extra": 99}) == 1
    assert db["species"].lookup({"name": "Fir"}, {"extra": 3}) == 3
    assert list(db["species"].rows) == [
        {"id": 1, "name": "Palm", "extra": 1},
        {"id": 2, "name": "Oak", "extra": 2},
        {"id": 3, "name": "Fir", "extra": 3},
    ]


def test_look_1_none_matches_none(db):
    first = db["species"].lookup({"name": "Oak", "kind": None})
    assert db["species"].lookup({"name": "Oak", "kind": None}) == first
    assert db["species"].count == 1


def test_look_1_match_sql_uses_is(db):
    db["species"].lookup({"name": "Oak"})
    table = db["species"]
    statements = trace(db)
    table.lookup({"name": "Oak"})
    assert [s for s in statements if s[0].startswith("select") and "IS ?" in s[0]] == [
        ('select "id" from "species" where "name" IS ? limit 1', ["Oak"])
    ]


def test_look_1_existing_table_gets_unique_index(db):
    db["species"].insert_all([{"id": 1, "name": "Palm"}, {"id": 2, "name": "Oak"}], pk="id")
    assert db["species"].lookup({"name": "Oak"}) == 2
    assert [(i.name, i.unique, i.columns) for i in db["species"].indexes] == [
        ("idx_species_name", 1, ["name"])
    ]


def test_look_1_existing_index_with_same_columns_any_case_or_order_is_reused(db):
    db["t"].insert({"id": 1, "A": "x", "b": "y"}, pk="id")
    db["t"].create_index(["b", "A"], index_name="mine", unique=True)
    assert db["t"].lookup({"a": "x", "B": "y"}) == 1
    assert [i.name for i in db["t"].indexes] == ["mine"]


def test_look_1_existing_duplicates_raise_and_roll_back(db):
    db["t"].insert_all([{"id": 1, "name": "x"}, {"id": 2, "name": "x"}], pk="id")
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["t"].lookup({"name": "x"}, {"new_col": 1})
    assert str(info.value) == "UNIQUE constraint failed: t.name"
    assert [c.name for c in db["t"].columns] == ["id", "name"]
    assert db["t"].indexes == []


def test_look_1_adds_missing_columns(db):
    db["t"].insert({"id": 1, "name": "x"}, pk="id")
    assert db["t"].lookup({"name": "y", "kind": "k"}, {"score": 1.5}) == 2
    assert [(c.name, c.type) for c in db["t"].columns] == [
        ("id", "INTEGER"),
        ("name", "TEXT"),
        ("kind", "TEXT"),
        ("score", "REAL"),
    ]
    assert db["t"].get(2) == {"id": 2, "name": "y", "kind": "k", "score": 1.5}


def test_look_1_custom_pk_and_pass_through_arguments(db):
    pk = db["t"].lookup(
        {"name": "x"},
        {"n": 1},
        pk="code",
        column_order=["name"],
        not_null={"name"},
        defaults={"n": 0},
        columns={"n": float},
        strict=True,
    )
    assert pk == 1
    strict = " STRICT" if db.supports_strict else ""
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "code" INTEGER PRIMARY KEY,\n'
        '   "name" TEXT NOT NULL,\n'
        '   "n" REAL DEFAULT 0\n'
        f"){strict}"
    )


def test_look_1_conversions_pass_through(db):
    assert db["t"].lookup({"name": "x"}, {"tag": "a"}, conversions={"tag": "upper(?)"}) == 1
    assert list(db["t"].rows) == [{"id": 1, "name": "x", "tag": "A"}]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lookup_values": ["name"]}, "lookup_values must be a dictionary"),
        ({"lookup_values": {"name": "x"}, "pk": None}, "pk cannot be None"),
        (
            {"lookup_values": {"name": "x"}, "extra_values": ["a"]},
            "extra_values must be a dictionary",
        ),
    ],
)
def test_look_1_errors(db, kwargs, message):
    with pytest.raises(ValueError) as info:
        db["t"].lookup(**kwargs)
    assert str(info.value) == message
    assert db.table_names() == []


def test_look_1_encodes_values(db):
    first = db["t"].lookup({"tags": ["a", "b"]})
    assert db["t"].lookup({"tags": ["a", "b"]}) == first
    assert list(db["t"].rows) == [{"id": 1, "tags": '["a", "b"]'}]


def test_look_3_extracts_lookup_table_shape_and_index(db):
    db["trees"].insert({"id": 1, "species": "Oak"}, pk="id", extracts=["species"])
    assert db["species"].schema == (
        'CREATE TABLE "species" (\n   "id" INTEGER PRIMARY KEY,\n   "value" TEXT\n)'
    )
    assert [(i.name, i.unique, i.columns) for i in db["species"].indexes] == [
        ("idx_species_value", 1, ["value"])
    ]
    assert list(db["species"].rows) == [{"id": 1, "value": "Oak"}]


def test_look_1_signature():
    params = list(inspect.signature(Table.lookup).parameters.values())[1:]
    assert [(p.name, p.default) for p in params] == [
        ("lookup_values", inspect.Parameter.empty),
        ("extra_values", None),
        ("pk", "id"),
        ("foreign_keys", None),
        ("column_order", None),
        ("not_null", None),
        ("defaults", None),
        ("extracts", None),
        ("conversions", None),
        ("columns", None),
        ("strict", False),
    ]
