"""Batch and statement sizing from the host-parameter limit (L-INS-11, L-IMP-2) and type
suggestion from the whole first batch (L-IMP-3.1, L-IMP-3.3)."""

import re
import sqlite3

import pytest

from datamill.db import SQLITE_MAX_VARS, Database


def limited(limit, path=":memory:"):
    conn = sqlite3.connect(path)
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    return Database(conn)


def inserts(db):
    """Record the number of rows in every INSERT statement executed."""
    sizes = []

    def tracer(sql, params):
        if sql.startswith("INSERT"):
            sizes.append(len(re.findall(r"\((?:\?, )*\?\)", sql.split(" VALUES ", 1)[1])))

    db._tracer = tracer
    return sizes


class NoLimitConnection(sqlite3.Connection):
    def getlimit(self, category):
        raise sqlite3.ProgrammingError("limit unknown")


class OldPythonConnection(sqlite3.Connection):
    def __getattribute__(self, name):
        if name == "getlimit":
            raise AttributeError(name)
        return super().__getattribute__(name)


# L-IMP-2.1 -----------------------------------------------------------------------


def test_imp_2_limit_read_from_connection():
    conn = sqlite3.connect(":memory:")
    db = Database(conn)
    assert db.sqlite_max_vars == conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    assert db.sqlite_max_vars >= 32766


def test_imp_2_limit_is_read_only():
    db = Database(memory=True)
    with pytest.raises(AttributeError):
        db.sqlite_max_vars = 5


def test_imp_2_limit_determined_once():
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50)
    db = Database(conn)
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 60)
    assert db.sqlite_max_vars == 50


@pytest.mark.parametrize("factory", [NoLimitConnection, OldPythonConnection])
def test_imp_2_fallback_when_limit_unknown(factory):
    db = Database(sqlite3.connect(":memory:", factory=factory))
    assert db.sqlite_max_vars == SQLITE_MAX_VARS == 999


# L-IMP-2.2 / 2.3 -----------------------------------------------------------------


def test_imp_2_rows_per_statement_from_limit():
    db = limited(12)
    sizes = inserts(db)
    db["t"].insert_all([{"a": i, "b": i, "c": i} for i in range(10)])
    assert sizes == [4, 4, 2]
    assert [r["a"] for r in db["t"].rows] == list(range(10))


def test_imp_2_rows_per_statement_capped_by_batch_size():
    db = Database(memory=True)
    sizes = inserts(db)
    db["t"].insert_all([{"a": i} for i in range(7)], batch_size=3)
    assert sizes == [3, 3, 1]


def test_imp_2_wide_rows_split_into_several_statements():
    db = Database(memory=True)
    ncols = 1000
    per_statement = db.sqlite_max_vars // ncols
    nrows = per_statement + 50
    rows = [{f"c{j:04d}": i * ncols + j for j in range(ncols)} for i in range(nrows)]
    sizes = inserts(db)
    db["wide"].insert_all(rows, batch_size=nrows)
    assert sizes == [per_statement, 50]
    assert db["wide"].count == nrows
    assert db.execute("select c0999 from wide where rowid = ?", [nrows]).fetchone()[0] == (
        (nrows - 1) * ncols + 999
    )


def test_imp_2_statement_columns_count_the_hash_id():
    db = limited(9)
    sizes = inserts(db)
    db["t"].insert_all([{"a": i, "b": i} for i in range(7)], hash_id="h")
    assert sizes == [3, 3, 1]


def test_imp_2_split_batch_still_commits_as_one(tmp_path):
    """L-IMP-2.3: several statements in one batch are still one unit for L-IMP-1.5."""
    path = tmp_path / "d.db"
    db = limited(12, path)
    rows = [{"id": i, "a": i, "b": i} for i in range(1, 21)]
    rows[16] = {"id": 3, "a": 0, "b": 0}  # row 17, in the second statement of batch 2
    sizes = inserts(db)
    with pytest.raises(sqlite3.IntegrityError) as info:
        db["t"].insert_all(rows, pk="id", batch_size=10)
    assert info.value.row_number == 17
    assert sizes[:3] == [4, 4, 2]
    other = sqlite3.connect(path)
    assert [r[0] for r in other.execute("select id from t order by id")] == list(range(1, 11))
    other.close()


