"""Insert: signatures, validation, list mode, auto-creation, SQL forms, modifiers (L-INS)."""

import datetime
import decimal
import inspect
import json
import sqlite3
import uuid

import pytest

from datamill.db import DEFAULT, InvalidColumns, PrimaryKeyRequired, Table
from datamill.utils import sqlite3 as utils_sqlite3
from sql_trace import trace


@pytest.fixture
def dogs(db):
    db["dogs"].insert({"id": 1, "name": "Cleo", "age": 5}, pk="id")
    return db


# L-INS-1 -------------------------------------------------------------------------


def test_ins_1_all_four_return_the_table(db):
    table = db["t"]
    assert table.insert({"id": 1}, pk="id") is table
    assert table.insert_all([{"id": 2}], pk="id") is table
    assert table.upsert({"id": 3}, pk="id") is table
    assert table.upsert_all([{"id": 4}], pk="id") is table
    assert [r["id"] for r in table.rows] == [1, 2, 3, 4]


def test_ins_1_upsert_all_is_insert_all_with_upsert(dogs):
    dogs["dogs"].insert_all([{"id": 1, "name": "Pancakes"}], upsert=True)
    assert list(dogs["dogs"].rows) == [{"id": 1, "name": "Pancakes", "age": 5}]


# L-INS-2 -------------------------------------------------------------------------


def test_ins_2_hash_id_columns_implies_hash_id_id(db):
    db["t"].insert_all([{"a": 1}], hash_id_columns=["a"])
    assert db["t"].pks == ["id"]


def test_ins_2_upsert_without_pk_into_missing_table(db):
    with pytest.raises(PrimaryKeyRequired) as info:
        db["t"].upsert({"id": 1})
    assert str(info.value) == "upsert() requires a pk"
    assert db.table_names() == []


def test_ins_2_upsert_without_pk_into_rowid_table(db):
    db["t"].insert({"a": 1})
    with pytest.raises(PrimaryKeyRequired) as info:
        db["t"].upsert({"a": 2})
    assert str(info.value) == "upsert() requires a pk"


def test_ins_2_upsert_adopts_single_pk(dogs):
    table = dogs["dogs"].upsert({"id": 1, "age": 6})
    assert table.last_pk == 1
    assert list(dogs["dogs"].rows) == [{"id": 1, "name": "Cleo", "age": 6}]


def test_ins_2_upsert_adopts_compound_pk(db):
    db["t"].insert({"a": 1, "b": 2, "v": "x"}, pk=("a", "b"))
    table = db["t"].upsert({"a": 1, "b": 2, "v": "y"})
    assert table.last_pk == (1, 2)
    assert list(db["t"].rows) == [{"a": 1, "b": 2, "v": "y"}]


def test_ins_2_hash_id_with_pk(db):
    with pytest.raises(ValueError) as info:
        db["t"].insert({"a": 1}, pk="a", hash_id="h")
    assert str(info.value) == "Use either pk= or hash_id="
    assert db.table_names() == []


def test_ins_2_invalid_pk_column(dogs):
    with pytest.raises(InvalidColumns) as info:
        dogs["dogs"].insert({"nope": 1, "name": "x"}, pk="nope")
    assert str(info.value) == (
        "Invalid primary key column ['nope'] for table dogs with columns ['id', 'name', 'age']"
    )


def test_ins_2_invalid_pk_column_on_upsert(dogs):
    with pytest.raises(InvalidColumns) as info:
        dogs["dogs"].upsert_all([{"id": 1}], pk=("id", "zz"))
    assert str(info.value) == (
        "Invalid primary key column ['zz'] for table dogs with columns ['id', 'name', 'age']"
    )


def test_ins_2_pk_check_is_case_insensitive(dogs):
    table = dogs["dogs"].insert({"id": 2, "name": "Rex"}, pk="ID")
    assert table.last_pk == 2


