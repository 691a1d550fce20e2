"""Introspection: L-INTRO-1..19, 21 and has_counts_triggers from L-INTRO-22."""

import pytest

from datamill import ANY
from datamill.db import (
    Column,
    Database,
    ForeignKey,
    Index,
    Table,
    Trigger,
    View,
    XIndex,
    XIndexColumn,
)
from datamill.utils import sqlite3
from sql_trace import Recorder


@pytest.fixture
def db():
    database = Database(memory=True)
    database.execute("create table dogs (id integer primary key, name text, age integer)")
    database.execute("insert into dogs values (1, 'Cleo', 5), (2, 'Pancakes', 3)")
    database.execute("create view old_dogs as select * from dogs where age > 4")
    return database


def test_intro_1_table_names(db):
    """L-INTRO-1: table names in sqlite_master order."""
    db.execute("create table b_second (x)")
    db.execute("create table a_third (x)")
    assert db.table_names() == ["dogs", "b_second", "a_third"]


def test_intro_1_table_names_fts_flags(db):
    """L-INTRO-1: fts4/fts5 select only the virtual tables, not their shadow tables."""
    db.execute("create virtual table f5 using fts5(x)")
    db.execute("create virtual table f4 using fts4(x)")
    assert db.table_names(fts5=True) == ["f5"]
    assert db.table_names(fts4=True) == ["f4"]
    assert db.table_names(fts4=True, fts5=True) == []
    assert "f5_data" in db.table_names() and "f4_content" in db.table_names()


def test_intro_1_sql(db):
    """L-INTRO-1: the exact SQL, traced."""
    recorder = Recorder()
    with db.tracer(recorder):
        db.table_names(fts4=True)
    assert recorder == [
        ("select name from sqlite_master where type = 'table' AND sql like '%USING FTS4%'", None)
    ]


def test_intro_2_views_and_lists(db):
    """L-INTRO-2: view_names, tables and views."""
    db.execute("create table cats (id integer primary key, name text)")
    assert db.view_names() == ["old_dogs"]
    tables = db.tables
    assert all(isinstance(t, Table) for t in tables)
    assert [repr(t) for t in tables] == ["<Table dogs (id, name, age)>", "<Table cats (id, name)>"]
    views = db.views
    assert all(isinstance(v, View) for v in views)
    assert [repr(v) for v in views] == ["<View old_dogs (id, name, age)>"]


def test_intro_3_db_triggers(db):
    """L-INTRO-3: db.triggers and db.triggers_dict."""
    sql = "CREATE TRIGGER t1 AFTER INSERT ON dogs BEGIN SELECT 1; END"
    db.execute(sql)
    assert db.triggers == [Trigger(name="t1", table="dogs", sql=sql)]
    assert db.triggers_dict == {"t1": sql}


def test_intro_4_schema(db):
    """L-INTRO-4: every non-null sql, ';' appended, joined by newlines."""
    db.execute("create table with_semi (x);")
    db["dogs"].create_index(["name"])
    assert db.schema == (
        "CREATE TABLE dogs (id integer primary key, name text, age integer);\n"
        "CREATE VIEW old_dogs as select * from dogs where age > 4;\n"
        "CREATE TABLE with_semi (x);\n"
        'CREATE INDEX "idx_dogs_name"\n    ON "dogs" ("name");'
    )


def test_intro_4_schema_skips_autoindexes():
    """L-INTRO-4: automatic indexes have null sql and are left out."""
    db = Database(memory=True)
    db.execute("create table u (a text unique)")
    assert db.schema == "CREATE TABLE u (a text unique);"


def test_intro_5_version_and_journal_mode(tmp_path):
    """L-INTRO-5: sqlite_version is an int tuple; journal_mode is the PRAGMA value."""
    db = Database(memory=True)
    version = db.sqlite_version
    assert isinstance(version, tuple) and all(isinstance(p, int) for p in version)
    assert ".".join(map(str, version)) == sqlite3.sqlite_version
    assert db.journal_mode == "memory"
    file_db = Database(tmp_path / "j.db")
    assert file_db.journal_mode == "delete"
    file_db.enable_wal()
    assert file_db.journal_mode == "wal"


