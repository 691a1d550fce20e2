"""C-ENABLE-COUNTS and C-RESET-COUNTS."""

import cli_helpers
import pytest

from datamill import Database

TRIGGER = """CREATE TRIGGER "plants_counts_insert" AFTER INSERT ON "plants"
BEGIN
    INSERT OR REPLACE INTO "_counts"
    VALUES (
        'plants',
        COALESCE(
            (SELECT count FROM "_counts" WHERE "table" = 'plants'),
        0
        ) + 1
    );
END"""
COUNTS_SCHEMA = (
    'CREATE TABLE "_counts"(\n   "table" TEXT PRIMARY KEY,\n   count INTEGER DEFAULT 0\n)'
)


@pytest.fixture
def garden(tmp_path):
    path = str(tmp_path / "garden.db")
    db = Database(path)
    db["plants"].insert_all([{"id": i, "name": f"p{i}"} for i in range(1, 5)], pk="id")
    db["beds"].insert({"id": 1}, pk="id")
    db["docs"].insert({"text": "hello"})
    db.execute("create virtual table docs_fts using fts5(text)")
    return path


def ok(*args):
    assert cli_helpers.ok(*args) == ""


def sql(path, statement):
    return Database(path).execute(statement).fetchall()


def test_enable_counts_every_table(garden):
    ok("enable-counts", garden)
    db = Database(garden)
    assert db["_counts"].schema == COUNTS_SCHEMA
    counts = db.cached_counts()
    assert (counts["plants"], counts["beds"], counts["docs"]) == (4, 1, 1)
    assert "docs_fts" not in counts  # virtual tables are skipped, their shadow tables are not
    assert "docs_fts_data" in counts
    trigger = "select sql from sqlite_master where name = 'plants_counts_insert'"
    assert sql(garden, trigger) == [(TRIGGER,)]
    delete = sql(garden, "select sql from sqlite_master where name = 'plants_counts_delete'")
    assert delete == [
        (
            TRIGGER.replace("INSERT ON", "DELETE ON")
            .replace("_insert", "_delete")
            .replace(") + 1", ") - 1"),
        )
    ]


def test_triggers_keep_counts(garden):
    ok("enable-counts", garden, "plants")
    db = Database(garden)
    db["plants"].insert({"id": 9, "name": "new"})
    db["plants"].delete(1)
    db["plants"].delete(2)
    assert db.cached_counts() == {"plants": 3}


def test_named_tables_only(garden):
    ok("enable-counts", garden, "beds")
    assert sql(garden, "select * from _counts") == [("beds", 1)]


def test_invalid_tables_change_nothing(garden):
    result = cli_helpers.run("enable-counts", garden, "plants", "zz", "aa")
    assert result.exit_code == 1
    assert result.stderr == "Error: Invalid tables: ['zz', 'aa']\n"
    assert "_counts" not in Database(garden).table_names()


def test_reset_counts(garden):
    ok("enable-counts", garden, "plants", "beds")
    db = Database(garden)
    db.execute("update _counts set count = 99")
    db.execute("insert into _counts values ('gone', 5)")
    ok("reset-counts", garden)
    assert sql(garden, "select * from _counts order by 1") == [("beds", 1), ("plants", 4)]


def test_reset_counts_without_counts_creates_empty_table(garden):
    ok("reset-counts", garden)
    assert sql(garden, "select count(*) from _counts") == [(0,)]


@pytest.mark.parametrize("command", ["enable-counts", "reset-counts"])
def test_path_must_exist(tmp_path, command):
    result = cli_helpers.run(command, str(tmp_path / "missing.db"))
    assert result.exit_code == 2
    assert "Error: Invalid value for 'PATH': File" in result.stderr


@pytest.mark.parametrize("args", [["enable-counts"], ["enable-counts", "t"], ["reset-counts"]])
def test_file_that_is_not_a_database(tmp_path, args):
    path = tmp_path / "bad.db"
    path.write_bytes(b"not a database, " * 20)
    result = cli_helpers.run(args[0], str(path), *args[1:])
    assert (result.exit_code, result.stderr) == (1, "Error: file is not a database\n")