def test_ins_2_alter_defers_pk_check_to_first_batch_keys(dogs):
    table = dogs["dogs"].insert({"id": 2, "tag": "t2"}, pk="tag", alter=True)
    assert [c.name for c in table.columns] == ["id", "name", "age", "tag"]
    with pytest.raises(InvalidColumns) as info:
        dogs["dogs"].insert({"id": 3}, pk="nope", alter=True)
    assert str(info.value) == (
        "Invalid primary key column ['nope'] for table dogs with columns "
        "['id', 'name', 'age', 'tag']"
    )
    assert dogs["dogs"].count == 2


def test_ins_2_ignore_and_replace(db):
    with pytest.raises(ValueError) as info:
        db["t"].insert({"a": 1}, ignore=True, replace=True)
    assert str(info.value) == "Use either ignore=True or replace=True, not both"


def test_ins_2_order_hash_id_before_ignore_replace(db):
    with pytest.raises(ValueError, match=r"^Use either pk= or hash_id=$"):
        db["t"].insert({"a": 1}, pk="a", hash_id="h", ignore=True, replace=True)


def test_ins_2_order_pk_columns_before_ignore_replace(dogs):
    with pytest.raises(InvalidColumns):
        dogs["dogs"].insert({"a": 1}, pk="a", ignore=True, replace=True)


def test_ins_2_order_required_pk_before_hash_id_check(db):
    with pytest.raises(PrimaryKeyRequired):
        db["t"].insert_all([{"a": 1}], upsert=True, ignore=True, replace=True)


def test_ins_2_empty_iterable_is_a_no_op(dogs):
    table = dogs["dogs"].insert({"id": 9, "name": "Last"})
    assert table.last_pk == 9
    statements = trace(dogs)
    assert table.insert_all([]) is table
    assert table.last_pk == 9
    assert table.last_rowid == 9
    assert statements.starting_with("INSERT", "UPDATE", "DELETE") == []
    assert dogs["new"].insert_all(iter([])).exists() is False
    assert dogs.table_names() == ["dogs"]


# L-INS-3 -------------------------------------------------------------------------


def test_ins_3_list_mode_header_is_column_order(db):
    db["t"].insert_all([["b", "a"], [1, 2], (3, 4)])
    assert [c.name for c in db["t"].columns] == ["b", "a"]
    assert list(db["t"].rows) == [{"b": 1, "a": 2}, {"b": 3, "a": 4}]


def test_ins_3_list_mode_generator_and_tuple_header(db):
    def rows():
        yield ("id", "name")
        yield [1, "a"]
        yield [2, "b"]

    db["t"].insert_all(rows(), pk="id")
    assert list(db["t"].rows) == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]


def test_ins_3_non_string_header(db):
    with pytest.raises(ValueError) as info:
        db["t"].insert_all([["a", 1], [1, 2]])
    assert str(info.value) == (
        "When using list-based iteration, the first yielded value must be a list of column "
        "name strings"
    )
    assert db.table_names() == []


def test_ins_3_later_item_not_a_list(db):
    with pytest.raises(ValueError) as info:
        db["t"].insert_all([["a"], [1], {"a": 2}])
    assert str(info.value) == (
        "After column names list, all subsequent records must also be lists (row 2)"
    )
    assert info.value.row_number == 2
    assert info.value.column is None
    assert db.table_names() == []


def test_ins_3_short_rows_padded_extra_values_dropped(db):
    db["t"].insert_all([["a", "b"], [1], [2, 3, 4]])
    assert list(db["t"].rows) == [{"a": 1, "b": None}, {"a": 2, "b": 3}]


def test_ins_3_header_with_no_rows_is_a_no_op(db):
    assert db["t"].insert_all([["a", "b"]]).exists() is False


def test_ins_3_list_mode_with_hash_id_is_aligned(db):
    """L-INS-3: datamill hashes dict(zip(header, row)) and keeps every value in its column."""
    from datamill.utils import hash_record

    db["t"].insert_all([["name", "age"], ["Cleo", 5], ["Rex", 3]], hash_id="h")
    assert list(db["t"].rows) == [
        {"h": hash_record({"name": "Cleo", "age": 5}), "name": "Cleo", "age": 5},
        {"h": hash_record({"name": "Rex", "age": 3}), "name": "Rex", "age": 3},
    ]


# L-INS-4 -------------------------------------------------------------------------


