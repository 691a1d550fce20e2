"""Reading rows: L-ROWS-1..3."""

import inspect

import pytest

import sql_trace
from datamill.db import Database, NotFoundError, Queryable, Table


class Recorder(sql_trace.Recorder):
    def last_select(self):
        return [
            entry
            for entry in self
            if not entry[0].startswith(("select name from sqlite_master", "PRAGMA"))
        ]


@pytest.fixture
def db():
    database = Database(memory=True)
    database["pets"].insert_all(
        [
            {"name": "Cleo", "age": 5},
            {"name": "Bo", "age": 3},
            {"name": "Pancakes", "age": 1},
            {"name": "Rex", "age": 7},
        ]
    )
    database["species"].insert({"species": "dog", "id": 3, "name": "Cleo"}, pk=("species", "id"))
    database["species"].insert({"species": "cat", "id": 1, "name": "Tom"})
    return database


def test_rows_1_signature():
    """L-ROWS-1: rows_where(where, where_args, order_by, select, limit, offset)."""
    params = inspect.signature(Queryable.rows_where).parameters
    assert [(n, p.default) for n, p in params.items()][1:] == [
        ("where", None),
        ("where_args", None),
        ("order_by", None),
        ("select", "*"),
        ("limit", None),
        ("offset", None),
    ]


def test_rows_1_documented_example(db):
    """L-ROWS-1: the SQL of the documented example, exactly."""
    pets = db["pets"]
    recorder = Recorder()
    with db.tracer(recorder):
        rows = list(
            pets.rows_where("age > ?", [2], order_by="age desc", select="name, age", limit=2)
        )
    assert rows == [{"name": "Rex", "age": 7}, {"name": "Cleo", "age": 5}]
    assert recorder.last_select() == [
        ('select name, age from "pets" where age > ? order by age desc limit 2', [2])
    ]


@pytest.mark.parametrize(
    "kwargs, sql, names",
    [
        ({}, 'select * from "pets"', ["Cleo", "Bo", "Pancakes", "Rex"]),
        (
            {"order_by": "name"},
            'select * from "pets" order by name',
            ["Bo", "Cleo", "Pancakes", "Rex"],
        ),
        ({"limit": 1}, 'select * from "pets" limit 1', ["Cleo"]),
        ({"offset": 2}, 'select * from "pets" limit -1 offset 2', ["Pancakes", "Rex"]),
        ({"limit": 1, "offset": 1}, 'select * from "pets" limit 1 offset 1', ["Bo"]),
        (
            {"where": "age < :a", "where_args": {"a": 4}, "order_by": "age"},
            'select * from "pets" where age < :a order by age',
            ["Pancakes", "Bo"],
        ),
    ],
)
def test_rows_1_clauses(db, kwargs, sql, names):
    """L-ROWS-1: where/order by/limit/offset clauses appear in order; offset alone gets limit -1."""
    pets = db["pets"]
    recorder = Recorder()
    with db.tracer(recorder):
        rows = list(pets.rows_where(**kwargs))
    assert [row["name"] for row in rows] == names
    assert [entry[0] for entry in recorder.last_select()] == [sql]


def test_rows_1_rows_property(db):
    """L-ROWS-1: rows is rows_where()."""
    assert list(db["pets"].rows) == list(db["pets"].rows_where())
    assert list(db["pets"].rows)[0] == {"name": "Cleo", "age": 5}


def test_rows_1_missing_table_yields_nothing(db):
    """L-ROWS-1: a missing table yields nothing and raises nothing."""
    assert list(db["missing"].rows_where("nonsense = ?", [1])) == []
    assert list(db["missing"].rows) == []


def test_rows_1_views(db):
    """L-ROWS-1: views work too."""
    db.create_view("old", "select name from pets where age > 4")
    assert list(db["old"].rows_where(order_by="name")) == [{"name": "Cleo"}, {"name": "Rex"}]


def test_rows_1_duplicate_columns(db):
    """L-ROWS-1 / L-QRY-3: duplicate result names are deduplicated."""
    assert list(db["pets"].rows_where("age = 5", select="name, name, age as name_2")) == [
        {"name": "Cleo", "name_3": "Cleo", "name_2": 5}
    ]


def test_rows_1_is_lazy(db):
    """L-ROWS-1: rows_where is a generator; bad SQL raises when iterated."""
    rows = db["pets"].rows_where("no_such_column = 1")
    assert inspect.isgenerator(rows)
    with pytest.raises(Exception) as excinfo:
        list(rows)
    assert str(excinfo.value) == "no such column: no_such_column"


