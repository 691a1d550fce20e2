"""Tables and views: L-ACC-1..6."""

import inspect

import pytest

from datamill.db import DEFAULT, Database, NoTable, NoView, Queryable, Table, View


@pytest.fixture
def db():
    database = Database(memory=True)
    database["dogs"].insert_all(
        [{"id": 1, "name": "Cleo", "age": 5}, {"id": 2, "name": "Pancakes", "age": 3}], pk="id"
    )
    database.create_view("good_dogs", "select id, name from dogs where age > 4")
    return database


def test_acc_1_table_does_not_touch_schema(db):
    """L-ACC-1: db.table() returns a Table and creates nothing."""
    schema = db.schema
    table = db.table("later", pk="id")
    assert isinstance(table, Table)
    assert table.name == "later"
    assert table.db is db
    assert db.schema == schema
    assert not table.exists()


def test_acc_1_table_of_a_view(db):
    """L-ACC-1: db.table(<view>) raises NoTable."""
    with pytest.raises(NoTable) as excinfo:
        db.table("good_dogs")
    assert str(excinfo.value) == "Table good_dogs is actually a view"


def test_acc_1_strict_defaults_to_db_strict():
    """L-ACC-1: config strict defaults to db.strict."""
    strict_db = Database(memory=True, strict=True)
    assert strict_db.table("t").value_or_default("strict", DEFAULT) is True
    assert strict_db.table("t", strict=False).value_or_default("strict", DEFAULT) is False
    assert Database(memory=True).table("t").value_or_default("strict", DEFAULT) is False


def test_acc_2_getitem(db):
    """L-ACC-2: db[name] is a View for views, otherwise a Table (existing or not)."""
    assert isinstance(db["good_dogs"], View)
    assert isinstance(db["dogs"], Table)
    missing = db["missing"]
    assert isinstance(missing, Table) and not missing.exists()
    missing.insert({"x": 1})
    assert missing.exists()


def test_acc_3_view(db):
    """L-ACC-3: db.view() returns a View, or NoView for tables and missing names."""
    assert isinstance(db.view("good_dogs"), View)
    with pytest.raises(NoView) as excinfo:
        db.view("dogs")
    assert str(excinfo.value) == "View dogs does not exist - dogs is a table"
    with pytest.raises(NoView) as excinfo:
        db.view("nothing")
    assert str(excinfo.value) == "View nothing does not exist"


def test_acc_4_configuration_applies_to_inserts(db):
    """L-ACC-4: config keys apply to insert*/upsert* arguments left at DEFAULT."""
    people = db.table("people", pk="id", not_null={"name"}, alter=True)
    people.insert({"id": 1, "name": "Ana"}).insert({"id": 2, "name": "Bo", "email": "b@x"})
    assert people.pks == ["id"]
    assert [c.name for c in people.columns] == ["id", "name", "email"]
    assert {c.name: c.notnull for c in people.columns} == {"id": 0, "name": 1, "email": 0}
    assert list(people.rows) == [
        {"id": 1, "name": "Ana", "email": None},
        {"id": 2, "name": "Bo", "email": "b@x"},
    ]


def test_acc_4_unset_configuration_defaults():
    """L-ACC-4: batch_size defaults to 100; the other keys to their constructor defaults."""
    table = Database(memory=True).table("t")
    assert table.value_or_default("batch_size", DEFAULT) == 100
    for key, expected in (("pk", None), ("alter", False), ("ignore", False), ("replace", False)):
        assert table.value_or_default(key, DEFAULT) == expected, key


def test_acc_4_explicit_argument_overrides_config(db):
    """L-ACC-4: an explicit argument wins over the configured value."""
    table = db.table("t", pk="id")
    table.insert({"id": 1, "code": "a"}, pk="code")
    assert table.pks == ["code"]


def test_acc_4_defaults_and_column_order_only_matter_on_creation(db):
    """L-ACC-4: creation keys are used when the call creates the table."""
    table = db.table(
        "cfg",
        column_order=["b", "a"],
        defaults={"a": 5},
        columns={"c": float},
        hash_id="hid",
    )
    table.insert({"a": 1, "b": 2, "c": 3})
    assert [c.name for c in table.columns] == ["hid", "b", "a", "c"]
    assert table.default_values == {"a": 5}
    assert table.columns_dict["c"] is float
    assert table.pks == ["hid"]


