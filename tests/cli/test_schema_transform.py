"""C-TRANSFORM, C-EXTRACT, C-ADD-FOREIGN-KEY(S), C-INDEX-FOREIGN-KEYS and create-table --transform."""

import re

import pytest
from cli_helpers import ok, plants_db, run, sha256, unchanged_after_error

from datamill import Database


@pytest.fixture
def garden(tmp_path):
    return plants_db(tmp_path / "garden.db")


@pytest.fixture
def plots(tmp_path):
    path = str(tmp_path / "plots.db")
    ok("create-table", path, "growers", "id", "integer", "name", "text", "--pk", "id")
    ok("create-table", path, "plots", "id", "integer", "label", "text", "grower_id", "integer",
       "--pk", "id")  # fmt: skip
    return path


def test_transform_sql_prints_statements_without_running_them(garden):
    before = sha256(garden)
    text = ok("transform", garden, "plants", "--rename", "kind", "category", "--type", "height",
              "real", "--default", "category", "misc", "-o", "name", "--sql")  # fmt: skip
    text = re.sub(r"plants_new_[0-9a-f]{12}", "plants_new_<hex12>", text)
    assert text.startswith(
        'CREATE TABLE "plants_new_<hex12>" (\n'
        '   "name" TEXT,\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        "   \"category\" TEXT DEFAULT 'misc',\n"
        '   "height" REAL\n'
        ");\n"
        'INSERT INTO "plants_new_<hex12>" ('
    )
    assert text.endswith(
        'DROP TABLE "plants";\n'
        "PRAGMA legacy_alter_table=ON;\n"
        'ALTER TABLE "plants_new_<hex12>" RENAME TO "plants";\n'
        "PRAGMA legacy_alter_table=OFF;\n"
    )
    assert sha256(garden) == before


def test_transform_runs(garden):
    ok("transform", garden, "plants", "--rename", "kind", "category", "--type", "height", "FLOAT",
       "--default", "category", "misc", "-o", "name", "--not-null", "name")  # fmt: skip
    assert Database(garden)["plants"].schema == (
        'CREATE TABLE "plants" (\n'
        '   "name" TEXT NOT NULL,\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        "   \"category\" TEXT DEFAULT 'misc',\n"
        '   "height" FLOAT\n'
        ")"
    )
    ok("transform", garden, "plants", "--drop", "category", "--pk-none", "--not-null-false",
       "name", "--default-none", "category")  # fmt: skip
    db = Database(garden)
    assert db["plants"].schema == (
        'CREATE TABLE "plants" (\n   "name" TEXT,\n   "id" INTEGER,\n   "height" FLOAT\n)'
    )
    assert [r["name"] for r in db.query("select name from plants order by rowid")] == [
        "Fern",
        "Basil",
        "Tomato",
        "Mint",
    ]


def test_transform_pk_foreign_keys_and_strict(garden):
    Database(garden)["kinds"].insert({"name": "herb"}, pk="name")
    ok("transform", garden, "plants", "--pk", "id", "--pk", "name",
       "--add-foreign-key", "kind", "kinds", "name", "--strict")  # fmt: skip
    assert Database(garden)["plants"].schema == (
        'CREATE TABLE "plants" (\n'
        '   "id" INTEGER,\n'
        '   "name" TEXT,\n'
        '   "kind" TEXT REFERENCES "kinds"("name"),\n'
        '   "height" INTEGER,\n'
        '   PRIMARY KEY ("id", "name")\n'
        ") STRICT"
    )
    ok("transform", garden, "plants", "--drop-foreign-key", "kind", "--no-strict")
    assert Database(garden)["plants"].schema.endswith(
        '"height" INTEGER,\n   PRIMARY KEY ("id", "name")\n)'
    )


def test_transform_errors_leave_database_unchanged(garden):
    assert unchanged_after_error(garden, "transform", garden, "nope", "--drop", "x") == (
        "Error: Cannot transform a table that doesn't exist yet\n"
    )
    Database(garden)["plants"].create_index(["kind"])
    message = unchanged_after_error(garden, "transform", garden, "plants", "--drop", "kind")
    assert message.startswith(
        "Error: Index 'idx_plants_kind' column 'kind' is not in updated table 'plants'. "
    )
    assert message.endswith("No changes have been applied to this table.\n")
    result = run("transform", garden, "plants", "--type", "height", "varchar")
    assert result.exit_code == 2


def test_create_table_transform(garden):
    ok("create-table", garden, "plants", "id", "integer", "name", "text", "height", "real",
       "--pk", "id", "--transform")  # fmt: skip
    assert Database(garden)["plants"].schema == (
        'CREATE TABLE "plants" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT,\n   "height" REAL\n)'
    )


