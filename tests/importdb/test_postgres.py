"""import-db from a real PostgreSQL server: the type map, views, partitions, schemas (IDB-TEST).

Each IDB-4 type row is converted and checked, including numeric past 15 digits,
``int4range``, text and uuid arrays, jsonb, timestamptz, interval and infinity.
"""

import json
import sqlite3

import pytest
from cli_helpers import run as cli_run
from importdb_fixtures import POSTGRES_SQL, query

from datamill import Database

UID = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
ROUNDING_WARNINGS = (
    "Warning: everything.wide: 1 value was rounded to 15-17 significant digits "
    "(use --numeric-text to keep them exact)\n"
    "Warning: everything.long: 2 values were rounded to 15-17 significant digits "
    "(use --numeric-text to keep them exact)\n"
)


@pytest.fixture(scope="module")
def pg(make_pg_database):
    return make_pg_database(POSTGRES_SQL)


@pytest.fixture(scope="module")
def everything(pg, tmp_path_factory):
    """``--table everything`` copied once: (path, stderr)."""
    out = tmp_path_factory.mktemp("everything") / "copy.db"
    result = cli_run("import-db", pg, out, "--table", "everything")
    assert result.exit_code == 0, result.stderr
    return out, result.stderr


def row(path, table, key):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute(f"select * from {table} where id = ?", [key]).fetchone())
    finally:
        conn.close()


def test_declared_types(everything):
    """IDB-4's type table: integers, short scale-0 numerics and booleans INTEGER; other
    numerics and floats REAL; bytea BLOB; everything else TEXT."""
    path, _ = everything
    columns = {c.name: c.type for c in Database(path)["everything"].columns}
    integer = {"id", "small", "big", "serial_no", "flag", "whole"}
    real = {"wide", "money_num", "long", "free", "ratio", "dbl"}
    assert {name for name, kind in columns.items() if kind == "INTEGER"} == integer
    assert {name for name, kind in columns.items() if kind == "REAL"} == real
    assert {name for name, kind in columns.items() if kind == "BLOB"} == {"raw"}
    assert set(columns.values()) == {"INTEGER", "REAL", "BLOB", "TEXT"}
    assert Database(path)["everything"].schema.startswith(
        'CREATE TABLE "everything" (\n   "id" INTEGER PRIMARY KEY,\n   "small" INTEGER,\n'
    )
    assert '   "serial_no" INTEGER NOT NULL,\n' in Database(path)["everything"].schema


def test_each_type_converts(everything):
    """IDB-4 values, one column per reflected type."""
    path, _ = everything
    assert row(path, "everything", 1) == {
        "id": 1,
        "small": 7,
        "big": 9007199254740993,
        "serial_no": 1,
        "flag": 1,
        "whole": 1234567890,
        "wide": 1.2345678901234568e18,
        "money_num": 1234.5,
        "long": 1.2345678901234568e29,
        "free": 0.1,
        "ratio": 1.5,
        "dbl": 2.25,
        "raw": b"\x00\xff",
        "label": "text",
        "code": "abc",
        "name": "varchar",
        "day": "2024-03-04",
        "at_time": "05:06:07",
        "at_timetz": "05:06:07+02:00",
        "stamp": "2024-03-04T05:06:07.500000",
        "stamptz": "2024-03-04T03:06:07+00:00",
        "span": "1 day 02:03:04",
        "uid": UID,
        "doc": '{"b": 1,  "a": [1, 2]}',
        "docb": '{"a": [1, 2], "b": 1}',
        "grid": "[[1, 2], [3, 4]]",
        "tags": '["a", "b c", null]',
        "uids": f'["{UID}"]',
        "blobs": '[{"$base64": true, "encoded": "AQ=="}]',
        "amounts": "[1.5, null]",
        "days": '["2024-01-01", "infinity"]',
        "feeling": "happy",
        "feelings": '["sad", "ok"]',
        "addr": "192.168.0.1/24",
        "cash": "$12.50",
        "span_range": "[1,5)",
        "ranges": '{"[1,5)","[7,9)"}',
        "spans": '{"1 day"}',
        "words": "'a' 'cat' 'fat'",
        "markup": "<a>1</a>",
        "spot": "(1,2)",
        "bits": "101",
    }


