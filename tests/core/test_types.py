"""Column types: L-TYPE-1..4 (and L-IMP-3.3 for suggest_column_types)."""

import datetime
import decimal
import uuid

import pytest

import datamill
from datamill.db import COLUMN_TYPE_MAPPING, Database
from datamill.utils import ANY, column_affinity, suggest_column_types, types_for_column_types

EXPECTED_MAPPING = [
    (int, "INTEGER"),
    (bool, "INTEGER"),
    ("INTEGER", "INTEGER"),
    ("integer", "INTEGER"),
    ("int", "INTEGER"),
    (float, "REAL"),
    (decimal.Decimal, "REAL"),
    ("REAL", "REAL"),
    ("real", "REAL"),
    ("float", "REAL"),
    ("FLOAT", "FLOAT"),
    (str, "TEXT"),
    (dict, "TEXT"),
    (list, "TEXT"),
    (tuple, "TEXT"),
    (type(None), "TEXT"),
    (uuid.UUID, "TEXT"),
    (datetime.datetime, "TEXT"),
    (datetime.date, "TEXT"),
    (datetime.time, "TEXT"),
    (datetime.timedelta, "TEXT"),
    ("TEXT", "TEXT"),
    ("text", "TEXT"),
    ("str", "TEXT"),
    (bytes, "BLOB"),
    (memoryview, "BLOB"),
    ("BLOB", "BLOB"),
    ("blob", "BLOB"),
    ("bytes", "BLOB"),
    (ANY, "ANY"),
    ("ANY", "ANY"),
    ("any", "ANY"),
]


@pytest.mark.parametrize("given, sql", EXPECTED_MAPPING)
def test_type_1_mapping(given, sql):
    """L-TYPE-1: COLUMN_TYPE_MAPPING entries."""
    assert COLUMN_TYPE_MAPPING[given] == sql


@pytest.mark.parametrize("given, sql", EXPECTED_MAPPING)
def test_type_1_create_table_uses_mapping(given, sql):
    """L-TYPE-1: create_table declares the mapped type."""
    db = Database(memory=True)
    db.create_table("t", {"c": given})
    assert db["t"].columns[0].type == sql


def test_type_1_float_is_real_in_strict_tables():
    """L-TYPE-1: "FLOAT" becomes REAL in a STRICT table."""
    db = Database(memory=True)
    db.create_table("s", {"a": "FLOAT", "b": float}, strict=True)
    assert [c.type for c in db["s"].columns] == ["REAL", "REAL"]
    assert db["s"].schema == 'CREATE TABLE "s" (\n   "a" REAL,\n   "b" REAL\n) STRICT'
    db.create_table("n", {"a": "FLOAT"})
    assert [c.type for c in db["n"].columns] == ["FLOAT"]


def test_type_1_add_column_float_in_strict_table():
    """L-TYPE-1: add_column("x", "FLOAT") declares REAL on a STRICT table, FLOAT otherwise."""
    db = Database(memory=True)
    db.create_table("s", {"a": int}, strict=True)
    db["s"].add_column("f", "FLOAT")
    db.create_table("n", {"a": int})
    db["n"].add_column("f", "FLOAT")
    assert db["s"].columns[1].type == "REAL"
    assert db["n"].columns[1].type == "FLOAT"
    assert db["s"].strict is True


def test_type_1_insert_time_creation():
    """L-TYPE-1: insert-created tables use the mapping for the values' Python types."""
    db = Database(memory=True)
    db["t"].insert(
        {
            "i": 1,
            "b": True,
            "f": 1.5,
            "d": decimal.Decimal("1"),
            "s": "x",
            "j": {"a": 1},
            "l": [1],
            "dt": datetime.date(2024, 1, 1),
            "u": uuid.UUID(int=0),
            "bl": b"x",
            "n": None,
        }
    )
    assert {c.name: c.type for c in db["t"].columns} == {
        "i": "INTEGER",
        "b": "INTEGER",
        "f": "REAL",
        "d": "REAL",
        "s": "TEXT",
        "j": "TEXT",
        "l": "TEXT",
        "dt": "TEXT",
        "u": "TEXT",
        "bl": "BLOB",
        "n": "TEXT",
    }


def test_type_1_columns_override_on_insert():
    """L-TYPE-1: columns= types on insert go through the same mapping."""
    db = Database(memory=True)
    db["t"].insert({"a": "1", "b": 2}, columns={"a": "integer", "b": "FLOAT"})
    assert [c.type for c in db["t"].columns] == ["INTEGER", "FLOAT"]


@pytest.mark.parametrize("key", ["VARCHAR(10)", "DATE", "numeric", object])
def test_type_1_unknown_key_raises_key_error(key):
    """L-TYPE-1: any other key raises KeyError(key), and no table is created."""
    db = Database(memory=True)
    with pytest.raises(KeyError) as excinfo:
        db.create_table("t", {"a": key})
    assert excinfo.value.args == (key,)
    assert db.table_names() == []


def test_type_1_numpy_entries():
    """L-TYPE-1: numpy types map when numpy imports."""
    np = pytest.importorskip("numpy")
    for name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
        assert COLUMN_TYPE_MAPPING[getattr(np, name)] == "INTEGER"
    for name in ("float16", "float32", "float64"):
        assert COLUMN_TYPE_MAPPING[getattr(np, name)] == "REAL"


