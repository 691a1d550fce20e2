"""Helper types and constants (L-HELP-1..6, 9) and the exception classes of my areas (L-ERR)."""

import dataclasses

import pytest

import datamill
from datamill import db as dbmod
from datamill.db import (
    COLUMN_TYPE_MAPPING,
    DEFAULT,
    ROWID_ALIASES,
    SQLITE_MAX_VARS,
    Column,
    ColumnDetails,
    Database,
    Default,
    DescIndex,
    ForeignKey,
    Index,
    Trigger,
    XIndex,
    XIndexColumn,
)
from datamill.utils import sqlite3

FK_REPR = (
    "ForeignKey(table='places', column='country_id', other_table='country', "
    "other_column='id', columns=('country_id',), other_columns=('id',), is_compound=False, "
    "on_delete='NO ACTION', on_update='NO ACTION')"
)


def test_help_1_foreign_key_repr_and_defaults():
    """L-HELP-1: field order, defaults and the exact repr."""
    fk = ForeignKey("places", "country_id", "country", "id")
    assert repr(fk) == FK_REPR
    assert [f.name for f in dataclasses.fields(ForeignKey)] == [
        "table",
        "column",
        "other_table",
        "other_column",
        "columns",
        "other_columns",
        "is_compound",
        "on_delete",
        "on_update",
    ]
    assert (fk.is_compound, fk.on_delete, fk.on_update) == (False, "NO ACTION", "NO ACTION")


def test_help_1_columns_filled_and_lists_become_tuples():
    """L-HELP-1: empty columns come from column; lists become tuples."""
    fk = ForeignKey("t", None, "o", None, columns=["a", "b"], other_columns=["x", "y"])
    assert fk.columns == ("a", "b") and fk.other_columns == ("x", "y")
    single = ForeignKey("t", "a", "o", "x")
    assert single.columns == ("a",) and single.other_columns == ("x",)


