"""Section 6 commands: create/rename/duplicate/drop tables and views, columns, indexes, maintenance."""

import pytest
from cli_helpers import error, ok, plants_db, run, unchanged_after_error

from datamill import Database

PLANTS_COLUMNS = (
    '   "id" INTEGER PRIMARY KEY,\n   "name" TEXT,\n   "kind" TEXT,\n   "height" INTEGER\n'
)


@pytest.fixture
def garden(tmp_path):
    return plants_db(tmp_path / "garden.db")


def journal_mode(path):
    db = Database(path)
    try:
        return db.journal_mode
    finally:
        db.close()


# C-CREATE-DATABASE


def test_create_database(tmp_path):
    path = tmp_path / "new.db"
    assert ok("create-database", str(path), "--enable-wal") == ""
    assert path.stat().st_size == 4096
    assert ok(str(path), "pragma journal_mode") == '[{"journal_mode": "wal"}]\n'
    assert ok("create-database", str(path)) == ""


def test_create_database_keeps_existing_contents(garden):
    ok("create-database", garden)
    assert Database(garden)["plants"].count == 4


def test_create_database_init_spatialite_without_spatialite(tmp_path, monkeypatch):
    monkeypatch.setattr("datamill.core.spatialite.SPATIALITE_PATHS", ())
    assert error("create-database", str(tmp_path / "g.db"), "--init-spatialite") == (
        "Error: Could not find SpatiaLite extension\n"
    )


# C-CREATE-TABLE


def test_create_table_examples(tmp_path):
    path = str(tmp_path / "new.db")
    ok("create-table", path, "birds", "id", "integer", "name", "text", "wingspan", "real",
       "photo", "blob", "--pk", "id", "--not-null", "name", "--default", "wingspan", "0.5")  # fmt: skip
    ok("create-table", path, "sightings", "id", "integer", "bird_id", "integer", "seen", "text",
       "--pk", "id", "--fk", "bird_id", "birds", "id", "--strict")  # fmt: skip
    assert ok("schema", path) == (
        'CREATE TABLE "birds" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "name" TEXT NOT NULL,\n'
        "   \"wingspan\" REAL DEFAULT '0.5',\n"
        '   "photo" BLOB\n'
        ");\n"
        'CREATE TABLE "sightings" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "bird_id" INTEGER REFERENCES "birds"("id"),\n'
        '   "seen" TEXT\n'
        ") STRICT;\n"
    )


def test_create_table_types_and_compound_pk(tmp_path):
    path = str(tmp_path / "new.db")
    ok(
        "create-table",
        path,
        "t",
        "a",
        "INTEGER",
        "b",
        "Float",
        "c",
        "any",
        "--pk",
        "a",
        "--pk",
        "b",
    )
    assert Database(path)["t"].schema == (
        'CREATE TABLE "t" (\n   "a" INTEGER,\n   "b" FLOAT,\n   "c" ANY,\n   PRIMARY KEY ("a", "b")\n)'
    )


def test_create_table_errors(garden):
    assert unchanged_after_error(garden, "create-table", garden, "t", "id") == (
        "Error: columns must be an even number of 'name' 'type' pairs\n"
    )
    assert unchanged_after_error(garden, "create-table", garden, "t", "id", "varchar") == (
        "Error: column types must be one of ('INTEGER', 'TEXT', 'FLOAT', 'REAL', 'BLOB', 'ANY')\n"
    )
    assert unchanged_after_error(garden, "create-table", garden, "plants", "id", "integer") == (
        'Error: Table "plants" already exists. Use --replace to delete and replace it.\n'
    )


def test_create_table_ignore_and_replace(garden):
    ok("create-table", garden, "plants", "id", "integer", "--ignore")
    assert Database(garden)["plants"].count == 4
    ok("create-table", garden, "plants", "id", "integer", "--replace")
    assert Database(garden)["plants"].schema == 'CREATE TABLE "plants" (\n   "id" INTEGER\n)'
    assert Database(garden)["plants"].count == 0


