"""Errors that name the input row and column (L-IMP-4, L-ERR)."""

import sqlite3

import pytest

from datamill.db import Database, PrimaryKeyRequired
from datamill.utils import sqlite3 as utils_sqlite3


@pytest.fixture
def db():
    database = Database(memory=True)
    database["dogs"].create({"id": int, "name": str, "age": int}, pk="id", not_null={"name"})
    yield database
    database.close()


def dogs(n, start=1):
    return [{"id": i, "name": f"dog {i}", "age": i} for i in range(start, start + n)]


def test_imp_4_unique_violation_names_row_and_column(db):
    rows = dogs(5)
    rows[2] = {"id": 1, "name": "again", "age": 0}
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].insert_all(rows)
    error = info.value
    assert str(error) == 'UNIQUE constraint failed: dogs.id (row 3, column "id")'
    assert type(error) is sqlite3.IntegrityError
    assert isinstance(error, utils_sqlite3.IntegrityError)
    assert (error.row_number, error.column) == (3, "id")
    assert error.sqlite_errorcode == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
    assert error.sqlite_errorname == "SQLITE_CONSTRAINT_PRIMARYKEY"
    assert isinstance(error.__cause__, sqlite3.IntegrityError)
    assert str(error.__cause__) == "UNIQUE constraint failed: dogs.id"
    assert db["dogs"].count == 0


def test_imp_4_not_null_violation(db):
    rows = dogs(4)
    rows[3]["name"] = None
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].insert_all(rows)
    assert str(info.value) == 'NOT NULL constraint failed: dogs.name (row 4, column "name")'
    assert info.value.sqlite_errorname == "SQLITE_CONSTRAINT_NOTNULL"
    assert info.value.column == "name"


def test_imp_4_row_numbers_count_across_batches(db):
    rows = dogs(30)
    rows[24]["name"] = None
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].insert_all(rows, batch_size=10)
    assert info.value.row_number == 25
    assert db["dogs"].count == 20


def test_imp_4_duplicate_within_the_same_statement(db):
    rows = dogs(3) + [{"id": 2, "name": "dup", "age": 0}]
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].insert_all(rows)
    assert info.value.row_number == 4


def test_imp_4_compound_unique_names_the_row_only(db):
    db["pairs"].insert({"a": 1, "b": 2}, pk=("a", "b"))
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["pairs"].insert_all([{"a": 1, "b": 3}, {"a": 1, "b": 2}])
    assert str(info.value) == "UNIQUE constraint failed: pairs.a, pairs.b (row 2)"
    assert (info.value.row_number, info.value.column) == (2, None)


def test_imp_4_check_violation(db):
    db.execute("create table scores (id integer primary key, score integer check (score > 0))")
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["scores"].insert_all([{"id": 1, "score": 5}, {"id": 2, "score": -1}])
    assert str(info.value) == "CHECK constraint failed: score > 0 (row 2)"
    assert info.value.sqlite_errorname == "SQLITE_CONSTRAINT_CHECK"
    assert db["scores"].count == 0


def test_imp_4_foreign_key_violation(db):
    db.execute("PRAGMA foreign_keys = ON")
    db["owners"].insert({"id": 1}, pk="id")
    db["pets"].create({"id": int, "owner_id": int}, pk="id", foreign_keys=["owner_id"])
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["pets"].insert_all(
            [{"id": 1, "owner_id": 1}, {"id": 2, "owner_id": 1}, {"id": 3, "owner_id": 9}]
        )
    assert str(info.value) == "FOREIGN KEY constraint failed (row 3)"
    assert info.value.sqlite_errorname == "SQLITE_CONSTRAINT_FOREIGNKEY"
    assert db["pets"].count == 0


