"""All-or-nothing bulk writes and per-batch commits with an explicit batch_size (L-IMP-1)."""

import sqlite3

import pytest

from datamill.db import Database


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data.db"


@pytest.fixture
def db(path):
    database = Database(path)
    yield database
    database.close()


def observer(path):
    """A second connection, as another process would see the file."""
    return sqlite3.connect(path)


def visible_count(path, table="t"):
    conn = observer(path)
    try:
        exists = conn.execute(
            "select count(*) from sqlite_master where type = 'table' and name = ?", [table]
        ).fetchone()[0]
        if not exists:
            return None
        return conn.execute(f'select count(*) from "{table}"').fetchone()[0]
    finally:
        conn.close()


def ids_noting_visible(path, ids, at, seen):
    """Yield ``{"id": i}`` for each of ``ids``; just before each id in ``at``, append to
    ``seen`` the row count a second connection sees (None while there is no table)."""
    for i in ids:
        if i in at:
            seen.append(visible_count(path))
        yield {"id": i}


def test_imp_1_failure_on_row_50001_leaves_no_table_and_no_rows(db, path):
    """L-IMP-1.1/1.2: one transaction without batch_size; a late failure undoes everything."""

    def rows():
        yield from ({"id": i, "name": f"row {i}"} for i in range(1, 50_001))
        yield {"id": 1, "name": "duplicate"}

    with pytest.raises(sqlite3.IntegrityError) as info:
        db["t"].insert_all(rows(), pk="id")
    assert str(info.value) == 'UNIQUE constraint failed: t.id (row 50001, column "id")'
    assert info.value.row_number == 50_001
    assert db.table_names() == []
    assert visible_count(path) is None
    assert not db.conn.in_transaction


def test_imp_1_uncommitted_until_the_end_but_streamed(db, path):
    """L-IMP-1.3: rows are written batch by batch, but only committed at the end."""
    seen = []

    def rows():
        for i in range(1, 251):
            if i == 201:
                own = db.execute('select count(*) from "t"').fetchone()[0]
                seen.append((own, visible_count(path)))
            yield {"id": i}

    db["t"].insert_all(rows(), pk="id")
    assert seen == [(200, None)]
    assert visible_count(path) == 250


def test_imp_1_explicit_batch_size_commits_each_batch(db, path):
    """L-IMP-1.5: committed batches are visible to a second connection mid-stream."""
    seen = []
    db["t"].insert_all(
        ids_noting_visible(path, range(1, 251), (1, 101, 201), seen), pk="id", batch_size=100
    )
    assert seen == [None, 100, 200]
    assert visible_count(path) == 250


def test_imp_1_explicit_batch_size_failure_keeps_committed_batches(db, path):
    """L-IMP-1.5: a failure rolls back only the batch in progress."""

    def rows():
        yield from ({"id": i} for i in range(1, 251))
        yield {"id": 5}

    with pytest.raises(sqlite3.IntegrityError) as info:
        db["t"].insert_all(rows(), pk="id", batch_size=100)
    assert info.value.row_number == 251
    assert visible_count(path) == 200
    assert not db.conn.in_transaction


def test_imp_1_batch_size_100_passed_explicitly_counts(db, path):
    """L-IMP-1.4: any batch_size passed in the call is explicit, even the default value."""
    seen = []
    db["t"].insert_all(ids_noting_visible(path, range(1, 151), (101,), seen), batch_size=100)
    assert seen == [100]


def test_imp_1_batch_size_from_table_configuration_counts(db, path):
    """L-IMP-1.4: a batch_size configured on the Table is explicit too."""
    seen = []
    db.table("t", batch_size=10).insert_all(ids_noting_visible(path, range(1, 31), (21,), seen))
    assert seen == [20]


