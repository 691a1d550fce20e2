"""Transactions: L-TXN-1..7, and the transaction rules of L-QRY-1/L-QRY-4 and L-IMP-1.6."""

import pytest

from datamill.db import Database, TransactionError
from datamill.utils import sqlite3
from sql_trace import Recorder


@pytest.fixture
def path(tmp_path):
    return tmp_path / "txn.db"


@pytest.fixture
def db(path):
    database = Database(path)
    database["t"].insert({"id": 1, "name": "a"}, pk="id")
    yield database
    database.close()


def persisted(path, sql="select id from t order by id"):
    """Read through a second connection: only committed data is visible."""
    conn = sqlite3.connect(str(path))
    try:
        return [row[0] for row in conn.execute(sql).fetchall()]
    finally:
        conn.close()


# -- L-TXN-1 ---------------------------------------------------------------------------


def test_txn_1_write_methods_commit_without_commit_call(db, path):
    """L-TXN-1: with no open transaction, each write method commits before it returns."""
    db["t"].insert({"id": 2, "name": "b"})
    assert not db.conn.in_transaction
    assert persisted(path) == [1, 2]
    db["t"].update(2, {"name": "B"})
    assert persisted(path, "select name from t where id = 2") == ["B"]
    db["t"].delete(2)
    assert persisted(path) == [1]
    db.create_table("c", {"id": int})
    assert "c" in persisted(path, "select name from sqlite_master")
    db["t"].create_index(["name"])
    assert "idx_t_name" in persisted(path, "select name from sqlite_master")


def test_txn_1_failing_write_leaves_database_unchanged(db, path):
    """L-TXN-1: a write that fails part-way is rolled back entirely."""
    with pytest.raises(sqlite3.IntegrityError):
        db["t"].insert_all([{"id": 5, "name": "x"}, {"id": 1, "name": "dup"}])
    assert not db.conn.in_transaction
    assert persisted(path) == [1]


# -- L-TXN-2 ---------------------------------------------------------------------------


def test_txn_2_atomic_yields_db_and_commits(db, path):
    """L-TXN-2: the outer block is BEGIN ... COMMIT and yields the Database."""
    with db.atomic() as yielded:
        assert yielded is db
        assert db.conn.in_transaction
        db.execute("insert into t (id, name) values (2, 'b')")
        assert persisted(path) == [1]
    assert not db.conn.in_transaction
    assert persisted(path) == [1, 2]


def test_txn_2_atomic_is_deferred(db, path):
    """L-TXN-2: a deferred BEGIN takes no lock until the first access."""
    with db.atomic():
        other = sqlite3.connect(str(path), timeout=0)
        other.execute("insert into t (id, name) values (9, 'other')")
        other.commit()
        other.close()
    assert persisted(path) == [1, 9]


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt()])
def test_txn_2_atomic_rolls_back_on_any_base_exception(db, path, error):
    """L-TXN-2: any BaseException rolls the outer block back and is re-raised."""
    with pytest.raises(type(error)):
        with db.atomic():
            db.execute("insert into t (id, name) values (2, 'b')")
            raise error
    assert not db.conn.in_transaction
    assert persisted(path) == [1]


def test_txn_2_failed_commit_rolls_back(db, path):
    """L-TXN-2: if COMMIT fails (deferred FK violation), the block rolls back and re-raises."""
    db.execute("PRAGMA foreign_keys=on")
    db.execute(
        "create table child (id integer primary key, "
        "t_id integer references t(id) deferrable initially deferred)"
    )
    with pytest.raises(sqlite3.IntegrityError) as excinfo:
        with db.atomic():
            db.execute("insert into child (id, t_id) values (1, 99)")
            db.execute("insert into t (id, name) values (2, 'b')")
    assert str(excinfo.value) == "FOREIGN KEY constraint failed"
    assert not db.conn.in_transaction
    assert persisted(path) == [1]
    assert persisted(path, "select id from child") == []


