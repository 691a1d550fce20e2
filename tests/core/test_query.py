"""Executing SQL: L-QRY-1..7."""

import types

import pytest

from datamill.db import Database
from datamill.utils import dedupe_keys, sqlite3
from sql_trace import Recorder

NEEDS_ROWS = (
    "query() can only be used with SQL that returns rows - use execute() for other statements"
)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "q.db"


@pytest.fixture
def db(path):
    database = Database(path)
    database["dogs"].insert_all(
        [{"id": 1, "name": "Cleo", "age": 5}, {"id": 2, "name": "Pancakes", "age": 3}], pk="id"
    )
    yield database
    database.close()


def committed_ids(path):
    conn = sqlite3.connect(str(path))
    try:
        return [r[0] for r in conn.execute("select id from dogs order by id")]
    finally:
        conn.close()


# -- L-QRY-1 ---------------------------------------------------------------------------


def test_qry_1_returns_iterator_of_dicts(db):
    """L-QRY-1: query() returns an iterator of dicts."""
    result = db.query("select id, name from dogs order by id")
    assert isinstance(result, types.GeneratorType) or iter(result) is result
    assert next(result) == {"id": 1, "name": "Cleo"}
    assert list(result) == [{"id": 2, "name": "Pancakes"}]
    assert not db.conn.in_transaction


def test_qry_1_errors_raised_at_call(db):
    """L-QRY-1: SQL errors surface when query() is called, not when iterated."""
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.query("select nope from dogs")
    assert str(excinfo.value) == "no such column: nope"
    assert not db.conn.in_transaction


def test_qry_1_rows_fetched_lazily(db):
    """L-QRY-1: rows are produced on demand (a UDF sees only the rows consumed)."""
    seen = []

    def mark(value):
        seen.append(value)
        return value

    db.register_function(mark)
    rows = db.query(
        "with recursive c(x) as (select 1 union all select x + 1 from c where x < 100) "
        "select mark(x) as x from c"
    )
    assert next(rows) == {"x": 1}
    assert len(seen) <= 2
    assert len(list(rows)) == 99
    assert len(seen) == 100


def test_qry_1_returning_write_committed_before_return(db, path):
    """L-QRY-1: a row-returning write runs to completion and is committed."""
    rows = db.query(
        "insert into dogs (id, name, age) values (3, 'Rex', 1), (4, 'Bo', 2) returning id, name"
    )
    assert not db.conn.in_transaction
    assert committed_ids(path) == [1, 2, 3, 4]
    assert list(rows) == [{"id": 3, "name": "Rex"}, {"id": 4, "name": "Bo"}]


def test_qry_1_returning_write_completes_even_if_unconsumed(db, path):
    """L-QRY-1: the write is complete even when only some rows are read."""
    rows = db.query("update dogs set age = age + 1 returning id")
    next(rows)
    assert db.execute("select age from dogs order by id").fetchall() == [(6,), (4,)]
    assert committed_ids(path) == [1, 2]
    conn = sqlite3.connect(str(path))
    assert conn.execute("select age from dogs order by id").fetchall() == [(6,), (4,)]
    conn.close()


def test_qry_1_returning_write_joins_open_transaction(db, path):
    """L-QRY-1: inside an open transaction the write joins it and is not committed."""
    db.begin()
    assert list(db.query("delete from dogs where id = 1 returning name")) == [{"name": "Cleo"}]
    assert db.conn.in_transaction
    assert committed_ids(path) == [1, 2]
    db.rollback()
    assert committed_ids(path) == [1, 2]


@pytest.mark.parametrize(
    "sql",
    [
        "insert into dogs (id, name, age) values (9, 'x', 1)",
        "update dogs set name = 'changed'",
        "delete from dogs",
        "create table other (x)",
    ],
)
def test_qry_1_rowless_statement_rolled_back(db, path, sql):
    """L-QRY-1: a statement with no result columns is rolled back, then ValueError."""
    with pytest.raises(ValueError) as excinfo:
        db.query(sql)
    assert str(excinfo.value) == NEEDS_ROWS
    assert not db.conn.in_transaction
    assert committed_ids(path) == [1, 2]
    assert db.execute("select name from dogs order by id").fetchall() == [("Cleo",), ("Pancakes",)]
    assert db.table_names() == ["dogs"]