# C-RENAME-TABLE, C-DUPLICATE, C-DROP-TABLE


def test_rename_table(garden):
    assert ok("rename-table", garden, "plants", "flora") == ""
    assert Database(garden).table_names() == ["flora"]
    assert unchanged_after_error(garden, "rename-table", garden, "plants", "flora") == (
        'Error: Table "plants" could not be renamed. no such table: plants\n'
    )
    assert ok("rename-table", garden, "plants", "flora", "--ignore") == ""


def test_duplicate(garden):
    ok("duplicate", garden, "plants", "plants_backup")
    assert ok("schema", garden, "plants_backup") == (
        "CREATE TABLE plants_backup(\n  id INT,\n  name TEXT,\n  kind TEXT,\n  height INT\n)\n"
    )
    assert Database(garden)["plants_backup"].count == 4
    assert unchanged_after_error(garden, "duplicate", garden, "nope", "x") == (
        'Error: Table "nope" does not exist\n'
    )
    assert unchanged_after_error(garden, "duplicate", garden, "plants", "plants_backup") == (
        'Error: table "plants_backup" already exists\n'
    )
    assert ok("duplicate", garden, "nope", "x", "--ignore") == ""


def test_drop_table(garden):
    Database(garden).create_view("tall", "select 1")
    assert unchanged_after_error(garden, "drop-table", garden, "tall") == (
        'Error: "tall" is a view, not a table - use drop-view to drop it\n'
    )
    assert unchanged_after_error(garden, "drop-table", garden, "nope") == (
        'Error: Table "nope" does not exist\n'
    )
    ok("drop-table", garden, "nope", "--ignore")
    ok("drop-table", garden, "tall", "--ignore")
    assert Database(garden).view_names() == ["tall"]
    ok("drop-table", garden, "plants")
    assert Database(garden).table_names() == []


# C-CREATE-VIEW, C-DROP-VIEW


def test_create_view(garden):
    ok("create-view", garden, "tall", "select name, height from plants where height > 30")
    assert ok(garden, "select * from tall") == (
        '[{"name": "Fern", "height": 40},\n {"name": "Tomato", "height": 120}]\n'
    )
    assert unchanged_after_error(garden, "create-view", garden, "tall", "select 2") == (
        'Error: View "tall" already exists. Use --replace to delete and replace it.\n'
    )
    ok("create-view", garden, "tall", "select 2", "--ignore")
    assert Database(garden)["tall"].schema.endswith(
        "AS select name, height from plants where height > 30"
    )
    ok("create-view", garden, "tall", "select 2 as two", "--replace")
    assert Database(garden)["tall"].schema == 'CREATE VIEW "tall" AS select 2 as two'
    assert unchanged_after_error(garden, "create-view", garden, "plants", "select 1") == (
        'Error: table "plants" already exists\n'
    )


def test_drop_view(garden):
    assert unchanged_after_error(garden, "drop-view", garden, "plants") == (
        'Error: "plants" is a table, not a view - use drop-table to drop it\n'
    )
    assert unchanged_after_error(garden, "drop-view", garden, "nope") == (
        'Error: View "nope" does not exist\n'
    )
    ok("drop-view", garden, "nope", "--ignore")
    Database(garden).create_view("tall", "select 1")
    ok("drop-view", garden, "tall")
    assert Database(garden).view_names() == []


# C-ADD-COLUMN


def test_add_column(garden):
    ok("add-column", garden, "plants", "price", "real")
    ok("add-column", garden, "plants", "stock", "int", "--not-null-default", "0")
    ok("add-column", garden, "plants", "notes")
    ok("add-column", garden, "plants", "photo", "BYTES")
    assert ok("schema", garden) == (
        'CREATE TABLE "plants" (\n' + PLANTS_COLUMNS + ', "price" REAL, "stock" INTEGER NOT NULL '
        'DEFAULT \'0\', "notes" TEXT, "photo" BLOB);\n'
    )


