"""Widening a declared type in place finds the type with the CREATE TABLE parser (I-2)."""

import pytest

from datamill import Database
from datamill.core.table_parser import ParseError, column_type_span
from datamill.load.schema import widen_column

ODD_DDL = [
    # (CREATE TABLE text, column, expected text after widening to REAL)
    (
        'CREATE TABLE t ("a b" INTEGER, "a" INTEGER)',
        "a",
        'CREATE TABLE t ("a b" INTEGER, "a" REAL)',
    ),
    (
        "create table t (\n  id integer primary key,\n  n   integer  not null -- count\n)",
        "n",
        "CREATE TABLE t (\n  id integer primary key,\n  n   REAL  not null -- count\n)",
    ),
    (
        "CREATE TABLE t ([n] /* kind */ INTEGER CHECK (n <> 'INTEGER'), m TEXT)",
        "N",
        "CREATE TABLE t ([n] /* kind */ REAL CHECK (n <> 'INTEGER'), m TEXT)",
    ),
    (
        'CREATE TABLE t (`n` "INT" CONSTRAINT c DEFAULT 0)',
        "n",
        "CREATE TABLE t (`n` REAL CONSTRAINT c DEFAULT 0)",
    ),
    (
        "CREATE TABLE t (n NUMERIC(10, 2) DEFAULT 1, o INTEGER)",
        "n",
        "CREATE TABLE t (n REAL DEFAULT 1, o INTEGER)",
    ),
    (
        "CREATE TABLE t (n, o INTEGER)",
        "n",
        "CREATE TABLE t (n REAL, o INTEGER)",
    ),
    (
        "CREATE TABLE t (n UNSIGNED BIG INT NOT NULL)",
        "n",
        "CREATE TABLE t (n REAL NOT NULL)",
    ),
]


@pytest.mark.parametrize(("ddl", "column", "expected"), ODD_DDL)
def test_only_the_columns_type_changes(ddl, column, expected):
    db = Database(memory=True)
    db.execute(ddl)
    db.execute("insert into t (n) values (1)" if "(n" in ddl or "[n]" in ddl else "select 1")
    with db.atomic():
        widen_column(db, "t", "a" if column == "a" else "n", "INTEGER", "REAL")
    assert db.table("t").schema == expected
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)


def test_written_values_take_the_new_storage_class():
    # SQLite stores a whole REAL as an integer on disk and relies on the column's affinity to
    # read it back as REAL: a REAL column turned TEXT must still say "1.0", not "1"
    db = Database(memory=True)
    db.execute('CREATE TABLE t ("x" INTEGER, "y" TEXT)')
    db.execute("insert into t values (1, ''), (2, '')")
    with db.atomic():
        widen_column(db, "t", "x", "INTEGER", "REAL")
        widen_column(db, "t", "y", "TEXT", "INTEGER")
    assert db.execute("select typeof(x), y from t").fetchall() == [("real", None)] * 2
    with db.atomic():
        widen_column(db, "t", "x", "REAL", "TEXT")
    assert db.execute("select x, typeof(x) from t").fetchall() == [("1.0", "text"), ("2.0", "text")]
    assert db.table("t").schema == 'CREATE TABLE t ("x" TEXT, "y" INTEGER)'


def test_a_column_the_statement_lacks_is_a_parse_error():
    with pytest.raises(ParseError, match="No column 'z'"):
        column_type_span("CREATE TABLE t (a INTEGER)", "z")
