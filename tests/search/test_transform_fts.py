"""S-IDX-6: transform() keeps full-text search working."""

from __future__ import annotations

import pytest

from datamill.db import TransformError

from .conftest import make_garden
from .test_table_fts import integrity, triggers


def test_s_idx_3_transform_types_keeps_index_and_triggers(version):
    db = make_garden(version, triggers=True)
    before = triggers(db)
    db["plants"].transform(types={"height": float})
    assert triggers(db) == before
    db.execute("UPDATE plants SET name = 'Lemon Balm' WHERE id = 4")
    integrity(db, version)
    assert [r["name"] for r in db["plants"].search("balm")] == ["Lemon Balm"]


def test_s_idx_6_keep_table_copy_loses_the_triggers(version):
    db = make_garden(version, triggers=True)
    db["plants"].transform(types={"height": float}, keep_table="plants_old")
    assert all('ON "plants"' in sql for sql in triggers(db))
    db.execute("DELETE FROM plants_old")
    integrity(db, version)


def test_s_idx_6_rename_indexed_column_recreates_fts(version):
    db = make_garden(version, triggers=True)
    sql = db["plants"].transform_sql(rename={"KIND": "category"})
    assert 'DROP TABLE "plants_fts";' in sql
    db["plants"].transform(rename={"KIND": "category"})
    assert [c.name for c in db["plants_fts"].columns] == ["name", "category"]
    assert db.execute("select sql from sqlite_master where name = 'plants_fts'").fetchone()[0] == (
        f'CREATE VIRTUAL TABLE "plants_fts" USING {version} (\n'
        '    "name", "category",\n    content="plants"\n)'
    )
    assert len(triggers(db)) == (3 if version == "FTS5" else 4)
    assert '"kind"' not in "".join(triggers(db)) and '"category"' in triggers(db)[-1]
    db.execute("UPDATE plants SET category = 'weed' WHERE id = 1")
    integrity_renamed(db, version)
    assert [r["name"] for r in db["plants"].search("weed")] == ["Fern"]


def integrity_renamed(db, version):
    db.execute('INSERT INTO "plants_fts"("plants_fts") VALUES(\'integrity-check\')')
    if version == "FTS5":
        db.execute('INSERT INTO "plants_fts"("plants_fts", rank) VALUES(\'integrity-check\', 1)')


def test_s_idx_6_dropping_columns(version):
    db = make_garden(version, triggers=True)
    db["plants"].transform(drop=["kind"])
    assert [c.name for c in db["plants_fts"].columns] == ["name"]
    assert [r["name"] for r in db["plants"].search("mint")] == ["Mint"]
    db["plants"].transform(drop=["name"])
    assert db["plants"].detect_fts() is None
    assert triggers(db) == []
    db.execute("UPDATE plants SET height = 1")


def test_s_idx_6_foreign_fts_layout_is_refused():
    db = make_garden("FTS5")
    db["plants"].disable_fts()
    db.execute('CREATE VIRTUAL TABLE plants_fts USING fts5(name, kind, content="plants")')
    db.execute("INSERT INTO plants_fts(plants_fts) VALUES('rebuild')")
    schema = db["plants"].schema
    with pytest.raises(TransformError) as error:
        db["plants"].transform(rename={"name": "title"})
    assert str(error.value) == (
        "Full-text search table 'plants_fts' indexes column 'name' and was not created by "
        "datamill; run disable_fts() before this transformation and enable_fts() after it. "
        "No changes have been applied to this table."
    )
    assert db["plants"].schema == schema
    db["plants"].transform(types={"height": float})  # indexed columns untouched: fine