def test_intro_6_supports_flags_are_cached(db):
    """L-INTRO-6: supports_strict / supports_on_conflict probe once."""
    version = db.sqlite_version
    recorder = Recorder()
    with db.tracer(recorder):
        assert db.supports_strict is (version >= (3, 37, 0))
        assert db.supports_on_conflict is (version >= (3, 24, 0))
        first = len(recorder)
        assert db.supports_strict is (version >= (3, 37, 0))
        assert db.supports_on_conflict is (version >= (3, 24, 0))
    assert len(recorder) == first


def test_intro_7_exists(db):
    """L-INTRO-7: Table.exists() looks in table_names(); View.exists() is True."""
    assert db["dogs"].exists() is True
    assert db.table("nope").exists() is False
    assert db["old_dogs"].exists() is True


def test_intro_8_count(db):
    """L-INTRO-8: count is select count(*); a missing table raises OperationalError."""
    assert db["dogs"].count == 2
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        _ = db["missing"].count
    assert str(excinfo.value) == "no such table: missing"


def test_intro_8_count_uses_cache_when_enabled(db):
    """L-INTRO-8 / L-MAINT-3: with use_counts_table the cached value is used if present."""
    db["dogs"].enable_counts()
    db.execute("update _counts set count = 99 where \"table\" = 'dogs'")
    assert db["dogs"].count == 99
    db.use_counts_table = False
    assert db["dogs"].count == 2


def test_intro_9_count_where_and_execute_count(db):
    """L-INTRO-9: count_where SQL; execute_count never uses the cache."""
    dogs = db["dogs"]
    recorder = Recorder()
    with db.tracer(recorder):
        assert dogs.count_where("age > ?", [4]) == 1
        assert dogs.count_where() == 2
    assert [sql for sql, _ in recorder] == [
        'select count(*) from "dogs" where age > ?',
        'select count(*) from "dogs"',
    ]
    db["dogs"].enable_counts()
    db.execute("update _counts set count = 99 where \"table\" = 'dogs'")
    assert db["dogs"].execute_count() == 2
    assert db["dogs"].count_where() == 2


def test_intro_10_columns(db):
    """L-INTRO-10: Column namedtuples from PRAGMA table_info; [] when missing."""
    db.execute("create table d (id integer primary key, name text not null default 'x', v)")
    assert db["d"].columns == [
        Column(cid=0, name="id", type="INTEGER", notnull=0, default_value=None, is_pk=1),
        Column(cid=1, name="name", type="TEXT", notnull=1, default_value="'x'", is_pk=0),
        Column(cid=2, name="v", type="", notnull=0, default_value=None, is_pk=0),
    ]
    assert repr(db["d"].columns[0]) == (
        "Column(cid=0, name='id', type='INTEGER', notnull=0, default_value=None, is_pk=1)"
    )
    assert db["missing"].columns == []


def test_intro_11_columns_dict():
    """L-INTRO-11: {name: python type} via column affinity."""
    db = Database(memory=True)
    db.execute(
        "create table t (id integer, payload any, name varchar(10), b blob, r double, n numeric, e)"
    )
    assert db["t"].columns_dict == {
        "id": int,
        "payload": ANY,
        "name": str,
        "b": bytes,
        "r": float,
        "n": float,
        "e": str,
    }
    assert repr(db["t"].columns_dict["payload"]) == "<class 'datamill.utils.ANY'>"


def test_intro_12_table_schema(db):
    """L-INTRO-12: the raw sqlite_master sql with no ';'."""
    db.execute("create table semi (x);")
    assert db["dogs"].schema == "CREATE TABLE dogs (id integer primary key, name text, age integer)"
    assert db["semi"].schema == "CREATE TABLE semi (x)"


def test_intro_13_pks_declaration_order():
    """L-INTRO-13: pks follow PRIMARY KEY(...) order, not column order."""
    db = Database(memory=True)
    db.execute("create table c (a, b, c, primary key (c, a))")
    assert db["c"].pks == ["c", "a"]
    assert db["c"].use_rowid is False


def test_intro_13_rowid_tables(db):
    """L-INTRO-13: no explicit pk -> ['rowid'] and use_rowid True."""
    db.execute("create table r (x)")
    assert db["r"].pks == ["rowid"]
    assert db["r"].use_rowid is True
    assert db["dogs"].pks == ["id"]
    assert db["dogs"].use_rowid is False


