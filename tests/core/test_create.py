"""Creating tables: Table.create, db.create_table and their arguments (L-CRT-1..10)."""

import inspect
import sqlite3

import pytest

from datamill.db import DEFAULT, AlterError, Database, ForeignKey, NoObviousTable, Table
from datamill.utils import hash_record
from sql_trace import trace

needs_transform = pytest.mark.skipif(
    not hasattr(Table, "transform"),
    reason="create(transform=True) with changes calls Table.transform(), which is being written "
    "on branch `schema`",
)


def columns_of(table):
    return [(c.name, c.type, c.notnull, c.is_pk) for c in table.columns]


# L-CRT-1 -------------------------------------------------------------------------


def test_crt_1_create_returns_table_and_uses_columns_mapping(db):
    table = db["t"]
    assert table.create({"id": int, "name": str, "w": float, "b": bytes}, pk="id") is table
    assert columns_of(table) == [
        ("id", "INTEGER", 0, 1),
        ("name", "TEXT", 0, 0),
        ("w", "REAL", 0, 0),
        ("b", "BLOB", 0, 0),
    ]


def test_crt_1_default_arguments_resolve_from_table_configuration(db):
    table = db.table("t", pk="id", not_null={"name"}, defaults={"name": "x"})
    table.create({"id": int, "name": str})
    assert table.schema == (
        'CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT NOT NULL DEFAULT \'x\'\n)'
    )


def test_crt_1_resolved_values_are_stored_back_into_configuration(db):
    table = db["t"]
    table.create({"id": int, "name": str}, pk="id", not_null={"name"}, column_order=["name"])
    assert table.value_or_default("pk", DEFAULT) == "id"
    assert table.value_or_default("not_null", DEFAULT) == {"name"}
    assert table.value_or_default("column_order", DEFAULT) == ["name"]
    # the stored pk is then used by later calls on the same object
    table.upsert({"id": 1, "name": "a"}).upsert({"id": 1, "name": "b"})
    assert list(table.rows) == [{"name": "b", "id": 1}]


def test_crt_1_strict_is_stored_only_when_truthy(db):
    table = db.table("t", strict=True)
    table.create({"a": str}, strict=False)
    assert table.value_or_default("strict", DEFAULT) is True
    loose = db["u"]
    loose.create({"a": str}, strict=True)
    assert loose.value_or_default("strict", DEFAULT) is True


def test_crt_1_configuration_is_stored_even_when_ignore_skips_creation(db):
    db["t"].create({"a": int})
    table = db["t"]
    table.create({"a": int}, pk="a", not_null={"a"}, ignore=True)
    assert table.value_or_default("pk", DEFAULT) == "a"
    assert table.value_or_default("not_null", DEFAULT) == {"a"}
    assert db["t"].pks == ["rowid"]


def test_crt_1_pk_is_not_stored_when_hash_id_is_set(db):
    table = db["t"]
    table.create({"a": str}, hash_id="h")
    assert table.value_or_default("hash_id", DEFAULT) == "h"
    assert table.value_or_default("pk", DEFAULT) is None


def test_crt_1_create_runs_in_one_transaction(db):
    """A failing CREATE also rolls back extract lookup tables made for it."""
    db.execute("create table other (a text)")
    db.execute('create index "clash" on other (a)')
    with pytest.raises(sqlite3.OperationalError, match="there is already an index named clash"):
        db["clash"].create({"species": str}, extracts=["species"])
    assert db.table_names() == ["other"]


# L-CRT-2 -------------------------------------------------------------------------


def test_crt_2_create_table_returns_configured_table(db):
    table = db.create_table("t", {"id": int, "name": str}, pk="id", not_null={"name"})
    assert isinstance(table, Table)
    assert table.name == "t"
    assert table.value_or_default("pk", DEFAULT) == "id"
    assert table.value_or_default("not_null", DEFAULT) == {"name"}
    assert columns_of(table) == [("id", "INTEGER", 0, 1), ("name", "TEXT", 1, 0)]


def test_crt_2_create_table_sql_does_not_create_the_table(db):
    sql = db.create_table_sql("t", {"a": str})
    assert sql == 'CREATE TABLE "t" (\n   "a" TEXT\n);\n        '
    assert db.table_names() == []


