"""table.extract() (L-XFM-9)."""

from __future__ import annotations

import pytest

from datamill import ANY
from datamill.db import Database, Index, InvalidColumns
from datamill.utils import sqlite3


@pytest.fixture
def db():
    database = Database(memory=True)
    database["trees"].insert_all(
        [
            {"id": 1, "addr": "1 Elm", "species": "Oak", "latin": "Quercus"},
            {"id": 2, "addr": "2 Elm", "species": None, "latin": None},
            {"id": 3, "addr": "3 Elm", "species": "Oak", "latin": "Quercus"},
            {"id": 4, "addr": "4 Elm", "species": "Ash", "latin": None},
        ],
        pk="id",
    )
    yield database
    database.close()


def test_extract_single_column(db):
    db["trees"].extract("species")
    assert db["trees"].schema == (
        'CREATE TABLE "trees" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "addr" TEXT,\n'
        '   "species_id" INTEGER REFERENCES "species"("id"),\n'
        '   "latin" TEXT\n'
        ")"
    )
    assert db["species"].schema == (
        'CREATE TABLE "species" (\n   "id" INTEGER PRIMARY KEY,\n   "species" TEXT\n)'
    )
    assert db["species"].indexes == [
        Index(
            seq=0, name="idx_species_species", unique=1, origin="c", partial=0, columns=["species"]
        )
    ]
    assert list(db["species"].rows) == [{"id": 1, "species": "Oak"}, {"id": 2, "species": "Ash"}]
    assert [r["species_id"] for r in db["trees"].rows] == [1, None, 1, 2]


def test_extract_returns_table(db):
    table = db["trees"]
    assert table.extract("species") is table


def test_extract_several_columns_names_and_nulls(db):
    db["trees"].extract(["species", "LATIN"])
    assert [c.name for c in db["trees"].columns] == ["id", "addr", "species_latin_id"]
    assert list(db["species_latin"].rows) == [
        {"id": 1, "species": "Oak", "latin": "Quercus"},
        {"id": 2, "species": "Ash", "latin": None},
    ]
    # a row whose extracted columns are all NULL gets no lookup row and a NULL key
    assert [r["species_latin_id"] for r in db["trees"].rows] == [1, None, 1, 2]


def test_extract_table_fk_column_and_rename(db):
    db["trees"].extract("species", table="kinds", fk_column="kind", rename={"species": "name"})
    assert db["kinds"].schema == (
        'CREATE TABLE "kinds" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT\n)'
    )
    assert [fk.columns + fk.other_columns for fk in db["trees"].foreign_keys] == [("kind", "id")]
    assert db["trees"].get(4)["kind"] == 2


def test_extract_fk_column_named_like_the_extracted_column(db):
    # issue 11 §3.7: fk_column may reuse the name of a column being extracted.
    db["trees"].extract("species", fk_column="species")
    assert db["trees"].schema == (
        'CREATE TABLE "trees" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "addr" TEXT,\n'
        '   "species" INTEGER REFERENCES "species"("id"),\n'
        '   "latin" TEXT\n'
        ")"
    )
    assert [(r["id"], r["species"]) for r in db["trees"].rows] == [
        (1, 1),
        (2, None),
        (3, 1),
        (4, 2),
    ]
    assert list(db["species"].rows) == [{"id": 1, "species": "Oak"}, {"id": 2, "species": "Ash"}]


def test_extract_fk_column_respelled_keeps_the_column_position(db):
    db["trees"].extract("species", fk_column="Species")
    assert [c.name for c in db["trees"].columns] == ["id", "addr", "Species", "latin"]


def test_extract_several_columns_into_one_of_their_names(db):
    # The spelling given as fk_column wins; the other extracted column goes too.
    db["trees"].extract(["species", "latin"], fk_column="Latin")
    assert db["trees"].schema == (
        'CREATE TABLE "trees" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "addr" TEXT,\n'
        '   "Latin" INTEGER REFERENCES "species_latin"("id")\n'
        ")"
    )
    assert [r["Latin"] for r in db["trees"].rows] == [1, None, 1, 2]


def test_extract_fk_column_named_like_a_kept_column_fails_and_changes_nothing(db):
    schema = db.schema
    with pytest.raises(sqlite3.OperationalError, match="^duplicate column name: addr$"):
        db["trees"].extract("species", fk_column="addr")
    assert db.schema == schema


def test_extract_into_existing_lookup_reuses_rows(db):
    db["species"].insert({"id": 10, "species": "Ash"}, pk="id")
    db["species"].insert({"id": 11, "species": None})
    db["trees"].extract("species")
    assert [r["species_id"] for r in db["trees"].rows] == [12, None, 12, 10]
    assert db["species"].count == 3


def test_extract_unknown_columns(db):
    before = db.schema
    with pytest.raises(InvalidColumns) as excinfo:
        db["trees"].extract(["species", "nope"])
    assert str(excinfo.value) == (
        "Invalid columns ['nope'] for table with columns ['id', 'addr', 'species', 'latin']"
    )
    assert db.schema == before


def test_extract_incompatible_lookup_table(db):
    db["species"].create({"id": int, "name": str}, pk="id")
    before = db.schema
    with pytest.raises(InvalidColumns) as excinfo:
        db["trees"].extract("species")
    assert str(excinfo.value) == (
        "Lookup table species already exists but does not have columns {'species': <class 'str'>}"
    )
    assert db.schema == before


def test_extract_strict_any_needs_strict_lookup():
    db = Database(memory=True)
    db["events"].insert(
        {"id": 1, "payload": "000123"}, pk="id", columns={"payload": ANY}, strict=True
    )
    db["payload"].create({"id": int, "payload": ANY}, pk="id")
    with pytest.raises(InvalidColumns) as excinfo:
        db["events"].extract("payload")
    assert str(excinfo.value) == (
        "Lookup table payload already exists but is not STRICT, so it cannot preserve ANY "
        "column values"
    )
    db["payload"].drop()
    db["events"].extract("payload")
    assert db["payload"].strict
    assert db["payload"].get(1) == {"id": 1, "payload": "000123"}


def test_extract_failure_rolls_back(db):
    db.execute("create index idx_latin on trees (latin)")
    before = db.schema
    rows = list(db["trees"].rows)
    with pytest.raises(Exception, match="idx_latin"):
        db["trees"].extract("latin")
    assert db.schema == before
    assert list(db["trees"].rows) == rows
    assert "latin" not in db.table_names()
