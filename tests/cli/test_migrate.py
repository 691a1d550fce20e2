"""C-MIGRATE: discovery, --list, --stop-before, -v, and all-or-nothing migrations (L-MIG)."""

import textwrap

import cli_helpers
import pytest

from datamill import Database

GARDEN = """
from datamill import Migrations

garden = Migrations("garden")

@garden()
def create_beds(db):
    db["beds"].create({"id": int, "label": str}, pk="id")

@garden(name="002_add_soil")
def add_soil(db):
    db["beds"].add_column("soil", str)
"""
FAILING = """
@garden()
def broken(db):
    db["beds"].insert({"id": 1, "label": "half done"})
    db["beds"].add_column("depth", int)
    raise ValueError("depth must be positive")
"""
# A migration set that is not a datamill.Migrations (shaped like sqlite-migrate's class).
LEGACY = """
class Legacy:
    name = "old"
    def __init__(self):
        self.done = []
    def applied(self, db):
        return []
    def pending(self, db):
        return [type("M", (), {"name": n}) for n in ("a", "b")]
    def apply(self, db, stop_before=None):
        db["legacy_log"].insert({"stop_before": stop_before})

legacy = Legacy()
"""
MIGRATIONS_SCHEMA = """\
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "app" / "db").mkdir(parents=True)
    (tmp_path / "app" / "db" / "migrations.py").write_text(GARDEN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return cli_helpers.run("migrate", *args)


def ok(*args):
    return cli_helpers.ok("migrate", *args)


def fails(*args):
    return cli_helpers.fails("migrate", *args)


def applied(path):
    return [
        (row["migration_set"], row["name"])
        for row in Database(path).query("select * from _sqlite_migrations order by id")
    ]


def test_list_is_read_only(project):
    assert ok("garden.db", "--list") == (
        "Migrations for: garden\n\n  Applied:\n\n  Pending:\n    create_beds\n    002_add_soil\n\n"
    )
    assert not (project / "garden.db").exists()


def test_apply_from_current_directory_then_list(project):
    assert ok("garden.db") == ""
    db = Database("garden.db")
    assert db["beds"].columns_dict == {"id": int, "label": str, "soil": str}
    assert applied("garden.db") == [("garden", "create_beds"), ("garden", "002_add_soil")]
    assert db.schema.startswith(MIGRATIONS_SCHEMA)
    listing = ok("garden.db", "--list").splitlines()
    assert listing[:3] == ["Migrations for: garden", "", "  Applied:"]
    assert listing[3].startswith("    create_beds - 20") and listing[3].endswith("+00:00")
    assert listing[-3:] == ["  Pending:", "    (none)", ""]
    assert ok("garden.db") == ""  # nothing pending: a no-op


def test_explicit_file_and_stop_before(project):
    ok("garden.db", "app/db/migrations.py", "--stop-before", "002_add_soil")
    assert applied("garden.db") == [("garden", "create_beds")]
    ok("garden.db", "app", "--stop-before", "garden:002_add_soil")
    assert applied("garden.db") == [("garden", "create_beds")]
    ok("garden.db", "app")
    assert applied("garden.db")[-1] == ("garden", "002_add_soil")


def test_stop_before_errors_apply_nothing(project):
    err = fails("garden.db", "--stop-before", "nope", "--stop-before", "other:create_beds")
    assert err == "Error: --stop-before did not match any migrations: nope, other:create_beds\n"
    assert Database("garden.db").table_names() == []
    ok("garden.db", "--stop-before", "002_add_soil")
    err = fails("garden.db", "--stop-before", "create_beds")
    assert err == (
        "Error: Cannot stop before migration create_beds in set 'garden' - already been applied\n"
    )


def test_failing_migration_leaves_database_as_before(project):
    ok("garden.db")
    (project / "app" / "db" / "migrations.py").write_text(GARDEN + FAILING)
    db = Database("garden.db")
    before = (db.schema, list(db.query("select * from _sqlite_migrations")))
    assert fails("garden.db") == "Error: depth must be positive\n"
    assert (db.schema, list(db.query("select * from _sqlite_migrations"))) == before
    assert db["beds"].count == 0
    assert "    broken" in ok("garden.db", "--list")


def test_failure_keeps_earlier_migrations_of_the_run(project):
    (project / "app" / "db" / "migrations.py").write_text(GARDEN + FAILING)
    fails("garden.db")
    assert applied("garden.db") == [("garden", "create_beds"), ("garden", "002_add_soil")]
    assert "depth" not in Database("garden.db")["beds"].columns_dict


def test_verbose(project):
    out = ok("garden.db", "-v", "--stop-before", "002_add_soil")
    beds = 'CREATE TABLE "beds" (\n   "id" INTEGER PRIMARY KEY,\n   "label" TEXT\n);'
    after = MIGRATIONS_SCHEMA + "\n" + beds
    assert out == (
        "Migrating garden.db\n\nSchema before:\n\n  (empty)\n\n"
        "Schema after:\n\n" + textwrap.indent(after, "  ") + "\n\n"
        "Schema diff:\n\n" + textwrap.indent(after, "+", lambda line: True) + "\n"
    )
    out = ok("garden.db", "-v", "--stop-before", "002_add_soil")
    assert out.endswith("Schema after:\n\n  (unchanged)\n\n")
    out = ok("garden.db", "-v")
    assert out.endswith(
        'Schema diff:\n\n CREATE TABLE "beds" (\n    "id" INTEGER PRIMARY KEY,\n    "label" TEXT\n'
        '-);\n+, "soil" TEXT);\n'
    )


def test_several_files_sorted(project):
    (project / "app" / "zz").mkdir()
    (project / "app" / "zz" / "migrations.py").write_text(
        "from datamill import Migrations\nlate = Migrations('late')\n"
        "@late()\ndef one(db):\n    db['late'].insert({'x': 1})\n"
    )
    ok("garden.db")
    assert applied("garden.db") == [
        ("garden", "create_beds"),
        ("garden", "002_add_soil"),
        ("late", "one"),
    ]


def test_legacy_sets(project):
    (project / "app" / "db" / "migrations.py").write_text(LEGACY)
    ok("garden.db", "--stop-before", "b")
    assert list(Database("garden.db").query("select * from legacy_log")) == [{"stop_before": "b"}]
    err = fails("garden.db", "--stop-before", "a", "--stop-before", "old:b")
    assert err == (
        "Error: Migration set 'old' uses the older sqlite-migrate class, which only supports a "
        "single --stop-before value - got: a, b\n"
    )


# A legacy set that creates the tracking table when asked what is applied or pending.
LEGACY_CREATING_TABLE = """
class Legacy:
    name = "old"
    def ensure_migrations_table(self, db):
        if not db["_sqlite_migrations"].exists():
            db["_sqlite_migrations"].create(
                {"id": int, "migration_set": str, "name": str, "applied_at": str}, pk="id"
            )
    def applied(self, db):
        self.ensure_migrations_table(db)
        return []
    def pending(self, db):
        self.ensure_migrations_table(db)
        return [type("M", (), {"name": "a"})]
    def apply(self, db, stop_before=None):
        raise AssertionError("--list must not apply")