def test_ins_4_types_from_first_batch_and_first_seen_order(db):
    db["t"].insert_all([{"b": 1, "a": None}, {"a": 1.5, "c": "x"}])
    assert [(c.name, c.type) for c in db["t"].columns] == [
        ("b", "INTEGER"),
        ("a", "REAL"),
        ("c", "TEXT"),
    ]


def test_ins_4_columns_override_and_extracts_are_int(db):
    db["t"].insert(
        {"id": "1", "species": "dog", "weight": 3},
        pk="id",
        columns={"id": int, "weight": float},
        extracts=["species"],
    )
    assert [(c.name, c.type) for c in db["t"].columns] == [
        ("id", "INTEGER"),
        ("species", "INTEGER"),
        ("weight", "REAL"),
    ]
    assert list(db["t"].rows) == [{"id": 1, "species": 1, "weight": 3.0}]


def test_ins_4_create_arguments_pass_through(db):
    db["owners"].insert({"id": 1}, pk="id")
    db["t"].insert(
        {"id": 1, "name": "x", "owner_id": 1},
        pk="id",
        foreign_keys=["owner_id"],
        column_order=["name"],
        not_null={"name"},
        defaults={"owner_id": 1},
    )
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "name" TEXT NOT NULL,\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "owner_id" INTEGER DEFAULT 1 REFERENCES "owners"("id")\n'
        ")"
    )


# L-INS-5 -------------------------------------------------------------------------


def test_ins_5_first_batch_uses_sorted_keys(db):
    statements = trace(db)
    db["t"].insert_all([{"b": 1, "a": 2}, {"c": 3}])
    assert statements.starting_with("INSERT", "UPDATE", "DELETE") == [
        ('INSERT INTO "t" ("a", "b", "c") VALUES (?, ?, ?), (?, ?, ?)', [2, 1, None, None, None, 3])
    ]


def test_ins_5_hash_id_column_prepended(db):
    statements = trace(db)
    db["t"].insert({"b": 1, "a": 2}, hash_id="h")
    [(sql, params)] = statements.starting_with("INSERT", "UPDATE", "DELETE")
    assert sql == 'INSERT INTO "t" ("h", "a", "b") VALUES (?, ?, ?)'
    assert params[1:] == [2, 1]


def test_ins_5_later_batches_append_new_keys_in_order(db):
    db["t"].create({"a": int, "z": int, "y": int})
    statements = trace(db)
    db["t"].insert_all([{"a": 1}, {"a": 2, "z": 3, "y": 4}], batch_size=1)
    assert [sql for sql, _ in statements.starting_with("INSERT", "UPDATE", "DELETE")] == [
        'INSERT INTO "t" ("a") VALUES (?)',
        'INSERT INTO "t" ("a", "z", "y") VALUES (?, ?, ?)',
    ]


def test_ins_5_missing_keys_bind_null_so_default_only_applies_alone(db):
    db["t"].create({"id": int, "score": int}, pk="id", defaults={"score": 7})
    db["t"].insert_all([{"id": 1, "score": 2}, {"id": 2}])
    db["t"].insert({"id": 3})
    assert list(db["t"].rows) == [
        {"id": 1, "score": 2},
        {"id": 2, "score": None},
        {"id": 3, "score": 7},
    ]


def test_ins_5_empty_dict_uses_default_values(db):
    db["t"].create({"id": int, "v": str}, pk="id", defaults={"v": "d"})
    statements = trace(db)
    table = db["t"].insert({})
    assert statements.starting_with("INSERT", "UPDATE", "DELETE") == [
        ('INSERT INTO "t" DEFAULT VALUES', [])
    ]
    assert table.last_rowid == 1
    assert list(db["t"].rows) == [{"id": 1, "v": "d"}]


@pytest.mark.parametrize(
    ("flag", "verb"), [("replace", "INSERT OR REPLACE"), ("ignore", "INSERT OR IGNORE")]
)
def test_ins_5_empty_dict_with_flags(db, flag, verb):
    db["t"].create({"id": int}, pk="id")
    statements = trace(db)
    db["t"].insert({}, **{flag: True})
    assert statements.starting_with("INSERT", "UPDATE", "DELETE") == [
        (f'{verb} INTO "t" DEFAULT VALUES', [])
    ]