def test_intro_14_foreign_keys():
    """L-INTRO-14: compound and single keys, bare REFERENCES resolved to the pk."""
    db = Database(memory=True)
    db.execute("create table p (id integer primary key, x)")
    db.execute("create table q (a, b, primary key (a, b))")
    db.execute(
        "create table c (id, p_id references p, qa, qb, "
        "foreign key (qa, qb) references q(a, b) on delete cascade on update set null)"
    )
    fks = db["c"].foreign_keys
    assert fks == [
        ForeignKey(
            table="c",
            column=None,
            other_table="q",
            other_column=None,
            columns=("qa", "qb"),
            other_columns=("a", "b"),
            is_compound=True,
            on_delete="CASCADE",
            on_update="SET NULL",
        ),
        ForeignKey(
            table="c",
            column="p_id",
            other_table="p",
            other_column="id",
            columns=("p_id",),
            other_columns=("id",),
            is_compound=False,
            on_delete="NO ACTION",
            on_update="NO ACTION",
        ),
    ]
    assert (fks[0].column, fks[0].other_column) == (None, None)
    assert (fks[1].column, fks[1].other_column) == ("p_id", "id")


def test_intro_14_bare_references_edge_cases():
    """L-INTRO-14: bare REFERENCES to a compound pk (declaration order), a rowid table and a
    missing table."""
    db = Database(memory=True)
    db.execute("create table r (x)")
    db.execute("create table q (a, b, primary key (b, a))")
    db.execute("create table c (r_id references r, qa, qb, foreign key (qa, qb) references q)")
    db.execute("create table m (x references missing)")
    assert db["c"].foreign_keys == [
        ForeignKey("c", None, "q", None, ("qa", "qb"), ("b", "a"), is_compound=True),
        ForeignKey("c", "r_id", "r", "rowid"),
    ]
    assert db["m"].foreign_keys == [ForeignKey("m", "x", "missing", "rowid")]


def test_intro_14_foreign_key_explicit_column():
    """L-INTRO-14: an explicit referenced column is reported as declared."""
    db = Database(memory=True)
    db.execute("create table p (id integer primary key, code text unique)")
    db.execute("create table c (p_code text references p(code))")
    assert db["c"].foreign_keys == [ForeignKey("c", "p_code", "p", "code")]
    assert db["p"].foreign_keys == []


def test_intro_15_indexes():
    """L-INTRO-15: Index namedtuples with column lists."""
    db = Database(memory=True)
    db.execute("create table colors (id integer primary key, name text, hex text)")
    db.execute('create unique index "idx_colors_name" on colors (name)')
    db.execute("create index partial_hex on colors (hex, name) where hex is not null")
    assert db["colors"].indexes == [
        Index(seq=0, name="partial_hex", unique=0, origin="c", partial=1, columns=["hex", "name"]),
        Index(seq=1, name="idx_colors_name", unique=1, origin="c", partial=0, columns=["name"]),
    ]
    assert repr(db["colors"].indexes[1]) == (
        "Index(seq=1, name='idx_colors_name', unique=1, origin='c', partial=0, columns=['name'])"
    )


def test_intro_15_autoindex_origin():
    """L-INTRO-15: a UNIQUE constraint's index has origin 'u'."""
    db = Database(memory=True)
    db.execute("create table u (a text unique)")
    assert db["u"].indexes == [
        Index(seq=0, name="sqlite_autoindex_u_1", unique=1, origin="u", partial=0, columns=["a"])
    ]


def test_intro_15_old_sqlite_defaults():
    """L-INTRO-15: PRAGMA index_list without origin/partial columns -> 'c' and 0."""
    from datamill.core import introspect

    class OldSQLite:
        def execute(self, sql, params=None):
            if sql.startswith("PRAGMA index_list"):
                return FakeCursor([(0, "idx_t_a", 0)])
            return FakeCursor([(0, 1, "a")])

    class FakeCursor(list):
        def fetchall(self):
            return list(self)

    assert introspect.indexes(OldSQLite(), "t") == [
        Index(seq=0, name="idx_t_a", unique=0, origin="c", partial=0, columns=["a"])
    ]