legacy = Legacy()
"""


def test_list_with_legacy_set_that_creates_the_table_writes_nothing(project):
    # issue 11 §3.3, C-MIGRATE --list: read-only even when a legacy set would write.
    (project / "app" / "db" / "migrations.py").write_text(LEGACY_CREATING_TABLE)
    Database("garden.db")["beds"].insert({"id": 1})
    before = (project / "garden.db").read_bytes()
    assert ok("garden.db", "--list") == (
        "Migrations for: old\n\n  Applied:\n\n  Pending:\n    a\n\n"
    )
    assert (project / "garden.db").read_bytes() == before
    assert Database("garden.db").table_names() == ["beds"]


def test_no_migration_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert fails("x.db") == "Error: No migrations.py files found\n"
    assert not (tmp_path / "x.db").exists()


def test_broken_migrations_file(project):
    (project / "app" / "db" / "migrations.py").write_text("import nonexistent_module_xyz\n")
    err = fails("garden.db")
    assert err == (
        "Error: Could not load app/db/migrations.py: No module named 'nonexistent_module_xyz'\n"
    )


@pytest.mark.parametrize("extra", [[], ["--list"], ["-v"]])
def test_file_that_is_not_a_database(project, extra):
    (project / "bad.db").write_bytes(b"not a database, " * 20)
    result = run("bad.db", *extra)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: file is not a database\n"