def test_qry_1_rowless_statement_rolled_back_inside_transaction(db):
    """L-QRY-1: inside a transaction only the rejected statement is undone."""
    db.begin()
    db.execute("insert into dogs (id, name, age) values (3, 'kept', 1)")
    with pytest.raises(ValueError):
        db.query("delete from dogs")
    assert db.conn.in_transaction
    assert db.execute("select id from dogs order by id").fetchall() == [(1,), (2,), (3,)]
    db.rollback()


def test_qry_1_pragma_returning_rows(db):
    """L-QRY-1: PRAGMA with rows works like any query."""
    assert list(db.query("PRAGMA user_version")) == [{"user_version": 0}]
    names = [row["name"] for row in db.query("pragma table_info(dogs)")]
    assert names == ["id", "name", "age"]


def test_qry_1_rowless_pragma_raises_but_takes_effect(db, path):
    """L-QRY-1: a row-less PRAGMA raises ValueError but has already taken effect."""
    with pytest.raises(ValueError) as excinfo:
        db.query("PRAGMA user_version = 7")
    assert str(excinfo.value) == NEEDS_ROWS
    assert not db.conn.in_transaction
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone() == (7,)
    conn.close()


def test_qry_1_pragma_runs_outside_savepoint(db):
    """L-QRY-1: journal_mode can be changed through query() (it cannot inside a savepoint)."""
    assert list(db.query("PRAGMA journal_mode=wal")) == [{"journal_mode": "wal"}]
    assert db.journal_mode == "wal"
    assert not db.conn.in_transaction


def test_qry_1_pragma_in_transaction_joins(db):
    """L-QRY-1: inside a transaction a PRAGMA runs in it, leaving it open."""
    db.begin()
    assert list(db.query("PRAGMA user_version")) == [{"user_version": 0}]
    assert db.conn.in_transaction
    db.rollback()


def test_qry_1_pragma_traced_once(db):
    """L-QRY-6 with L-QRY-1: the PRAGMA itself is traced, nothing else."""
    recorder = Recorder()
    with db.tracer(recorder):
        list(db.query("PRAGMA user_version"))
    assert recorder == [("PRAGMA user_version", None)]


# -- L-QRY-2 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "BEGIN",
        "begin transaction",
        "COMMIT",
        "end",
        "ROLLBACK",
        "SAVEPOINT x",
        "release x",
        "VACUUM",
        "attach database ':memory:' as a2",
        "DETACH a2",
        "  \n\tBEGIN",
        "-- comment\nBEGIN",
        "/* block\ncomment */ VACUUM",
        ";;  ; COMMIT",
        "\ufeffBEGIN",
        "\ufeff -- c\n /* d */ ; rollback",
    ],
)
def test_qry_2_rejected_without_running(db, sql):
    """L-QRY-2: transaction control, VACUUM, ATTACH and DETACH are refused unrun."""
    recorder = Recorder()
    with db.tracer(recorder):
        with pytest.raises(ValueError) as excinfo:
            db.query(sql)
    assert str(excinfo.value) == NEEDS_ROWS
    assert recorder == []
    assert not db.conn.in_transaction
    assert [r[1] for r in db.execute("PRAGMA database_list").fetchall()] == ["main"]


def test_qry_2_rejected_inside_transaction_leaves_it_open(db):
    """L-QRY-2: a rejected COMMIT does not end the caller's transaction."""
    db.begin()
    with pytest.raises(ValueError):
        db.query("COMMIT")
    assert db.conn.in_transaction
    db.rollback()