def test_acc_4_creation_keys_ignored_for_existing_tables(db):
    """L-ACC-4: not_null/defaults/column_order/columns do nothing once the table exists."""
    db.create_table("existing", {"id": int, "name": str})
    schema = db["existing"].schema
    table = db.table(
        "existing",
        not_null={"name"},
        defaults={"name": "x"},
        column_order=["name", "id"],
        columns={"name": int},
    )
    table.insert({"id": 1, "name": None})
    assert db["existing"].schema == schema
    assert list(db["existing"].rows) == [{"id": 1, "name": None}]


def test_acc_4_ignore_and_replace_config(db):
    """L-ACC-4: ignore / replace configured on the table apply to insert."""
    ignoring = db.table("dogs", ignore=True)
    ignoring.insert({"id": 1, "name": "Other", "age": 1})
    assert db["dogs"].get(1)["name"] == "Cleo"
    replacing = db.table("dogs", replace=True)
    replacing.insert({"id": 1, "name": "Other", "age": 1})
    assert db["dogs"].get(1)["name"] == "Other"


def test_acc_4_conversions_config(db):
    """L-ACC-4: configured conversions wrap the placeholder."""
    table = db.table("conv", conversions={"name": "upper(?)"})
    table.insert({"name": "cleo"})
    assert list(table.rows) == [{"name": "CLEO"}]


def test_acc_5_constructor_signature():
    """L-ACC-5: Table(db, name, ...) parameters and defaults."""
    params = inspect.signature(Table.__init__).parameters
    got = [(n, p.default) for n, p in params.items()][1:]
    assert got == [
        ("db", inspect.Parameter.empty),
        ("name", inspect.Parameter.empty),
        ("pk", None),
        ("foreign_keys", None),
        ("column_order", None),
        ("not_null", None),
        ("defaults", None),
        ("batch_size", 100),
        ("hash_id", None),
        ("hash_id_columns", None),
        ("alter", False),
        ("ignore", False),
        ("replace", False),
        ("extracts", None),
        ("conversions", None),
        ("columns", None),
        ("strict", False),
    ]


def test_acc_5_attributes(db):
    """L-ACC-5: db, name, last_rowid and last_pk."""
    table = Table(db, "dogs")
    assert table.db is db and table.name == "dogs"
    assert table.last_rowid is None and table.last_pk is None
    table.insert({"id": 7, "name": "Rex", "age": 1})
    assert table.last_pk == 7
    assert table.last_rowid == 7


def test_acc_5_reprs(db):
    """L-ACC-5: the three repr forms."""
    assert repr(db["dogs"]) == "<Table dogs (id, name, age)>"
    assert repr(db["missing"]) == "<Table missing (does not exist yet)>"
    assert repr(db["good_dogs"]) == "<View good_dogs (id, name)>"


def test_acc_6_queryable_interface(db):
    """L-ACC-6: Table and View subclass Queryable, which has the read interface."""
    assert issubclass(Table, Queryable) and issubclass(View, Queryable)
    for name in (
        "exists",
        "count",
        "count_where",
        "execute_count",
        "rows",
        "rows_where",
        "pks_and_rows_where",
        "columns",
        "columns_dict",
        "schema",
    ):
        assert hasattr(Queryable, name), name
    view = db["good_dogs"]
    assert view.exists() is True
    assert view.count == 1
    assert view.count_where("id = ?", [2]) == 0
    assert view.execute_count() == 1
    assert list(view.rows) == [{"id": 1, "name": "Cleo"}]
    assert list(view.rows_where(select="name")) == [{"name": "Cleo"}]
    assert [c.name for c in view.columns] == ["id", "name"]
    assert view.columns_dict == {"id": int, "name": str}
    assert view.schema == ('CREATE VIEW "good_dogs" AS select id, name from dogs where age > 4')


def test_acc_6_view_exists_even_when_missing(db):
    """L-ACC-6: View.exists() is always True."""
    assert View(db, "not_there").exists() is True


def test_acc_6_view_drop(db):
    """L-ACC-6: View.drop(ignore=False)."""
    db["good_dogs"].drop()
    assert db.view_names() == []
    View(db, "good_dogs").drop(ignore=True)


@pytest.mark.parametrize(
    "attribute",
    [
        "insert",
        "insert_all",
        "upsert",
        "upsert_all",
        "update",
        "delete",
        "delete_where",
        "create",
        "create_index",
        "add_column",
        "transform",
        "enable_fts",
        "foreign_keys",
        "indexes",
    ],
)
def test_acc_6_view_has_no_write_methods(db, attribute):
    """L-ACC-6: write methods, enable_fts, foreign_keys and indexes are absent on View."""
    with pytest.raises(AttributeError):
        getattr(db["good_dogs"], attribute)
