"""Views and table lifecycle: L-OBJ-1..4 (and L-ERR-3)."""

import pytest

from datamill.db import Database, NoTable, Table, View
from datamill.utils import sqlite3
from sql_trace import Recorder


@pytest.fixture
def db():
    database = Database(memory=True)
    database["dogs"].insert_all([{"id": 1, "name": "Cleo"}, {"id": 2, "name": "Bo"}], pk="id")
    return database


def test_obj_1_create_view(db):
    """L-OBJ-1: CREATE VIEW "{name}" AS {sql}, returning the Database."""
    recorder = Recorder()
    with db.tracer(recorder):
        assert db.create_view("good dogs", "select name from dogs where id = 1") is db
    assert ('CREATE VIEW "good dogs" AS select name from dogs where id = 1', None) in recorder
    assert db.view_names() == ["good dogs"]
    assert list(db["good dogs"].rows) == [{"name": "Cleo"}]
    assert db["good dogs"].schema == 'CREATE VIEW "good dogs" AS select name from dogs where id = 1'


def test_obj_1_both_flags(db):
    """L-OBJ-1: ignore and replace together is a ValueError."""
    with pytest.raises(ValueError) as excinfo:
        db.create_view("v", "select 1", ignore=True, replace=True)
    assert str(excinfo.value) == "Use one or the other of ignore/replace, not both"
    assert db.view_names() == []


def test_obj_1_exists_without_flag(db):
    """L-OBJ-1: an existing view with no flag raises SQLite's error."""
    db.create_view("v", "select 1 as one")
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.create_view("v", "select 2 as two")
    assert str(excinfo.value) == 'view "v" already exists'
    assert list(db["v"].rows) == [{"one": 1}]
    assert not db.conn.in_transaction


def test_obj_1_ignore(db):
    """L-OBJ-1: ignore=True leaves an existing view untouched."""
    db.create_view("v", "select 1 as one")
    assert db.create_view("v", "select 2 as two", ignore=True) is db
    assert list(db["v"].rows) == [{"one": 1}]


def test_obj_1_replace_identical_is_noop(db):
    """L-OBJ-1: replace with identical SQL does not drop and recreate."""
    db.create_view("v", "select 1 as one")
    recorder = Recorder()
    with db.tracer(recorder):
        db.create_view("v", "select 1 as one", replace=True)
    assert not any(sql.upper().startswith(("DROP", "CREATE")) for sql, _ in recorder)
    assert list(db["v"].rows) == [{"one": 1}]


def test_obj_1_replace_different_sql(db):
    """L-OBJ-1: replace with different SQL drops and recreates."""
    db.create_view("v", "select 1 as one")
    assert db.create_view("v", "select 2 as two", replace=True) is db
    assert list(db["v"].rows) == [{"two": 2}]
    assert db.view_names() == ["v"]


def test_obj_1_replace_when_missing_creates(db):
    """L-OBJ-1: replace/ignore with no existing view simply create it."""
    db.create_view("a", "select 1 as x", replace=True)
    db.create_view("b", "select 2 as x", ignore=True)
    assert db.view_names() == ["a", "b"]


def test_obj_1_bad_sql_leaves_old_view(db):
    """L-OBJ-1: a failing replacement keeps the old view (the drop is rolled back)."""
    db.create_view("v", "select 1 as one")
    with pytest.raises(sqlite3.OperationalError):
        db.create_view("v", "select from where", replace=True)
    assert db.view_names() == ["v"]
    assert list(db["v"].rows) == [{"one": 1}]


def test_obj_2_drop_table(db):
    """L-OBJ-2: Table.drop() drops; a missing table raises; ignore=True swallows."""
    assert db["dogs"].drop() is None
    assert db.table_names() == []
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db["dogs"].drop()
    assert str(excinfo.value) == "no such table: dogs"
    assert db["dogs"].drop(ignore=True) is None


def test_obj_2_drop_view(db):
    """L-OBJ-2: View.drop() likewise."""
    db.create_view("v", "select 1")
    assert db["v"].drop() is None
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        View(db, "v").drop()
    assert str(excinfo.value) == "no such view: v"
    assert View(db, "v").drop(ignore=True) is None


def test_obj_3_duplicate(db):
    """L-OBJ-3: CREATE TABLE "new" AS SELECT * FROM "old"; returns db.table(new)."""
    db.execute(
        "create table a (id integer primary key, name text not null default 'x', w float, b, "
        "n text)"
    )
    db.execute("insert into a values (1, 'one', 1.5, x'00', 'n')")
    recorder = Recorder()
    with db.tracer(recorder):
        copy = db["a"].duplicate("a2")
    assert ('CREATE TABLE "a2" AS SELECT * FROM "a";', None) in recorder
    assert isinstance(copy, Table) and copy.name == "a2"
    assert copy.schema == "CREATE TABLE a2(id INT,name TEXT,w REAL,b,n TEXT)"
    assert copy.pks == ["rowid"]
    assert copy.default_values == {}
    assert list(copy.rows) == [{"id": 1, "name": "one", "w": 1.5, "b": b"\x00", "n": "n"}]


def test_obj_3_duplicate_quoting(db):
    """L-OBJ-3: names with spaces and quotes are quoted."""
    db['we"ird name'].insert({"x": 1})
    copy = db['we"ird name'].duplicate("co py")
    assert list(copy.rows) == [{"x": 1}]


def test_obj_3_duplicate_missing_source(db):
    """L-OBJ-3 / L-ERR-3: duplicating a missing table raises NoTable."""
    with pytest.raises(NoTable) as excinfo:
        db["missing"].duplicate("copy")
    assert str(excinfo.value) == "Table missing does not exist"
    assert "copy" not in db.table_names()


def test_obj_3_duplicate_existing_target(db):
    """L-OBJ-3: an existing target raises SQLite's error and changes nothing."""
    db["other"].insert({"x": 1})
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db["dogs"].duplicate("other")
    assert str(excinfo.value) == 'table "other" already exists'
    assert list(db["other"].rows) == [{"x": 1}]


def test_obj_4_rename_table(db):
    """L-OBJ-4: ALTER TABLE "name" RENAME TO "new_name"."""
    recorder = Recorder()
    with db.tracer(recorder):
        db.rename_table("dogs", "good dogs")
    assert ('ALTER TABLE "dogs" RENAME TO "good dogs"', None) in recorder
    assert db.table_names() == ["good dogs"]
    assert db["good dogs"].count == 2


def test_obj_4_rename_missing(db):
    """L-OBJ-4: renaming a missing table raises SQLite's error."""
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.rename_table("nope", "other")
    assert str(excinfo.value) == "no such table: nope"
