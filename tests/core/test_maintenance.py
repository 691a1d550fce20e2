"""Counts, WAL and maintenance: L-MAINT-1..5."""

import sys
import types

import pytest

from datamill.db import Database
from datamill.utils import sqlite3
from sql_trace import Recorder


@pytest.fixture
def db():
    database = Database(memory=True)
    database["dogs"].insert_all([{"id": n, "name": f"d{n}"} for n in range(1, 4)], pk="id")
    database["cats"].insert({"id": 1, "name": "Tom"}, pk="id")
    return database


def counts_rows(db):
    return db.execute('select "table", count from "_counts" order by "table"').fetchall()


def test_maint_1_enable_counts(db):
    """L-MAINT-1: _counts, two triggers, the current count, and use_counts_table."""
    assert db.use_counts_table is False
    assert db["dogs"].enable_counts() is None
    assert db.use_counts_table is True
    assert counts_rows(db) == [("dogs", 3)]
    assert db["_counts"].columns_dict == {"table": str, "count": int}
    assert db["_counts"].pks == ["table"]
    assert db["_counts"].default_values == {"count": 0}
    triggers = db["dogs"].triggers_dict
    assert sorted(triggers) == ["dogs_counts_delete", "dogs_counts_insert"]
    insert_sql = triggers["dogs_counts_insert"]
    delete_sql = triggers["dogs_counts_delete"]
    assert insert_sql.startswith('CREATE TRIGGER "dogs_counts_insert" AFTER INSERT ON "dogs"')
    assert delete_sql.startswith('CREATE TRIGGER "dogs_counts_delete" AFTER DELETE ON "dogs"')
    # Stored in the layout C-ENABLE-COUNTS shows.
    body = (
        "\nBEGIN\n"
        '    INSERT OR REPLACE INTO "_counts"\n'
        "    VALUES (\n"
        "        'dogs',\n"
        "        COALESCE(\n"
        '            (SELECT count FROM "_counts" WHERE "table" = \'dogs\'),\n'
        "        0\n"
        "        ) {} 1\n"
        "    );\n"
        "END"
    )
    assert insert_sql.endswith(body.format("+"))
    assert delete_sql.endswith(body.format("-"))


def test_maint_1_runs_one_script(db):
    """L-MAINT-1: one traced script creates _counts, both triggers and the current count."""
    dogs = db["dogs"]
    recorder = Recorder()
    with db.tracer(recorder):
        dogs.enable_counts()
    scripts = [sql for sql in recorder.sql if "_counts" in sql]
    assert len(scripts) == 1
    script = scripts[0]
    assert script.index('CREATE TABLE IF NOT EXISTS "_counts"') < script.index(
        'CREATE TRIGGER IF NOT EXISTS "dogs_counts_insert" AFTER INSERT ON "dogs"'
    )
    assert 'CREATE TRIGGER IF NOT EXISTS "dogs_counts_delete" AFTER DELETE ON "dogs"' in script
    assert script.rstrip().endswith(
        'INSERT OR REPLACE INTO "_counts" VALUES (\'dogs\', (SELECT count(*) FROM "dogs"));'
    )


def test_maint_1_triggers_keep_count(db):
    """L-MAINT-1: inserts add one, deletes subtract one."""
    dogs = db["dogs"]
    dogs.enable_counts()
    dogs.insert_all([{"id": 10, "name": "x"}, {"id": 11, "name": "y"}])
    assert counts_rows(db) == [("dogs", 5)]
    dogs.delete(10)
    dogs.delete_where("id < 3")
    assert counts_rows(db) == [("dogs", 2)]
    assert dogs.count == 2 == dogs.execute_count()


def test_maint_1_enable_counts_twice_and_odd_names():
    """L-MAINT-1: re-running is harmless; quotes in names are escaped."""
    db = Database(memory=True)
    name = 'it\'s "odd"'
    db[name].insert({"x": 1})
    db[name].enable_counts()
    db[name].enable_counts()
    db[name].insert({"x": 2})
    assert counts_rows(db) == [(name, 2)]
    assert db[name].has_counts_triggers


def test_maint_1_enable_counts_is_atomic(db):
    """L-MAINT-1: the script runs in atomic(); inside the caller's transaction it joins it."""
    db.begin()
    db["dogs"].enable_counts()
    assert db.conn.in_transaction
    db.rollback()
    assert "_counts" not in db.table_names()
    assert db["dogs"].triggers == []