def test_txn_2_nested_block_undoes_only_inner_work(db, path):
    """L-TXN-2: a nested block is a savepoint; its failure undoes only the inner work."""
    with db.atomic():
        db.execute("insert into t (id, name) values (2, 'outer')")
        with pytest.raises(ValueError):
            with db.atomic() as inner:
                assert inner is db
                db.execute("insert into t (id, name) values (3, 'inner')")
                raise ValueError("inner")
        assert db.conn.in_transaction
        with db.atomic():
            db.execute("insert into t (id, name) values (4, 'kept')")
    assert persisted(path) == [1, 2, 4]


def test_txn_2_three_levels(db, path):
    """L-TXN-2: savepoints nest to any depth with unique names."""
    with db.atomic():
        db.execute("insert into t (id, name) values (2, 'a')")
        with db.atomic():
            db.execute("insert into t (id, name) values (3, 'b')")
            with pytest.raises(RuntimeError):
                with db.atomic():
                    db.execute("insert into t (id, name) values (4, 'c')")
                    raise RuntimeError
            db.execute("insert into t (id, name) values (5, 'd')")
    assert persisted(path) == [1, 2, 3, 5]


def test_txn_2_outer_failure_undoes_released_savepoints(db, path):
    """L-TXN-2: work released by an inner block is still undone when the outer block fails."""
    with pytest.raises(ValueError):
        with db.atomic():
            with db.atomic():
                db.execute("insert into t (id, name) values (2, 'a')")
            raise ValueError
    assert persisted(path) == [1]


def test_txn_2_destroyed_transaction_is_not_masked(db, path):
    """L-TXN-2: after RAISE(ROLLBACK) destroyed the transaction, the original error surfaces."""
    db.execute(
        "create trigger no_bad before insert on t when new.name = 'bad' "
        "begin select raise(rollback, 'bad name'); end"
    )
    with pytest.raises(sqlite3.IntegrityError) as excinfo:
        with db.atomic():
            db.execute("insert into t (id, name) values (2, 'ok')")
            with db.atomic():
                db.execute("insert into t (id, name) values (3, 'bad')")
    assert str(excinfo.value) == "bad name"
    assert not db.conn.in_transaction
    assert persisted(path) == [1]


def test_txn_2_control_statements_bypass_tracer(db):
    """L-TXN-2: BEGIN/SAVEPOINT/RELEASE/COMMIT/ROLLBACK from atomic() are not traced."""
    recorder = Recorder()
    with db.tracer(recorder):
        with db.atomic():
            db.execute("insert into t (id, name) values (2, 'b')")
            with pytest.raises(ValueError):
                with db.atomic():
                    raise ValueError
    assert recorder == [("insert into t (id, name) values (2, 'b')", None)]


# -- L-TXN-3 ---------------------------------------------------------------------------


def test_txn_3_begin_is_traced_and_opens_transaction(db, path):
    """L-TXN-3: begin() runs BEGIN through execute(); commit() persists."""
    recorder = Recorder()
    with db.tracer(recorder):
        db.begin()
    assert recorder == [("BEGIN", None)]
    assert db.conn.in_transaction
    db.execute("insert into t (id, name) values (2, 'b')")
    assert persisted(path) == [1]
    db.commit()
    assert not db.conn.in_transaction
    assert persisted(path) == [1, 2]


def test_txn_3_begin_twice_raises(db):
    """L-TXN-3: begin() inside a transaction raises SQLite's error."""
    db.begin()
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.begin()
    assert str(excinfo.value) == "cannot start a transaction within a transaction"
    assert db.conn.in_transaction
    db.rollback()


def test_txn_3_commit_and_rollback_are_noops_without_transaction(db, path):
    """L-TXN-3: commit()/rollback() with no open transaction do nothing."""
    assert db.commit() is None
    assert db.rollback() is None
    assert not db.conn.in_transaction
    assert persisted(path) == [1]


def test_txn_3_rollback_discards(db, path):
    """L-TXN-3: rollback() undoes the caller's transaction."""
    db.begin()
    db.execute("insert into t (id, name) values (2, 'b')")
    db.rollback()
    assert not db.conn.in_transaction
    assert persisted(path) == [1]