def test_nulls_stay_null(everything):
    path, _ = everything
    values = row(path, "everything", 2)
    assert {k: v for k, v in values.items() if v is not None} == {"id": 2, "serial_no": 2}


def test_values_python_cannot_hold(everything):
    """NaN becomes NULL, infinities stay infinite, out-of-range dates keep the server's text."""
    path, _ = everything
    three, four = row(path, "everything", 3), row(path, "everything", 4)
    assert (three["free"], three["dbl"], three["long"]) == (None, None, None)
    assert (three["day"], three["stamp"], three["stamptz"]) == ("infinity", "-infinity", "infinity")
    assert (four["free"], four["dbl"]) == (float("inf"), float("-inf"))
    assert (four["day"], four["stamp"]) == ("0044-03-15 BC", "12000-01-01 00:00:00")


def test_json_and_arrays_are_valid_json(everything):
    path, _ = everything
    for column in ("doc", "docb", "grid", "tags", "uids", "blobs", "amounts", "days", "feelings"):
        invalid = query(
            path, f"select count(*) from everything where {column} is not null "
            f"and not json_valid({column})",
        )  # fmt: skip
        assert invalid == [(0,)], column


def test_rounded_numerics_are_reported(everything):
    """IDB-4: one warning per column whose REAL conversion lost digits."""
    _, stderr = everything
    assert stderr == ROUNDING_WARNINGS


def test_numeric_text_keeps_decimals_exact(pg, tmp_path, run):
    out = tmp_path / "exact.db"
    result = run("import-db", pg, out, "--table", "everything", "--numeric-text")
    assert (result.exit_code, result.stderr) == (0, "")
    columns = {c.name: c.type for c in Database(out)["everything"].columns}
    assert [columns[c] for c in ("whole", "wide", "money_num", "long", "free", "ratio")] == [
        "INTEGER", "TEXT", "TEXT", "TEXT", "TEXT", "REAL",
    ]  # fmt: skip
    assert query(out, "select wide, money_num, long, free from everything order by id") == [
        ("1234567890123456789", "1234.50", "123456789012345678901234567890.123456789", "0.1"),
        (None, None, None, None),
        (None, None, "NaN", "NaN"),
        (None, None, None, "Infinity"),
        (None, None, "987654321098765432109876543210.000000000", None),
    ]
    assert query(out, "select amounts from everything where id = 1") == [('["1.5", "NaN"]',)]


def test_views_materialized_views_and_partitions(pg, tmp_path, run):
    """IDB-3: ``--all`` reads base tables and partitioned parents (not their partitions);
    ``--views`` adds views and materialized views; a partition can still be named."""
    plain, views, one = tmp_path / "plain.db", tmp_path / "views.db", tmp_path / "one.db"
    assert run("import-db", pg, plain, "--all").exit_code == 0
    assert Database(plain).table_names() == ["everything", "links", "measurements"]
    assert query(plain, "select id, taken, reading from measurements order by id") == [
        (1, "2023-05-01", 1.5),
        (2, "2024-05-01", 2.5),
    ]
    assert Database(plain)["measurements"].pks == ["id", "taken"]
    assert run("import-db", pg, views, "--all", "--views").exit_code == 0
    assert Database(views).table_names() == ["everything", "links", "measurements", "mood_counts"]
    assert query(views, "select feeling, n from mood_counts order by feeling") == [
        (None, 4),
        ("happy", 1),
    ]
    assert run("import-db", pg, one, "--table", "measurements_2024").exit_code == 0
    assert query(one, "select id from measurements_2024") == [(2,)]


def test_foreign_keys_into_another_schema_are_not_carried(pg, tmp_path, run):
    out = tmp_path / "copy.db"
    assert run("import-db", pg, out, "--table", "links").exit_code == 0
    assert Database(out)["links"].foreign_keys == []


def test_postgres_schema_reads_another_schema(pg, tmp_path, run):
    """IDB-2 ``--postgres-schema``: tables, keys and the query's search_path."""
    out = tmp_path / "other.db"
    result = run(
        "import-db", pg, out, "--all", "--postgres-schema", "other", "-p",
        "--sql", "select name from members", "--output", "names",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "1/2: groups\n2/2: members\n\nAdding 1 foreign key\n  members.group_id => groups.id\n"
    )
    assert Database(out).table_names() == ["groups", "members", "names"]
    assert query(out, "select * from names") == [("m",)]


