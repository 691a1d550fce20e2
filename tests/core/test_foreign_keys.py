"""add_foreign_key, db.add_foreign_keys and db.index_foreign_keys (L-ALT-3, L-ALT-4, L-ALT-5)."""

from __future__ import annotations

import pytest

from datamill.db import AlterError, BadPrimaryKey, Database, ForeignKey, NoObviousTable


@pytest.fixture
def db():
    database = Database(memory=True)
    database["owners"].insert({"id": 1, "name": "Ana"}, pk="id")
    database["dept"].create({"campus": str, "code": str}, pk=("campus", "code"))
    database["pets"].insert({"id": 1, "owner_id": 1, "campus": "N", "code": "x", "vet": 1}, pk="id")
    yield database
    database.close()


def test_add_foreign_key_guesses_table_and_column(db):
    db["pets"].add_foreign_key("owner_id")
    assert db["pets"].foreign_keys == [ForeignKey("pets", "owner_id", "owners", "id")]
    assert '"owner_id" INTEGER REFERENCES "owners"("id"),' in db["pets"].schema


def test_add_foreign_key_returns_table(db):
    pets = db["pets"]
    assert pets.add_foreign_key("OWNER_ID", "owners", "ID") is pets
    assert pets.foreign_keys[0].columns == ("owner_id",)


def test_add_foreign_key_with_actions(db):
    db["pets"].add_foreign_key("owner_id", "owners", on_delete="cascade", on_update="SET NULL")
    assert (
        '"owner_id" INTEGER REFERENCES "owners"("id") ON UPDATE SET NULL ON DELETE CASCADE'
        in db["pets"].schema
    )


def test_add_compound_foreign_key(db):
    db["pets"].add_foreign_key(("campus", "code"), "dept")
    assert db["pets"].schema.endswith(
        '   FOREIGN KEY ("campus", "code") REFERENCES "dept"("campus", "code")\n)'
    )
    fk = db["pets"].foreign_keys[0]
    assert (fk.is_compound, fk.column, fk.other_columns) == (True, None, ("campus", "code"))


def test_add_foreign_key_to_rowid(db):
    db["pets"].add_foreign_key("vet", "owners", "rowid")
    assert '"vet" INTEGER REFERENCES "owners"("rowid")' in db["pets"].schema


@pytest.mark.parametrize(
    "args,kwargs,error,message",
    [
        (((),), {}, ValueError, "column must contain at least one column name"),
        (("nope",), {}, AlterError, "No such column: nope"),
        (
            (("campus", "code"),),
            {},
            ValueError,
            "other_table must be specified for a compound foreign key",
        ),
        (("owner_id", "owners", "nope"), {}, AlterError, "No such column: owners.nope"),
        (("owner_id", "missing", "id"), {}, AlterError, "No such column: missing.id"),
        (
            ("owner_id", "missing"),
            {},
            BadPrimaryKey,
            "Could not detect single primary key for table 'missing'",
        ),
        (
            ("vet",),
            {},
            NoObviousTable,
            "No obvious foreign key table for column 'vet' - tried ['vet', 'vets']",
        ),
        (
            (("campus", "code"), "dept", ("campus",)),
            {},
            ValueError,
            "Compound foreign key must have the same number of columns on both sides",
        ),
        (
            ("owner_id", "owners"),
            {"on_delete": "EXPLODE"},
            ValueError,
            "Invalid foreign key action 'EXPLODE': use one of NO ACTION, RESTRICT, SET NULL, SET DEFAULT, CASCADE",
        ),
    ],
)
def test_add_foreign_key_errors(db, args, kwargs, error, message):
    before = db.schema
    with pytest.raises(error) as excinfo:
        db["pets"].add_foreign_key(*args, **kwargs)
    assert str(excinfo.value) == message
    assert db.schema == before


def test_add_foreign_key_already_exists(db):
    db["pets"].add_foreign_key("owner_id", "owners")
    with pytest.raises(AlterError) as excinfo:
        db["pets"].add_foreign_key("Owner_Id", "Owners", "ID")
    assert str(excinfo.value) == "Foreign key already exists for owner_id => owners.id"
    db["pets"].add_foreign_key("owner_id", "owners", ignore=True)
    assert len(db["pets"].foreign_keys) == 1


def test_add_foreign_keys_tuples_and_objects_one_transform_per_table(db):
    db["toys"].insert({"id": 1, "owner_id": 1, "pet_id": 1}, pk="id")
    traced = []
    with db.tracer(lambda sql, params: traced.append(sql)):
        db.add_foreign_keys(
            [
                ("pets", "owner_id", "owners", "id"),
                ("toys", "owner_id", "owners", "id"),
                ForeignKey("toys", "pet_id", "pets", "id", on_delete="CASCADE"),
                ("pets", ("campus", "code"), "dept", ("campus", "code")),
            ]
        )
    assert len([sql for sql in traced if sql.startswith("CREATE TABLE")]) == 2
    assert traced[-1] == "VACUUM;"
    assert [fk.columns for fk in db["pets"].foreign_keys] == [("campus", "code"), ("owner_id",)]
    assert [(fk.other_table, fk.on_delete) for fk in db["toys"].foreign_keys] == [
        ("pets", "CASCADE"),
        ("owners", "NO ACTION"),
    ]
    # exact duplicates are skipped: the call is idempotent
    traced.clear()
    with db.tracer(lambda sql, params: traced.append(sql)):
        db.add_foreign_keys([("pets", "owner_id", "owners", "id")])
    assert not [sql for sql in traced if sql.startswith(("CREATE", "VACUUM"))]


