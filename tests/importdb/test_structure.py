"""import-db on the shared fixture, from a SQLite file and from PostgreSQL (IDB-2 .. IDB-8).

Every test runs twice through the ``structure`` fixture: once on a SQLite source (no
server) and once on a real PostgreSQL database; both must give the same result.
"""

import pytest
from importdb_fixtures import STRUCTURE_TABLES, query

from datamill import Database


def schema(path, table):
    return Database(path)[table].schema


def index_names(path):
    return sorted(
        name
        for (name,) in query(path, "select name from sqlite_master where type = 'index'")
        if not name.startswith("sqlite_autoindex")
    )


def test_all_copies_every_table_with_keys_not_null_and_foreign_keys(structure, tmp_path, run):
    """IDB-3, IDB-4, IDB-8: sorted tables, full schema, FKs declared at creation, -p text."""
    out = tmp_path / "copy.db"
    result = run("import-db", structure, out, "--all", "-p")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    numbered = "".join(
        f"{number}/{len(STRUCTURE_TABLES)}: {name}\n"
        for number, name in enumerate(STRUCTURE_TABLES, start=1)
    )
    assert result.stderr == numbered + (
        "\nAdding 5 foreign keys\n"
        "  notes.archive_id => archive.id\n"
        "  plants.kind_id => kinds.id\n"
        "  sessions.user_id => users.id\n"
        "  sites.plant_id => plants.id\n"
        "  stock.(plant_id, site) => sites.(plant_id, site)\n"
    )
    assert Database(out).table_names() == STRUCTURE_TABLES
    assert schema(out, "plants") == (
        'CREATE TABLE "plants" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "name" TEXT NOT NULL,\n'
        '   "kind_id" INTEGER REFERENCES "kinds"("id"),\n'
        '   "price" REAL,\n'
        '   "secret" TEXT\n'
        ")"
    )
    assert schema(out, "sites") == (
        'CREATE TABLE "sites" (\n'
        '   "plant_id" INTEGER NOT NULL REFERENCES "plants"("id"),\n'
        '   "site" TEXT NOT NULL,\n'
        '   "opened" TEXT,\n'
        '   PRIMARY KEY ("plant_id", "site")\n'
        ")"
    )
    assert schema(out, "stock") == (
        'CREATE TABLE "stock" (\n'
        '   "plant_id" INTEGER NOT NULL,\n'
        '   "site" TEXT NOT NULL,\n'
        '   "day" TEXT NOT NULL,\n'
        '   "qty" INTEGER NOT NULL,\n'
        '   FOREIGN KEY ("plant_id", "site") REFERENCES "sites"("plant_id", "site"),\n'
        '   PRIMARY KEY ("plant_id", "site", "day")\n'
        ")"
    )
    # An empty keyed table keeps its key and NOT NULL (IDB-FIX-2); a keyless one is a rowid
    # table.
    assert schema(out, "empty") == (
        'CREATE TABLE "empty" (\n   "id" INTEGER PRIMARY KEY,\n   "label" TEXT NOT NULL\n)'
    )
    assert schema(out, "log") == 'CREATE TABLE "log" (\n   "at" TEXT,\n   "message" TEXT\n)'
    assert query(out, "select count(*) from empty") == [(0,)]


def test_values_and_key_order(structure, tmp_path, run):
    """IDB-4 values (NUMERIC(6,2) as REAL, DATE as text); IDB-7 rows written in key order."""
    out = tmp_path / "copy.db"
    assert run("import-db", structure, out, "--all").exit_code == 0
    assert query(out, "select * from plants order by id") == [
        (1, "Basil", 1, 3.5, "s1"),
        (2, "Oak", 2, 120.0, "s2"),
        (3, "Fern", None, None, None),
    ]
    assert query(out, "select typeof(price) from plants where id = 2") == [("real",)]
    assert query(out, "select opened from sites where opened is not null") == [("2024-01-02",)]
    assert query(out, "select plant_id, site, day from stock order by rowid") == [
        (1, "north", "mon"),
        (1, "south", "tue"),
        (2, "north", "mon"),
    ]


def test_foreign_key_columns_are_indexed_by_default(structure, tmp_path, run):
    """IDB-2 ``--index-fks``: as ``index-foreign-keys``, for the written tables only."""
    out = tmp_path / "copy.db"
    db = Database(out)
    db.execute("CREATE TABLE mine (id INTEGER PRIMARY KEY, up INTEGER REFERENCES mine(id))")
    db.close()
    assert run("import-db", structure, out, "--all").exit_code == 0
    assert index_names(out) == [
        "idx_notes_archive_id",
        "idx_plants_kind_id",
        "idx_sessions_user_id",
        "idx_sites_plant_id",
        "idx_stock_plant_id_site",
    ]