def test_ins_5_upsert_empty_dict(db):
    db["t"].create({"id": int}, pk="id")
    with pytest.raises(PrimaryKeyRequired) as info:
        db["t"].upsert({}, pk="id")
    assert str(info.value).startswith(
        "upsert() requires a value for the primary key - an empty record cannot be upserted"
    )


# L-INS-6 -------------------------------------------------------------------------


def test_ins_6_one_multi_row_statement_per_batch(db):
    statements = trace(db)
    db["t"].insert_all([{"a": 1, "b": 2}, {"a": 3, "b": 4}])
    assert statements.starting_with("INSERT", "UPDATE", "DELETE") == [
        ('INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?)', [1, 2, 3, 4])
    ]


@pytest.mark.parametrize(
    ("flag", "verb"), [("ignore", "INSERT OR IGNORE"), ("replace", "INSERT OR REPLACE")]
)
def test_ins_6_ignore_and_replace_sql(dogs, flag, verb):
    statements = trace(dogs)
    dogs["dogs"].insert({"id": 1, "name": "Pancakes"}, **{flag: True})
    assert (
        statements.starting_with("INSERT", "UPDATE", "DELETE")[0][0]
        == f'{verb} INTO "dogs" ("id", "name") VALUES (?, ?)'
    )


def test_ins_6_replace_replaces_the_whole_row(dogs):
    dogs["dogs"].insert({"id": 1, "name": "Pancakes"}, replace=True)
    assert list(dogs["dogs"].rows) == [{"id": 1, "name": "Pancakes", "age": None}]


def test_ins_6_ignore_keeps_existing_row(dogs):
    dogs["dogs"].insert({"id": 1, "name": "Pancakes"}, ignore=True)
    assert list(dogs["dogs"].rows) == [{"id": 1, "name": "Cleo", "age": 5}]


# L-INS-8 -------------------------------------------------------------------------


def test_ins_8_unknown_column_without_alter(dogs):
    with pytest.raises(sqlite3.OperationalError) as info:
        dogs["dogs"].insert({"id": 2, "color": "brown"})
    assert str(info.value) == 'table dogs has no column named color (row 1, column "color")'
    assert dogs["dogs"].count == 1


def test_ins_8_alter_adds_missing_columns_and_retries(dogs):
    dogs["dogs"].insert({"id": 2, "Name": "Rex", "color": "brown", "weight": 2.5}, alter=True)
    assert [(c.name, c.type) for c in dogs["dogs"].columns] == [
        ("id", "INTEGER"),
        ("name", "TEXT"),
        ("age", "INTEGER"),
        ("color", "TEXT"),
        ("weight", "REAL"),
    ]
    assert dogs["dogs"].get(2) == {
        "id": 2,
        "name": "Rex",
        "age": None,
        "color": "brown",
        "weight": 2.5,
    }


def test_ins_8_key_first_seen_after_first_batch_needs_alter(db):
    with pytest.raises(sqlite3.OperationalError) as info:
        db["t"].insert_all([{"a": 1}, {"a": 2, "b": 3}], batch_size=1)
    assert str(info.value) == 'table t has no column named b (row 2, column "b")'
    db["u"].insert_all([{"a": 1}, {"a": 2, "b": 3}], batch_size=1, alter=True)
    assert list(db["u"].rows) == [{"a": 1, "b": None}, {"a": 2, "b": 3}]


# L-INS-9 -------------------------------------------------------------------------


def test_ins_9_duplicate_key(dogs):
    with pytest.raises(utils_sqlite3.IntegrityError) as info:
        dogs["dogs"].insert({"id": 1, "name": "Again"})
    assert str(info.value) == 'UNIQUE constraint failed: dogs.id (row 1, column "id")'
    assert isinstance(info.value, sqlite3.IntegrityError)


# L-INS-10 ------------------------------------------------------------------------