def test_txn_3_library_never_commits_callers_transaction(db, path):
    """L-TXN-3 / L-IMP-1.6: write methods join a begin() transaction and never commit it."""
    before_schema = persisted(path, "select sql from sqlite_master order by name")
    db.begin()
    table = db["t"]
    table.insert({"id": 2, "name": "b"})
    table.insert_all([{"id": n, "name": "x"} for n in range(3, 8)], batch_size=2)
    table.upsert({"id": 1, "name": "changed"}, pk="id")
    table.update(2, {"name": "B"})
    table.delete(3)
    table.delete_where("id = ?", [4])
    table.add_column("extra", str)
    table.create_index(["name"])
    table.enable_counts()
    table.duplicate("t_copy")
    db.create_table("made", {"id": int})
    db.create_view("v", "select * from t")
    db.rename_table("made", "renamed")
    db["other"].insert({"a": 1})
    db["other"].drop()
    db.executescript("insert into t (id, name) values (50, 'script'); create table s (x);")
    assert list(db.query("insert into t (id, name) values (60, 'q') returning id")) == [{"id": 60}]
    db.execute("insert into t (id, name) values (70, 'exec')")
    assert db.conn.in_transaction
    assert persisted(path) == [1]
    db.rollback()
    assert persisted(path) == [1]
    assert persisted(path, "select name from t") == ["a"]
    assert persisted(path, "select sql from sqlite_master order by name") == before_schema


def test_txn_3_library_work_inside_atomic_failing_is_undone(db, path):
    """L-TXN-3: library writes inside the caller's atomic() are undone if the block fails."""
    with pytest.raises(ZeroDivisionError):
        with db.atomic():
            db["t"].insert({"id": 2, "name": "b"})
            db["new"].insert_all([{"x": 1}, {"x": 2}])
            raise ZeroDivisionError
    assert persisted(path) == [1]
    assert "new" not in persisted(path, "select name from sqlite_master")


# -- L-TXN-4 ---------------------------------------------------------------------------


def test_txn_4_execute_write_commits_immediately(db, path):
    """L-TXN-4: a write with no transaction open is committed by execute()."""
    cursor = db.execute("insert into t (id, name) values (?, ?)", [2, "b"])
    assert isinstance(cursor, sqlite3.Cursor)
    assert not db.conn.in_transaction
    assert persisted(path) == [1, 2]


def test_txn_4_execute_joins_open_transaction(db, path):
    """L-TXN-4: inside an open transaction the statement simply joins it."""
    db.begin()
    db.execute("insert into t (id, name) values (2, 'b')")
    db.execute("update t set name = 'z' where id = 1")
    assert db.conn.in_transaction
    assert persisted(path) == [1]
    db.rollback()
    assert persisted(path, "select name from t") == ["a"]


@pytest.mark.parametrize(
    "sql",
    ["BEGIN", "begin immediate", "  /* c */ BEGIN DEFERRED", "SAVEPOINT sp", "savepoint 'x'"],
)
def test_txn_4_transaction_keywords_are_not_committed(db, path, sql):
    """L-TXN-4: BEGIN/SAVEPOINT opened by execute() stay open."""
    db.execute(sql)
    assert db.conn.in_transaction
    db.execute("insert into t (id, name) values (2, 'b')")
    assert persisted(path) == [1]
    db.execute("ROLLBACK")
    assert not db.conn.in_transaction
    assert persisted(path) == [1]


def test_txn_4_end_and_commit_through_execute(db, path):
    """L-TXN-4: raw COMMIT/END through execute() end the transaction."""
    db.execute("BEGIN")
    db.execute("insert into t (id, name) values (2, 'b')")
    db.execute("END")
    assert persisted(path) == [1, 2]
    db.execute("SAVEPOINT s")
    db.execute("insert into t (id, name) values (3, 'c')")
    db.execute("RELEASE s")
    assert not db.conn.in_transaction
    assert persisted(path) == [1, 2, 3]