def test_rows_2_rowid_table(db):
    """L-ROWS-2: rowid tables get a bare rowid prepended; pk is the rowid."""
    pets = db["pets"]
    recorder = Recorder()
    with db.tracer(recorder):
        pairs = list(pets.pks_and_rows_where(where="age > ?", where_args=[4], order_by="age"))
    assert pairs == [
        (1, {"rowid": 1, "name": "Cleo", "age": 5}),
        (4, {"rowid": 4, "name": "Rex", "age": 7}),
    ]
    assert [entry[0] for entry in recorder.last_select()] == [
        'select rowid,"name","age" from "pets" where age > ? order by age'
    ]


def test_rows_2_compound_pk(db):
    """L-ROWS-2: a compound pk is a tuple in declaration order."""
    species = db["species"]
    recorder = Recorder()
    with db.tracer(recorder):
        pairs = list(species.pks_and_rows_where(order_by="id desc"))
    assert pairs == [
        (("dog", 3), {"species": "dog", "id": 3, "name": "Cleo"}),
        (("cat", 1), {"species": "cat", "id": 1, "name": "Tom"}),
    ]
    assert [entry[0] for entry in recorder.last_select()] == [
        'select "species","id","name" from "species" order by id desc'
    ]


def test_rows_2_pk_declaration_order():
    """L-ROWS-2: the tuple follows PRIMARY KEY(...) order, not column order."""
    db = Database(memory=True)
    db.execute("create table t (a, b, c, primary key (c, a))")
    db.execute("insert into t values (1, 2, 3)")
    assert list(db["t"].pks_and_rows_where()) == [((3, 1), {"a": 1, "b": 2, "c": 3})]


def test_rows_2_single_pk_and_limit_offset(db):
    """L-ROWS-2: a single-column pk is a scalar; limit/offset pass through."""
    db["people"].insert_all([{"id": n, "v": n * 10} for n in range(1, 6)], pk="id")
    assert list(db["people"].pks_and_rows_where(limit=2, offset=1)) == [
        (2, {"id": 2, "v": 20}),
        (3, {"id": 3, "v": 30}),
    ]


def test_rows_2_views(db):
    """L-ROWS-2: works on views (rowid is None there)."""
    db.create_view("v", "select name from pets where age = 5")
    assert list(db["v"].pks_and_rows_where()) == [(None, {"rowid": None, "name": "Cleo"})]


def test_rows_3_get(db):
    """L-ROWS-3: get by scalar, tuple or list; SQL and last_pk."""
    species = db["species"]
    recorder = Recorder()
    with db.tracer(recorder):
        row = species.get(("dog", 3))
    assert row == {"species": "dog", "id": 3, "name": "Cleo"}
    assert recorder.last_select() == [
        ('select * from "species" where "species" = ? and "id" = ?', ["dog", 3])
    ]
    assert species.last_pk == ("dog", 3)
    assert species.get(["cat", 1]) == {"species": "cat", "id": 1, "name": "Tom"}
    pets = db["pets"]
    assert pets.get(2) == {"name": "Bo", "age": 3}
    assert pets.last_pk == 2
    db["people"].insert({"id": 5, "name": "Ana"}, pk="id")
    people = db["people"]
    with db.tracer(recorder := Recorder()):
        assert people.get(5) == {"id": 5, "name": "Ana"}
    assert recorder.last_select() == [('select * from "people" where "id" = ?', [5])]
    assert people.last_pk == 5


def test_rows_3_not_found(db):
    """L-ROWS-3: no row -> NotFoundError with an empty message."""
    with pytest.raises(NotFoundError) as excinfo:
        db["pets"].get(99)
    assert str(excinfo.value) == ""
    assert excinfo.value.args == ()


def test_rows_3_missing_table_is_not_found(db):
    """L-ROWS-3: a table that does not exist has no row either (as the baseline)."""
    with pytest.raises(NotFoundError) as excinfo:
        db["missing"].get(1)
    assert str(excinfo.value) == ""


@pytest.mark.parametrize(
    "table, value, message",
    [
        ("species", "dog", "Need 2 primary key values"),
        ("species", ("dog", 3, 4), "Need 2 primary key values"),
        ("pets", (1, 2), "Need 1 primary key value"),
    ],
)
def test_rows_3_wrong_number_of_values(db, table, value, message):
    """L-ROWS-3: the wrong number of pk values is a NotFoundError naming the count."""
    with pytest.raises(NotFoundError) as excinfo:
        db[table].get(value)
    assert str(excinfo.value) == message


def test_rows_3_get_leaves_last_pk_on_failure(db):
    """L-ROWS-3: a failed get does not change last_pk."""
    pets = db["pets"]
    pets.get(1)
    with pytest.raises(NotFoundError):
        pets.get(42)
    assert pets.last_pk == 1
    assert isinstance(pets, Table)
