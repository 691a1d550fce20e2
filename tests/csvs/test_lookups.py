"""CS-7 / CS-PERF: lookup ids in first-appearance order, with a bounded in-memory map."""

from __future__ import annotations

from datamill.core.database import Database
from datamill.csvs.lookups import Lookup


def test_ids_follow_first_appearance_and_existing_rows_keep_theirs(tmp_path):
    db = Database(tmp_path / "l.db")
    db.execute("create table kind (id integer primary key, value text)")
    db.execute("insert into kind values (7, 'herb')")
    lookup = Lookup(db, "kind", "value")
    assert lookup.ids_for(["tree", "herb", "", None, "tree", "shrub"]) == [8, 7, None, None, 8, 9]
    assert db.execute("select id, value from kind order by id").fetchall() == [
        (7, "herb"),
        (8, "tree"),
        (9, "shrub"),
    ]


def test_past_the_cache_limit_values_are_found_through_the_table(tmp_path):
    db = Database(tmp_path / "l.db")
    lookup = Lookup(db, "kind", "value", cache_limit=2)
    assert lookup.ids_for(["a", "b", "c", "d", "c", "a"]) == [1, 2, 3, 4, 3, 1]
    assert lookup.ids_for(["d", "e"]) == [4, 5]
    assert len(lookup.ids) == 2
    assert db.execute("select count(*), count(distinct value) from kind").fetchone() == (5, 5)
    assert db.execute("select name from sqlite_master where type = 'index'").fetchall() == [
        ("idx_kind_value",)
    ]