def test_ins_10_truncate(dogs):
    statements = trace(dogs)
    dogs["dogs"].insert_all([{"id": 5, "name": "New"}], truncate=True)
    assert ('DELETE FROM "dogs";', None) in statements
    assert list(dogs["dogs"].rows) == [{"id": 5, "name": "New", "age": None}]


def test_ins_10_truncate_missing_table(db):
    db["t"].insert_all([{"a": 1}], truncate=True)
    assert list(db["t"].rows) == [{"a": 1}]


def test_ins_10_analyze(db):
    statements = trace(db)
    db["t"].insert_all([{"a": 1}], analyze=True)
    assert statements[-1] == ('ANALYZE "t"', None)
    assert "sqlite_stat1" in db.table_names()


def test_ins_10_conversions(db):
    statements = trace(db)
    db["t"].insert_all([{"a": "x", "b": "y"}], conversions={"b": "upper(?)"})
    assert statements.starting_with("INSERT", "UPDATE", "DELETE") == [
        ('INSERT INTO "t" ("a", "b") VALUES (?, upper(?))', ["x", "y"])
    ]
    assert list(db["t"].rows) == [{"a": "x", "b": "Y"}]


def test_ins_10_conversions_in_upsert_update_branch(db):
    db["t"].insert({"id": 1, "b": "old"}, pk="id")
    statements = trace(db)
    db["t"].upsert({"id": 1, "b": "new"}, pk="id", conversions={"b": "upper(?)"})
    assert statements.starting_with("INSERT", "UPDATE", "DELETE")[0][0] == (
        'INSERT INTO "t" ("b", "id") VALUES (upper(?), ?) ON CONFLICT("id") DO UPDATE SET '
        '"b" = upper(excluded."b")'
    )
    assert list(db["t"].rows) == [{"id": 1, "b": "NEW"}]


def test_ins_10_extracts(db):
    db["t"].insert_all(
        [
            {"id": 1, "species": "dog"},
            {"id": 2, "species": "cat"},
            {"id": 3, "species": "dog"},
            {"id": 4, "species": None},
        ],
        pk="id",
        extracts={"species": "kinds"},
    )
    assert list(db["t"].rows) == [
        {"id": 1, "species": 1},
        {"id": 2, "species": 2},
        {"id": 3, "species": 1},
        {"id": 4, "species": None},
    ]
    assert list(db["kinds"].rows) == [{"id": 1, "value": "dog"}, {"id": 2, "value": "cat"}]
    assert [i.name for i in db["kinds"].indexes] == ["idx_kinds_value"]


# L-INS-12 ------------------------------------------------------------------------


def test_ins_12_values_encoded_per_gen_6(db):
    record = {
        "d": {"b": 1, "a": "é"},
        "l": [1, "x"],
        "t": (1, 2),
        "n": {"o": object.__new__(type("Thing", (), {"__repr__": lambda self: "<thing>"}))},
        "dec": decimal.Decimal("2.5"),
        "dt": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "date": datetime.date(2024, 1, 2),
        "time": datetime.time(3, 4),
        "td": datetime.timedelta(hours=1),
        "u": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "b": True,
        "f": False,
        "bytes": b"\x00\x01",
        "mv": memoryview(b"\x02"),
        "none": None,
        "i": 3,
        "fl": 1.5,
        "s": "str",
    }
    db["t"].insert(record)
    row = db.execute("select * from t").fetchone()
    assert dict(zip([c.name for c in db["t"].columns], row)) == {
        "d": '{"b": 1, "a": "é"}',
        "l": '[1, "x"]',
        "t": "[1, 2]",
        "n": '{"o": "<thing>"}',
        "dec": 2.5,
        "dt": "2024-01-02T03:04:05",
        "date": "2024-01-02",
        "time": "03:04:00",
        "td": "1:00:00",
        "u": "12345678-1234-5678-1234-567812345678",
        "b": 1,
        "f": 0,
        "bytes": b"\x00\x01",
        "mv": b"\x02",
        "none": None,
        "i": 3,
        "fl": 1.5,
        "s": "str",
    }