def test_qry_2_keyword_prefix_is_not_a_match(db):
    """L-QRY-2: only the whole first keyword counts (a column called 'ending' is fine)."""
    assert list(db.query("/* begin */ select 1 as ending")) == [{"ending": 1}]
    assert list(db.query("-- commit\nselect 2 as x")) == [{"x": 2}]


# -- L-QRY-3 ---------------------------------------------------------------------------


def test_qry_3_duplicate_columns(db):
    """L-QRY-3: later duplicates get _2, _3 ..."""
    assert list(db.query("select 1 as id, 2 as id, 3 as id")) == [{"id": 1, "id_2": 2, "id_3": 3}]


def test_qry_3_suffix_already_taken(db):
    """L-QRY-3: a suffix already used by a real column is skipped."""
    assert list(db.query("select 1 as id, 2 as id, 3 as id_2")) == [{"id": 1, "id_3": 2, "id_2": 3}]


def test_qry_3_join_and_rows_where(db):
    """L-QRY-3: applies to joins in query() and to rows_where."""
    db.create_view("twice", "select a.id, b.id from dogs a join dogs b on a.id = b.id")
    assert list(db.query("select * from dogs a join dogs b on a.id = b.id where a.id = 1")) == [
        {"id": 1, "name": "Cleo", "age": 5, "id_2": 1, "name_2": "Cleo", "age_2": 5}
    ]
    assert list(db["dogs"].rows_where("id = 1", select="id, id, name")) == [
        {"id": 1, "id_2": 1, "name": "Cleo"}
    ]


def test_qry_3_dedupe_keys():
    """L-QRY-3: utils.dedupe_keys implements the renaming."""
    assert dedupe_keys(["id", "id", "id"]) == ["id", "id_2", "id_3"]
    assert dedupe_keys(["id", "id", "id_2"]) == ["id", "id_3", "id_2"]
    assert dedupe_keys(["a", "b"]) == ["a", "b"]
    assert dedupe_keys(["a", "a_2", "a", "a"]) == ["a", "a_2", "a_3", "a_4"]


# -- L-QRY-4 ---------------------------------------------------------------------------


def test_qry_4_execute_returns_cursor_and_traces_first(db):
    """L-QRY-4: execute() returns the cursor and traces before running (even on failure)."""
    recorder = Recorder()
    with db.tracer(recorder):
        cursor = db.execute("select id from dogs where id = ?", [2])
        assert isinstance(cursor, sqlite3.Cursor)
        assert cursor.fetchall() == [(2,)]
        with pytest.raises(sqlite3.OperationalError):
            db.execute("select broken from")
    assert recorder == [("select id from dogs where id = ?", [2]), ("select broken from", None)]


def test_qry_4_executescript_traces_and_runs(db, path):
    """L-QRY-4: executescript traces (sql, None) and runs every statement."""
    recorder = Recorder()
    script = "create table a (x); insert into a values (1); insert into a values (2);"
    with db.tracer(recorder):
        db.executescript(script)
    assert recorder == [(script, None)]
    conn = sqlite3.connect(str(path))
    assert conn.execute("select x from a").fetchall() == [(1,), (2,)]
    conn.close()


def test_qry_4_executescript_inside_transaction_does_not_commit(db, path):
    """L-QRY-4: inside a transaction the script is split, so nothing is committed."""
    db.begin()
    db.executescript(
        "insert into dogs (id, name, age) values (3, 'a;b', 1);\n"
        "create trigger tr after insert on dogs begin select 1; select 2; end;\n"
        "insert into dogs (id, name, age) values (4, 'x', 2)"
    )
    assert db.conn.in_transaction
    assert db.execute("select name from dogs where id = 3").fetchone() == ("a;b",)
    assert db.execute("select id from dogs where id = 4").fetchone() == (4,)
    assert "tr" in db.triggers_dict
    assert committed_ids(path) == [1, 2]
    db.rollback()
    assert committed_ids(path) == [1, 2]
    assert db.triggers_dict == {}


