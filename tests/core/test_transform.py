"""table.transform() and transform_sql() (L-XFM-1..8, L-DDL-5, L-INTRO-20)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.db import (
    DEFAULT,
    Database,
    ForeignKey,
    Index,
    Table,
    TransactionError,
    TransformError,
    quote_identifier,
)
from datamill.utils import sqlite3

TAIL = (
    "You must manually drop this index prior to running this transformation and manually "
    "recreate the new index after running this transformation. The original index sql "
    "statement is: `{sql}`. No changes have been applied to this table."
)


@pytest.fixture
def trees(db):
    db.execute("create table trees (id integer primary key, addr text, species text)")
    db["trees"].insert_all(
        [
            {"id": 1, "addr": "12", "species": "oak"},
            {"id": 2, "addr": "", "species": "ash"},
            {"id": 3, "addr": " ", "species": None},
        ]
    )
    return db["trees"]


def test_transform_sql_exact_text(trees):
    # L-XFM-3
    assert trees.transform_sql(types={"addr": int}, rename={"species": "sp"}, tmp_suffix="abc") == [
        'CREATE TABLE "trees_new_abc" (\n   "id" INTEGER PRIMARY KEY,\n   "addr" INTEGER,\n'
        '   "sp" TEXT\n);',
        'INSERT INTO "trees_new_abc" ("rowid", "id", "addr", "sp")\n'
        '   SELECT "rowid", "id", NULLIF("addr", \'\'), "species" FROM "trees";',
        'DROP TABLE "trees";',
        "PRAGMA legacy_alter_table=ON;",
        'ALTER TABLE "trees_new_abc" RENAME TO "trees";',
        "PRAGMA legacy_alter_table=OFF;",
    ]


def test_default_temporary_name(trees):
    create = trees.transform_sql()[0]
    assert create.startswith('CREATE TABLE "trees_new_')
    suffix = create.split('"')[1][len("trees_new_") :]
    assert len(suffix) == 12 and int(suffix, 16) >= 0


def test_transform_types_copies_empty_strings_as_null(trees):
    # L-XFM-2: exact '' becomes NULL, whitespace is kept
    assert trees.transform(types={"addr": int}) is trees
    assert [row["addr"] for row in trees.rows] == [12, None, " "]
    assert trees.columns_dict == {"id": int, "addr": int, "species": str}


def test_type_tracker_strings(trees):
    trees.transform(types={"addr": "float", "species": "text"})
    assert [c.type for c in trees.columns] == ["INTEGER", "REAL", "TEXT"]


def test_missing_table(db):
    with pytest.raises(ValueError) as excinfo:
        db["nope"].transform()
    assert str(excinfo.value) == "Cannot transform a table that doesn't exist yet"


def test_no_arguments_restores_layout(db):
    # L-XFM-1 / L-DDL-5
    db.execute("create table t (id integer primary key, name varchar(10) not null default 'x')")
    db["t"].add_column("n2", int)
    db["t"].transform()
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY,\n'
        "   \"name\" VARCHAR(10) NOT NULL DEFAULT 'x',\n"
        '   "n2" INTEGER\n)'
    )


def test_existing_defaults_are_kept_verbatim_or_wrapped(db):
    db.execute(
        "create table t (a text default (datetime('now')), b int default 5, "
        "c default CURRENT_TIMESTAMP, d real default -1.5, e blob default x'01')"
    )
    db["t"].transform()
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        "   \"a\" TEXT DEFAULT (datetime('now')),\n"
        '   "b" INT DEFAULT 5,\n'
        '   "c" DEFAULT CURRENT_TIMESTAMP,\n'
        '   "d" REAL DEFAULT -1.5,\n'
        "   \"e\" BLOB DEFAULT x'01'\n)"
    )


def test_rename_pk_not_null_defaults_column_order(trees):
    trees.transform(
        rename={"SPECIES": "kind"},
        not_null={"addr"},
        defaults={"kind": "oak", "addr": "?"},
        column_order=("kind", "ID"),
        pk=("kind", "id"),
    )
    assert trees.schema == (
        'CREATE TABLE "trees" (\n'
        "   \"kind\" TEXT DEFAULT 'oak',\n"
        '   "id" INTEGER,\n'
        "   \"addr\" TEXT NOT NULL DEFAULT '?',\n"
        '   PRIMARY KEY ("kind", "id")\n)'
    )


def test_renamed_column_options_under_the_old_name(trees):
    # L-XFM-2, issue 11 §3.12: not_null, defaults, types and column_order may name a renamed
    # column by its old name, as 4.2.1 reads them.
    trees.update(3, {"species": "elm"})
    trees.transform(
        rename={"species": "kind"},
        not_null={"species"},
        defaults={"Species": "oak", "addr": "?"},
        types={"species": "TEXT"},
        column_order=("species",),
    )
    assert trees.schema == (
        'CREATE TABLE "trees" (\n'
        "   \"kind\" TEXT NOT NULL DEFAULT 'oak',\n"
        '   "id" INTEGER PRIMARY KEY,\n'
        "   \"addr\" TEXT DEFAULT '?'\n)"
    )


def test_swapped_names_mean_the_old_columns(db):
    # With a swap, a key is the old column's name (the baseline's reading).
    db["t"].create({"id": int, "a": str, "b": int}, pk="id")
    db["t"].transform(
        rename={"a": "b", "b": "a"},
        types={"a": float},
        not_null={"a"},
        defaults={"b": 7},
        column_order=["a"],
    )
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "b" REAL NOT NULL,\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "a" INTEGER DEFAULT 7\n)'
    )


def test_pk_may_name_a_renamed_column_by_its_old_name(trees):
    trees.transform(rename={"addr": "address"}, pk="addr")
    assert trees.pks == ["address"]


def test_not_null_dict_and_default_removal(db):
    db.execute("create table t (a text not null default 'x', b text)")
    db["t"].transform(not_null={"a": False, "b": True}, defaults={"a": None})
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "a" TEXT,\n   "b" TEXT NOT NULL\n)'


def test_not_null_bad_type(trees):
    with pytest.raises(ValueError) as excinfo:
        trees.transform(not_null="addr")
    assert str(excinfo.value) == "not_null must be a dict or a set or None, it was 'addr'"


def test_pk_none_makes_rowid_table_and_keeps_rowids(trees):
    trees.transform(pk=None)
    assert trees.use_rowid
    assert [(r["rowid"], r["id"]) for r in trees.rows_where(select="rowid, *")] == [
        (1, 1),
        (2, 2),
        (3, 3),
    ]


def test_drop_column(trees):
    trees.transform(drop={"ADDR"})
    assert [c.name for c in trees.columns] == ["id", "species"]
    assert list(trees.rows)[0] == {"id": 1, "species": "oak"}


def test_foreign_key_options(db):
    db["country"].insert({"id": 1}, pk="id")
    db["dept"].create({"campus": str, "code": str}, pk=("campus", "code"))
    db["places"].create(
        {"id": int, "country_id": int, "campus": str, "code": str},
        pk="id",
        foreign_keys=[("country_id", "country"), (("campus", "code"), "dept")],
    )
    places = db["places"]
    assert places.transform_sql(drop_foreign_keys=("country_id",), tmp_suffix="x")[0] == (
        'CREATE TABLE "places_new_x" (\n   "id" INTEGER PRIMARY KEY,\n   "country_id" INTEGER,\n'
        '   "campus" TEXT,\n   "code" TEXT,\n'
        '   FOREIGN KEY ("campus", "code") REFERENCES "dept"("campus", "code")\n);'
    )
    # a name drops every key containing it; a tuple drops the exact compound key
    places.transform(drop_foreign_keys=["campus"])
    assert [fk.columns for fk in places.foreign_keys] == [("country_id",)]
    places.transform(add_foreign_keys=[(("campus", "code"), "dept")])
    places.transform(drop_foreign_keys=[("campus", "code")])
    assert [fk.columns for fk in places.foreign_keys] == [("country_id",)]
    places.transform(
        foreign_keys=[
            ForeignKey("places", "country_id", "country", "id", on_delete="CASCADE"),
        ]
    )
    assert places.foreign_keys == [
        ForeignKey(
            "places", "country_id", "country", "id", on_delete="CASCADE", on_update="NO ACTION"
        )
    ]


@pytest.mark.parametrize("other", ["add_foreign_keys", "drop_foreign_keys"])
def test_foreign_keys_excludes_add_and_drop(trees, other):
    with pytest.raises(ValueError) as excinfo:
        trees.transform(foreign_keys=[], **{other: []})
    assert str(excinfo.value) == f"Cannot specify both foreign_keys and {other}"


def test_drop_removes_foreign_keys_containing_column(db):
    db["dept"].create({"campus": str, "code": str}, pk=("campus", "code"))
    db["enrol"].create(
        {"id": int, "campus": str, "code": str},
        pk="id",
        foreign_keys=[(("campus", "code"), "dept")],
    )
    db["enrol"].transform(drop={"code"})
    assert db["enrol"].foreign_keys == []


def test_rename_rewrites_constraints_comments_and_foreign_keys(db):
    # L-XFM-5: CHECKs, UNIQUEs (names, collation, order, ON CONFLICT), comments, FK actions
    db.execute("create table owners (id integer primary key)")
    db.execute(
        """create table pets (
  -- the key
  id integer primary key,
  name text constraint uq unique on conflict replace check (length(name) > 0), -- pet name
  owner integer references owners(id) on delete cascade on update set null,
  kind text check ("kind" in ('cat', 'dog')),
  constraint u2 unique (name collate nocase desc, kind) on conflict ignore,
  constraint sane check (name <> 'name' and upper(kind) <> '')
)"""
    )
    db["pets"].transform(rename={"name": "title", "kind": "species"})
    assert db["pets"].schema == (
        'CREATE TABLE "pets" (\n'
        "   -- the key\n"
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "title" TEXT CONSTRAINT "uq" UNIQUE ON CONFLICT REPLACE CHECK (length(title) > 0),'
        " -- pet name\n"
        '   "owner" INTEGER REFERENCES "owners"("id") ON UPDATE SET NULL ON DELETE CASCADE,\n'
        "   \"species\" TEXT CHECK (\"species\" in ('cat', 'dog')),\n"
        '   CONSTRAINT "u2" UNIQUE ("title" COLLATE "nocase" DESC, "species") ON CONFLICT IGNORE,\n'
        "   CONSTRAINT \"sane\" CHECK (title <> 'name' and upper(species) <> '')\n"
        ")"
    )
    checks = db["pets"].checks
    assert [(c.check, c.name, c.column, c.options) for c in checks] == [
        ("length(title) > 0", "", "title", None),
        ("\"species\" in ('cat', 'dog')", "", "species", ["cat", "dog"]),
        ("title <> 'name' and upper(species) <> ''", "sane", "", None),
    ]
    assert list(db["pets"].column_checks) == ["title", "species"]
    assert [c.name for c in db["pets"].table_checks] == ["sane"]


def test_checks_still_enforced_after_transform(db):
    db.execute("create table t (a integer check (a > 0))")
    db["t"].transform(rename={"a": "b"})
    with pytest.raises(sqlite3.IntegrityError):
        db["t"].insert({"b": -1})


def test_drop_removes_own_check_and_unique(db):
    db.execute("create table t (a text unique check (a <> ''), b text)")
    db["t"].transform(drop={"a"})
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "b" TEXT\n)'


@pytest.mark.parametrize(
    "constraint,quoted",
    [("constraint small check (x < y)", "small"), ("check (x < y)", "x < y")],
)
def test_drop_column_used_by_check(db, constraint, quoted):
    # L-XFM-6: the constraint's name, or its expression when it has none
    db.execute(f"create table t (x int, y int, {constraint})")
    before = db.schema
    with pytest.raises(TransformError) as excinfo:
        db["t"].transform(drop={"x"})
    assert (
        str(excinfo.value) == f"Cannot drop column 'x': it is used by CHECK constraint '{quoted}'"
    )
    assert db.schema == before


def test_autoincrement_and_sequence_are_kept(db):
    db.execute("create table t (id integer primary key autoincrement, name text)")
    db["t"].insert_all([{"name": "a"}, {"name": "b"}, {"name": "c"}])
    db.execute("delete from t where id > 1")
    statements = db["t"].transform_sql(rename={"name": "n"}, tmp_suffix="s")
    assert statements[-2:] == [
        "UPDATE sqlite_sequence SET seq = MAX(seq, 3) WHERE name = 't';",
        "INSERT INTO sqlite_sequence (name, seq) SELECT 't', 3 WHERE NOT EXISTS "
        "(SELECT 1 FROM sqlite_sequence WHERE name = 't');",
    ]
    db["t"].transform(rename={"name": "n"})
    assert '"id" INTEGER PRIMARY KEY AUTOINCREMENT' in db["t"].schema
    db["t"].insert({"n": "d"})
    assert [r["id"] for r in db["t"].rows] == [1, 4]


def test_indexes_recreated_from_sql_or_rebuilt_on_rename(trees):
    trees.db.execute('create index "by species" on trees (species collate nocase desc, addr)')
    trees.create_index(["addr"], unique=True)
    statements = trees.transform_sql(rename={"species": "sp"}, tmp_suffix="abc")
    assert statements[2] == 'DROP INDEX IF EXISTS "by species";'
    assert statements[-2:] == [
        'CREATE INDEX "by species" ON "trees" ("sp" COLLATE "nocase" DESC, "addr")',
        'CREATE UNIQUE INDEX "idx_trees_addr"\n    ON "trees" ("addr")',
    ]
    trees.transform(rename={"species": "sp"})
    assert [(i.name, i.columns) for i in trees.indexes] == [
        ("idx_trees_addr", ["addr"]),
        ("by species", ["sp", "addr"]),
    ]  # PRAGMA index_list: most recently created first, as before the transform


def test_index_on_dropped_column(trees):
    trees.create_index(["species"])
    sql = 'CREATE INDEX "idx_trees_species"\n    ON "trees" ("species")'
    with pytest.raises(TransformError) as excinfo:
        trees.transform(drop={"species"})
    assert str(excinfo.value) == (
        "Index 'idx_trees_species' column 'species' is not in updated table 'trees'. "
        + TAIL.format(sql=sql)
    )
    assert trees.columns[2].name == "species"


@pytest.mark.parametrize(
    "index_sql",
    [
        "CREATE INDEX part ON trees (addr) WHERE species IS NOT NULL",
        "CREATE INDEX part ON trees (lower(species))",
    ],
)
def test_partial_or_expression_index_with_renamed_column(trees, index_sql):
    trees.db.execute(index_sql)
    with pytest.raises(TransformError) as excinfo:
        trees.transform(rename={"species": "sp"})
    assert str(excinfo.value) == (
        "Index 'part' is a partial or expression index, so it cannot be safely recreated while "
        "columns are renamed or dropped. " + TAIL.format(sql=index_sql)
    )
    # untouched by the rename: recreated verbatim
    trees.transform(rename={"id": "pk"})
    assert [i.name for i in trees.indexes] == ["part"]


def test_keep_table(trees):
    trees.create_index(["species"])
    statements = trees.transform_sql(keep_table="trees_old", tmp_suffix="k")
    assert statements[2:7] == [
        'DROP INDEX IF EXISTS "idx_trees_species";',
        "PRAGMA legacy_alter_table=ON;",
        'ALTER TABLE "trees" RENAME TO "trees_old";',
        'ALTER TABLE "trees_new_k" RENAME TO "trees";',
        "PRAGMA legacy_alter_table=OFF;",
    ]
    trees.transform(keep_table="trees_old", types={"addr": int})
    assert trees.db["trees_old"].count == 3
    assert [i.name for i in trees.indexes] == ["idx_trees_species"]


def test_legacy_alter_table_value_is_restored(trees):
    trees.db.execute("PRAGMA legacy_alter_table=ON")
    assert trees.transform_sql(tmp_suffix="x")[-1] == "PRAGMA legacy_alter_table=ON;"


def test_views_stay_byte_identical(trees):
    # L-XFM-4
    trees.db.create_view("oaks", "select id, species from trees where species = 'oak'")
    sql = trees.db.execute("select sql from sqlite_master where name = 'oaks'").fetchone()[0]
    trees.transform(rename={"species": "sp"})
    assert (
        trees.db.execute("select sql from sqlite_master where name = 'oaks'").fetchone()[0] == sql
    )
    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        list(trees.db["oaks"].rows)


def test_triggers_are_recreated_verbatim(trees):
    trees.db.execute("create table log (msg text)")
    trees.db.execute(
        "create trigger trees_log after insert on trees begin "
        "insert into log values (new.species); end"
    )
    trees.transform(types={"addr": int})
    trees.insert({"id": 9, "species": "elm"})
    assert list(trees.db["log"].rows) == [{"msg": "elm"}]


def test_strict_on_and_off(db):
    db.execute("create table t (id integer primary key, n integer)")
    db["t"].insert({"id": 1, "n": 2})
    db["t"].transform(strict=True)
    assert db["t"].strict and db["t"].schema.endswith(") STRICT")
    db["t"].transform(strict=False)
    assert not db["t"].strict


def test_strict_validation_failure_rolls_back(db):
    db.execute("create table t (id integer primary key, n integer)")
    db.execute("insert into t values (1, 'not a number')")
    before = db.schema
    with pytest.raises(sqlite3.IntegrityError):
        db["t"].transform(strict=True)
    assert db.schema == before
    assert list(db["t"].rows) == [{"id": 1, "n": "not a number"}]


def test_strict_unsupported(db, monkeypatch):
    monkeypatch.setattr(type(db), "supports_strict", property(lambda self: False))
    db.execute("create table t (a)")
    with pytest.raises(TransformError) as excinfo:
        db["t"].transform(strict=True)
    assert str(excinfo.value) == "SQLite does not support STRICT tables"


def test_unparseable_schema(db, monkeypatch):
    db.execute("create table t (a)")
    monkeypatch.setattr(Table, "schema", property(lambda self: "CREATE TABLE t (a check (a"))
    with pytest.raises(TransformError) as excinfo:
        db["t"].transform()
    assert str(excinfo.value) == (
        "Could not parse table schema for table 't': Unbalanced parentheses"
    )


# -- foreign key safety (L-XFM-7, L-XFM-8) ----------------------------------------------------


@pytest.fixture
def linked(db):
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("create table owners (id integer primary key, name text)")
    db.execute(
        "create table pets (id integer primary key, owner_id integer "
        "references owners(id) on delete cascade)"
    )
    db.execute("insert into owners values (1, 'Ana')")
    db.execute("insert into pets values (1, 1)")
    return db


def test_foreign_keys_switched_off_and_checked_outside_transaction(linked):
    traced = []
    with linked.tracer(lambda sql, params: traced.append(sql)):
        linked["owners"].transform(rename={"name": "full_name"})
    pragmas = [
        sql for sql in traced if sql.startswith(("PRAGMA foreign_keys", "PRAGMA foreign_key_check"))
    ]
    assert pragmas == [
        "PRAGMA foreign_keys",
        "PRAGMA foreign_keys=0;",
        "PRAGMA foreign_key_check;",
        "PRAGMA foreign_keys=1;",
    ]
    # the cascade did not fire when the old table was dropped
    assert list(linked["pets"].rows) == [{"id": 1, "owner_id": 1}]
    assert linked.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_foreign_key_violation_rolls_back(linked):
    linked.execute("PRAGMA foreign_keys=OFF")
    linked.execute("insert into pets values (2, 99)")
    linked.execute("PRAGMA foreign_keys=ON")
    before = linked.schema
    with pytest.raises(sqlite3.IntegrityError) as excinfo:
        linked["pets"].transform(types={"owner_id": str})
    assert str(excinfo.value) == "FOREIGN KEY constraint failed"
    assert linked.schema == before
    assert linked.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_destructive_inbound_key_inside_transaction(linked):
    linked.execute(
        "create table toys (id integer primary key, a integer, b integer, "
        "foreign key (a, b) references owners(id, id) on delete set null)"
    )
    before = linked.schema
    linked.begin()
    with pytest.raises(TransactionError) as excinfo:
        linked["owners"].transform()
    linked.rollback()
    assert str(excinfo.value) == (
        "Cannot transform table owners while a transaction is open: PRAGMA foreign_keys cannot "
        "be changed inside a transaction, and the table is referenced by foreign keys with ON "
        "DELETE actions that would fire when the old table is dropped: pets.owner_id (ON "
        "DELETE CASCADE), toys.a, b (ON DELETE SET NULL). Call transform() outside of the "
        'transaction, or execute "PRAGMA foreign_keys = off" before opening it.'
    )
    assert linked.schema == before


def test_inside_transaction_defers_foreign_keys(db):
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("create table owners (id integer primary key, name text)")
    db.execute("create table pets (id integer primary key, owner_id integer references owners(id))")
    db.execute("insert into owners values (1, 'Ana')")
    db.execute("insert into pets values (1, 1)")
    with db.atomic():
        db["owners"].transform(rename={"name": "n"})
        assert db.execute("PRAGMA defer_foreign_keys").fetchone()[0] == 0
    assert [c.name for c in db["owners"].columns] == ["id", "n"]
    assert list(db["pets"].rows) == [{"id": 1, "owner_id": 1}]


def test_without_rowid_table(db):
    db.execute("create table t (code text primary key, n text) without rowid")
    db["t"].insert({"code": "a", "n": "1"})
    assert db["t"].transform_sql(types={"n": int}, tmp_suffix="w")[:2] == [
        'CREATE TABLE "t_new_w" (\n   "code" TEXT PRIMARY KEY NOT NULL,\n   "n" INTEGER\n) WITHOUT ROWID;',
        'INSERT INTO "t_new_w" ("code", "n")\n   SELECT "code", NULLIF("n", \'\') FROM "t";',
    ]
    db["t"].transform(types={"n": int}, strict=True)
    assert db["t"].schema.endswith(") STRICT, WITHOUT ROWID")
    assert list(db["t"].rows) == [{"code": "a", "n": 1}]


def test_single_names_are_not_split_into_characters(trees):
    trees.transform(drop="addr", column_order="species")
    assert [c.name for c in trees.columns] == ["species", "id"]


def test_create_transform_true_uses_transform(db):
    # L-CRT-9: create(transform=True) on an existing table goes through transform()
    db["t"].create({"id": int, "name": str}, pk="id")
    db["t"].create({"id": int, "name": str, "age": int}, pk="id", not_null={"name"}, transform=True)
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "id" INTEGER PRIMARY KEY,\n   "name" TEXT NOT NULL,\n'
        '   "age" INTEGER\n)'
    )


def test_strict_maps_types_strict_tables_reject(db):
    db.execute("create table t (a varchar(10), b, c numeric, d int)")
    db["t"].insert({"a": "x", "b": "000123", "c": 1.5, "d": 2})
    db["t"].transform(strict=True)
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "a" TEXT,\n   "b" ANY,\n   "c" REAL,\n   "d" INT\n) STRICT'
    )
    assert list(db["t"].rows) == [{"a": "x", "b": "000123", "c": 1.5, "d": 2}]


# -- property: transform never loses or alters row data ---------------------------------------

_column_names = st.text(alphabet=st.sampled_from("abcXY _\"'[]"), min_size=1, max_size=6)
_values = st.none() | st.integers(-5, 5) | st.text(alphabet="ab ,'\"", max_size=4)


@st.composite
def _transform_cases(draw):
    names = draw(st.lists(_column_names, min_size=2, max_size=5, unique_by=str.lower))
    rows = draw(st.lists(st.tuples(*[_values for _ in names]), max_size=6))
    dropped = draw(st.sets(st.sampled_from(names), max_size=len(names) - 1))
    kept = [n for n in names if n not in dropped]
    renamed = draw(st.sets(st.sampled_from(kept)))
    taken = {n.lower() for n in names}
    rename = {}
    for name in sorted(renamed):
        new = f"{name}_{len(rename)}"
        if new.lower() not in taken:
            rename[name] = new
            taken.add(new.lower())
    order = draw(st.permutations([rename.get(n, n) for n in kept]))
    return names, rows, dropped, rename, list(order)


@settings(max_examples=60, deadline=None)
@given(_transform_cases())
def test_transform_keeps_every_value(case):
    names, rows, dropped, rename, order = case
    with Database(memory=True) as db:
        columns = ", ".join(quote_identifier(name) for name in names)
        db.execute(f"create table t ({columns}, check (1 = 1))")
        for row in rows:
            db.execute(f"insert into t values ({', '.join('?' for _ in names)})", row)
        db["t"].transform(drop=dropped, rename=rename, column_order=order)
        assert [c.name for c in db["t"].columns] == order
        expected = [
            {rename.get(n, n): v for n, v in zip(names, row) if n not in dropped} for row in rows
        ]
        assert list(db["t"].rows) == expected


def test_rename_column_named_like_a_keyword(db):
    db.execute("create table t (key integer check (key > 0))")
    db["t"].transform(rename={"key": "k"})
    assert db["t"].schema == 'CREATE TABLE "t" (\n   "k" INTEGER CHECK (k > 0)\n)'


def test_index_without_sql(trees, monkeypatch):
    # SQLite only produces this state for indexes it made itself; simulate a foreign one
    ghost = Index(seq=0, name="ghost", unique=0, origin="c", partial=0, columns=["addr"])
    monkeypatch.setattr(Table, "indexes", property(lambda self: [ghost]))
    with pytest.raises(TransformError) as excinfo:
        trees.transform()
    assert str(excinfo.value) == (
        "Index 'ghost' on table 'trees' does not have a CREATE INDEX statement. You must "
        "manually drop this index prior to running this transformation and manually recreate "
        "the new index after running this transformation."
    )


def test_unique_constraint_indexes_are_not_recreated(db):
    db.execute("create table t (a text unique, b text, unique (a, b))")
    statements = db["t"].transform_sql(rename={"a": "x"}, tmp_suffix="u")
    assert not [s for s in statements if "INDEX" in s]
    db["t"].transform(rename={"a": "x"})
    assert [i.origin for i in db["t"].indexes] == ["u", "u"]


def test_transform_strict_updates_table_configuration(db):
    db.execute("create table t (a text)")
    table = db.table("t")
    table.transform(strict=True)
    assert table.value_or_default("strict", DEFAULT) is True
    table.transform()
    assert table.value_or_default("strict", DEFAULT) is True


def test_column_collation_is_kept(db):
    db.conn.create_collation("my coll", lambda a, b: (a > b) - (a < b))
    db.execute('create table t (name text collate nocase not null, "b c" text collate "my coll")')
    db["t"].transform(rename={"name": "n"})
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "n" TEXT NOT NULL COLLATE nocase,\n'
        '   "b c" TEXT COLLATE "my coll"\n)'
    )
    db["t"].insert({"n": "Ana", "b c": "x"})
    assert db["t"].count_where("n = 'ANA'") == 1


def test_generated_columns_are_kept(db):
    db.execute(
        "create table t (id integer primary key, a int, "
        "g int not null generated always as (a * 2) stored, v as (a + 1), b text)"
    )
    db.execute("insert into t (id, a, b) values (1, 5, 'x')")
    db["t"].transform(rename={"a": "n"}, column_order=("b",))
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n   "b" TEXT,\n   "id" INTEGER PRIMARY KEY,\n   "n" INT,\n'
        '   "g" INT NOT NULL GENERATED ALWAYS AS (n * 2) STORED,\n'
        '   "v" GENERATED ALWAYS AS (n + 1)\n)'
    )
    assert db.execute("select * from t").fetchall() == [("x", 1, 5, 10, 6)]
    db["t"].transform(drop={"v"})
    assert db.execute("select g from t").fetchall() == [(10,)]
    before = db.schema
    with pytest.raises(TransformError) as excinfo:
        db["t"].transform(drop={"n"})
    assert str(excinfo.value) == "Cannot drop column 'n': it is used by generated column 'g'"
    assert db.schema == before


def test_generated_column_missing_from_schema_text(db, monkeypatch):
    db.execute("create table t (a int, g as (a * 2))")
    monkeypatch.setattr(Table, "schema", property(lambda self: "CREATE TABLE t (a int, g)"))
    with pytest.raises(TransformError) as excinfo:
        db["t"].transform()
    assert str(excinfo.value) == (
        "Could not find the expression of generated column 'g' in table 't'"
    )


def test_checks_of_missing_and_virtual_tables(db):
    # L-INTRO-20
    db.execute("create virtual table docs using fts5(title)")
    for name in ("missing", "docs"):
        assert db[name].checks == []
        assert db[name].column_checks == {}
        assert db[name].table_checks == []


def test_checks_named_column_check(db):
    # L-CRT-11 example
    db.execute("create table scores (score integer constraint positive check (score > 0))")
    assert repr(db["scores"].checks) == (
        "[Check(check='score > 0', name='positive', column='score', options=None)]"
    )


def test_regenerated_ddl_quotes_table_unique_collations_and_keeps_what_was_written(db):
    # L-IMP-5, issue 11 §3.13: a table-level UNIQUE's collation is quoted, COLLATE "NOCASE".
    # The two deliberate differences from 4.2.1 stay: DEFAULT 1 is kept as written (4.2.1
    # writes DEFAULT '1') and a column-level COLLATE ... UNIQUE keeps its collation.
    db.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 1, "
        "b TEXT COLLATE NOCASE UNIQUE, c TEXT, d TEXT, UNIQUE (c COLLATE NOCASE DESC, d))"
    )
    db["t"].transform()
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "n" INTEGER DEFAULT 1,\n'
        '   "b" TEXT UNIQUE COLLATE NOCASE,\n'
        '   "c" TEXT,\n'
        '   "d" TEXT,\n'
        '   UNIQUE ("c" COLLATE "NOCASE" DESC, "d")\n'
        ")"
    )
    assert db["t"].default_values == {"n": 1}


def test_rename_keeps_cast_type_names_in_checks(db):
    # L-IMP-5, issue 11 §3.14: renaming columns named "text" and "nocase" leaves the CAST type
    # names alone, so the CHECKs mean what they meant.
    db.execute(
        'CREATE TABLE t (id INTEGER PRIMARY KEY, "text" TEXT, "nocase" TEXT, '
        "CHECK (CAST(\"text\" AS text) <> 'text' AND CAST(text AS TEXT) = text COLLATE nocase), "
        "CHECK (nocase <> CAST(id AS nocase)))"
    )
    db["t"].transform(rename={"text": "body", "nocase": "nc"})
    assert db["t"].schema == (
        'CREATE TABLE "t" (\n'
        '   "id" INTEGER PRIMARY KEY,\n'
        '   "body" TEXT,\n'
        '   "nc" TEXT,\n'
        "   CHECK (CAST(\"body\" AS text) <> 'text' AND CAST(body AS TEXT) = body COLLATE nocase),\n"
        "   CHECK (nc <> CAST(id AS nocase))\n"
        ")"
    )