def test_imp_1_upsert_all_is_all_or_nothing(db, path):
    db["t"].insert_all([{"id": i, "v": 0} for i in range(1, 4)], pk="id")

    def rows():
        yield from ({"id": i, "v": 1} for i in range(1, 300))
        yield {"id": None, "v": 1}

    with pytest.raises(Exception) as info:
        db["t"].upsert_all(rows(), pk="id")
    assert info.value.row_number == 300
    assert [r["v"] for r in db["t"].rows] == [0, 0, 0]


def test_imp_1_error_raised_by_the_input_rolls_back(db, path):
    def rows():
        yield from ({"id": i} for i in range(1, 150))
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="^source broke$"):
        db["t"].insert_all(rows())
    assert db.table_names() == []
    assert visible_count(path) is None


def test_imp_1_truncated_rows_come_back(db):
    db["t"].insert_all([{"id": i} for i in range(1, 6)], pk="id")
    with pytest.raises(sqlite3.IntegrityError):
        db["t"].insert_all([{"id": 10}, {"id": 10}], truncate=True)
    assert [r["id"] for r in db["t"].rows] == [1, 2, 3, 4, 5]


def test_imp_1_columns_added_by_alter_are_gone(db):
    db["t"].insert({"id": 1}, pk="id")

    def rows():
        yield {"id": 2, "extra": "x"}
        yield from ({"id": i} for i in range(3, 200))
        yield {"id": 2}

    with pytest.raises(sqlite3.IntegrityError):
        db["t"].insert_all(rows(), alter=True)
    assert [c.name for c in db["t"].columns] == ["id"]
    assert db["t"].count == 1


def test_imp_1_extract_lookup_tables_and_indexes_are_gone(db):
    def rows():
        yield from ({"id": i, "species": f"s{i % 3}"} for i in range(1, 150))
        yield {"id": 1, "species": "s9"}

    with pytest.raises(sqlite3.IntegrityError):
        db["t"].insert_all(rows(), pk="id", extracts=["species"])
    assert db.table_names() == []
    assert db.execute("select count(*) from sqlite_master").fetchone()[0] == 0


def test_imp_1_analyze_runs_after_the_commit(db):
    states = []
    db._tracer = lambda sql, params: states.append((sql, db.conn.in_transaction))
    db["t"].insert_all([{"id": i} for i in range(5)], analyze=True)
    assert states[-1] == ('ANALYZE "t"', False)


def test_imp_1_inside_caller_transaction_never_commits(db, path):
    """L-IMP-1.6: writes join the caller's transaction, whatever batch_size is."""
    seen = []
    db.begin()
    db["t"].insert_all(ids_noting_visible(path, range(1, 31), (21,), seen), batch_size=10)
    db["u"].insert_all([{"id": 1}])
    assert db.conn.in_transaction
    assert seen == [None]
    assert visible_count(path) is None
    db.rollback()
    assert db.table_names() == []


def test_imp_1_inside_atomic_commits_with_the_caller(db, path):
    with db.atomic():
        db["t"].insert_all([{"id": i} for i in range(30)], batch_size=7)
        assert visible_count(path) is None
    assert visible_count(path) == 30


def test_imp_1_single_insert_failure_leaves_no_table(db):
    with pytest.raises(sqlite3.IntegrityError):
        db["t"].insert({"id": 1, "name": None}, pk="id", not_null={"name"})
    assert db.table_names() == []


def test_imp_1_explicit_batch_size_truncate_commits_with_the_first_batch(db, path):
    """L-IMP-1.5: truncation is part of the first batch, so a failing first batch keeps the
    old rows."""
    db["t"].insert_all([{"id": i} for i in range(1, 6)], pk="id")
    with pytest.raises(sqlite3.IntegrityError):
        db["t"].insert_all([{"id": 10}, {"id": 10}], truncate=True, batch_size=10)
    assert visible_count(path) == 5
    seen = []
    rows = ids_noting_visible(path, range(20, 26), (23,), seen)
    db["t"].insert_all(rows, truncate=True, batch_size=3)
    assert seen == [3]
    assert [r["id"] for r in db["t"].rows] == list(range(20, 26))