def test_imp_2_column_cap_uses_the_limit():
    db = limited(10)
    with pytest.raises(ValueError) as info:
        db["t"].insert({f"c{i}": i for i in range(11)})
    assert str(info.value) == "Rows can have a maximum of 10 columns"
    assert db.table_names() == []
    db["t"].insert({f"c{i}": i for i in range(10)})
    assert len(db["t"].columns) == 10


def test_imp_2_column_cap_counts_the_hash_id():
    db = limited(10)
    with pytest.raises(ValueError, match=r"^Rows can have a maximum of 10 columns$"):
        db["t"].insert({f"c{i}": i for i in range(10)}, hash_id="h")


def test_imp_2_column_cap_counts_every_key_of_the_first_batch():
    db = limited(10)
    with pytest.raises(ValueError, match=r"^Rows can have a maximum of 10 columns$"):
        db["t"].insert_all([{f"c{i}": i for i in range(6)}, {f"d{i}": i for i in range(5)}])
    assert db.table_names() == []


def test_imp_2_too_many_variables_split_and_retry_safety_net():
    """L-IMP-2.4 / L-INS-11: a batch that still hits the limit is halved and retried."""
    conn = sqlite3.connect(":memory:")
    db = Database(conn)
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 6)
    sizes = inserts(db)
    db["t"].insert_all([{"a": i, "b": -i} for i in range(8)])
    assert sizes == [8, 4, 2, 2, 4, 2, 2]
    assert list(db["t"].rows) == [{"a": i, "b": -i} for i in range(8)]


def test_ins_11_records_without_keys_are_one_per_statement():
    db = Database(memory=True)
    db["t"].create({"id": int}, pk="id")
    statements = []
    db._tracer = lambda sql, params: statements.append(sql)
    db["t"].insert_all([{}, {}, {}])
    assert [s for s in statements if s.startswith("INSERT")] == [
        'INSERT INTO "t" DEFAULT VALUES'
    ] * 3
    assert db["t"].count == 3


# L-IMP-3 -------------------------------------------------------------------------


def test_imp_3_types_from_every_record_of_the_first_batch():
    db = Database(memory=True)
    rows = [{"id": i, "score": None} for i in range(60)]
    rows.append({"id": 60, "score": 1.5})
    rows.append({"id": 61, "late": b"\x00"})
    rows.extend({"id": i} for i in range(62, 99))
    rows.append({"id": 99, "last": 1})
    db["t"].insert_all(rows)
    assert [(c.name, c.type) for c in db["t"].columns] == [
        ("id", "INTEGER"),
        ("score", "REAL"),
        ("late", "BLOB"),
        ("last", "INTEGER"),
    ]


def test_imp_3_first_batch_is_batch_size_records_even_when_split():
    db = limited(10)
    rows = [{"a": i, "b": None} for i in range(20)] + [{"a": 20, "b": "text"}]
    db["t"].insert_all(rows, batch_size=21)
    assert [(c.name, c.type) for c in db["t"].columns] == [("a", "INTEGER"), ("b", "TEXT")]


def test_imp_3_keys_after_the_first_batch_are_not_columns():
    db = Database(memory=True)
    rows = [{"a": i} for i in range(10)] + [{"a": 10, "b": 1}]
    with pytest.raises(sqlite3.OperationalError) as info:
        db["t"].insert_all(rows, batch_size=10)
    assert str(info.value) == 'table t has no column named b (row 11, column "b")'


def test_imp_3_all_none_column_is_text():
    db = Database(memory=True)
    db["t"].insert_all([{"a": 1, "n": None}, {"a": 2, "n": None}])
    assert [(c.name, c.type) for c in db["t"].columns] == [("a", "INTEGER"), ("n", "TEXT")]


def test_imp_3_mixed_python_types_per_type_rules():
    db = Database(memory=True)
    db["t"].insert_all(
        [
            {"i": 1, "f": 1, "s": "x", "b": b"x", "m": 1, "bo": True},
            {"i": True, "f": 2.5, "s": None, "b": "y", "m": "z", "bo": False},
        ]
    )
    assert [(c.name, c.type) for c in db["t"].columns] == [
        ("i", "INTEGER"),
        ("f", "REAL"),
        ("s", "TEXT"),
        ("b", "BLOB"),
        ("m", "TEXT"),
        ("bo", "INTEGER"),
    ]
