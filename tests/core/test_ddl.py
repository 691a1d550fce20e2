"""Exact CREATE TABLE and other DDL text (L-DDL-1..7), including every L-DDL-6 example."""

import datetime
from decimal import Decimal

import pytest

import datamill
from datamill.db import Database, ForeignKey
from sql_trace import trace


def test_ddl_1_layout_of_create_table_sql(db):
    """L-DDL-1: 3-space items joined by ',\\n', ')' on its own line, ';\\n' + 8 spaces."""
    sql = db.create_table_sql("t", {"id": int, "name": str}, pk="id")
    assert sql == ('CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT\n);\n        ')


def test_ddl_1_if_not_exists_and_strict_in_sql(db):
    sql = db.create_table_sql("t", {"a": str}, if_not_exists=True, strict=True)
    assert sql == 'CREATE TABLE IF NOT EXISTS "t" (\n   "a" TEXT\n) STRICT;\n        '


def test_ddl_1_create_executes_exactly_create_table_sql(db):
    """L-CRT-2: create_table_sql returns exactly the text that create executes."""
    expected = db.create_table_sql("t", {"id": int, "v": float}, pk="id", not_null={"v"})
    statements = trace(db)
    db["t"].create({"id": int, "v": float}, pk="id", not_null={"v"})
    assert expected in statements.sql


def test_ddl_1_insert_executes_exactly_create_table_sql(db):
    expected = db.create_table_sql("t", {"id": int, "v": str}, pk="id")
    statements = trace(db)
    db["t"].insert({"id": 1, "v": "x"}, pk="id")
    assert expected in statements.sql


def test_ddl_1_stored_schema_has_no_semicolon_or_if_not_exists(db):
    db["t"].create({"a": str}, if_not_exists=True, strict=True)
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "a" TEXT\n) STRICT'


def test_ddl_2_column_extras_order(db):
    """L-DDL-2: PRIMARY KEY, NOT NULL, DEFAULT, REFERENCES in that order."""
    db["owners"].create({"id": int}, pk="id")
    db["t"].create(
        {"id": int, "owner_id": int},
        pk="id",
        not_null={"id", "owner_id"},
        defaults={"id": 3, "owner_id": 1},
        foreign_keys=[("owner_id", "owners")],
    )
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "id" INTEGER PRIMARY KEY NOT NULL DEFAULT 3,\n'
        '   "owner_id" INTEGER NOT NULL DEFAULT 1 REFERENCES "owners"("id")\n'
        ")"
    )


def test_ddl_2_quotes_identifiers_with_embedded_quotes(db):
    """L-GEN-2 in DDL."""
    db['we"ird'].create({'co"l': str})
    assert db['we"ird'].schema == 'CREATE TABLE "we""ird" (\n   "co""l" TEXT\n)'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'quoted'", "'quoted'"),
        ('"dq"', '"dq"'),
        ("CURRENT_TIME", "CURRENT_TIME"),
        ("CURRENT_DATE", "CURRENT_DATE"),
        ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        ("current_timestamp", "current_timestamp"),
        ("TRUE", "TRUE"),
        ("false", "false"),
        ("Null", "Null"),
        ("datetime('now')", "(datetime('now'))"),
        (5, "5"),
        (1.5, "1.5"),
        ("it's", "'it''s'"),
        (b"\x01", "X'01'"),
        (True, "1"),
        (False, "0"),
        ("plain", "'plain'"),
    ],
)
def test_ddl_3_quote_default_value(db, value, expected):
    """L-DDL-3: verbatim literals, wrapped expressions, everything else via quote()."""
    assert db.quote_default_value(value) == expected


def test_ddl_4_table_level_items_order(db):
    """L-DDL-4: compound FK first, compound PRIMARY KEY last."""
    db["dept"].create({"campus": str, "code": str}, pk=("campus", "code"))
    sql = db.create_table_sql(
        "t",
        {"a": int, "campus": str, "code": str},
        pk=("a", "campus"),
        foreign_keys=[(("campus", "code"), "dept", ("campus", "code"))],
    )
    assert sql == (
        'CREATE TABLE "t" (\n'
        '   "a" INTEGER,\n'
        '   "campus" TEXT,\n'
        '   "code" TEXT,\n'
        '   FOREIGN KEY ("campus", "code") REFERENCES "dept"("campus", "code"),\n'
        '   PRIMARY KEY ("a", "campus")\n'
        ");\n        "
    )


def test_ddl_4_compound_fk_actions(db):
    db["dept"].create({"campus": str, "code": str}, pk=("campus", "code"))
    fk = ForeignKey(
        table="t",
        column=None,
        other_table="dept",
        other_column=None,
        columns=("campus", "code"),
        other_columns=("campus", "code"),
        is_compound=True,
        on_delete="CASCADE",
        on_update="RESTRICT",
    )
    db["t"].create({"campus": str, "code": str}, foreign_keys=[fk])
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "campus" TEXT,\n'
        '   "code" TEXT,\n'
        '   FOREIGN KEY ("campus", "code") REFERENCES "dept"("campus", "code")'
        " ON UPDATE RESTRICT ON DELETE CASCADE\n"
        ")"
    )