def test_maint_2_db_enable_counts(db):
    """L-MAINT-2: every table except virtual tables and _counts; FTS shadow tables included."""
    db.execute("create virtual table docs_fts using fts5(body)")
    db.execute("insert into docs_fts (body) values ('hello')")
    db.use_counts_table = False
    assert db.enable_counts() is None
    assert db.use_counts_table is True
    counted = dict(counts_rows(db))
    assert counted["dogs"] == 3 and counted["cats"] == 1
    assert "docs_fts" not in counted
    assert "_counts" not in counted
    shadow = {name for name in db.table_names() if name.startswith("docs_fts_")}
    assert shadow and shadow <= set(counted)
    assert db["_counts"].triggers == []


def test_maint_2_db_enable_counts_skips_sqlite_internal_tables():
    """L-MAINT-2 (spec silent, baseline crashes): sqlite_sequence and sqlite_stat1 cannot
    carry triggers, so db.enable_counts() leaves them out."""
    db = Database(memory=True)
    db.execute("create table a (id integer primary key autoincrement, x)")
    db.execute("insert into a (x) values (1)")
    db.analyze()
    assert db.table_names() == ["a", "sqlite_sequence", "sqlite_stat1"]
    db.enable_counts()
    assert db.cached_counts() == {"a": 1}
    assert db["sqlite_sequence"].triggers == []


def test_maint_2_cached_counts(db):
    """L-MAINT-2: cached_counts returns {table: count}, filtered, or {} with no _counts."""
    assert db.cached_counts() == {}
    db.enable_counts()
    assert db.cached_counts() == {"dogs": 3, "cats": 1}
    assert db.cached_counts(["cats"]) == {"cats": 1}
    assert db.cached_counts(["cats", "missing"]) == {"cats": 1}


def test_maint_2_reset_counts(db):
    """L-MAINT-2: reset_counts rebuilds _counts from the real counts of counted tables."""
    db["dogs"].enable_counts()
    db.execute("update _counts set count = 100")
    db.execute("insert into _counts values ('stale', 7)")
    db["cats"].insert({"id": 2, "name": "untracked"})
    assert db.reset_counts() is None
    assert counts_rows(db) == [("dogs", 3)]
    assert not db.conn.in_transaction


def test_maint_2_reset_counts_recreates_missing_table(db):
    """L-MAINT-2: with _counts dropped, reset_counts recreates it and refills it."""
    db["dogs"].enable_counts()
    db.execute('drop table "_counts"')
    db.reset_counts()
    assert counts_rows(db) == [("dogs", 3)]


def test_maint_2_reset_counts_without_counts_table():
    """L-MAINT-2: reset_counts on a database that never enabled counts creates an empty
    _counts table, as the baseline does."""
    db = Database(memory=True)
    db["t"].insert({"x": 1})
    db.reset_counts()
    assert db.table_names() == ["t", "_counts"]
    assert db.cached_counts() == {}


def test_maint_3_use_counts_table(db):
    """L-MAINT-3: count uses the cached value when present, else count(*)."""
    db["dogs"].enable_counts()
    db.execute("update _counts set count = 42 where \"table\" = 'dogs'")
    assert db["dogs"].count == 42
    assert db["cats"].count == 1
    plain = Database(memory=True)
    plain["t"].insert({"x": 1})
    plain["t"].enable_counts()
    plain.execute("update _counts set count = 9")
    plain.use_counts_table = False
    assert plain["t"].count == 1
    plain.use_counts_table = True
    assert plain["t"].count == 9


def test_maint_3_constructor_flag(tmp_path):
    """L-MAINT-3: Database(use_counts_table=True) reads the cache from the start."""
    path = tmp_path / "c.db"
    first = Database(path)
    first["t"].insert({"x": 1})
    first["t"].enable_counts()
    first.execute("update _counts set count = 5")
    first.close()
    assert Database(path, use_counts_table=True)["t"].count == 5
    assert Database(path)["t"].count == 1


