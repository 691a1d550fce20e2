"""add_column, add_missing_columns, FK guessing, create_index and drop_index
(L-ALT-1, L-ALT-2, L-ALT-6..9)."""

import datetime
import inspect
import sqlite3

import pytest

import datamill
from datamill.db import (
    AlterError,
    BadPrimaryKey,
    Database,
    DescIndex,
    Index,
    NoObviousTable,
    OperationalError,
    Table,
)
from sql_trace import trace


@pytest.fixture
def db():
    database = Database(memory=True)
    database["dogs"].insert({"id": 1, "name": "Cleo", "age": 5}, pk="id")
    yield database
    database.close()


def column_types(table):
    return [(c.name, c.type) for c in table.columns]


# L-ALT-1 -------------------------------------------------------------------------


def test_alt_1_add_column_defaults_to_text(db):
    assert db["dogs"].add_column("nick").name == "dogs"
    assert column_types(db["dogs"])[-1] == ("nick", "TEXT")


@pytest.mark.parametrize(
    ("col_type", "sql"),
    [
        (int, "INTEGER"),
        (bool, "INTEGER"),
        (float, "REAL"),
        (str, "TEXT"),
        (bytes, "BLOB"),
        (dict, "TEXT"),
        (datetime.date, "TEXT"),
        ("INTEGER", "INTEGER"),
        ("int", "INTEGER"),
        ("float", "REAL"),
        ("FLOAT", "FLOAT"),
        ("blob", "BLOB"),
        (datamill.ANY, "ANY"),
    ],
)
def test_alt_1_add_column_accepts_type_mapping_keys(db, col_type, sql):
    db["dogs"].add_column("c", col_type)
    assert column_types(db["dogs"])[-1] == ("c", sql)


@pytest.mark.parametrize("col_type", ["VARCHAR(10)", "DATE"])
def test_alt_1_add_column_rejects_other_types(db, col_type):
    """L-TYPE-1: any other key raises KeyError(key), and nothing is altered."""
    with pytest.raises(KeyError) as info:
        db["dogs"].add_column("c", col_type)
    assert info.value.args == (col_type,)
    assert [c.name for c in db["dogs"].columns] == ["id", "name", "age"]


def test_alt_1_not_null_default(db):
    table = db["dogs"]
    statements = trace(db)
    table.add_column("friends", int, not_null_default=0)
    assert 'ALTER TABLE "dogs" ADD COLUMN "friends" INTEGER NOT NULL DEFAULT 0;' in statements.sql
    assert db["dogs"].get(1)["friends"] == 0
    assert db["dogs"].columns[-1].notnull == 1


def test_alt_1_not_null_default_string_literal(db):
    db["dogs"].add_column("status", str, not_null_default="it's")
    assert db["dogs"].schema.endswith(""", "status" TEXT NOT NULL DEFAULT 'it''s')""")
    assert db["dogs"].get(1)["status"] == "it's"


def test_alt_1_existing_column_is_an_error(db):
    with pytest.raises(sqlite3.OperationalError) as info:
        db["dogs"].add_column("name")
    assert str(info.value) == "duplicate column name: name"


def test_alt_1_fk_table_must_exist(db):
    with pytest.raises(AlterError) as info:
        db["dogs"].add_column("owner_id", int, fk="owners")
    assert str(info.value) == "table 'owners' does not exist"
    assert [c.name for c in db["dogs"].columns] == ["id", "name", "age"]


def test_alt_1_fk_col_must_exist(db):
    db["owners"].create({"id": int}, pk="id")
    with pytest.raises(AlterError) as info:
        db["dogs"].add_column("owner_id", int, fk="owners", fk_col="nope")
    assert str(info.value) == "table 'owners' has no column nope"
    assert [c.name for c in db["dogs"].columns] == ["id", "name", "age"]


def test_alt_1_fk_copies_type_of_other_pk(db):
    """L-ALT-1: without fk_col the other table's first PK is used, with its declared type."""
    db["breeds"].create({"code": str, "name": str}, pk="code")
    table = db["dogs"]
    statements = trace(db)
    assert table.add_column("breed", int, fk="breeds") is table
    assert 'ALTER TABLE "dogs" ADD COLUMN "breed" TEXT;' in statements.sql
    assert [(fk.column, fk.other_table, fk.other_column) for fk in db["dogs"].foreign_keys] == [
        ("breed", "breeds", "code")
    ]