def test_ddl_5_add_column_appends_to_stored_text(db):
    """L-DDL-5: ALTER appends to the stored text."""
    db["t"].create({"id": int}, pk="id")
    db["t"].add_column("n2", int)
    db["t"].add_column("lower", str)
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY\n, "n2" INTEGER, "lower" TEXT)'
    )


def test_ddl_6a_insert_created_table_with_every_suggested_type(db):
    """L-DDL-6 (a)."""
    db["birds"].insert(
        {
            "id": 1,
            "name": "Kea",
            "weight": 0.9,
            "flies": True,
            "photo": b"\x00",
            "tags": ["alpine"],
            "seen": datetime.date(2024, 1, 2),
            "price": Decimal("1.5"),
            "note": None,
        },
        pk="id",
    )
    assert db["birds"].schema == (
        'CREATE TABLE "birds" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "name" TEXT,\n'
        '   "weight" REAL,\n'
        '   "flies" INTEGER,\n'
        '   "photo" BLOB,\n'
        '   "tags" TEXT,\n'
        '   "seen" TEXT,\n'
        '   "price" REAL,\n'
        '   "note" TEXT\n'
        ")"
    )
    assert list(db["birds"].rows) == [
        {
            "id": 1,
            "name": "Kea",
            "weight": 0.9,
            "flies": 1,
            "photo": b"\x00",
            "tags": '["alpine"]',
            "seen": "2024-01-02",
            "price": 1.5,
            "note": None,
        }
    ]


def test_ddl_6b_compound_pk_not_null_defaults(db):
    """L-DDL-6 (b)."""
    db["sightings"].insert_all(
        [{"bird": "kea", "site": 3, "n": 2}],
        pk=("bird", "site"),
        not_null={"n"},
        defaults={"n": 1, "site": 0},
    )
    assert db["sightings"].schema == (
        'CREATE TABLE "sightings" (\n'
        '   "bird" TEXT,\n'
        '   "site" INTEGER DEFAULT 0,\n'
        '   "n" INTEGER NOT NULL DEFAULT 1,\n'
        '   PRIMARY KEY ("bird", "site")\n'
        ")"
    )


def test_ddl_6c_compound_fk_before_compound_pk_and_inline_fk_actions(db):
    """L-DDL-6 (c)."""
    db["dept"].create({"campus": str, "code": str, "name": str}, pk=("campus", "code"))
    db["members"].create({"id": int}, pk="id")
    db["enrol"].create(
        {"student": int, "campus": str, "code": str, "year": int},
        pk=("student", "campus", "code"),
        foreign_keys=[(("campus", "code"), "dept")],
        not_null={"year"},
        defaults={"year": 2024},
    )
    db["loans"].create(
        {"id": int, "member_id": int},
        pk="id",
        foreign_keys=[
            ForeignKey(
                table="loans",
                column="member_id",
                other_table="members",
                other_column="id",
                on_delete="CASCADE",
                on_update="SET NULL",
            )
        ],
    )
    assert db["enrol"].schema == (
        'CREATE TABLE "enrol" (\n'
        '   "student" INTEGER,\n'
        '   "campus" TEXT,\n'
        '   "code" TEXT,\n'
        '   "year" INTEGER NOT NULL DEFAULT 2024,\n'
        '   FOREIGN KEY ("campus", "code") REFERENCES "dept"("campus", "code"),\n'
        '   PRIMARY KEY ("student", "campus", "code")\n'
        ")"
    )
    assert db["loans"].schema == (
        'CREATE TABLE "loans" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "member_id" INTEGER REFERENCES "members"("id") ON UPDATE SET NULL ON DELETE CASCADE\n'
        ")"
    )


def test_ddl_6d_strict_any_hash_id_columns(db):
    """L-DDL-6 (d), first table: STRICT + ANY + hash_id_columns."""
    table = db["events"].insert(
        {"kind": "click", "payload": "000123", "at": "2024-05-01"},
        hash_id_columns=("kind", "at"),
        columns={"payload": datamill.ANY},
        strict=True,
    )
    assert db["events"].schema == (
        'CREATE TABLE "events" (\n'
        '   "id" TEXT PRIMARY KEY,\n'
        '   "kind" TEXT,\n'
        '   "payload" ANY,\n'
        '   "at" TEXT\n'
        ") STRICT"
    )
    assert table.last_pk == "f2b2ba06020d99b1c5d677cefff6cd0ca019e70c"
    assert list(db["events"].rows) == [
        {
            "id": "f2b2ba06020d99b1c5d677cefff6cd0ca019e70c",
            "kind": "click",
            "payload": "000123",
            "at": "2024-05-01",
        }
    ]


