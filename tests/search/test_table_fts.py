"""L-FTS-1..6 as amended by S-IDX: set-up, triggers, populate, rebuild, disable, optimize."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import datamill

from .conftest import PLANTS, make_garden

FTS5_TRIGGERS = [
    'CREATE TRIGGER "plants_ai" AFTER INSERT ON "plants" BEGIN\n'
    '  INSERT INTO "plants_fts" (rowid, "name", "kind") VALUES (new.rowid, new."name", new."kind");\n'
    "END",
    'CREATE TRIGGER "plants_ad" AFTER DELETE ON "plants" BEGIN\n'
    '  INSERT INTO "plants_fts" ("plants_fts", rowid, "name", "kind") '
    'VALUES(\'delete\', old.rowid, old."name", old."kind");\nEND',
    'CREATE TRIGGER "plants_au" AFTER UPDATE ON "plants" WHEN old.rowid IS NOT new.rowid '
    'OR old."name" IS NOT new."name" OR old."kind" IS NOT new."kind" BEGIN\n'
    '  INSERT INTO "plants_fts" ("plants_fts", rowid, "name", "kind") '
    'VALUES(\'delete\', old.rowid, old."name", old."kind");\n'
    '  INSERT INTO "plants_fts" (rowid, "name", "kind") VALUES (new.rowid, new."name", new."kind");\n'
    "END",
]
GUARD = 'old.rowid IS NOT new.rowid OR old."name" IS NOT new."name" OR old."kind" IS NOT new."kind"'
FTS4_TRIGGERS = [
    FTS5_TRIGGERS[0],
    'CREATE TRIGGER "plants_bd" BEFORE DELETE ON "plants" BEGIN\n'
    '  DELETE FROM "plants_fts" WHERE rowid = old.rowid;\nEND',
    f'CREATE TRIGGER "plants_bu" BEFORE UPDATE ON "plants" WHEN {GUARD} BEGIN\n'
    '  DELETE FROM "plants_fts" WHERE rowid = old.rowid;\nEND',
    f'CREATE TRIGGER "plants_au" AFTER UPDATE ON "plants" WHEN {GUARD} BEGIN\n'
    '  INSERT INTO "plants_fts" (rowid, "name", "kind") VALUES (new.rowid, new."name", new."kind");\n'
    "END",
]


def triggers(db) -> list[str]:
    return [r[0] for r in db.execute("select sql from sqlite_master where type = 'trigger'")]


def integrity(db, version):
    db.execute('INSERT INTO "plants_fts"("plants_fts") VALUES(\'integrity-check\')')
    if version == "FTS5":
        db.execute('INSERT INTO "plants_fts"("plants_fts", rank) VALUES(\'integrity-check\', 1)')
    # every token matches exactly the content rows containing it
    for name, kind, rowid in db.execute("select name, kind, rowid from plants").fetchall():
        for token in f"{name or ''} {kind or ''}".lower().split():
            found = {
                r[0]
                for r in db.execute(
                    "select rowid from plants_fts where plants_fts match ?", [f'"{token}"']
                )
            }
            expected = {
                r[0] for r in db.execute("select rowid, name, kind from plants")
                if token in f"{r[1] or ''} {r[2] or ''}".lower().split()
            }  # fmt: skip
            assert found == expected, (token, rowid)


def test_l_fts_1_schema_text(version):
    db = datamill.Database(memory=True)
    db["plants"].insert_all(PLANTS, pk="id")
    db["plants"].enable_fts(["name", "KIND"], fts_version=version, tokenize="porter")
    assert db.execute("select sql from sqlite_master where name = 'plants_fts'").fetchone()[0] == (
        f'CREATE VIRTUAL TABLE "plants_fts" USING {version} (\n'
        '    "name", "kind",\n'
        "    tokenize='porter',\n"
        '    content="plants"\n)'
    )
    assert db["plants"].detect_fts() == "plants_fts"
    assert db["plants_fts"].detect_fts() == "plants_fts"
    assert db["plants"].search("herb").__next__()["name"] == "Basil"


def test_s_idx_1_and_2_trigger_text():
    assert triggers(make_garden("FTS5", triggers=True)) == FTS5_TRIGGERS
    assert triggers(make_garden("FTS4", triggers=True)) == FTS4_TRIGGERS


def test_l_fts_1_already_exists_and_replace(version):
    db = make_garden(version, triggers=True)
    with pytest.raises(sqlite3.OperationalError) as error:
        db["plants"].enable_fts(["name", "kind"], fts_version=version)
    assert str(error.value) == 'table "plants_fts" already exists'
    changes = db.conn.total_changes
    db["plants"].enable_fts(
        ["name", "kind"], fts_version=version, create_triggers=True, replace=True
    )
    assert db.conn.total_changes == changes  # identical set-up: a no-op
    db["plants"].enable_fts(["name"], fts_version="FTS5", replace=True)
    assert triggers(db) == []
    assert db["plants_fts"].columns[0].name == "name" and len(db["plants_fts"].columns) == 1


def test_s_idx_4_replace_upgrades_baseline_triggers():
    db = make_garden("FTS5")
    for sql in FTS5_TRIGGERS:  # sqlite-utils' unguarded _au
        db.execute(sql.replace(f" WHEN {GUARD}", ""))
    db["plants"].enable_fts(["name", "kind"], create_triggers=True, replace=True)
    assert triggers(db) == FTS5_TRIGGERS


def test_enable_fts_rejects_other_versions_and_rolls_back():
    db = datamill.Database(memory=True)
    db["plants"].insert_all(PLANTS, pk="id")
    with pytest.raises(ValueError, match="fts_version must be 'FTS4' or 'FTS5'"):
        db["plants"].enable_fts(["name"], fts_version="FTS3")
    with pytest.raises(sqlite3.OperationalError):
        db["plants"].enable_fts(["name"], tokenize="no_such_tokenizer")
    with pytest.raises(sqlite3.OperationalError, match="^Table plants has no column named nope$"):
        db["plants"].enable_fts(["name", "nope"], create_triggers=True)
    assert db.table_names() == ["plants"]


def test_s_idx_3_acceptance(version):
    db = make_garden(version, triggers=True)
    before = db.conn.total_changes
    db.execute("UPDATE plants SET height = height + 1")
    assert db.conn.total_changes - before == 4
    steps = [
        "UPDATE plants SET name = 'Sweet Basil' WHERE id = 2",
        "UPDATE plants SET id = 20 WHERE id = 3",
        "INSERT OR REPLACE INTO plants (id, name, kind, height) VALUES (4, 'Pepper Mint', 'herb', 5)",
        "DELETE FROM plants WHERE id = 1",
        "INSERT INTO plants (id, name, kind, height) VALUES (5, 'Rose', 'shrub', 80)",
    ]
    for sql in steps:
        db.execute(sql)
        integrity(db, version)
    db["plants"].populate_fts(["kind", "name"])
    integrity(db, version)
    db["plants"].rebuild_fts()
    integrity(db, version)
    assert [r["name"] for r in db["plants"].search("mint")] == ["Pepper Mint"]


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["insert", "update_name", "update_height", "update_id", "delete", "replace"]
        ),
        st.integers(1, 8),
        st.sampled_from(["alpha beta", "beta", "gamma delta", "alpha", "", None]),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(version=st.sampled_from(["FTS4", "FTS5"]), operations=OPERATIONS)
def test_s_idx_3_random_writes_keep_the_index_right(version, operations):
    db = datamill.Database(memory=True)
    db["plants"].insert_all(PLANTS, pk="id")
    db["plants"].enable_fts(["name", "kind"], fts_version=version, create_triggers=True)
    for operation, key, text in operations:
        sql, params = {
            "insert": ("INSERT OR IGNORE INTO plants (id, name, kind) VALUES (?, ?, 'x')", [key, text]),
            "update_name": ("UPDATE plants SET name = ? WHERE id = ?", [text, key]),
            "update_height": ("UPDATE plants SET height = ? WHERE id = ?", [key, key]),
            # plain UPDATE: a key clash aborts the statement, trigger work included
            # (UPDATE OR IGNORE would keep FTS4's BEFORE-trigger delete: see S-IDX-2)
            "update_id": ("UPDATE plants SET id = id + 10 WHERE id = ?", [key]),
            "delete": ("DELETE FROM plants WHERE id = ?", [key]),
            "replace": ("INSERT OR REPLACE INTO plants (id, name, kind) VALUES (?, ?, 'y')", [key, text]),
        }[operation]  # fmt: skip
        try:
            db.execute(sql, params)
        except sqlite3.IntegrityError:
            pass
    integrity(db, version)


def test_s_idx_5_populate_is_idempotent(version):
    db = make_garden(version)
    db["plants"].populate_fts(["name", "kind"])
    db["plants"].populate_fts(["name", "kind"])
    integrity(db, version)
    assert len(list(db["plants"].search("herb"))) == 2
    with pytest.raises(ValueError) as error:
        db["plants"].populate_fts(["x"])
    assert str(error.value) == (
        "Columns ['x'] do not match the columns of full-text search table 'plants_fts'"
    )


def test_s_idx_5_populate_own_content_table_adds_only_missing_rows():
    db = datamill.Database(memory=True)
    db["plants"].insert_all(PLANTS, pk="id")
    db.execute("create virtual table plants_fts using fts5(name, kind)")
    db["plants"].populate_fts(["name", "kind"])
    db["plants"].populate_fts(["name", "kind"])
    assert db.execute("select count(*) from plants_fts").fetchone()[0] == 4


def test_populate_without_fts_table():
    db = datamill.Database(memory=True)
    db["plants"].insert_all(PLANTS, pk="id")
    with pytest.raises(sqlite3.OperationalError, match="^no such table: plants_fts$"):
        db["plants"].populate_fts(["name"])


def test_s_idx_7_disable_drops_fts_and_triggers(version):
    db = make_garden(version, triggers=True)
    db["plants"].disable_fts()
    assert db.table_names() == ["plants"]
    assert triggers(db) == []
    db.execute("UPDATE plants SET name = 'x'")


def test_s_idx_7_disable_removes_orphaned_triggers():
    db = make_garden("FTS5", triggers=True)
    db.execute("DROP TABLE plants_fts")
    with pytest.raises(sqlite3.OperationalError, match="no such table: main.plants_fts"):
        db.execute("UPDATE plants SET name = 'x'")
    db["plants"].disable_fts()
    assert triggers(db) == []
    db.execute("UPDATE plants SET name = 'x'")


def test_s_idx_8_optimize_and_rebuild(version):
    db = make_garden(version)
    db.conn.execute("PRAGMA legacy_alter_table = 0")
    traced = []
    with db.tracer(lambda sql, params: traced.append(sql)):
        db["plants"].optimize()
        db["plants"].rebuild_fts()
        db["plants_fts"].rebuild_fts()
    assert 'INSERT INTO "plants_fts" ("plants_fts") VALUES(\'optimize\');' in traced
    assert traced.count('INSERT INTO "plants_fts"("plants_fts") VALUES(\'rebuild\');') == 2
    db2 = datamill.Database(memory=True)
    db2["t"].insert({"a": 1})
    assert db2["t"].optimize().name == "t"  # no FTS: nothing happens
    assert db2["t"].detect_fts() is None