def test_crt_2_create_table_sql_may_create_extract_lookup_tables(db):
    sql = db.create_table_sql("t", {"species": str}, extracts=["species"])
    assert sql == (
        'CREATE TABLE "t" (\n   "species" INTEGER REFERENCES "species"("id")\n);\n        '
    )
    assert db.table_names() == ["species"]


# L-CRT-3 -------------------------------------------------------------------------


def test_crt_3_missing_pk_column_is_added_first_as_integer(db):
    db["t"].create({"name": str}, pk="id")
    assert columns_of(db["t"]) == [("id", "INTEGER", 0, 1), ("name", "TEXT", 0, 0)]


def test_crt_3_one_item_tuple_is_a_single_column_pk(db):
    db["t"].create({"id": int, "name": str}, pk=("id",))
    assert db["t"].schema == ('CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT\n)')


def test_crt_3_compound_pk_in_given_order(db):
    db["t"].create({"a": str, "b": int}, pk=("b", "a"))
    assert db["t"].schema.endswith('   PRIMARY KEY ("b", "a")\n)')
    assert db["t"].pks == ["b", "a"]


def test_crt_3_compound_pk_on_insert_and_upsert(db):
    db["t"].insert_all([{"a": "x", "b": 1, "v": 1}], pk=("a", "b"))
    db["u"].upsert_all([{"a": "x", "b": 1, "v": 1}], pk=("a", "b"))
    assert db["t"].pks == ["a", "b"]
    assert db["u"].pks == ["a", "b"]


def test_crt_3_no_pk_is_a_rowid_table(db):
    db["t"].create({"a": str})
    assert db["t"].use_rowid
    assert db["t"].pks == ["rowid"]


@pytest.mark.parametrize("alias", ["rowid", "_rowid_", "oid"])
def test_crt_3_rowid_aliases_accepted_on_insert_into_rowid_table(db, alias):
    db["t"].insert({"a": "x"})
    table = db["t"].insert({"a": "y"}, pk=alias)
    assert table.last_rowid == 2
    assert table.last_pk == 2


def test_crt_3_case_insensitive_pk(db):
    """L-GEN-3: pk matched case-insensitively, schema spelling used."""
    db["t"].create({"Id": int, "name": str}, pk="ID")
    assert db["t"].pks == ["Id"]
    assert len(db["t"].columns) == 2


# L-CRT-4 -------------------------------------------------------------------------


def test_crt_4_not_null_and_defaults(db):
    db["t"].create(
        {"a": str, "b": int, "c": str}, not_null={"a", "b"}, defaults={"b": 3, "c": None}
    )
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "a" TEXT NOT NULL,\n'
        '   "b" INTEGER NOT NULL DEFAULT 3,\n'
        '   "c" TEXT\n'
        ")"
    )
    assert db["t"].default_values == {"b": 3}


def test_crt_4_not_null_unknown_column(db):
    with pytest.raises(ValueError) as info:
        db["t"].create({"a": str}, not_null={"nope"})
    assert str(info.value) == "not_null set {'nope'} includes items not in columns {'a'}"
    assert db.table_names() == []


def test_crt_4_defaults_unknown_column(db):
    with pytest.raises(ValueError) as info:
        db["t"].create({"a": str}, defaults={"nope": 1})
    assert str(info.value) == "defaults set {'nope'} includes items not in columns {'a'}"


def test_crt_4_no_columns(db):
    with pytest.raises(ValueError) as info:
        db["t"].create({})
    assert str(info.value) == "Tables must have at least one column"


def test_crt_4_not_null_and_defaults_case_insensitive(db):
    db["t"].create({"Name": str}, not_null={"name"}, defaults={"NAME": "x"})
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "Name" TEXT NOT NULL DEFAULT \'x\'\n)'


# L-CRT-5 -------------------------------------------------------------------------


@pytest.fixture
def owners(db):
    db["owners"].create({"id": int, "name": str}, pk="id")
    return db


def test_crt_5_guessed_other_table_and_column(owners):
    owners["pets"].create({"id": int, "owner_id": int}, pk="id", foreign_keys=["owner_id"])
    assert owners["pets"].foreign_keys == [ForeignKey("pets", "owner_id", "owners", "id")]