def test_qry_4_execute_returning_dicts(db):
    """L-QRY-4: execute_returning_dicts is list(query())."""
    assert db.execute_returning_dicts("select name from dogs where age > ?", [4]) == [
        {"name": "Cleo"}
    ]
    with pytest.raises(ValueError) as excinfo:
        db.execute_returning_dicts("delete from dogs")
    assert str(excinfo.value) == NEEDS_ROWS


# -- L-QRY-5 ---------------------------------------------------------------------------


def test_qry_5_parameters(db):
    """L-QRY-5: lists/tuples fill ?, dicts fill :name, across the methods."""
    assert list(db.query("select name from dogs where id = ?", [1])) == [{"name": "Cleo"}]
    assert list(db.query("select name from dogs where id = ?", (2,))) == [{"name": "Pancakes"}]
    assert list(db.query("select name from dogs where id = :id", {"id": 2})) == [
        {"name": "Pancakes"}
    ]
    assert db.execute("select :a + :b", {"a": 1, "b": 2}).fetchone() == (3,)
    dogs = db["dogs"]
    assert [r["id"] for r in dogs.rows_where("age > :age", {"age": 4})] == [1]
    assert dogs.count_where("age < ?", [4]) == 1
    assert dogs.count_where("age < :a", {"a": 10}) == 2
    dogs.delete_where("id = :id", {"id": 1})
    assert [r["id"] for r in dogs.rows] == [2]


# -- L-QRY-6 ---------------------------------------------------------------------------


def test_qry_6_tracer_sees_query_without_savepoints(db):
    """L-QRY-6: query() traces the statement itself, with params or None."""
    recorder = Recorder()
    with db.tracer(recorder):
        list(db.query("select 1"))
        list(db.query("select ?", [5]))
        list(db.query("insert into dogs (id, name, age) values (3, 'x', 1) returning id"))
    assert recorder == [
        ("select 1", None),
        ("select ?", [5]),
        ("insert into dogs (id, name, age) values (3, 'x', 1) returning id", None),
    ]


def test_qry_6_tracer_sees_introspection(db):
    """L-QRY-6: introspection queries are traced too."""
    recorder = Recorder()
    with db.tracer(recorder):
        db.view_names()
        db.table_names()
    assert recorder == [
        ("select name from sqlite_master where type = 'view'", None),
        ("select name from sqlite_master where type = 'table'", None),
    ]


def test_qry_6_tracer_context_restores_previous(db):
    """L-QRY-6: with db.tracer(fn) yields db and restores the previous tracer."""
    outer, inner = Recorder(), Recorder()
    traced = Database(memory=True, tracer=outer)
    outer.clear()
    with traced.tracer(inner) as yielded:
        assert yielded is traced
        traced.execute("select 1")
    traced.execute("select 2")
    assert inner == [("select 1", None)]
    assert outer == [("select 2", None)]
    with pytest.raises(RuntimeError):
        with traced.tracer(inner):
            raise RuntimeError
    traced.execute("select 3")
    assert outer[-1] == ("select 3", None)


def test_qry_6_tracer_default_print(db, capsys):
    """L-QRY-6: db.tracer() with no argument prints (sql, params)."""
    with db.tracer():
        db.execute("select 42")
    assert capsys.readouterr().out == "select 42 None\n"
    db.execute("select 43")
    assert capsys.readouterr().out == ""


# -- L-QRY-7 ---------------------------------------------------------------------------


def test_qry_7_quote(db):
    """L-QRY-7: db.quote runs SELECT quote(:value)."""
    recorder = Recorder()
    with db.tracer(recorder):
        assert db.quote("it's") == "'it''s'"
    assert recorder == [("SELECT quote(:value)", {"value": "it's"})]
    assert db.quote(5) == "5"
    assert db.quote(None) == "NULL"
    assert db.quote(b"\x01\xff") == "X'01FF'"
    assert db.quote(1.5) == "1.5"