def test_add_column_errors(garden):
    assert unchanged_after_error(garden, "add-column", garden, "plants", "name") == (
        "Error: duplicate column name: name\n"
    )
    ok("add-column", garden, "plants", "NAME", "--ignore")
    assert unchanged_after_error(garden, "add-column", garden, "nope", "x") == (
        "Error: no such table: nope\n"
    )
    assert unchanged_after_error(garden, "add-column", garden, "plants", "x", "--fk", "nope") == (
        "Error: table 'nope' does not exist\n"
    )
    result = run("add-column", garden, "plants", "x", "varchar")
    assert result.exit_code == 2
    assert "'varchar' is not one of 'integer', 'int', 'float'" in result.output


# C-CREATE-INDEX, C-DROP-INDEX


def test_create_index(garden):
    ok("create-index", garden, "plants", "kind", "--", "-height")
    ok("create-index", garden, "plants", "name", "--unique", "--name", "plant_name_unique")
    assert ok("schema", garden) == (
        'CREATE TABLE "plants" (\n' + PLANTS_COLUMNS + ");\n"
        'CREATE INDEX "idx_plants_kind_height"\n'
        '    ON "plants" ("kind", "height" desc);\n'
        'CREATE UNIQUE INDEX "plant_name_unique"\n'
        '    ON "plants" ("name");\n'
    )
    assert unchanged_after_error(garden, "create-index", garden, "plants", "name",
                                 "--name", "plant_name_unique") == (
        "Error: index plant_name_unique already exists\n"
    )  # fmt: skip
    ok("create-index", garden, "plants", "name", "--name", "plant_name_unique", "--ignore")
    ok("create-index", garden, "plants", "name", "--name", "plant_name_unique", "--if-not-exists")


def test_create_index_analyze(garden):
    ok("create-index", garden, "plants", "kind", "--analyze")
    assert ok(garden, "select idx, stat from sqlite_stat1") == (
        '[{"idx": "idx_plants_kind", "stat": "4 2"}]\n'
    )


def test_drop_index(garden):
    Database(garden)["plants"].create_index(["kind"])
    ok("drop-index", garden, "plants", "idx_plants_kind")
    assert Database(garden)["plants"].indexes == []
    assert unchanged_after_error(garden, "drop-index", garden, "plants", "idx_plants_kind") == (
        "Error: No index named idx_plants_kind on table plants\n"
    )
    ok("drop-index", garden, "plants", "idx_plants_kind", "--ignore")


# C-ANALYZE, C-VACUUM, C-ENABLE-WAL, C-DISABLE-WAL


def test_analyze(garden):
    assert ok("analyze", garden) == ""
    assert ok(garden, "select * from sqlite_stat1") == (
        '[{"tbl": "plants", "idx": null, "stat": "4"}]\n'
    )
    assert unchanged_after_error(garden, "analyze", garden, "plants", "nope") == (
        "Error: no such table: nope\n"
    )
    assert run("analyze", garden, "--load-extension", "x").exit_code == 2


def test_vacuum(garden):
    assert ok("vacuum", garden) == ""
    assert run("vacuum", garden, "--load-extension", "x").exit_code == 2


def test_wal_toggles_every_path(garden, tmp_path):
    other = str(tmp_path / "other.db")
    Database(other).vacuum()
    assert ok("enable-wal", garden, other) == ""
    assert [journal_mode(p) for p in (garden, other)] == ["wal", "wal"]
    ok("enable-wal", garden)
    ok("disable-wal", garden, other)
    assert [journal_mode(p) for p in (garden, other)] == ["delete", "delete"]


def test_commands_that_need_an_existing_file(tmp_path):
    missing = str(tmp_path / "missing.db")
    for args in (
        ["analyze", missing],
        ["vacuum", missing],
        ["dump", missing],
        ["enable-wal", missing],
        ["disable-wal", missing],
        ["add-column", missing, "t", "c"],
        ["create-index", missing, "t", "c"],
        ["drop-index", missing, "t", "i"],
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert f"': File '{missing}' does not exist.\n" in result.output
    assert not (tmp_path / "missing.db").exists()