def test_ins_12_base64_dict_is_stored_as_json(db):
    db["t"].insert({"blob": {"$base64": True, "encoded": "AAE="}})
    assert (
        db["t"].get(1)
        if False
        else list(db["t"].rows) == [{"blob": '{"$base64": true, "encoded": "AAE="}'}]
    )
    assert json.loads(next(db["t"].rows)["blob"]) == {"$base64": True, "encoded": "AAE="}


# L-INS-13 ------------------------------------------------------------------------


def test_ins_13_plain_insert_rowid_table(db):
    table = db["t"].insert({"a": 1})
    table = db["t"].insert({"a": 2})
    assert (table.last_rowid, table.last_pk) == (2, 2)


def test_ins_13_plain_insert_with_pk_reads_pk_back(db):
    table = db["t"].insert({"code": "x", "v": 1}, pk="code")
    assert (table.last_rowid, table.last_pk) == (1, "x")


def test_ins_13_compound_pk_is_a_tuple(db):
    table = db["t"].insert({"a": "x", "b": 2}, pk=("a", "b"))
    assert (table.last_rowid, table.last_pk) == (1, ("x", 2))


def test_ins_13_hash_id(db):
    from datamill.utils import hash_record

    table = db["t"].insert({"a": "x"}, hash_id="h")
    assert (table.last_rowid, table.last_pk) == (1, hash_record({"a": "x"}))


def test_ins_13_ignored_insert_finds_existing_row(dogs):
    dogs["dogs"].insert({"id": 7, "name": "Seven"})
    table = dogs["dogs"].insert({"id": 1, "name": "Again"}, pk="id", ignore=True)
    assert (table.last_rowid, table.last_pk) == (1, 1)


def test_ins_13_ignored_insert_without_pk_argument_uses_table_pks(db):
    db["t"].insert({"code": "a", "v": 1}, pk="code")
    db["t"].insert({"code": "b", "v": 2})
    table = db["t"].insert({"code": "a", "v": 3}, ignore=True)
    assert (table.last_rowid, table.last_pk) == (1, "a")


def test_ins_13_ignored_insert_not_found(db):
    db["t"].create({"id": int, "u": str}, pk="id")
    db.execute('create unique index "u_idx" on "t" ("u")')
    db["t"].insert({"id": 1, "u": "x"})
    table = db["t"].insert({"id": 2, "u": "x"}, pk="id", ignore=True)
    assert (table.last_rowid, table.last_pk) == (None, 2)


def test_ins_13_upsert(dogs):
    table = dogs["dogs"].upsert({"id": 1, "age": 9}, pk="id")
    assert (table.last_rowid, table.last_pk) == (None, 1)
    table = dogs["dogs"].upsert({"id": 2, "age": 9}, pk="id")
    assert (table.last_rowid, table.last_pk) == (None, 2)


def test_ins_13_reset_and_only_set_for_one_record(dogs):
    table = dogs["dogs"]
    table.insert({"id": 2, "name": "Two"})
    assert table.last_pk == 2
    table.insert_all([{"id": 3}, {"id": 4}])
    assert (table.last_rowid, table.last_pk) == (None, None)


def test_ins_13_get_sets_last_pk(dogs):
    table: Table = dogs["dogs"]
    table.get(1)
    assert table.last_pk == 1


# L-INS-1 signatures ----------------------------------------------------------------

D = "DEFAULT"
SIGNATURES = {
    "insert": [
        ("record", None), ("pk", D), ("foreign_keys", D), ("column_order", D), ("not_null", D),
        ("defaults", D), ("hash_id", D), ("hash_id_columns", D), ("alter", D), ("ignore", D),
        ("replace", D), ("extracts", D), ("conversions", D), ("columns", D), ("strict", D),
    ],
    "insert_all": [
        ("records", None), ("pk", D), ("foreign_keys", D), ("column_order", D),
        ("not_null", D), ("defaults", D), ("batch_size", D), ("hash_id", D),
        ("hash_id_columns", D), ("alter", D), ("ignore", D), ("replace", D),
        ("truncate", False), ("extracts", D), ("conversions", D), ("columns", D),
        ("upsert", False), ("analyze", False), ("strict", D),
    ],
    "upsert": [
        ("record", None), ("pk", D), ("foreign_keys", D), ("column_order", D), ("not_null", D),
        ("defaults", D), ("hash_id", D), ("hash_id_columns", D), ("alter", D),
        ("extracts", D), ("conversions", D), ("columns", D), ("strict", D),
    ],
    "upsert_all": [
        ("records", None), ("pk", D), ("foreign_keys", D), ("column_order", D),
        ("not_null", D), ("defaults", D), ("batch_size", D), ("hash_id", D),
        ("hash_id_columns", D), ("alter", D), ("extracts", D), ("conversions", D),
        ("columns", D), ("analyze", False), ("strict", D),
    ],
}  # fmt: skip