def test_alt_1_fk_to_rowid_table(db):
    db["tags"].insert({"name": "x"})
    db["dogs"].add_column("tag", fk="tags")
    assert column_types(db["dogs"])[-1] == ("tag", "INTEGER")
    assert [(fk.other_table, fk.other_column) for fk in db["dogs"].foreign_keys] == [
        ("tags", "rowid")
    ]


def test_alt_1_explicit_fk_col_copies_no_type(db):
    db["breeds"].create({"code": int, "name": str}, pk="code")
    db["dogs"].add_column("breed_name", fk="breeds", fk_col="name")
    db["dogs"].add_column("breed_code", float, fk="breeds", fk_col="code")
    assert column_types(db["dogs"])[-2:] == [("breed_name", "TEXT"), ("breed_code", "REAL")]
    assert sorted((fk.column, fk.other_column) for fk in db["dogs"].foreign_keys) == [
        ("breed_code", "code"),
        ("breed_name", "name"),
    ]


# L-ALT-2 -------------------------------------------------------------------------


def test_alt_2_add_missing_columns(db):
    table = db["dogs"]
    assert (
        table.add_missing_columns(
            [{"NAME": "x", "weight": 1}, {"weight": 2.5, "photo": b"x", "tags": None}]
        )
        is table
    )
    assert column_types(db["dogs"]) == [
        ("id", "INTEGER"),
        ("name", "TEXT"),
        ("age", "INTEGER"),
        ("weight", "REAL"),
        ("photo", "BLOB"),
        ("tags", "TEXT"),
    ]


def test_alt_2_nothing_missing_runs_no_alter(db):
    table = db["dogs"]
    statements = trace(db)
    table.add_missing_columns([{"id": 1, "Age": 2}])
    assert not [s for s in statements.sql if s.startswith("ALTER")]


# L-ALT-6 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tables", "column", "expected"),
    [
        (["country_id"], "country_id", "country_id"),
        (["country", "countrys"], "country_id", "country"),
        (["countrys"], "country_id", "countrys"),
        (["Countrys"], "COUNTRY_ID", "Countrys"),
        (["species"], "species_id", "species"),
        (["owner", "owners"], "owner", "owner"),
        (["owners"], "owner", "owners"),
        (["Owners"], "OWNER", "Owners"),
    ],
)
def test_alt_6_guess_foreign_table(tables, column, expected):
    db = Database(memory=True)
    for name in tables:
        db[name].create({"id": int}, pk="id")
    assert db["x"].guess_foreign_table(column) == expected


@pytest.mark.parametrize(
    ("column", "tried"),
    [
        ("country_id", "['country_id', 'country', 'countrys']"),
        ("species_id", "['species_id', 'species']"),
        ("Owner", "['owner', 'owners']"),
        ("status", "['status']"),
    ],
)
def test_alt_6_no_obvious_table(db, column, tried):
    with pytest.raises(NoObviousTable) as info:
        db["dogs"].guess_foreign_table(column)
    assert str(info.value) == f"No obvious foreign key table for column '{column}' - tried {tried}"


def test_alt_6_no_english_pluralisation(db):
    db["categories"].create({"id": int}, pk="id")
    with pytest.raises(NoObviousTable):
        db["dogs"].guess_foreign_table("category_id")


# L-ALT-7 -------------------------------------------------------------------------


def test_alt_7_guess_foreign_column(db):
    assert db["dogs"].guess_foreign_column("dogs") == "id"


@pytest.mark.parametrize("setup", ["rowid", "compound", "missing"])
def test_alt_7_no_single_pk(db, setup):
    if setup == "rowid":
        db["other"].insert({"a": 1})
    elif setup == "compound":
        db["other"].create({"a": int, "b": int}, pk=("a", "b"))
    with pytest.raises(BadPrimaryKey) as info:
        db["dogs"].guess_foreign_column("other")
    assert str(info.value) == "Could not detect single primary key for table 'other'"


# L-ALT-8 -------------------------------------------------------------------------


def test_alt_8_create_index_default_name_and_result(db):
    table = db["dogs"]
    assert table.create_index(["name", "age"]) is table
    assert db["dogs"].indexes == [
        Index(
            seq=0,
            name="idx_dogs_name_age",
            unique=0,
            origin="c",
            partial=0,
            columns=["name", "age"],
        )
    ]


