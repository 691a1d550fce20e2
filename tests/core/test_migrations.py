"""L-MIG: Migrations, apply, pending/applied, the tracking table."""

import pytest

import datamill
from datamill.migrations import ensure_migrations_table


def make_set():
    m = datamill.Migrations("creatures")

    @m()
    def create_table(db):
        db["creatures"].create({"id": int, "name": str}, pk="id")

    @m(name="002_weight")
    def add_weight(db):
        db["creatures"].add_column("weight", float)

    return m


def test_repr_and_registration_returns_function():
    m = make_set()
    assert repr(m) == "<Migrations 'creatures': [create_table, 002_weight]>"

    def f(db):
        pass

    assert m(name="003")(f) is f


def test_duplicate_name_rejected():
    m = make_set()
    with pytest.raises(ValueError) as info:
        m(name="002_weight")(lambda db: None)
    assert str(info.value) == "Migration '002_weight' is already registered in set 'creatures'"


def test_apply_pending_applied():
    db = datamill.Database(memory=True)
    m = make_set()
    assert [p.name for p in m.pending(db)] == ["create_table", "002_weight"]
    assert m.applied(db) == []
    assert "_sqlite_migrations" not in db.table_names()  # listing is read-only
    m.apply(db)
    assert [c.name for c in db["creatures"].columns] == ["id", "name", "weight"]
    applied = m.applied(db)
    assert [a.name for a in applied] == ["create_table", "002_weight"]
    assert applied[0].applied_at.endswith("+00:00")
    assert m.pending(db) == []
    m.apply(db)  # idempotent
    assert db["_sqlite_migrations"].count == 2


def test_tracking_table_schema():
    db = datamill.Database(memory=True)
    ensure_migrations_table(db)
    assert db["_sqlite_migrations"].schema == (
        'CREATE TABLE "_sqlite_migrations" (\n   "id" INTEGER PRIMARY KEY,\n'
        '   "migration_set" TEXT,\n   "name" TEXT,\n   "applied_at" TEXT\n)'
    )
    index = db["_sqlite_migrations"].indexes[0]
    assert index.name == "idx__sqlite_migrations_migration_set_name"
    assert index.unique == 1


def test_stop_before():
    db = datamill.Database(memory=True)
    m = make_set()
    m.apply(db, stop_before="002_weight")
    assert [a.name for a in m.applied(db)] == ["create_table"]
    m.apply(db, stop_before=["not-in-set"])
    assert len(m.applied(db)) == 2


def test_stop_before_applied_is_an_error():
    db = datamill.Database(memory=True)
    m = make_set()
    m.apply(db)
    with pytest.raises(ValueError) as info:
        m.apply(db, stop_before="create_table")
    assert str(info.value) == (
        "Cannot stop before migration create_table in set 'creatures' - already been applied"
    )
    with pytest.raises(ValueError) as info:
        m.apply(db, stop_before=["002_weight", "create_table"])
    assert str(info.value) == (
        "Cannot stop before migrations 002_weight, create_table in set 'creatures' - "
        "already been applied"
    )


def test_failing_migration_rolls_back_and_stays_pending():
    db = datamill.Database(memory=True)
    m = make_set()

    @m(name="003_broken")
    def broken(db):
        db["creatures"].insert({"id": 1, "name": "x"})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        m.apply(db)
    assert [a.name for a in m.applied(db)] == ["create_table", "002_weight"]
    assert db["creatures"].count == 0
    assert [p.name for p in m.pending(db)] == ["003_broken"]


def test_non_transactional_migration_can_change_journal_mode(tmp_path):
    db = datamill.Database(tmp_path / "m.db")
    m = datamill.Migrations("wal")

    @m(transactional=False)
    def wal(db):
        db.enable_wal()

    m.apply(db)
    assert db.journal_mode == "wal"
    assert [a.name for a in m.applied(db)] == ["wal"]