def test_help_1_frozen():
    """L-HELP-1: instances are immutable."""
    fk = ForeignKey("t", "a", "o", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fk.table = "other"


def test_help_1_comparison_ignores_column_and_other_column():
    """L-HELP-1: column/other_column are excluded from equality and hashing."""
    explicit = ForeignKey("t", "a", "o", "x")
    via_columns = ForeignKey("t", None, "o", None, columns=("a",), other_columns=("x",))
    assert explicit == via_columns
    assert hash(explicit) == hash(via_columns)
    assert len({explicit, via_columns}) == 1
    assert explicit != ForeignKey("t", "a", "o", "x", on_delete="CASCADE")
    assert explicit != ForeignKey("t", "b", "o", "x")


def test_help_1_ordered():
    """L-HELP-1: instances sort by their compared fields."""
    b = ForeignKey("t", "b", "o", "id")
    a = ForeignKey("t", "a", "p", "id")
    c = ForeignKey("s", "z", "z", "id")
    assert sorted([a, b, c]) == [c, b, a]
    assert b < a


def test_help_1_not_unpackable():
    """L-HELP-1: a ForeignKey is not a tuple."""
    fk = ForeignKey("t", "a", "o", "x")
    with pytest.raises(TypeError):
        table, column, other_table, other_column = fk


def test_help_2_column_and_column_details():
    """L-HELP-2: namedtuple fields."""
    assert Column._fields == ("cid", "name", "type", "notnull", "default_value", "is_pk")
    assert ColumnDetails._fields == (
        "table",
        "column",
        "total_rows",
        "num_null",
        "num_blank",
        "num_distinct",
        "most_common",
        "least_common",
    )
    assert issubclass(Column, tuple) and issubclass(ColumnDetails, tuple)


def test_help_3_index_types_and_trigger():
    """L-HELP-3: namedtuple fields and reprs."""
    assert Index._fields == ("seq", "name", "unique", "origin", "partial", "columns")
    assert XIndex._fields == ("name", "columns")
    assert XIndexColumn._fields == ("seqno", "cid", "name", "desc", "coll", "key")
    assert Trigger._fields == ("name", "table", "sql")
    assert repr(Trigger("t1", "dogs", "CREATE TRIGGER ...")) == (
        "Trigger(name='t1', table='dogs', sql='CREATE TRIGGER ...')"
    )


def test_help_4_desc_index():
    """L-HELP-4: DescIndex is a str subclass marking a descending column."""
    column = DescIndex("age")
    assert isinstance(column, str) and column == "age"
    db = Database(memory=True)
    db["dogs"].insert({"name": "Cleo", "age": 5})
    db["dogs"].create_index(["name", DescIndex("age")])
    assert [c.desc for c in db["dogs"].xindexes[0].columns[:2]] == [0, 1]


def test_help_5_default_sentinel():
    """L-HELP-5: Default and its single instance DEFAULT."""
    assert isinstance(DEFAULT, Default)
    assert Default() is DEFAULT


def test_help_6_any_exports():
    """L-HELP-6: ANY from datamill, datamill.utils and datamill.db."""
    from datamill.utils import ANY

    assert datamill.ANY is ANY is dbmod.ANY


def _fields(cls):
    return [(f.name, f.default, f.compare, f.repr) for f in dataclasses.fields(cls)]


def test_help_7_check():
    """L-HELP-7: Check(check, name="", column="", options=None) plus sql/start/end that are
    excluded from comparison and repr; re-exported from datamill.db."""
    from datamill.create_table_parser import Check

    assert dbmod.Check is Check
    missing = dataclasses.MISSING
    assert _fields(Check) == [
        ("check", missing, True, True),
        ("name", "", True, True),
        ("column", "", True, True),
        ("options", None, True, True),
        ("sql", "", False, False),
        ("start", -1, False, False),
        ("end", -1, False, False),
    ]
    located = Check("a > 0", sql="CHECK (a > 0)", start=3, end=16)
    assert located == Check("a > 0")
    assert repr(located) == "Check(check='a > 0', name='', column='', options=None)"


def test_help_8_unique_types():
    """L-HELP-8: Unique, UniqueColumn (frozen) and ColumnComments (frozen)."""
    from datamill.create_table_parser import ColumnComments, Unique, UniqueColumn

    missing = dataclasses.MISSING
    assert _fields(Unique) == [
        ("columns", missing, True, True),
        ("name", "", True, True),
        ("column", "", True, True),
        ("conflict", "", True, True),
    ]
    assert _fields(UniqueColumn) == [
        ("name", missing, True, True),
        ("collation", "", True, True),
        ("order", "", True, True),
    ]
    assert _fields(ColumnComments) == [("before", "", True, True), ("after", "", True, True)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        UniqueColumn("a").name = "b"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ColumnComments().before = "x"


def test_help_9_constants():
    """L-HELP-9: SQLITE_MAX_VARS, ROWID_ALIASES and COLUMN_TYPE_MAPPING."""
    assert SQLITE_MAX_VARS == 999
    assert ROWID_ALIASES == frozenset({"rowid", "_rowid_", "oid"})
    assert isinstance(ROWID_ALIASES, frozenset)
    assert COLUMN_TYPE_MAPPING[int] == "INTEGER"


@pytest.mark.parametrize(
    "name",
    [
        "AlterError",
        "NoObviousTable",
        "NoTable",
        "NoView",
        "BadPrimaryKey",
        "NotFoundError",
        "PrimaryKeyRequired",
        "InvalidColumns",
        "TransactionError",
        "TransformError",
        "BadMultiValues",
    ],
)
def test_err_classes_in_db_module(name):
    """L-ERR-1..11: each class is exported by datamill.db and subclasses Exception directly."""
    cls = getattr(dbmod, name)
    assert issubclass(cls, Exception)
    assert cls.__bases__ == (Exception,)


def test_err_raised_with_documented_classes():
    """L-ERR-3/4/6/9: the classes my areas raise, with their messages."""
    db = Database(memory=True)
    db["t"].insert({"id": 1}, pk="id")
    db.create_view("v", "select 1")
    with pytest.raises(dbmod.NoTable, match="^Table v is actually a view$"):
        db.table("v")
    with pytest.raises(dbmod.NoView, match="^View t does not exist - t is a table$"):
        db.view("t")
    with pytest.raises(dbmod.NotFoundError):
        db["t"].get(2)
    db.begin()
    with pytest.raises(dbmod.TransactionError, match="^ensure_autocommit_on"):
        with db.ensure_autocommit_on():
            pass
    db.rollback()


def test_err_15_sqlite_errors_pass_through():
    """L-ERR-15: SQLite's own errors are raised unchanged, as utils.sqlite3 classes."""
    db = Database(memory=True)
    db["t"].insert({"id": 1}, pk="id")
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.execute("select * from nope")
    assert type(excinfo.value) is sqlite3.OperationalError
    assert str(excinfo.value) == "no such table: nope"
    assert dbmod.OperationalError is sqlite3.OperationalError
    with pytest.raises(sqlite3.IntegrityError) as excinfo:
        db.execute("insert into t (id) values (1)")
    assert type(excinfo.value) is sqlite3.IntegrityError
    assert str(excinfo.value) == "UNIQUE constraint failed: t.id"