@pytest.mark.parametrize("method", sorted(SIGNATURES))
def test_ins_1_signatures(method):
    """L-INS-1: parameter names, order and defaults (DEFAULT where no value is shown)."""
    parameters = list(inspect.signature(getattr(Table, method)).parameters.values())[1:]
    expected = [
        (name, inspect.Parameter.empty if default is None else default)
        for name, default in SIGNATURES[method]
    ]
    actual = [(p.name, "DEFAULT" if p.default is DEFAULT else p.default) for p in parameters]
    assert actual == expected


def test_ins_13_ignored_hash_id_insert(db):
    from datamill.utils import hash_record

    db["t"].insert({"a": "x"}, hash_id="h")
    db["t"].insert({"a": "y"}, hash_id="h")
    table = db["t"].insert({"a": "x"}, hash_id="h", ignore=True)
    assert (table.last_rowid, table.last_pk) == (1, hash_record({"a": "x"}))
    assert db["t"].count == 2


def test_ins_13_replace_reports_the_new_rowid(dogs):
    dogs["dogs"].insert({"id": 2, "name": "Two"})
    table = dogs["dogs"].insert({"id": 1, "name": "Again"}, pk="id", replace=True)
    assert (table.last_rowid, table.last_pk) == (1, 1)


# L-GEN-3 in insert ---------------------------------------------------------------


def test_gen_3_keys_differing_in_case_fill_one_column(dogs):
    """Mixed-case keys in one statement used to bind NULL over each other (data loss)."""
    statements = trace(dogs)
    dogs["dogs"].insert_all([{"id": 3, "name": "Three"}, {"ID": 4, "NAME": "Four"}])
    assert statements.starting_with("INSERT", "UPDATE", "DELETE") == [
        ('INSERT INTO "dogs" ("id", "name") VALUES (?, ?), (?, ?)', [3, "Three", 4, "Four"])
    ]
    assert [r["name"] for r in dogs["dogs"].rows] == ["Cleo", "Three", "Four"]


def test_gen_3_keys_differing_in_case_across_batches(dogs):
    dogs["dogs"].insert_all([{"id": 3, "Age": 1}, {"id": 4, "AGE": 2}, {"id": 5}], batch_size=1)
    assert [r["age"] for r in dogs["dogs"].rows] == [5, 1, 2, None]


def test_gen_3_new_table_gets_one_column_spelled_as_first_seen(db):
    db["t"].insert_all([{"Name": "a"}, {"NAME": "b", "name": "c"}, {"nAmE": "d"}])
    assert [c.name for c in db["t"].columns] == ["Name"]
    assert [r["Name"] for r in db["t"].rows] == ["a", "b", "d"]


def test_gen_3_upsert_with_case_variant_keys(dogs):
    dogs["dogs"].upsert_all(
        [{"id": 1, "age": 6, "name": "Cleo"}, {"ID": 2, "AGE": 7, "Name": "Two"}], pk="id"
    )
    assert list(dogs["dogs"].rows) == [
        {"id": 1, "name": "Cleo", "age": 6},
        {"id": 2, "name": "Two", "age": 7},
    ]


def test_gen_3_hash_id_column_is_not_overwritten_by_a_case_variant_key(db):
    from datamill.utils import hash_record

    table = db["t"].insert({"ID": "mine", "v": 1}, hash_id="id")
    assert table.last_pk == hash_record({"ID": "mine", "v": 1})
    assert list(db["t"].rows) == [{"id": hash_record({"ID": "mine", "v": 1}), "v": 1}]