def test_no_index_fks(structure, tmp_path, run):
    out = tmp_path / "copy.db"
    assert run("import-db", structure, out, "--all", "--no-index-fks").exit_code == 0
    assert index_names(out) == []
    assert Database(out)["plants"].foreign_keys[0].other_table == "kinds"


def test_skip_names_tables_in_progress_and_drops_their_keys(structure, tmp_path, run):
    """IDB-2 ``--skip``: unknown names ignored; an FK to a skipped table is not carried."""
    out = tmp_path / "copy.db"
    result = run("import-db", structure, out, "--all", "--skip", "archive", "--skip", "nope", "-p")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"1/{len(STRUCTURE_TABLES)}: archive\n  ... skipping\n2/")
    assert "notes.archive_id" not in result.stderr
    assert "archive" not in Database(out).table_names()
    assert 'CREATE TABLE "notes" (\n   "id" INTEGER PRIMARY KEY,\n   "archive_id" INTEGER,\n' in (
        schema(out, "notes")
    )


def test_foreign_key_to_a_table_already_in_the_destination(structure, tmp_path, run):
    """IDB-4: an FK is carried when its table exists in PATH, even if the run skips it."""
    out = tmp_path / "copy.db"
    Database(out)["archive"].insert({"id": 1, "note": "here already"}, pk="id")
    result = run("import-db", structure, out, "--all", "--skip", "archive")
    assert result.exit_code == 0, result.stderr
    assert '"archive_id" INTEGER REFERENCES "archive"("id")' in schema(out, "notes")
    assert query(out, "select note from archive") == [("here already",)]


def test_table_copies_the_given_tables_in_the_given_order(structure, tmp_path, run):
    """IDB-3: ``--table`` order; FKs to tables the run does not write are dropped."""
    out = tmp_path / "copy.db"
    result = run("import-db", structure, out, "--table", "plants", "--table", "kinds", "-p")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "1/2: plants\n2/2: kinds\n\nAdding 1 foreign key\n  plants.kind_id => kinds.id\n"
    )
    assert Database(out).table_names() == ["plants", "kinds"]
    result = run("import-db", structure, tmp_path / "sites.db", "--table", "sites")
    assert '"plant_id" INTEGER NOT NULL,' in schema(tmp_path / "sites.db", "sites")


