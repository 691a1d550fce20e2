"""Edge cases of the insert engine found in review (L-GEN-3, L-INS-6/8, L-IMP-2/4, L-CRT-6)."""

import pytest

import datamill
from datamill.core.row_errors import annotate
from datamill.utils import sqlite3


@pytest.fixture
def db():
    return datamill.Database(memory=True)


def test_legacy_upsert_matches_pk_case_insensitively():
    db = datamill.Database(memory=True, use_old_upsert=True)
    db["t"].insert({"id": 1, "n": 1}, pk="id")
    db["t"].upsert({"ID": 1, "n": 2}, pk="id")
    db["t"].upsert({"ID": 2, "n": 3}, pk="id")
    assert list(db["t"].rows) == [{"id": 1, "n": 2}, {"id": 2, "n": 3}]


def test_legacy_upsert_with_alter_adds_columns():
    db = datamill.Database(memory=True, use_old_upsert=True)
    db["t"].insert({"id": 1, "a": 1}, pk="id")
    db["t"].upsert({"id": 1, "b": 2}, pk="id", alter=True)
    assert list(db["t"].rows) == [{"id": 1, "a": 1, "b": 2}]


def test_legacy_upsert_unknown_column_names_row_and_column():
    db = datamill.Database(memory=True, use_old_upsert=True)
    db["t"].insert({"id": 1, "a": 1}, pk="id")
    with pytest.raises(sqlite3.OperationalError) as info:
        db["t"].upsert_all([{"id": 1, "a": 2}, {"id": 2, "b": 3}], pk="id")
    assert str(info.value) == 'no such column: b (row 2, column "b")'
    assert db["t"].get(1) == {"id": 1, "a": 1}


def test_alter_adds_keys_from_later_statements_of_the_same_batch(db):
    width = 200  # 1,250 rows per statement at the usual 250,000-parameter limit
    rows = [{f"c{i}": i for i in range(width)} for _ in range(3000)]
    rows[-1] = {**rows[-1], "extra": "late"}
    db["t"].insert_all(rows, batch_size=3000, alter=True)
    assert db["t"].count == 3000
    assert db["t"].count_where("extra = 'late'") == 1


def test_unknown_column_in_a_later_statement_names_its_row(db):
    db["t"].insert({"a": 1})
    limit_rows = db.sqlite_max_vars // 2
    rows = [{"a": i, "b": i} for i in range(limit_rows + 10)]
    rows[-1] = {"a": 0, "b": 0, "zzz": 1}
    with pytest.raises(sqlite3.OperationalError) as info:
        db["t"].insert_all(rows[1:], batch_size=len(rows))
    assert str(info.value).startswith("table t has no column named b (row 1")
    rows_without_b = [{"a": 1}, {"a": 2, "zzz": 3}]
    with pytest.raises(sqlite3.OperationalError) as info:
        db["t"].insert_all(rows_without_b)
    assert str(info.value) == 'table t has no column named zzz (row 2, column "zzz")'


def test_empty_record_constraint_failure_names_row_and_column(db):
    db.execute('CREATE TABLE "t" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)')
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["t"].insert({})
    assert str(info.value) == 'NOT NULL constraint failed: t.name (row 1, column "name")'


def test_unencodable_string_names_row_and_leaves_nothing(db):
    with pytest.raises(UnicodeEncodeError) as info:
        db["t"].insert_all([{"a": "fine"}, {"a": "\ud800"}])
    assert info.value.row_number == 2
    assert info.value.column == "a"
    assert "t" not in db.table_names()


def test_annotate_keeps_exceptions_it_cannot_rebuild():
    class Detailed(Exception):
        def __init__(self, message, detail):
            super().__init__(message)
            self.detail = detail

    original = Detailed("boom", "why")
    annotated = annotate(original, 4, "c")
    assert annotated is original
    assert (annotated.row_number, annotated.column, annotated.detail) == (4, "c", "why")
    assert '(row 4, column "c")' in getattr(annotated, "__notes__", ['(row 4, column "c")'])


def test_annotate_copies_keep_custom_attributes():
    error = ValueError("bad")
    error.code = 7
    annotated = annotate(error, 2, None)
    assert str(annotated) == "bad (row 2)"
    assert annotated.code == 7


def test_repeated_column_order_names_make_one_column(db):
    db["t"].insert({"a": 1, "b": 2}, column_order=("b", "b"))
    assert [c.name for c in db["t"].columns] == ["b", "a"]


def test_add_foreign_key_outside_a_transaction_with_cascading_children(tmp_path):
    db = datamill.Database(tmp_path / "fk.db")
    db.execute("PRAGMA foreign_keys=on")
    db["p"].insert({"id": 1}, pk="id")
    db.execute(
        'CREATE TABLE "children" ("id" INTEGER PRIMARY KEY, '
        '"p_id" INTEGER REFERENCES "p"("id") ON DELETE CASCADE)'
    )
    db["children"].insert({"id": 1, "p_id": 1})
    db["owners"].insert({"id": 1}, pk="id")
    db["p"].add_column("owner_id", fk="owners")
    db["p"].add_foreign_key("owner_id", "owners", "id", ignore=True)
    assert list(db["children"].rows) == [{"id": 1, "p_id": 1}]
    assert db["p"].foreign_keys[0].other_table == "owners"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