def test_ddl_6d_column_order_and_guessed_fk(db):
    """L-DDL-6 (d), second table: column_order + a guessed FK."""
    db["owners"].create({"id": int, "name": str}, pk="id")
    db["pets"].insert(
        {"pet_id": 7, "name": "Rex", "owner_id": 1, "born": None},
        pk="pet_id",
        column_order=("name",),
        not_null={"name"},
        defaults={"born": "CURRENT_DATE"},
        foreign_keys=["owner_id"],
    )
    assert db["pets"].schema == (
        'CREATE TABLE "pets" (\n'
        '   "name" TEXT NOT NULL,\n'
        '   "pet_id" INTEGER PRIMARY KEY,\n'
        '   "owner_id" INTEGER REFERENCES "owners"("id"),\n'
        '   "born" TEXT DEFAULT CURRENT_DATE\n'
        ")"
    )


def test_ddl_6_default_rendering(db):
    """L-DDL-6 default rendering line."""
    db["t"].create(
        {"a": str, "b": int, "d": str, "e": float},
        defaults={"a": "hi'x", "b": 5, "d": "datetime('now')", "e": 1.5},
    )
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        "   \"a\" TEXT DEFAULT 'hi''x',\n"
        '   "b" INTEGER DEFAULT 5,\n'
        "   \"d\" TEXT DEFAULT (datetime('now')),\n"
        '   "e" REAL DEFAULT 1.5\n'
        ")"
    )


def test_ddl_7_rename_table(db):
    db["old"].create({"a": str})
    statements = trace(db)
    db.rename_table("old", "new")
    assert 'ALTER TABLE "old" RENAME TO "new"' in statements.sql
    assert db.table_names() == ["new"]


def test_ddl_7_create_index_text(db):
    db["t"].create({"a": str, "b": int})
    table = db["t"]
    statements = trace(db)
    table.create_index(["a", datamill.db.DescIndex("b")], unique=True, if_not_exists=True)
    assert statements.sql == [
        'CREATE UNIQUE INDEX IF NOT EXISTS "idx_t_a_b"\n    ON "t" ("a", "b" desc);'
    ]


def test_ddl_7_plain_create_index_text(db):
    db["t"].create({"a": str})
    table = db["t"]
    statements = trace(db)
    table.create_index(["a"])
    assert statements.sql == ['CREATE INDEX "idx_t_a"\n    ON "t" ("a");']


def test_ddl_7_drop_statements(db):
    db["t"].create({"a": str})
    db["t"].create_index(["a"])
    db.create_view("v", "select * from t")
    statements = trace(db)
    db["t"].drop_index("idx_t_a")
    db["v"].drop()
    db["t"].drop()
    assert [s for s in statements.sql if s.startswith("DROP")] == [
        'DROP INDEX "idx_t_a"',
        'DROP VIEW "v"',
        'DROP TABLE "t"',
    ]


def test_ddl_7_add_column_text(db):
    db["dogs"].create({"id": int}, pk="id")
    dogs = db["dogs"]
    statements = trace(db)
    dogs.add_column("friends", int, not_null_default=0)
    dogs.add_column("nick")
    assert [s for s in statements.sql if s.startswith("ALTER")] == [
        'ALTER TABLE "dogs" ADD COLUMN "friends" INTEGER NOT NULL DEFAULT 0;',
        'ALTER TABLE "dogs" ADD COLUMN "nick" TEXT;',
    ]


def test_ddl_7_create_view_and_duplicate(db):
    db["old"].insert({"a": 1})
    statements = trace(db)
    db.create_view("v", "select a from old")
    db["old"].duplicate("new")
    assert 'CREATE VIEW "v" AS select a from old' in statements.sql
    assert 'CREATE TABLE "new" AS SELECT * FROM "old";' in statements.sql
    assert list(db["new"].rows) == [{"a": 1}]


def test_ddl_7_vacuum_analyze_wal(tmp_path):
    db = Database(tmp_path / "x.db")
    db["t"].insert({"a": 1})
    statements = trace(db)
    db.vacuum()
    db.analyze()
    db.analyze("t")
    db.enable_wal()
    db.disable_wal()
    assert [
        s for s in statements.sql if s.startswith(("VACUUM", "ANALYZE", "PRAGMA journal_mode="))
    ] == [
        "VACUUM;",
        "ANALYZE",
        'ANALYZE "t"',
        "PRAGMA journal_mode=wal;",
        "PRAGMA journal_mode=delete;",
    ]
    db.close()


def test_ddl_7_counts_table(db):
    db["t"].insert({"a": 1})
    db.enable_counts()
    assert db["_counts"].schema == (
        'CREATE TABLE "_counts"(\n   "table" TEXT PRIMARY KEY,\n   count INTEGER DEFAULT 0\n)'
    )