def test_crt_5_pair_and_triple(owners):
    owners["a"].create({"owner": int}, foreign_keys=[("owner", "owners")])
    owners["b"].create({"owner": str}, foreign_keys=[("owner", "owners", "name")])
    assert owners["a"].schema == (
        'CREATE TABLE "a" (\n   "owner" INTEGER REFERENCES "owners"("id")\n)'
    )
    assert owners["b"].schema == (
        'CREATE TABLE "b" (\n   "owner" TEXT REFERENCES "owners"("name")\n)'
    )


def test_crt_5_four_tuple(owners):
    owners["pets"].create({"owner_id": int}, foreign_keys=[("pets", "owner_id", "owners", "id")])
    assert owners["pets"].foreign_keys[0].other_table == "owners"


def test_crt_5_four_tuple_must_name_this_table(owners):
    with pytest.raises(ValueError) as info:
        owners["pets"].create(
            {"owner_id": int}, foreign_keys=[("cats", "owner_id", "owners", "id")]
        )
    assert str(info.value) == (
        "First item in ('cats', 'owner_id', 'owners', 'id') should have been pets"
    )


def test_crt_5_compound_fk_defaults_to_other_pk(db):
    db["departments"].create({"campus": str, "dept": str}, pk=("campus", "dept"))
    db["courses"].create(
        {"id": int, "campus": str, "dept": str},
        pk="id",
        foreign_keys=[(("campus", "dept"), "departments")],
    )
    [fk] = db["courses"].foreign_keys
    assert fk.is_compound
    assert fk.columns == ("campus", "dept")
    assert fk.other_columns == ("campus", "dept")
    assert db["courses"].schema == (
        'CREATE TABLE "courses" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "campus" TEXT,\n'
        '   "dept" TEXT,\n'
        '   FOREIGN KEY ("campus", "dept") REFERENCES "departments"("campus", "dept")\n'
        ")"
    )


def test_crt_5_one_item_compound_tuple_is_single_column(owners):
    owners["pets"].create({"owner_id": int}, foreign_keys=[(("owner_id",), "owners", ("id",))])
    assert owners["pets"].schema == (
        'CREATE TABLE "pets" (\n   "owner_id" INTEGER REFERENCES "owners"("id")\n)'
    )


def test_crt_5_foreign_key_object_with_actions(owners):
    fk = ForeignKey("pets", "owner_id", "owners", "id", on_delete="CASCADE")
    owners["pets"].create({"owner_id": int}, foreign_keys=[fk])
    assert owners["pets"].schema == (
        'CREATE TABLE "pets" (\n'
        '   "owner_id" INTEGER REFERENCES "owners"("id") ON DELETE CASCADE\n'
        ")"
    )


def test_crt_5_mixed_forms_in_one_list(owners):
    owners["kinds"].create({"id": int}, pk="id")
    owners["pets"].create(
        {"owner_id": int, "kind": int, "buddy": int},
        foreign_keys=["owner_id", ("kind", "kinds"), ("buddy", "owners", "id")],
    )
    assert owners["pets"].schema == (
        'CREATE TABLE "pets" (\n'
        '   "owner_id" INTEGER REFERENCES "owners"("id"),\n'
        '   "kind" INTEGER REFERENCES "kinds"("id"),\n'
        '   "buddy" INTEGER REFERENCES "owners"("id")\n'
        ")"
    )


@pytest.mark.parametrize(
    ("foreign_keys", "message"),
    [
        (
            [42],
            "foreign_keys= should be a list of tuples, ForeignKey objects or column name strings",
        ),
        ([("owner_id",)], "foreign_keys= should be a list of tuple pairs or triples"),
        (
            [("owner_id", "owners", "id", "x", "y")],
            "foreign_keys= should be a list of tuple pairs or triples",
        ),
        (
            [(("a", "b"), "owners", "id")],
            "Compound foreign key (('a', 'b'), 'owners', 'id') should reference a tuple of "
            "other columns",
        ),
        (
            [(("a", "b"), "owners", ("id",))],
            "Compound foreign key (('a', 'b'), 'owners', ('id',)) should have the same number "
            "of columns on both sides",
        ),
    ],
)
def test_crt_5_value_errors(owners, foreign_keys, message):
    with pytest.raises(ValueError) as info:
        owners["pets"].create({"owner_id": int, "a": int, "b": int}, foreign_keys=foreign_keys)
    assert str(info.value) == message
    assert "pets" not in owners.table_names()