def test_type_1_pandas_entry():
    """L-TYPE-1: pandas.Timestamp maps to TEXT when pandas imports."""
    pd = pytest.importorskip("pandas")
    assert COLUMN_TYPE_MAPPING[pd.Timestamp] == "TEXT"


@pytest.mark.parametrize(
    "declared, expected",
    [
        ("", str),
        ("   ", str),
        ("INTEGER", int),
        ("int", int),
        ("BIGINT", int),
        ("tinyint", int),
        ("POINT", int),  # contains INT
        ("VARCHAR(10)", str),
        ("nchar", str),
        ("CLOB", str),
        ("text", str),
        ("BLOB", bytes),
        ("blob", bytes),
        ("REAL", float),
        ("FLOAT", float),
        ("double precision", float),
        (" any ", ANY),
        ("ANY", ANY),
        ("NUMERIC", float),
        ("DATE", float),
        ("DECIMAL(10,5)", float),
        ("BOOLEAN", float),
        ("anything", float),
    ],
)
def test_type_2_column_affinity(declared, expected):
    """L-TYPE-2: declared SQL type -> Python type, after upper-casing and stripping."""
    assert column_affinity(declared) is expected


@pytest.mark.parametrize(
    "records, expected",
    [
        ([{"a": 1}], {"a": int}),
        ([{"a": None}], {"a": str}),  # rule 2
        ([{"a": None}, {"a": 1}], {"a": int}),  # rule 1
        ([{"a": True}, {"a": 1}], {"a": int}),  # rule 4
        ([{"a": True}], {"a": bool}),  # rule 3: single type as-is
        ([{"a": 1}, {"a": 1.5}], {"a": float}),  # rule 5
        ([{"a": True}, {"a": 1.5}, {"a": None}], {"a": float}),
        ([{"a": b"x"}, {"a": "y"}], {"a": bytes}),  # rule 6
        ([{"a": 1}, {"a": "x"}], {"a": str}),  # rule 7
        ([{"a": 1}, {"a": b"x"}], {"a": str}),
        ([{"a": [1]}], {"a": str}),  # rule 3: list -> str
        ([{"a": (1,)}], {"a": str}),
        ([{"a": {"b": 1}}], {"a": str}),
        ([{"a": decimal.Decimal(1)}], {"a": decimal.Decimal}),
        ([{"a": datetime.date(2024, 1, 1)}], {"a": datetime.date}),
        ([{"a": ""}, {"a": ""}], {"a": str}),  # L-IMP-3.3
        ([{"a": None}, {"a": ""}], {"a": str}),
    ],
)
def test_type_3_suggest_column_types_rules(records, expected):
    """L-TYPE-3: rules 1-7."""
    assert suggest_column_types(records) == expected


def test_type_3_first_seen_order_and_missing_keys():
    """L-TYPE-3: columns in first-seen order; a key missing from some records is fine."""
    records = [{"b": 1}, {"a": "x", "b": 2}, {"c": None, "a": "y"}]
    result = suggest_column_types(records)
    assert list(result) == ["b", "a", "c"]
    assert result == {"b": int, "a": str, "c": str}


def test_type_3_subclasses_of_containers():
    """L-TYPE-3: list, tuple and dict subclasses become str."""

    class MyDict(dict):
        pass

    class MyList(list):
        pass

    assert suggest_column_types([{"a": MyDict()}, {"b": MyList()}]) == {"a": str, "b": str}


def test_type_3_exported_from_datamill():
    """L-TYPE-3: suggest_column_types is importable from datamill."""
    assert datamill.suggest_column_types is suggest_column_types


def test_type_3_types_for_column_types():
    """L-TYPE-3: the same rules over sets collected beforehand."""
    assert types_for_column_types(
        {
            "a": {int, type(None)},
            "b": {type(None)},
            "c": {int, float},
            "d": {bytes, str},
            "e": {int, str},
            "f": {list},
            "g": {bool, int},
        }
    ) == {"a": int, "b": str, "c": float, "d": bytes, "e": str, "f": str, "g": int}


def test_type_4_any_in_strict_table_keeps_storage_class():
    """L-TYPE-4: ANY columns keep "000123" as text in STRICT tables."""
    db = Database(memory=True)
    db.create_table("s", {"payload": ANY}, strict=True)
    db["s"].insert({"payload": "000123"})
    db["s"].insert({"payload": 5})
    assert db.execute("select payload, typeof(payload) from s").fetchall() == [
        ("000123", "text"),
        (5, "integer"),
    ]


def test_type_4_any_in_ordinary_table_gets_numeric_affinity():
    """L-TYPE-4: in an ordinary table the ANY column applies numeric affinity."""
    db = Database(memory=True)
    db.create_table("o", {"payload": datamill.ANY})
    db["o"].insert({"payload": "000123"})
    assert db.execute("select payload, typeof(payload) from o").fetchall() == [(123, "integer")]
    assert db["o"].columns_dict == {"payload": ANY}


def test_type_4_any_marker_is_shared():
    """L-TYPE-4 / L-HELP-6: one ANY class, exported from datamill, utils and db."""
    from datamill.db import ANY as db_any

    assert datamill.ANY is ANY is db_any
    assert isinstance(ANY, type)