def test_intro_16_xindexes():
    """L-INTRO-16: PRAGMA index_xinfo, including the auxiliary rowid column."""
    db = Database(memory=True)
    db.execute("create table p (id integer primary key, x, y)")
    db.execute("create index idx_p_x on p (x, y desc)")
    assert db["p"].xindexes == [
        XIndex(
            name="idx_p_x",
            columns=[
                XIndexColumn(seqno=0, cid=1, name="x", desc=0, coll="BINARY", key=1),
                XIndexColumn(seqno=1, cid=2, name="y", desc=1, coll="BINARY", key=1),
                XIndexColumn(seqno=2, cid=-1, name=None, desc=0, coll="BINARY", key=0),
            ],
        )
    ]


def test_intro_17_table_triggers(db):
    """L-INTRO-17: triggers filtered to this table."""
    db.execute("create table cats (id)")
    dog_sql = "CREATE TRIGGER on_dog AFTER INSERT ON dogs BEGIN SELECT 1; END"
    cat_sql = "CREATE TRIGGER on_cat AFTER INSERT ON cats BEGIN SELECT 2; END"
    db.execute(dog_sql)
    db.execute(cat_sql)
    assert db["dogs"].triggers == [Trigger("on_dog", "dogs", dog_sql)]
    assert db["dogs"].triggers_dict == {"on_dog": dog_sql}
    assert db["cats"].triggers_dict == {"on_cat": cat_sql}
    assert len(db.triggers) == 2


def test_intro_18_default_values():
    """L-INTRO-18: each form of DEFAULT text becomes the documented Python value."""
    db = Database(memory=True)
    db.execute(
        "create table d (a text default 'it''s', b integer default 12, c blob default X'0AFF', "
        "e default TRUE, f default false, g default NULL, h real default 1.5, "
        "i text default CURRENT_TIMESTAMP, j text default (datetime('now')), k default -3, "
        "l default '', m default +4, n default 1e3, o default Null, p default x'00', q)"
    )
    values = db["d"].default_values
    assert values == {
        "a": "it's",
        "b": 12,
        "c": b"\n\xff",
        "e": True,
        "f": False,
        "g": None,
        "h": 1.5,
        "i": "CURRENT_TIMESTAMP",
        "j": "datetime('now')",
        "k": -3.0,
        "l": "",
        "m": 4.0,
        "n": 1000.0,
        "o": None,
        "p": b"\x00",
    }
    assert type(values["b"]) is int
    assert type(values["k"]) is float
    assert type(values["e"]) is bool


def test_intro_19_strict():
    """L-INTRO-19: STRICT among the table options after the last ')'."""
    db = Database(memory=True)
    db.execute("create table s (a integer) strict")
    db.execute("create table w (a integer primary key) WITHOUT ROWID, STRICT")
    db.execute("create table o (a integer primary key) without rowid")
    db.execute("create table n (strict integer, b text default (')'))")
    assert db["s"].strict is True
    assert db["w"].strict is True
    assert db["o"].strict is False
    assert db["n"].strict is False
    assert db["missing"].strict is False


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("create virtual table f5 using fts5(x)", "FTS5"),
        ('CREATE VIRTUAL TABLE IF NOT EXISTS "my f4" USING fts4(x)', "FTS4"),
        ("create virtual table [brackets] using FTS5(x)", "FTS5"),
        ("create virtual table `back``tick` using fts5(x)", "FTS5"),
        ("create virtual table 'single' using rtree(id, a, b)", "RTREE"),
        ("create virtual table main.qualified using fts5(x)", "FTS5"),
        ("create table plain (x)", None),
    ],
)
def test_intro_21_virtual_table_using(sql, expected):
    """L-INTRO-21: the upper-cased module name, whatever the quoting."""
    db = Database(memory=True)
    db.execute(sql)
    name = db.table_names()[0]
    assert db[name].virtual_table_using == expected


def test_intro_21_missing_table():
    """L-INTRO-21: None for a missing table."""
    assert Database(memory=True)["missing"].virtual_table_using is None


def test_intro_22_has_counts_triggers(db):
    """L-INTRO-22: True only when both count triggers exist."""
    assert db["dogs"].has_counts_triggers is False
    db["dogs"].enable_counts()
    assert db["dogs"].has_counts_triggers is True
    db.execute('drop trigger "dogs_counts_delete"')
    assert db["dogs"].has_counts_triggers is False