def test_crt_5_missing_other_column(owners):
    with pytest.raises(AlterError) as info:
        owners["pets"].create({"owner_id": int}, foreign_keys=[("owner_id", "owners", "nope")])
    assert str(info.value) == "No such column: owners.nope"


def test_crt_5_missing_other_table_with_explicit_column(db):
    with pytest.raises(AlterError) as info:
        db["pets"].create({"owner_id": int}, foreign_keys=[("owner_id", "owners", "id")])
    assert str(info.value) == "No such column: owners.id"


def test_crt_5_rowid_and_self_references_are_allowed(owners):
    owners["pets"].create(
        {"id": int, "owner_id": int, "parent": int},
        pk="id",
        foreign_keys=[("owner_id", "owners", "rowid"), ("parent", "pets", "id")],
    )
    assert owners["pets"].schema == (
        'CREATE TABLE "pets" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "owner_id" INTEGER REFERENCES "owners"("rowid"),\n'
        '   "parent" INTEGER REFERENCES "pets"("id")\n'
        ")"
    )


def test_crt_5_compound_fk_with_missing_local_columns(db):
    db["departments"].create({"campus": str, "dept": str}, pk=("campus", "dept"))
    with pytest.raises(AlterError) as info:
        db["courses"].create(
            {"id": int}, pk="id", foreign_keys=[(("campus", "dept"), "departments")]
        )
    assert str(info.value) == "No such column: campus, dept"


def test_crt_5_guess_failure_propagates(db):
    with pytest.raises(NoObviousTable) as info:
        db["pets"].create({"country_id": int}, foreign_keys=["country_id"])
    assert str(info.value) == (
        "No obvious foreign key table for column 'country_id' - tried "
        "['country_id', 'country', 'countrys']"
    )


# L-CRT-6 -------------------------------------------------------------------------


def test_crt_6_column_order(db):
    db["t"].create({"a": str, "b": str, "c": str, "d": str}, column_order=["c", "a"])
    assert [c.name for c in db["t"].columns] == ["c", "a", "b", "d"]


def test_crt_6_auto_added_pk_still_first(db):
    db["t"].create({"a": str, "b": str}, pk="id", column_order=["b"])
    assert [c.name for c in db["t"].columns] == ["id", "b", "a"]


def test_crt_6_hash_id_still_first(db):
    db["t"].create({"a": str, "b": str}, hash_id="h", column_order=["b"])
    assert [c.name for c in db["t"].columns] == ["h", "b", "a"]


def test_crt_6_unknown_column_order_entries_are_ignored(db):
    db["t"].create({"a": str, "b": str}, column_order=["zzz", "b"])
    assert [c.name for c in db["t"].columns] == ["b", "a"]


# L-CRT-7 -------------------------------------------------------------------------


def test_crt_7_hash_id_column(db):
    db["t"].create({"a": str}, hash_id="h")
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "h" TEXT PRIMARY KEY,\n   "a" TEXT\n)'


def test_crt_7_hash_id_value_is_hash_of_raw_record(db):
    record = {"name": "Cleo", "tags": ["a", "b"]}
    table = db["t"].insert(record, hash_id="h")
    assert table.last_pk == hash_record(record)
    assert table.last_pk == "42f7f148d4b5b58b084200f434d7accafeb68929"
    assert list(db["t"].rows) == [{"h": hash_record(record), "name": "Cleo", "tags": '["a", "b"]'}]


def test_crt_7_hash_id_columns_alone_implies_id(db):
    table = db["t"].insert({"a": 1, "b": 2}, hash_id_columns=["a"])
    assert [c.name for c in table.columns] == ["id", "a", "b"]
    assert table.last_pk == hash_record({"a": 1, "b": 2}, ["a"])
    assert table.last_pk == "9f89c740ceb46d7418c924a78ac57941d5e96520"
    assert db["t"].pks == ["id"]


def test_crt_7_hash_id_and_pk_conflict(db):
    with pytest.raises(ValueError) as info:
        db["t"].create({"a": str}, pk="a", hash_id="h")
    assert str(info.value) == "Use either pk= or hash_id="


# L-CRT-8 -------------------------------------------------------------------------