def test_add_foreign_keys_inside_transaction_skips_vacuum(db):
    traced = []
    with db.atomic(), db.tracer(lambda sql, params: traced.append(sql)):
        db.add_foreign_keys([("pets", "owner_id", "owners", "id")])
    assert "VACUUM;" not in traced
    assert len(db["pets"].foreign_keys) == 1


@pytest.mark.parametrize(
    "fk,message",
    [
        (("nope", "owner_id", "owners", "id"), "No such table: nope"),
        (("pets", "nope", "owners", "id"), "No such column: nope in pets"),
        (("pets", "owner_id", "nope", "id"), "No such other_table: nope"),
        (("pets", "owner_id", "owners", "nope"), "No such other_column: nope in owners"),
    ],
)
def test_add_foreign_keys_checks(db, fk, message):
    before = db.schema
    with pytest.raises(AlterError) as excinfo:
        db.add_foreign_keys([("pets", "vet", "owners", "id"), fk])
    assert str(excinfo.value) == message
    assert db.schema == before


@pytest.mark.parametrize(
    "fk",
    [
        ("pets", ("campus", "code"), "dept", ("campus",)),
        ("pets", ("campus",), "dept", ("campus", "code")),
        ("pets", "campus", "dept", ("campus", "code")),
        ("pets", ("campus", "code"), "dept", "campus"),
        ForeignKey("pets", None, "dept", None, columns=("campus",), other_columns=("a", "b")),
    ],
)
def test_add_foreign_keys_compound_sides_must_match(db, fk):
    # L-ALT-4, issue 11 §3.8: never a silently shortened key.
    before = db.schema
    with pytest.raises(ValueError) as excinfo:
        db.add_foreign_keys([fk])
    assert str(excinfo.value) == (
        "Compound foreign key must have the same number of columns on both sides"
    )
    assert db.schema == before


@pytest.mark.parametrize(
    "fk",
    [(("campus",), "dept", ("campus", "code")), ("campus", "dept", ("campus", "code"))],
)
def test_transform_add_foreign_keys_sides_must_match(db, fk):
    # L-CRT-5 forms in transform(add_foreign_keys=): a ValueError, never an AttributeError.
    before = db.schema
    with pytest.raises(ValueError) as excinfo:
        db["pets"].transform(add_foreign_keys=[fk])
    assert str(excinfo.value) == (
        f"Compound foreign key {fk} should have the same number of columns on both sides"
    )
    assert db.schema == before


def test_single_column_with_a_one_item_tuple_of_other_columns(db):
    db["pets"].transform(add_foreign_keys=[("owner_id", "owners", ("id",))])
    assert db["pets"].foreign_keys == [ForeignKey("pets", "owner_id", "owners", "id")]


def test_add_foreign_keys_bad_item(db):
    with pytest.raises(ValueError) as excinfo:
        db.add_foreign_keys([("pets", "owner_id", "owners")])
    assert str(excinfo.value) == (
        "foreign_keys must be a list of 4-tuples, (table, column, other_table, other_column)"
    )


def test_add_foreign_keys_different_actions(db):
    db["pets"].add_foreign_key("owner_id", "owners")
    with pytest.raises(AlterError) as excinfo:
        db.add_foreign_keys([ForeignKey("pets", "owner_id", "owners", "id", on_delete="CASCADE")])
    assert str(excinfo.value) == (
        "Foreign key already exists for owner_id => owners.id but with different ON DELETE/ON "
        "UPDATE actions - use table.transform() to change them"
    )


def test_index_foreign_keys(db):
    db["pets"].add_foreign_key("owner_id", "owners")
    db["pets"].add_foreign_key(("campus", "code"), "dept")
    db.execute('create index "idx_pets_owner_id" on pets (id)')
    db.index_foreign_keys()
    assert sorted((i.name, i.columns) for i in db["pets"].indexes) == [
        ("idx_pets_campus_code", ["campus", "code"]),
        ("idx_pets_owner_id", ["id"]),
        ("idx_pets_owner_id_2", ["owner_id"]),
    ]
    db.index_foreign_keys()  # already covered: nothing new
    assert len(db["pets"].indexes) == 3


def test_add_column_with_fk_goes_through_add_foreign_key(db):
    # L-ALT-1 delegates to add_foreign_key (L-ALT-3)
    db["pets"].add_column("keeper_id", fk="owners")
    assert '"keeper_id" INTEGER REFERENCES "owners"("id")' in db["pets"].schema