def test_maint_4_wal(tmp_path):
    """L-MAINT-4: enable_wal / disable_wal run the PRAGMA only when needed."""
    db = Database(tmp_path / "w.db")
    recorder = Recorder()
    with db.tracer(recorder):
        assert db.enable_wal() is None
    assert "PRAGMA journal_mode=wal;" in recorder.sql
    assert db.journal_mode == "wal"
    recorder.clear()
    with db.tracer(recorder):
        db.enable_wal()
    assert "PRAGMA journal_mode=wal;" not in recorder.sql
    with db.tracer(recorder):
        assert db.disable_wal() is None
    assert "PRAGMA journal_mode=delete;" in recorder.sql
    assert db.journal_mode == "delete"
    recorder.clear()
    with db.tracer(recorder):
        db.disable_wal()
    assert "PRAGMA journal_mode=delete;" not in recorder.sql
    assert not db.conn.in_transaction


def test_maint_4_wal_runs_in_autocommit_mode(tmp_path):
    """L-MAINT-4: the PRAGMA runs inside ensure_autocommit_on()."""
    db = Database(tmp_path / "w.db")
    levels = []
    db._tracer = lambda sql, params: levels.append((sql, db.conn.isolation_level))
    db.enable_wal()
    assert ("PRAGMA journal_mode=wal;", None) in levels
    assert db.conn.isolation_level == ""


def test_maint_5_vacuum(tmp_path):
    """L-MAINT-5: vacuum() runs VACUUM; and returns None."""
    db = Database(tmp_path / "v.db")
    db["t"].insert_all([{"x": "y" * 1000} for _ in range(200)])
    db["t"].delete_where()
    size_before = (tmp_path / "v.db").stat().st_size
    recorder = Recorder()
    with db.tracer(recorder):
        assert db.vacuum() is None
    assert recorder == [("VACUUM;", None)]
    assert (tmp_path / "v.db").stat().st_size < size_before


def test_maint_5_analyze(db):
    """L-MAINT-5: ANALYZE, ANALYZE "name", and table.analyze()."""
    db["dogs"].create_index(["name"])
    recorder = Recorder()
    with db.tracer(recorder):
        assert db.analyze() is None
        assert db.analyze("idx_dogs_name") is None
        assert db["cats"].analyze() is None
    assert [sql for sql in recorder.sql if sql.startswith("ANALYZE")] == [
        "ANALYZE",
        'ANALYZE "idx_dogs_name"',
        'ANALYZE "cats"',
    ]
    stats = {row[0] for row in db.execute("select tbl from sqlite_stat1")}
    assert {"dogs", "cats"} <= stats


def test_maint_5_analyze_missing(db):
    """L-MAINT-5: analyzing an unknown name raises SQLite's error."""
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.analyze("nope")
    assert str(excinfo.value) == "no such table: nope"


def test_maint_5_iterdump_via_connection(monkeypatch):
    """L-MAINT-5: without sqlite-dump, conn.iterdump() provides the statements."""
    monkeypatch.setitem(sys.modules, "sqlite_dump", None)
    db = Database(memory=True)
    db["t"].insert({"a": 1})
    assert list(db.iterdump()) == [
        "BEGIN TRANSACTION;",
        'CREATE TABLE "t" (\n   "a" INTEGER\n);',
        'INSERT INTO "t" VALUES(1);',
        "COMMIT;",
    ]


def test_maint_5_iterdump_prefers_sqlite_dump(monkeypatch):
    """L-MAINT-5: sqlite_dump.iterdump(conn) is used when installed."""
    fake = types.ModuleType("sqlite_dump")
    seen = []

    def iterdump(conn):
        seen.append(conn)
        yield "-- from sqlite-dump"

    fake.iterdump = iterdump
    monkeypatch.setitem(sys.modules, "sqlite_dump", fake)
    db = Database(memory=True)
    assert list(db.iterdump()) == ["-- from sqlite-dump"]
    assert seen == [db.conn]


def test_maint_5_iterdump_unavailable(monkeypatch):
    """L-MAINT-5: neither available -> AttributeError with the install hint."""
    monkeypatch.setitem(sys.modules, "sqlite_dump", None)
    db = Database(memory=True)

    class NoDump:
        def execute(self, *args):
            return db.conn.execute(*args)

    monkeypatch.setattr(db, "conn", NoDump())
    with pytest.raises(AttributeError) as excinfo:
        list(db.iterdump())
    assert str(excinfo.value) == "conn.iterdump() not found - try pip install sqlite-dump"
