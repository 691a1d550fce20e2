"""update, delete and delete_where (L-UPD-1..3), with get() behaviour they rely on (L-ROWS-3)."""

import datetime
import inspect
import sqlite3

import pytest

from datamill.db import Database, NotFoundError, Table
from sql_trace import trace

E = inspect.Parameter.empty


@pytest.fixture
def db():
    database = Database(memory=True)
    database["d"].insert_all(
        [{"id": 1, "a": 1, "b": "x"}, {"id": 2, "a": 2, "b": "y"}], pk="id", not_null={"a"}
    )
    database["t"].insert_all([{"a": 1}, {"a": 2}])
    yield database
    database.close()


def test_upd_1_update_sql_and_result(db):
    statements = trace(db)
    table = db["d"].update(1, {"a": 3, "b": "new"}, conversions={"b": "upper(?)"})
    assert table.last_pk == 1
    assert ('select * from "d" where "id" = ?', [1]) in statements
    assert statements.starting_with("UPDATE", "DELETE") == [
        ('update "d" set "a" = ?, "b" = upper(?) where "id" = ?', [3, "new", 1])
    ]
    assert db["d"].get(1) == {"id": 1, "a": 3, "b": "NEW"}


def test_upd_1_update_returns_table_for_chaining(db):
    table = db["d"]
    assert table.update(2) is table
    assert table.last_pk == 2


def test_upd_1_no_updates_runs_no_update(db):
    statements = trace(db)
    db["d"].update(1)
    db["d"].update(1, {})
    assert statements.starting_with("UPDATE", "DELETE") == []


def test_upd_1_missing_row(db):
    with pytest.raises(NotFoundError) as info:
        db["d"].update(99, {"a": 1})
    assert str(info.value) == ""


def test_upd_1_wrong_number_of_pk_values(db):
    with pytest.raises(NotFoundError) as info:
        db["d"].update((1, 2), {"a": 1})
    assert str(info.value) == "Need 1 primary key value"


def test_upd_1_compound_pk(db):
    db["c"].insert({"k1": "a", "k2": 1, "v": 0}, pk=("k1", "k2"))
    statements = trace(db)
    table = db["c"].update(("a", 1), {"v": 5})
    assert table.last_pk == ("a", 1)
    assert statements.starting_with("UPDATE", "DELETE") == [
        ('update "c" set "v" = ? where "k1" = ? and "k2" = ?', [5, "a", 1])
    ]
    with pytest.raises(NotFoundError) as info:
        db["c"].update("a", {"v": 1})
    assert str(info.value) == "Need 2 primary key values"


def test_upd_1_rowid_table(db):
    db["t"].update(2, {"a": 20})
    assert list(db["t"].rows) == [{"a": 1}, {"a": 20}]


def test_upd_1_values_are_encoded(db):
    db["d"].update(1, {"b": {"k": [1, 2]}})
    db["d"].update(2, {"b": datetime.date(2024, 1, 2)})
    assert [r["b"] for r in db["d"].rows] == ['{"k": [1, 2]}', "2024-01-02"]


def test_upd_1_unknown_column_without_alter(db):
    with pytest.raises(sqlite3.OperationalError) as info:
        db["d"].update(1, {"zzz": 1})
    assert str(info.value) == "no such column: zzz"


def test_upd_1_alter_adds_columns(db):
    db["d"].update(1, {"zzz": 1.5, "B": "z"}, alter=True)
    assert [(c.name, c.type) for c in db["d"].columns][-1] == ("zzz", "REAL")
    assert db["d"].get(1) == {"id": 1, "a": 1, "b": "z", "zzz": 1.5}


def test_upd_1_column_names_case_insensitive(db):
    statements = trace(db)
    db["d"].update(1, {"A": 9})
    assert (
        statements.starting_with("UPDATE", "DELETE")[0][0]
        == 'update "d" set "a" = ? where "id" = ?'
    )


def test_upd_1_constraint_failure_is_rolled_back(db):
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["d"].update(1, {"b": "changed", "a": None})
    assert str(info.value) == 'NOT NULL constraint failed: d.a (row 1, column "a")'
    assert info.value.sqlite_errorname == "SQLITE_CONSTRAINT_NOTNULL"
    assert db["d"].get(1) == {"id": 1, "a": 1, "b": "x"}
    assert not db.conn.in_transaction


def test_upd_1_inside_caller_transaction_does_not_commit(db):
    db.begin()
    db["d"].update(1, {"a": 7})
    assert db.conn.in_transaction
    db.rollback()
    assert db["d"].get(1)["a"] == 1


def test_upd_2_delete(db):
    statements = trace(db)
    table = db["d"]
    assert table.delete(1) is table
    assert statements.starting_with("UPDATE", "DELETE") == [('delete from "d" where "id" = ?', [1])]
    assert [r["id"] for r in db["d"].rows] == [2]


def test_upd_2_delete_missing_row(db):
    with pytest.raises(NotFoundError) as info:
        db["d"].delete(99)
    assert str(info.value) == ""
    assert db["d"].count == 2


def test_upd_2_delete_rowid_table(db):
    db["t"].delete(1)
    assert list(db["t"].rows) == [{"a": 2}]


def test_upd_3_delete_where(db):
    statements = trace(db)
    table = db["d"]
    assert table.delete_where("id > ?", [1]) is table
    assert statements.starting_with("UPDATE", "DELETE") == [('delete from "d" where id > ?', [1])]
    assert [r["id"] for r in db["d"].rows] == [1]


def test_upd_3_delete_where_everything(db):
    statements = trace(db)
    db["d"].delete_where()
    assert statements.starting_with("UPDATE", "DELETE") == [('delete from "d"', [])]
    assert db["d"].count == 0


def test_upd_3_delete_where_missing_table_is_a_no_op(db):
    statements = trace(db)
    db["missing"].delete_where()
    assert statements.starting_with("UPDATE", "DELETE") == []


def test_upd_3_delete_where_analyze(db):
    statements = trace(db)
    db["d"].delete_where("id = 1", analyze=True)
    assert statements[-1] == ('ANALYZE "d"', None)


def test_upd_3_bad_where_leaves_rows(db):
    with pytest.raises(sqlite3.OperationalError) as info:
        db["d"].delete_where("nope = 1")
    assert str(info.value) == "no such column: nope"
    assert db["d"].count == 2


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("update", [("pk_values", E), ("updates", None), ("alter", False), ("conversions", None)]),
        ("delete", [("pk_values", E)]),
        ("delete_where", [("where", None), ("where_args", None), ("analyze", False)]),
    ],
)
def test_upd_signatures(method, expected):
    params = list(inspect.signature(getattr(Table, method)).parameters.values())[1:]
    assert [(p.name, p.default) for p in params] == expected