def test_postgres_schema_name_is_quoted(make_pg_database, tmp_path, run):
    """IDB-FIX-6: the schema is an identifier, not text pasted into connection options."""
    url = make_pg_database(
        'CREATE SCHEMA "Odd name, really"; CREATE TABLE "Odd name, really".t (a int); '
        'INSERT INTO "Odd name, really".t VALUES (1);'
    )
    out = tmp_path / "odd.db"
    args = ("--postgres-schema", "Odd name, really", "--sql", "select a from t", "--output", "q")
    result = run("import-db", url, out, "--table", "t", *args)
    assert result.exit_code == 0, result.stderr
    assert query(out, "select * from t") == query(out, "select * from q") == [(1,)]


def test_one_read_only_snapshot_with_fixed_session_settings(pg, tmp_path, run):
    """IDB-7 and IDB-4: REPEATABLE READ READ ONLY, TimeZone UTC, DateStyle ISO, IntervalStyle
    postgres."""
    out = tmp_path / "settings.db"
    sql = (
        "select current_setting('transaction_isolation') as iso, "
        "current_setting('transaction_read_only') as ro, current_setting('TimeZone') as tz, "
        "current_setting('DateStyle') as ds, current_setting('IntervalStyle') as style"
    )
    assert run("import-db", pg, out, "--sql", sql, "--output", "s").exit_code == 0
    assert query(out, "select * from s") == [
        ("repeatable read", "on", "UTC", "ISO, MDY", "postgres")
    ]


def test_sql_values_follow_the_type_map(pg, tmp_path, run):
    """IDB-6: a query's columns are converted like table columns, then typed by value."""
    out = tmp_path / "q.db"
    sql = (
        "select '1 day 02:03:04'::interval as span, int4range(1, 5) as r, "
        "timestamptz '2024-01-02 03:04:05+01' as at, 1.25::numeric as n, "
        "array[1, 2] as a, '{\"k\": 1}'::jsonb as j, 'infinity'::date as d, true as b"
    )
    assert run("import-db", pg, out, "--sql", sql, "--output", "q").exit_code == 0
    assert query(out, "select * from q") == [
        ("1 day 02:03:04", "[1,5)", "2024-01-02T02:04:05+00:00", 1.25, "[1, 2]", '{"k": 1}',
         "infinity", 1)
    ]  # fmt: skip
    assert [c.type for c in Database(out)["q"].columns] == [
        "TEXT", "TEXT", "TEXT", "REAL", "TEXT", "TEXT", "TEXT", "INTEGER",
    ]  # fmt: skip


def test_postgres_scheme_alias(pg, tmp_path, run):
    """IDB-1: ``postgres://`` is read as ``postgresql://``."""
    url = pg.replace("postgresql://", "postgres://", 1)
    assert url.startswith("postgres://")
    out = tmp_path / "alias.db"
    assert run("import-db", url, out, "--table", "links").exit_code == 0
    assert query(out, "select * from links") == [(1, 1)]


@pytest.mark.parametrize(
    ("sql", "args", "message"),
    [
        (
            'CREATE TABLE "Plants" (id int); CREATE TABLE plants (id int);',
            ("--all",),
            'Error: Table names "Plants" and "plants" differ only in case\n',
        ),
        (
            'CREATE TABLE t ("Name" text, name text);',
            ("--table", "t"),
            'Error: Column names "Name" and "name" in table "t" differ only in case\n',
        ),
        (
            "CREATE TABLE t (a int);",
            ("--sql", 'select 1 as "A", 2 as a', "--output", "q"),
            'Error: Column names "A" and "a" in the --sql result differ only in case\n',
        ),
    ],
)
def test_names_differing_only_in_case(make_pg_database, tmp_path, run, sql, args, message):
    """IDB-3: SQLite names ignore case, so such names cannot both be copied."""
    url = make_pg_database(sql)
    out = tmp_path / "case.db"
    result = run("import-db", url, out, *args)
    assert (result.exit_code, result.stderr) == (1, message)
    assert not out.exists()


def test_json_text_is_the_servers(everything):
    """json keeps its stored text, jsonb the server's normalised text."""
    path, _ = everything
    doc, docb = query(path, "select doc, docb from everything where id = 1")[0]
    assert json.loads(doc) == json.loads(docb) == {"a": [1, 2], "b": 1}