def test_redact_replaces_every_value_and_drops_the_key(structure, tmp_path, run):
    """IDB-2 ``--redact``: NULLs too; TEXT column; an FK on a redacted column is dropped."""
    out = tmp_path / "copy.db"
    result = run(
        "import-db", structure, out, "--table", "users", "--table", "sessions",
        "--redact", "sessions", "user_id", "--redact", "users", "pw", "-p",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Adding" not in result.stderr
    assert query(out, "select user_id, typeof(user_id) from sessions") == [
        ("***", "text"),
        ("***", "text"),
    ]
    assert query(out, "select pw from users") == [("***",), ("***",)]
    assert schema(out, "sessions") == (
        'CREATE TABLE "sessions" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "user_id" TEXT,\n'
        '   "token" TEXT\n'
        ")"
    )


def test_views_are_copied_as_tables_only_when_asked(structure, tmp_path, run):
    """IDB-3: ``--all`` skips views; ``--table VIEW`` and ``--all --views`` copy their rows."""
    plain, views, one = tmp_path / "plain.db", tmp_path / "views.db", tmp_path / "one.db"
    assert run("import-db", structure, plain, "--all").exit_code == 0
    assert "cheap" not in Database(plain).table_names()
    assert run("import-db", structure, views, "--all", "--views").exit_code == 0
    assert Database(views).table_names() == sorted([*STRUCTURE_TABLES, "cheap"])
    assert run("import-db", structure, one, "--table", "cheap").exit_code == 0
    assert query(one, "select * from cheap") == [(1, "Basil")]
    assert Database(one)["cheap"].use_rowid
    assert Database(one).view_names() == []


def test_sql_into_a_table_typed_from_its_first_batch(structure, tmp_path, run):
    """IDB-6: column types from the values; ``--pk`` repeatable; tables are copied first."""
    out = tmp_path / "copy.db"
    result = run(
        "import-db", structure, out, "--table", "kinds",
        "--sql", "select name, price, kind_id, null as blank from plants order by id",
        "--output", "q", "--pk", "name", "-p",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "1/1: kinds\n"
    assert schema(out, "q") == (
        'CREATE TABLE "q" (\n'
        '   "name" TEXT PRIMARY KEY,\n'
        '   "price" REAL,\n'
        '   "kind_id" INTEGER,\n'
        '   "blank" TEXT\n'
        ")"
    )
    assert query(out, "select * from q order by rowid") == [
        ("Basil", 3.5, 1, None),
        ("Oak", 120.0, 2, None),
        ("Fern", None, None, None),
    ]
    compound = tmp_path / "compound.db"
    sql = "select plant_id, site, qty from stock"
    args = ("--sql", sql, "--output", "s", "--pk", "plant_id", "--pk", "site")
    assert run("import-db", structure, compound, *args).exit_code == 0
    assert schema(compound, "s").endswith('   PRIMARY KEY ("plant_id", "site")\n)')


def test_sql_with_an_empty_result_still_creates_the_table(structure, tmp_path, run):
    out = tmp_path / "copy.db"
    sql = "select id, name from plants where id < 0"
    assert run("import-db", structure, out, "--sql", sql, "--output", "none").exit_code == 0
    assert schema(out, "none") == 'CREATE TABLE "none" (\n   "id" TEXT,\n   "name" TEXT\n)'


def test_existing_tables_keep_their_schema_and_rows_are_replaced(structure, tmp_path, run):
    """IDB-5: without ``--replace-tables``, INSERT OR REPLACE into the existing schema."""
    out = tmp_path / "copy.db"
    db = Database(out)
    db["kinds"].insert_all(
        [{"id": 1, "label": "old", "extra": "x"}, {"id": 9, "label": "mine", "extra": None}],
        pk="id",
    )
    before = db["kinds"].schema
    db.close()
    assert run("import-db", structure, out, "--table", "kinds").exit_code == 0
    assert schema(out, "kinds") == before
    assert query(out, "select * from kinds order by id") == [
        (1, "herb", None),
        (2, "tree", None),
        (9, "mine", None),
    ]
    assert run("import-db", structure, out, "--table", "kinds", "--replace-tables").exit_code == 0
    assert schema(out, "kinds") == (
        'CREATE TABLE "kinds" (\n   "id" INTEGER PRIMARY KEY,\n   "label" TEXT NOT NULL\n)'
    )
    assert query(out, "select * from kinds order by id") == [(1, "herb"), (2, "tree")]


def test_sql_into_an_existing_table_uses_plain_insert(structure, tmp_path, run):
    """IDB-5: a repeated key from ``--sql`` fails, naming the query row."""
    out = tmp_path / "copy.db"
    sql = "select name from plants order by id"
    args = ("--sql", sql, "--output", "q", "--pk", "name")
    assert run("import-db", structure, out, *args).exit_code == 0
    result = run("import-db", structure, out, "--sql", sql, "--output", "q")
    assert result.exit_code == 1
    assert result.stderr == "Error: UNIQUE constraint failed: q.name (query row 1)\n"
    assert run("import-db", structure, out, *args, "--replace-tables").exit_code == 0
    assert query(out, "select count(*) from q") == [(3,)]


def test_sql_into_a_table_the_run_copied(structure, tmp_path, run):
    """``--sql`` runs after the tables, into the table just written when ``--output`` names
    one of them."""
    out = tmp_path / "copy.db"
    sql = "select 7 as id, 'shrub' as label"
    result = run("import-db", structure, out, "--table", "kinds", "--sql", sql, "--output", "kinds")
    assert result.exit_code == 0, result.stderr
    assert query(out, "select * from kinds order by id") == [(1, "herb"), (2, "tree"), (7, "shrub")]


def test_a_second_run_refreshes_the_copy(structure, tmp_path, run):
    out = tmp_path / "copy.db"
    assert run("import-db", structure, out, "--all").exit_code == 0
    first = query(out, "select * from stock order by 1, 2, 3")
    assert run("import-db", structure, out, "--all").exit_code == 0
    assert query(out, "select * from stock order by 1, 2, 3") == first


def test_foreign_key_enforcement_is_restored(structure, tmp_path):
    """IDB-7: enforcement is off during the load and as it was afterwards."""
    from datamill.importdb import ImportOptions, import_database

    db = Database(tmp_path / "copy.db")
    db.execute("PRAGMA foreign_keys = ON")
    import_database(structure, db, ImportOptions(tables=["notes"]))
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db["notes"].count == 2


@pytest.mark.parametrize("flag", ["--progress", "-p"])
def test_progress_goes_to_stderr_even_when_it_is_not_a_terminal(structure, tmp_path, run, flag):
    result = run("import-db", structure, tmp_path / "copy.db", "--table", "log", flag)
    assert (result.stdout, result.stderr) == ("", "1/1: log\n")