def test_crt_8_extracts_list(db):
    db["t"].create({"id": int, "species": str}, pk="id", extracts=["species"])
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "species" INTEGER REFERENCES "species"("id")\n'
        ")"
    )
    assert db["species"].schema == (
        'CREATE TABLE "species" (\n   "id" INTEGER PRIMARY KEY,\n   "value" TEXT\n)'
    )


def test_crt_8_extracts_dict_and_existing_lookup_table(db):
    db["kinds"].create({"id": int, "value": str, "extra": str}, pk="id")
    db["t"].create({"species": str}, extracts={"species": "kinds"})
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "species" INTEGER REFERENCES "kinds"("id")\n)'
    )
    assert [c.name for c in db["kinds"].columns] == ["id", "value", "extra"]


# L-CRT-9 -------------------------------------------------------------------------


def test_crt_9_already_exists(db):
    db["cats"].create({"a": str})
    with pytest.raises(sqlite3.OperationalError) as info:
        db["cats"].create({"b": str})
    assert str(info.value) == 'table "cats" already exists'


def test_crt_9_ignore(db):
    db["cats"].create({"a": str})
    db["cats"].insert({"a": "x"})
    table = db["cats"]
    assert table.create({"b": str}, ignore=True) is table
    assert [c.name for c in table.columns] == ["a"]
    assert table.count == 1


def test_crt_9_replace_drops_and_creates(db):
    db["cats"].insert({"a": "x"})
    db["cats"].create({"b": int}, replace=True)
    assert db["cats"].schema == 'CREATE TABLE "cats" (\n   "b" INTEGER\n)'
    assert db["cats"].count == 0


def test_crt_9_if_not_exists(db):
    db["cats"].create({"a": str})
    table = db["cats"]
    statements = trace(db)
    table.create({"b": str}, if_not_exists=True)
    assert 'CREATE TABLE IF NOT EXISTS "cats" (\n   "b" TEXT\n);\n        ' in statements.sql
    assert db["cats"].schema == 'CREATE TABLE "cats" (\n   "a" TEXT\n)'


def test_crt_9_transform_ignores_foreign_keys_and_unchanged_settings(db):
    """L-CRT-9: FKs are not compared; same pk, leading order, NOT NULL and defaults: no-op."""
    db["owners"].create({"id": int}, pk="id")
    db["cats"].create(
        {"name": str, "id": int, "owner_id": int},
        pk="id",
        not_null={"name"},
        defaults={"owner_id": 1},
    )
    schema = db["cats"].schema
    table = db["cats"]
    statements = trace(db)
    table.create(
        {"id": int, "NAME": str, "owner_id": int},
        pk="id",
        column_order=["name"],
        not_null={"name"},
        defaults={"owner_id": 1},
        foreign_keys=[("owner_id", "owners")],
        transform=True,
    )
    assert db["cats"].schema == schema
    assert not [s for s in statements.sql if s.split()[0].upper() in ("ALTER", "CREATE", "DROP")]


@needs_transform
def test_crt_9_transform_adds_missing_columns_then_transforms(db):
    """L-CRT-9: a new column is added with add_column; the changed column set then triggers
    transform, which restores the L-DDL-1 layout (L-DDL-5)."""
    db["cats"].create({"id": int, "name": str}, pk="id")
    table = db["cats"]
    statements = trace(db)
    table.create({"ID": int, "name": str, "age": int}, pk="id", transform=True)
    assert 'ALTER TABLE "cats" ADD COLUMN "age" INTEGER;' in statements.sql
    assert db["cats"].schema == (
        'CREATE TABLE "cats" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT,\n   "age" INTEGER\n)'
    )


@needs_transform
def test_crt_9_transform_drops_unlisted_columns_and_changes_types(db):
    db["cats"].insert({"id": 1, "name": "Cleo", "age": "5"}, pk="id")
    db["cats"].create({"id": int, "AGE": int}, pk="id", transform=True)
    assert db["cats"].schema == (
        'CREATE TABLE "cats" (\n   "id" INTEGER PRIMARY KEY,\n   "age" INTEGER\n)'
    )
    assert list(db["cats"].rows) == [{"id": 1, "age": 5}]


def test_crt_9_transform_with_nothing_changed_is_a_no_op(db):
    db["cats"].create({"id": int, "name": str}, pk="id", not_null={"name"})
    schema = db["cats"].schema
    table = db["cats"]
    statements = trace(db)
    table.create({"id": int, "Name": str}, pk="id", not_null={"name"}, transform=True)
    assert db["cats"].schema == schema
    assert not [s for s in statements.sql if s.split()[0].upper() in ("ALTER", "CREATE", "DROP")]