def test_imp_4_strict_type_violation(db):
    if not db.supports_strict:
        pytest.skip("SQLite without STRICT tables")
    db["s"].create({"id": int, "n": int}, pk="id", strict=True)
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["s"].insert_all([{"id": 1, "n": 1}, {"id": 2, "n": "two"}])
    assert str(info.value) == 'cannot store TEXT value in INTEGER column s.n (row 2, column "n")'
    assert info.value.sqlite_errorcode == info.value.__cause__.sqlite_errorcode
    assert info.value.sqlite_errorname == info.value.__cause__.sqlite_errorname


def test_imp_4_unknown_column_names_first_record_with_it(db):
    rows = dogs(3)
    rows[1]["colour"] = "brown"
    with pytest.raises(sqlite3.OperationalError) as info:
        db["dogs"].insert_all(rows)
    assert str(info.value) == 'table dogs has no column named colour (row 2, column "colour")'
    assert info.value.sqlite_errorname == "SQLITE_ERROR"
    assert str(info.value.__cause__) == "table dogs has no column named colour"


def test_imp_4_unsupported_value_type(db):
    rows = dogs(3)
    rows[2]["age"] = object()
    with pytest.raises(sqlite3.ProgrammingError) as info:
        db["dogs"].insert_all(rows)
    assert str(info.value) == (
        "Error binding parameter 1: type 'object' is not supported (row 3, column \"age\")"
    )
    assert (info.value.row_number, info.value.column) == (3, "age")
    assert db["dogs"].count == 0


def test_imp_4_integer_too_large(db):
    rows = dogs(2)
    rows[1]["age"] = 2**63
    with pytest.raises(OverflowError) as info:
        db["dogs"].insert_all(rows)
    assert str(info.value) == (
        'Python int too large to convert to SQLite INTEGER (row 2, column "age")'
    )
    assert isinstance(info.value.__cause__, OverflowError)


def test_imp_4_list_mode_rows_do_not_count_the_header(db):
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].insert_all([["id", "name"], [1, "a"], [2, None]])
    assert str(info.value) == 'NOT NULL constraint failed: dogs.name (row 2, column "name")'


def test_imp_4_list_mode_shape_error(db):
    with pytest.raises(ValueError) as info:
        db["dogs"].insert_all([["id", "name"], [1, "a"], [2, "b"], "oops"])
    assert str(info.value) == (
        "After column names list, all subsequent records must also be lists (row 3)"
    )
    assert (info.value.row_number, info.value.column) == (3, None)
    assert db["dogs"].count == 0


def test_imp_4_upsert_missing_pk(db):
    with pytest.raises(PrimaryKeyRequired) as info:
        db["dogs"].upsert_all(dogs(2) + [{"id": None, "name": "x"}], pk="id")
    assert str(info.value) == (
        'upsert() requires a value for the primary key column: id (row 3, column "id")'
    )
    assert (info.value.row_number, info.value.column) == (3, "id")


def test_imp_4_upsert_constraint_failure(db):
    db["dogs"].insert_all(dogs(2))
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].upsert_all([{"id": 1, "name": "ok"}, {"id": 2, "name": None}], pk="id")
    assert str(info.value) == 'NOT NULL constraint failed: dogs.name (row 2, column "name")'
    assert [r["name"] for r in db["dogs"].rows] == ["dog 1", "dog 2"]


def test_imp_4_legacy_upsert_constraint_failure():
    db = Database(memory=True, use_old_upsert=True)
    db["dogs"].create({"id": int, "name": str}, pk="id")
    db.execute("create unique index uniq_name on dogs (name)")
    db["dogs"].insert({"id": 1, "name": "a"})
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].upsert_all([{"id": 2, "name": "b"}, {"id": 3, "name": "a"}], pk="id")
    assert str(info.value) == 'UNIQUE constraint failed: dogs.name (row 2, column "name")'
    assert info.value.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"
    assert db["dogs"].count == 1


def test_imp_4_update_constraint_failure_is_row_1(db):
    db["dogs"].insert_all(dogs(1))
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["dogs"].update(1, {"name": None})
    assert (info.value.row_number, info.value.column) == (1, "name")
    assert info.value.sqlite_errorcode == sqlite3.SQLITE_CONSTRAINT_NOTNULL