def test_txn_4_failed_statement_rolls_back_implicit_transaction(db, path):
    """L-TXN-4: a failing statement that opened an implicit transaction is rolled back."""
    with pytest.raises(sqlite3.IntegrityError) as excinfo:
        db.execute("insert into t (id, name) values (1, 'dup')")
    assert str(excinfo.value) == "UNIQUE constraint failed: t.id"
    assert not db.conn.in_transaction
    db2 = Database(path)
    db2.execute("insert into t (id, name) values (3, 'c')")
    assert persisted(path) == [1, 3]
    db2.close()


def test_txn_4_failed_statement_inside_transaction_keeps_it_open(db, path):
    """L-TXN-4: inside the caller's transaction a failure does not end it."""
    db.begin()
    db.execute("insert into t (id, name) values (2, 'b')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into t (id, name) values (1, 'dup')")
    assert db.conn.in_transaction
    db.commit()
    assert persisted(path) == [1, 2]


def test_txn_4_select_opens_no_transaction(db):
    """L-TXN-4: a statement with result columns leaves no transaction behind."""
    assert db.execute("select id from t").fetchall() == [(1,)]
    assert not db.conn.in_transaction


def test_txn_4_returning_through_execute_stays_uncommitted(db, path):
    """L-TXN-4: INSERT ... RETURNING via execute() is not committed by the library."""
    cursor = db.execute("insert into t (id, name) values (2, 'b') returning id")
    assert cursor.fetchall() == [(2,)]
    assert db.conn.in_transaction
    assert persisted(path) == [1]
    db.commit()
    assert persisted(path) == [1, 2]


# -- L-TXN-5 / L-TXN-6 -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["enable_wal", "disable_wal"])
def test_txn_5_wal_toggles_refused_inside_transaction(db, method):
    """L-TXN-5: switching journal mode inside a transaction raises TransactionError."""
    if method == "disable_wal":
        db.enable_wal()
    db.begin()
    with pytest.raises(TransactionError) as excinfo:
        getattr(db, method)()
    assert str(excinfo.value) == f"{method}() cannot be used while a transaction is open"
    assert db.conn.in_transaction
    db.rollback()


def test_txn_5_wal_toggle_noop_inside_transaction_when_already_in_mode(db):
    """L-TXN-5: already in the requested mode, the toggle is a no-op even in a transaction."""
    db.begin()
    db.disable_wal()
    assert db.journal_mode == "delete"
    db.rollback()
    db.enable_wal()
    db.begin()
    db.enable_wal()
    assert db.journal_mode == "wal"
    db.rollback()


def test_txn_5_ensure_autocommit_on_refused_in_transaction(db):
    """L-TXN-5: ensure_autocommit_on() inside a transaction raises TransactionError."""
    db.begin()
    with pytest.raises(TransactionError) as excinfo:
        with db.ensure_autocommit_on():
            pass
    assert str(excinfo.value) == (
        "ensure_autocommit_on() cannot be used inside a transaction - changing "
        "isolation_level would commit the open transaction"
    )
    assert db.conn.in_transaction
    db.rollback()


def test_txn_5_vacuum_inside_transaction_raises_sqlite_error(db):
    """L-TXN-5: vacuum() in a transaction raises SQLite's own error."""
    db.begin()
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.vacuum()
    assert str(excinfo.value) == "cannot VACUUM from within a transaction"
    db.rollback()


def test_txn_6_ensure_autocommit_on_restores_isolation_level(db):
    """L-TXN-6: isolation_level is None inside the block and restored after, even on error."""
    original = db.conn.isolation_level
    with db.ensure_autocommit_on():
        assert db.conn.isolation_level is None
    assert db.conn.isolation_level == original
    db.conn.isolation_level = "IMMEDIATE"
    with pytest.raises(RuntimeError):
        with db.ensure_autocommit_on():
            assert db.conn.isolation_level is None
            raise RuntimeError
    assert db.conn.isolation_level == "IMMEDIATE"


def test_txn_7_ownership_tracked_through_in_transaction(db, path):
    """L-TXN-7: a transaction opened by raw SQL is detected through conn.in_transaction."""
    db.execute("BEGIN")
    db["t"].insert({"id": 2, "name": "b"})
    assert db.conn.in_transaction
    assert persisted(path) == [1]
    db.commit()
    assert persisted(path) == [1, 2]