def test_create_table_transform_without_pk_removes_the_key(garden):
    ok("create-table", garden, "plants", "id", "integer", "name", "text", "--transform")
    table = Database(garden)["plants"]
    assert table.schema == 'CREATE TABLE "plants" (\n   "id" INTEGER,\n   "name" TEXT\n)'
    assert table.use_rowid


def test_extract(garden):
    ok("extract", garden, "plants", "kind", "--table", "kinds", "--fk-column", "kind_id",
       "--rename", "kind", "label", "--silent")  # fmt: skip
    assert ok("schema", garden) == (
        'CREATE TABLE "kinds" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "label" TEXT\n'
        ");\n"
        'CREATE UNIQUE INDEX "idx_kinds_label"\n'
        '    ON "kinds" ("label");\n'
        'CREATE TABLE "plants" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "name" TEXT,\n'
        '   "kind_id" INTEGER REFERENCES "kinds"("id"),\n'
        '   "height" INTEGER\n'
        ");\n"
    )
    assert ok("rows", garden, "kinds") == (
        '[{"id": 1, "label": "shade"},\n {"id": 2, "label": "herb"},\n {"id": 3, "label": "vegetable"}]\n'
    )


def test_extract_default_names_and_errors(garden):
    ok("extract", garden, "plants", "kind", "name")
    assert Database(garden)["plants"].columns_dict == {
        "id": int,
        "kind_name_id": int,
        "height": int,
    }
    assert Database(garden)["kind_name"].count == 4
    assert unchanged_after_error(garden, "extract", garden, "plants", "nope") == (
        "Error: Invalid columns ['nope'] for table with columns ['id', 'kind_name_id', 'height']\n"
    )
    assert unchanged_after_error(garden, "extract", garden, "missing", "nope") == (
        "Error: Invalid columns ['nope'] for table with columns []\n"
    )


def test_add_foreign_key_guesses_table_and_column(plots):
    ok("add-foreign-key", plots, "plots", "grower_id")
    assert ok("schema", plots, "plots") == (
        'CREATE TABLE "plots" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "label" TEXT,\n'
        '   "grower_id" INTEGER REFERENCES "growers"("id")\n'
        ")\n"
    )
    assert unchanged_after_error(plots, "add-foreign-key", plots, "plots", "grower_id") == (
        "Error: Foreign key already exists for grower_id => growers.id\n"
    )
    ok("add-foreign-key", plots, "plots", "grower_id", "growers", "id", "--ignore")


def test_add_foreign_key_errors(plots):
    for args, message in [
        (["nope", "growers", "id"], "Error: No such column: nope\n"),
        (["label", "growers", "nope"], "Error: No such column: growers.nope\n"),
        (["label"], "Error: No obvious foreign key table for column 'label' - tried ['label', 'labels']\n"),
    ]:  # fmt: skip
        assert unchanged_after_error(plots, "add-foreign-key", plots, "plots", *args) == message


def test_add_foreign_keys_and_index_foreign_keys(plots):
    ok("add-column", plots, "growers", "region_id", "integer")
    ok("create-table", plots, "regions", "id", "integer", "--pk", "id")
    ok("add-foreign-keys", plots, "plots", "grower_id", "growers", "id",
       "growers", "region_id", "regions", "id")  # fmt: skip
    db = Database(plots)
    assert [(fk.table, fk.column, fk.other_table) for fk in db["growers"].foreign_keys] == [
        ("growers", "region_id", "regions")
    ]
    assert [(fk.column, fk.other_table) for fk in db["plots"].foreign_keys] == [
        ("grower_id", "growers")
    ]
    ok("index-foreign-keys", plots)
    assert sorted(ok("indexes", plots, "--nl", "--arrays").splitlines()) == [
        '["growers", "idx_growers_region_id", 0, 2, "region_id", 0, "BINARY", 1]',
        '["plots", "idx_plots_grower_id", 0, 2, "grower_id", 0, "BINARY", 1]',
    ]


def test_add_foreign_keys_errors(plots):
    for args, message in [
        (["a", "b", "c"], "Each foreign key requires four values: table, column, other_table, other_column"),
        (["nope", "a", "b", "c"], "No such table: nope"),
        (["plots", "nope", "b", "c"], "No such column: nope in plots"),
        (["plots", "id", "nope", "c"], "No such other_table: nope"),
        (["plots", "id", "growers", "c"], "No such other_column: c in growers"),
    ]:  # fmt: skip
        assert unchanged_after_error(plots, "add-foreign-keys", plots, *args) == (
            f"Error: {message}\n"
        )


def test_add_column_with_foreign_key_takes_referenced_type(plots):
    ok("add-column", plots, "plots", "second_grower", "--fk", "growers")
    assert Database(plots)["plots"].schema.endswith(
        '   "second_grower" INTEGER REFERENCES "growers"("id")\n)'
    )
