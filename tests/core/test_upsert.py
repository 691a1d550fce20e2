"""Upsert: SQL forms, key checks, adopted keys and the legacy two-step upsert (L-INS-6/7)."""

import pytest

from datamill.db import Database, PrimaryKeyRequired
from sql_trace import trace


@pytest.fixture
def dogs(db):
    db["dogs"].insert_all(
        [{"id": 1, "name": "Cleo", "age": 5}, {"id": 2, "name": "Pancakes", "age": 4}], pk="id"
    )
    return db


def test_ins_6_upsert_sql(dogs):
    statements = trace(dogs)
    dogs["dogs"].upsert_all([{"id": 1, "name": "A"}, {"id": 3, "name": "B"}], pk="id")
    assert statements.starting_with("INSERT", "UPDATE") == [
        (
            'INSERT INTO "dogs" ("id", "name") VALUES (?, ?), (?, ?) ON CONFLICT("id") DO UPDATE '
            'SET "name" = excluded."name"',
            [1, "A", 3, "B"],
        )
    ]


def test_ins_6_upsert_leaves_columns_not_in_records_unchanged(dogs):
    dogs["dogs"].upsert_all([{"id": 1, "name": "A"}, {"id": 3, "name": "B"}], pk="id")
    assert list(dogs["dogs"].rows) == [
        {"id": 1, "name": "A", "age": 5},
        {"id": 2, "name": "Pancakes", "age": 4},
        {"id": 3, "name": "B", "age": None},
    ]


def test_ins_6_upsert_all_columns_pk_does_nothing_on_conflict(db):
    db["t"].insert({"a": 1, "b": 2}, pk=("a", "b"))
    statements = trace(db)
    db["t"].upsert_all([{"a": 1, "b": 2}, {"a": 1, "b": 3}], pk=("a", "b"))
    assert statements.starting_with("INSERT", "UPDATE")[0][0] == (
        'INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?) ON CONFLICT("a", "b") DO NOTHING'
    )
    assert list(db["t"].rows) == [{"a": 1, "b": 2}, {"a": 1, "b": 3}]


def test_ins_6_upsert_creates_table(db):
    table = db["t"].upsert({"id": 1, "v": "x"}, pk="id")
    assert table.schema == 'CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY,\n   "v" TEXT\n)'
    assert list(table.rows) == [{"id": 1, "v": "x"}]


def test_ins_6_upsert_with_hash_id(db):
    db["t"].upsert({"a": 1, "b": "x"}, hash_id="h")
    db["t"].upsert({"a": 1, "b": "x"}, hash_id="h")
    assert db["t"].count == 1


def test_ins_6_upsert_pk_matched_case_insensitively(dogs):
    dogs["dogs"].upsert({"ID": 1, "age": 6}, pk="Id")
    assert dogs["dogs"].get(1) == {"id": 1, "name": "Cleo", "age": 6}


def test_ins_7_missing_pk_column(dogs):
    with pytest.raises(PrimaryKeyRequired) as info:
        dogs["dogs"].upsert({"name": "No key"}, pk="id")
    assert str(info.value) == (
        'upsert() requires a value for the primary key column: id (row 1, column "id")'
    )
    assert info.value.row_number == 1


def test_ins_7_missing_compound_pk_columns_plural(db):
    db["t"].insert({"a": 1, "b": 2, "v": 0}, pk=("a", "b"))
    with pytest.raises(PrimaryKeyRequired) as info:
        db["t"].upsert({"a": 1, "v": 3}, pk=("a", "b"))
    assert str(info.value) == (
        "upsert() requires a value for the primary key columns: a, b (row 1)"
    )


def test_ins_7_none_pk_value(dogs):
    with pytest.raises(PrimaryKeyRequired) as info:
        dogs["dogs"].upsert_all([{"id": 3, "name": "x"}, {"id": None, "name": "y"}], pk="id")
    assert str(info.value) == (
        'upsert() requires a value for the primary key column: id (row 2, column "id")'
    )
    assert info.value.row_number == 2
    assert dogs["dogs"].count == 2


def test_ins_7_empty_record_row_number(dogs):
    with pytest.raises(PrimaryKeyRequired) as info:
        dogs["dogs"].upsert_all([{"id": 3}, {}], pk="id")
    assert str(info.value) == (
        "upsert() requires a value for the primary key - an empty record cannot be upserted (row 2)"
    )


@pytest.fixture
def legacy(tmp_path):
    database = Database(memory=True, use_old_upsert=True)
    database["dogs"].insert_all([{"id": 1, "name": "Cleo", "age": 5}], pk="id", not_null={"name"})
    yield database
    database.close()


def test_ins_6_legacy_upsert_sql(legacy):
    statements = trace(legacy)
    legacy["dogs"].upsert_all(
        [{"id": 1, "age": 6}, {"id": 2, "name": "Rex"}], pk="id", not_null={"name"}
    )
    assert statements.starting_with("INSERT", "UPDATE") == [
        ('INSERT OR IGNORE INTO "dogs"("id", "name") VALUES(?, ?);', [1, ""]),
        ('UPDATE "dogs" SET "age" = ? WHERE "id" = ?', [6, 1]),
        ('INSERT OR IGNORE INTO "dogs"("id", "name") VALUES(?, ?);', [2, ""]),
        ('UPDATE "dogs" SET "name" = ? WHERE "id" = ?', ["Rex", 2]),
    ]
    assert list(legacy["dogs"].rows) == [
        {"id": 1, "name": "Cleo", "age": 6},
        {"id": 2, "name": "Rex", "age": None},
    ]


def test_ins_6_legacy_upsert_used_when_on_conflict_unsupported(db, monkeypatch):
    db["t"].insert({"id": 1, "v": "a"}, pk="id")
    monkeypatch.setattr(Database, "supports_on_conflict", property(lambda self: False))
    statements = trace(db)
    db["t"].upsert({"id": 1, "v": "b"}, pk="id")
    assert [s for s, _ in statements.starting_with("INSERT", "UPDATE")] == [
        'INSERT OR IGNORE INTO "t"("id") VALUES(?);',
        'UPDATE "t" SET "v" = ? WHERE "id" = ?',
    ]
    assert list(db["t"].rows) == [{"id": 1, "v": "b"}]


def test_ins_6_legacy_upsert_last_pk(legacy):
    table = legacy["dogs"].upsert({"id": 4, "name": "Four"}, pk="id")
    assert (table.last_rowid, table.last_pk) == (None, 4)


def test_ins_10_legacy_upsert_applies_conversions(legacy):
    statements = trace(legacy)
    legacy["dogs"].upsert({"id": 1, "name": "rex"}, pk="id", conversions={"name": "upper(?)"})
    assert statements.starting_with("INSERT", "UPDATE")[1] == (
        'UPDATE "dogs" SET "name" = upper(?) WHERE "id" = ?',
        ["rex", 1],
    )
    assert legacy["dogs"].get(1)["name"] == "REX"