def test_alt_8_spaces_in_table_name_become_underscores(db):
    db["my dogs"].insert({"name": "x"})
    db["my dogs"].create_index(["name"])
    assert [i.name for i in db["my dogs"].indexes] == ["idx_my_dogs_name"]


def test_alt_8_named_unique_desc_index(db):
    db["dogs"].add_column("is_good", int)
    table = db["dogs"]
    statements = trace(db)
    table.create_index(["is_good", DescIndex("age")], index_name="good_by_age", unique=True)
    assert statements.sql == [
        'CREATE UNIQUE INDEX "good_by_age"\n    ON "dogs" ("is_good", "age" desc);'
    ]
    [xindex] = db["dogs"].xindexes
    assert [(c.name, c.desc) for c in xindex.columns if c.key] == [("is_good", 0), ("age", 1)]


def test_alt_8_existing_name(db):
    db["dogs"].create_index(["name"])
    with pytest.raises(OperationalError) as info:
        db["dogs"].create_index(["name"])
    assert str(info.value) == "index idx_dogs_name already exists"


def test_alt_8_if_not_exists_is_silent(db):
    db["dogs"].create_index(["name"])
    db["dogs"].create_index(["name"], if_not_exists=True)
    assert [i.name for i in db["dogs"].indexes] == ["idx_dogs_name"]


def test_alt_8_find_unique_name(db):
    db["dogs"].create_index(["name"])
    db["dogs"].create_index(["name"], find_unique_name=True)
    db["dogs"].create_index(["name"], find_unique_name=True)
    assert sorted(i.name for i in db["dogs"].indexes) == [
        "idx_dogs_name",
        "idx_dogs_name_2",
        "idx_dogs_name_3",
    ]


def test_alt_8_analyze_uses_created_name(db):
    db["dogs"].create_index(["name"])
    table = db["dogs"]
    statements = trace(db)
    table.create_index(["name"], find_unique_name=True, analyze=True)
    assert statements.sql[-1] == 'ANALYZE "idx_dogs_name_2"'


def test_alt_8_unique_index_on_duplicates(db):
    db["dogs"].insert({"id": 2, "name": "Cleo"})
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].create_index(["name"], unique=True)
    assert str(info.value) == "UNIQUE constraint failed: dogs.name"
    assert db["dogs"].indexes == []


# L-ALT-9 -------------------------------------------------------------------------


def test_alt_9_drop_index(db):
    db["dogs"].create_index(["name"])
    table = db["dogs"]
    statements = trace(db)
    assert table.drop_index("idx_dogs_name") is table
    assert 'DROP INDEX "idx_dogs_name"' in statements.sql
    assert db["dogs"].indexes == []


def test_alt_9_missing_index(db):
    with pytest.raises(OperationalError) as info:
        db["dogs"].drop_index("nope")
    assert str(info.value) == "No index named nope on table dogs"


def test_alt_9_index_of_another_table(db):
    db["cats"].insert({"name": "x"})
    db["cats"].create_index(["name"])
    with pytest.raises(OperationalError) as info:
        db["dogs"].drop_index("idx_cats_name")
    assert str(info.value) == "No index named idx_cats_name on table dogs"
    assert [i.name for i in db["cats"].indexes] == ["idx_cats_name"]


def test_alt_9_ignore(db):
    table = db["dogs"]
    assert table.drop_index("nope", ignore=True) is table


E = inspect.Parameter.empty


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (
            "add_column",
            [
                ("col_name", E),
                ("col_type", None),
                ("fk", None),
                ("fk_col", None),
                ("not_null_default", None),
            ],
        ),
        ("add_missing_columns", [("records", E)]),
        (
            "create_index",
            [
                ("columns", E),
                ("index_name", None),
                ("unique", False),
                ("if_not_exists", False),
                ("find_unique_name", False),
                ("analyze", False),
            ],
        ),
        ("drop_index", [("index_name", E), ("ignore", False)]),
        ("guess_foreign_table", [("column", E)]),
        ("guess_foreign_column", [("other_table", E)]),
    ],
)
def test_alt_signatures(method, expected):
    params = list(inspect.signature(getattr(Table, method)).parameters.values())[1:]
    assert [(p.name, p.default) for p in params] == expected