# L-CRT-10 ------------------------------------------------------------------------


def test_crt_10_strict(db):
    db["t"].create({"a": str, "f": "FLOAT"}, strict=True)
    if db.supports_strict:
        assert db["t"].schema == 'CREATE TABLE "t" (\n   "a" TEXT,\n   "f" REAL\n) STRICT'
        assert db["t"].strict
    else:
        assert db["t"].schema == 'CREATE TABLE "t" (\n   "a" TEXT,\n   "f" FLOAT\n)'


def test_crt_10_float_is_float_outside_strict(db):
    db["t"].create({"f": "FLOAT"})
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "f" FLOAT\n)'


def test_crt_10_strict_silently_ignored_when_unsupported(db, monkeypatch):
    monkeypatch.setattr(Database, "supports_strict", property(lambda self: False))
    db["t"].create({"a": str}, strict=True)
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "a" TEXT\n)'


def test_crt_5_foreign_key_objects_are_checked_too(owners):
    """L-CRT-5: the 'No such column' checks apply to ForeignKey items as well."""
    with pytest.raises(AlterError) as info:
        owners["pets"].create({"o": int}, foreign_keys=[ForeignKey("pets", "o", "owners", "x")])
    assert str(info.value) == "No such column: owners.x"
    with pytest.raises(AlterError) as info:
        owners["pets"].create({"o": int}, foreign_keys=[ForeignKey("pets", "o", "nowhere", "id")])
    assert str(info.value) == "No such column: nowhere.id"
    assert "pets" not in owners.table_names()


def test_crt_5_fk_columns_use_the_schema_spelling(db):
    """L-GEN-3: FK columns match case-insensitively and SQL uses the stored spelling."""
    db["Owners"].create({"ID": int}, pk="ID")
    db["pets"].create(
        {"Owner_Id": int, "Other": int},
        foreign_keys=[("owner_id", "Owners", "id"), ForeignKey("pets", "other", "Owners", "id")],
    )
    assert db["pets"].schema == (
        'CREATE TABLE "pets" (\n'
        '   "Owner_Id" INTEGER REFERENCES "Owners"("ID"),\n'
        '   "Other" INTEGER REFERENCES "Owners"("ID")\n'
        ")"
    )
    assert [(fk.column, fk.other_column) for fk in db["pets"].foreign_keys] == [
        ("Other", "ID"),
        ("Owner_Id", "ID"),
    ]


def signature(fn):
    return [
        (p.name, "DEFAULT" if p.default is DEFAULT else p.default)
        for p in inspect.signature(fn).parameters.values()
    ]


def test_crt_1_create_signature():
    assert signature(Table.create)[1:] == [
        ("columns", inspect.Parameter.empty),
        ("pk", "DEFAULT"),
        ("foreign_keys", "DEFAULT"),
        ("column_order", "DEFAULT"),
        ("not_null", "DEFAULT"),
        ("defaults", "DEFAULT"),
        ("hash_id", "DEFAULT"),
        ("hash_id_columns", "DEFAULT"),
        ("extracts", "DEFAULT"),
        ("if_not_exists", False),
        ("replace", False),
        ("ignore", False),
        ("transform", False),
        ("strict", "DEFAULT"),
    ]


def test_crt_2_create_table_signature():
    assert signature(Database.create_table)[1:] == [
        ("name", inspect.Parameter.empty),
        ("columns", inspect.Parameter.empty),
        ("pk", None),
        ("foreign_keys", None),
        ("column_order", None),
        ("not_null", None),
        ("defaults", None),
        ("hash_id", None),
        ("hash_id_columns", None),
        ("extracts", None),
        ("if_not_exists", False),
        ("replace", False),
        ("ignore", False),
        ("transform", False),
        ("strict", False),
    ]
    assert [name for name, _ in signature(Database.create_table_sql)[1:]] == [
        "name",
        "columns",
        "pk",
        "foreign_keys",
        "column_order",
        "not_null",
        "defaults",
        "hash_id",
        "hash_id_columns",
        "extracts",
        "if_not_exists",
        "strict",
    ]