def test_imp_4_replay_leaves_nothing_behind_inside_caller_transaction(db):
    db.begin()
    db["dogs"].insert_all(dogs(2))
    rows = dogs(3, start=3)
    rows[2]["name"] = None
    with pytest.raises(sqlite3.IntegrityError):
        db["dogs"].insert_all(rows)
    assert db.conn.in_transaction
    assert [r["id"] for r in db["dogs"].rows] == [1, 2]
    db.commit()
    assert db["dogs"].count == 2


@pytest.mark.parametrize(
    "name",
    ["AlterError", "NoObviousTable", "BadPrimaryKey", "NotFoundError", "PrimaryKeyRequired",
     "InvalidColumns", "OperationalError"],
)  # fmt: skip
def test_err_classes_exported_from_db(name):
    """L-ERR-1,2,5..8,15: the classes raised by these areas, importable from datamill.db."""
    import datamill.db
    import datamill.utils

    cls = getattr(datamill.db, name)
    assert issubclass(cls, Exception)
    if name == "OperationalError":
        assert cls is sqlite3.OperationalError is datamill.utils.OperationalError
    else:
        assert cls.__bases__ == (Exception,)


def test_imp_4_columns_and_tables_with_spaces_and_dots(db):
    """L-IMP-4.1: the column is identified even when the names contain spaces or dots."""
    db["my trees"].create({"Tree ID": int, "sp.name": str}, pk="Tree ID", not_null={"sp.name"})
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["my trees"].insert_all([{"Tree ID": 1, "sp.name": "a"}, {"Tree ID": 1, "sp.name": "b"}])
    assert str(info.value) == 'UNIQUE constraint failed: my trees.Tree ID (row 2, column "Tree ID")'
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["my trees"].insert_all([{"Tree ID": 2, "sp.name": None}])
    assert info.value.column == "sp.name"


def test_imp_4_error_while_extracting_names_row_and_column(db):
    rows = [{"id": 1, "kind": "a"}, {"id": 2, "kind": "b"}, {"id": 3, "kind": object()}]
    with pytest.raises(sqlite3.ProgrammingError) as info:
        db["pets"].insert_all(rows, pk="id", extracts=["kind"])
    assert str(info.value) == (
        "Error binding parameter 1: type 'object' is not supported (row 3, column \"kind\")"
    )
    assert isinstance(info.value.__cause__, sqlite3.ProgrammingError)
    assert "pets" not in db.table_names()
    assert "kind" not in db.table_names()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"id": 1}, 5], "Each record must be a dict, not int (row 2)"),
        ([{"id": 1}, {"id": 2}, ["id"]], "Each record must be a dict, not list (row 3)"),
        ([{"id": 1}, None], "Each record must be a dict, not NoneType (row 2)"),
        (["abc"], "Each record must be a dict, not str (row 1)"),
    ],
)
def test_imp_4_dict_mode_shape_errors(db, rows, message):
    """L-IMP-4.1: a record that is not a dict, after dict records, names its row."""
    with pytest.raises(ValueError) as info:
        db["t"].insert_all(rows)
    assert str(info.value) == message
    assert info.value.column is None
    assert db.table_names() == ["dogs"]


def test_imp_4_other_mappings_are_accepted(db):
    from collections import OrderedDict
    from types import MappingProxyType

    db["t"].insert_all([OrderedDict(a=1), MappingProxyType({"a": 2})])
    assert list(db["t"].rows) == [{"a": 1}, {"a": 2}]


def test_imp_4_update_unsupported_value_names_the_column(db):
    db["dogs"].insert_all(dogs(1))
    with pytest.raises(sqlite3.ProgrammingError) as info:
        db["dogs"].update(1, {"name": "x", "age": object()})
    assert str(info.value) == (
        "Error binding parameter 2: type 'object' is not supported (row 1, column \"age\")"
    )
    assert db["dogs"].get(1)["name"] == "dog 1"
