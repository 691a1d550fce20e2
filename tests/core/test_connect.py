"""Connecting and general conventions: L-CONN-1..10, L-GEN-1..6."""

import datetime
import decimal
import importlib
import inspect
import pathlib
import re
import sys
import uuid

import pytest

import datamill
from datamill.db import DEFAULT, Database, Default, Table, TransactionError
from datamill.utils import sqlite3


def test_gen_1_import_paths():
    """L-GEN-1: the documented names resolve from each public module."""
    for name in ("Database", "Migrations", "ANY", "hookimpl", "hookspec", "suggest_column_types"):
        assert hasattr(datamill, name), name
    modules = {
        "datamill.migrations": ["Migrations"],
        "datamill.hookspecs": ["hookspec", "hookimpl", "register_commands", "prepare_connection"],
        "datamill.plugins": ["pm", "get_plugins", "ensure_plugins_loaded"],
        "datamill.recipes": ["parsedate", "parsedatetime", "jsonsplit", "IGNORE", "SET_NULL"],
        "datamill.create_table_parser": [
            "Check",
            "Unique",
            "UniqueColumn",
            "ColumnComments",
            "ParseError",
            "parse_checks",
            "parse_uniques",
            "parse_column_comments",
            "parse_autoincrement",
        ],
    }
    for module_name, names in modules.items():
        module = importlib.import_module(module_name)
        for name in names:
            assert hasattr(module, name), f"{module_name}.{name}"
    db_names = (
        "Database Queryable Table View OperationalError DEFAULT Default quote_identifier "
        "fold_identifier_case resolve_casing jsonify_if_needed resolve_extracts "
        "AlterError NoObviousTable NoTable NoView BadPrimaryKey NotFoundError "
        "PrimaryKeyRequired InvalidColumns TransactionError TransformError BadMultiValues "
        "ForeignKey Column ColumnDetails Index XIndex XIndexColumn Trigger DescIndex ANY "
        "SQLITE_MAX_VARS ROWID_ALIASES COLUMN_TYPE_MAPPING Check"
    ).split()
    db_module = importlib.import_module("datamill.db")
    for name in db_names:
        assert hasattr(db_module, name), name
    utils = importlib.import_module("datamill.utils")
    for name in ("sqlite3", "OperationalError", "ANY", "hash_record", "chunks", "flatten"):
        assert hasattr(utils, name), name
    assert datamill.Database is db_module.Database
    assert datamill.ANY is db_module.ANY is utils.ANY
    assert db_module.OperationalError is utils.OperationalError is utils.sqlite3.OperationalError


def test_gen_2_quote_identifier():
    """L-GEN-2: identifiers are double-quoted with embedded quotes doubled."""
    from datamill.db import quote_identifier

    assert quote_identifier('a"b') == '"a""b"'
    assert quote_identifier("plain") == '"plain"'
    assert quote_identifier("with space") == '"with space"'


def test_gen_3_casing_helpers():
    """L-GEN-3: exact match wins, ASCII-only folding, fallback to the name itself."""
    from datamill.db import fold_identifier_case, resolve_casing

    assert resolve_casing("name", ["Name", "name"]) == "name"
    assert resolve_casing("NAME", ["id", "Name"]) == "Name"
    assert resolve_casing("missing", ["id", "Name"]) == "missing"
    assert fold_identifier_case("ABC_Def") == "abc_def"
    # Non-ASCII letters are not folded.
    assert fold_identifier_case("ÉCOLE") == "École"
    assert resolve_casing("é", ["É"]) == "é"


def test_gen_3_case_insensitive_get_and_pk():
    """L-GEN-3: column names given in another case match the schema; rows keep its spelling."""
    db = Database(memory=True)
    db["dogs"].insert({"Id": 1, "Name": "Cleo"}, pk="ID")
    assert db["dogs"].pks == ["Id"]
    assert db["dogs"].get(1) == {"Id": 1, "Name": "Cleo"}


def test_gen_3_case_insensitive_creation_arguments():
    """L-GEN-3: pk, not_null, defaults and column_order match the record's keys in any case."""
    db = Database(memory=True)
    db["a"].insert(
        {"Id": 1, "Name": "x", "Age": 3},
        pk="ID",
        not_null={"NAME"},
        defaults={"age": 5},
        column_order=["age", "name"],
    )
    assert db["a"].schema == (
        'CREATE TABLE "a" (\n'
        '   "Age" INTEGER DEFAULT 5,\n'
        '   "Name" TEXT NOT NULL,\n'
        '   "Id" INTEGER PRIMARY KEY\n'
        ")"
    )
    db["a"].upsert({"id": 1, "name": "y"}, pk="id")
    db["a"].insert({"id": 2, "NAME": "z"})
    db["a"].update(2, {"name": "w"})
    assert list(db["a"].rows) == [
        {"Age": 3, "Name": "y", "Id": 1},
        {"Age": 5, "Name": "w", "Id": 2},
    ]


def test_gen_3_alter_adds_only_really_new_columns():
    """L-GEN-3: alter=True does not add a column that differs only in case."""
    db = Database(memory=True)
    db["b"].insert({"Id": 1, "V": 1}, pk="Id")
    db["b"].insert({"id": 2, "v": 2, "W": 3}, alter=True)
    assert [c.name for c in db["b"].columns] == ["Id", "V", "W"]
    assert list(db["b"].rows) == [{"Id": 1, "V": 1, "W": None}, {"Id": 2, "V": 2, "W": 3}]


def test_gen_4_default_sentinel():
    """L-GEN-4: DEFAULT is the sole Default instance; value_or_default resolves it."""
    assert Default() is DEFAULT
    assert isinstance(DEFAULT, Default)
    db = Database(memory=True)
    table = db.table("t", pk="id", batch_size=5)
    assert table.value_or_default("pk", DEFAULT) == "id"
    assert table.value_or_default("pk", "other") == "other"
    assert table.value_or_default("batch_size", DEFAULT) == 5
    assert table.value_or_default("alter", DEFAULT) is False


def test_gen_5_return_values():
    """L-GEN-5: mutating methods chain; the documented exceptions return what they say."""
    db = Database(memory=True)
    table = db["t"]
    assert table.insert({"id": 1}) is table
    assert table.insert_all([{"id": 2}]) is table
    assert table.create_index(["id"]) is table
    assert isinstance(db.create_table("c", {"id": int}), Table)
    assert db.create_view("v", "select 1") is db
    dup = table.duplicate("t2")
    assert isinstance(dup, Table) and dup.name == "t2"
    assert table.enable_counts() is None
    assert table.analyze() is None
    assert db.vacuum() is None
    assert dup.drop() is None


class _Opaque:
    def __repr__(self):
        return "<opaque>"


def test_gen_6_jsonify_values_on_write():
    """L-GEN-6: values are encoded on insert exactly as the table says."""
    db = Database(memory=True)
    row = {
        "d": {"b": 1, "a": "é"},
        "l": [1, "x"],
        "t": (1, 2),
        "nested": {"o": _Opaque()},
        "dec": decimal.Decimal("1.5"),
        "dt": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "date": datetime.date(2024, 1, 2),
        "time": datetime.time(3, 4),
        "delta": datetime.timedelta(hours=1),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "yes": True,
        "no": False,
        "blob": b"\x00\x01",
        "none": None,
        "i": 3,
        "f": 2.5,
        "s": "text",
    }
    db["t"].insert(row)
    stored = db.execute("select * from t").fetchone()
    got = dict(zip([d[0] for d in db.execute("select * from t").description], stored))
    assert got["d"] == '{"b": 1, "a": "é"}'
    assert got["l"] == '[1, "x"]'
    assert got["t"] == "[1, 2]"
    assert got["nested"] == '{"o": "<opaque>"}'
    assert got["dec"] == 1.5
    assert got["dt"] == "2024-01-02T03:04:05"
    assert got["date"] == "2024-01-02"
    assert got["time"] == "03:04:00"
    assert got["delta"] == "1:00:00"
    assert got["uuid"] == "12345678-1234-5678-1234-567812345678"
    assert (got["yes"], got["no"]) == (1, 0)
    assert got["blob"] == b"\x00\x01"
    assert got["none"] is None
    assert (got["i"], got["f"], got["s"]) == (3, 2.5, "text")


def test_gen_6_jsonify_if_needed_function():
    """L-GEN-6: the helper itself."""
    from datamill.db import jsonify_if_needed

    assert jsonify_if_needed({"b": 1, "a": "é"}) == '{"b": 1, "a": "é"}'
    assert jsonify_if_needed((1, 2)) == "[1, 2]"
    assert jsonify_if_needed(decimal.Decimal("2.25")) == 2.25
    assert jsonify_if_needed(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert jsonify_if_needed(b"x") == b"x"
    assert jsonify_if_needed(7) == 7


def test_conn_1_signature():
    """L-CONN-1: constructor parameters and defaults, in order."""
    params = inspect.signature(Database.__init__).parameters
    assert [(n, p.default) for n, p in params.items()][1:] == [
        ("filename_or_conn", None),
        ("memory", False),
        ("memory_name", None),
        ("recreate", False),
        ("recursive_triggers", True),
        ("tracer", None),
        ("use_counts_table", False),
        ("execute_plugins", True),
        ("use_old_upsert", False),
        ("strict", False),
    ]
    assert callable(Database.close)


MSG_SOURCE = "Either specify a filename_or_conn or pass memory=True"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"filename_or_conn": "x.db", "memory": True},
        {"filename_or_conn": "x.db", "memory_name": "m"},
    ],
)
def test_conn_2_exactly_one_source(kwargs, tmp_path, monkeypatch):
    """L-CONN-2: no source, or a path plus memory, is a ValueError."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError) as excinfo:
        Database(**kwargs)
    assert str(excinfo.value) == MSG_SOURCE
    assert not (tmp_path / "x.db").exists()


def test_conn_3_path_creates_file(tmp_path):
    """L-CONN-3: str and pathlib.Path paths are opened, creating the file."""
    path = tmp_path / "new.db"
    db = Database(path)
    db["t"].insert({"a": 1})
    db.close()
    assert path.exists()
    db2 = Database(str(path))
    assert db2.execute("select a from t").fetchall() == [(1,)]
    assert db2.memory is False
    db2.close()


def test_conn_3_memory_is_private():
    """L-CONN-3: ":memory:" and memory=True are private in-memory databases."""
    a = Database(":memory:")
    b = Database(memory=True)
    a["t"].insert({"x": 1})
    assert a.memory is True and b.memory is True
    assert b.table_names() == []
    assert Database(memory=True).table_names() == []


def test_conn_4_recreate(tmp_path):
    """L-CONN-4: recreate deletes an existing file first."""
    path = tmp_path / "r.db"
    db = Database(path)
    db["t"].insert({"a": 1})
    db.close()
    db = Database(path, recreate=True)
    assert db.table_names() == []
    db.close()
    # recreate on a missing file just creates it
    missing = tmp_path / "missing.db"
    Database(missing, recreate=True).close()
    assert missing.exists()


def test_conn_4_recreate_oserror_propagates(tmp_path):
    """L-CONN-4: an OSError from deleting the file propagates."""
    directory = tmp_path / "adir.db"
    directory.mkdir()
    with pytest.raises(OSError):
        Database(directory, recreate=True)


def test_conn_4_recreate_with_connection():
    """L-CONN-4: recreate with a connection object is a ValueError."""
    conn = sqlite3.connect(":memory:")
    with pytest.raises(ValueError) as excinfo:
        Database(conn, recreate=True)
    assert str(excinfo.value) == "recreate cannot be used with connections, only paths"


def test_conn_5_connection_used_as_is():
    """L-CONN-5: a passed connection is used directly."""
    conn = sqlite3.connect(":memory:")
    db = Database(conn)
    assert db.conn is conn
    db["t"].insert({"a": 1})
    assert conn.execute("select a from t").fetchall() == [(1,)]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="Connection.autocommit needs Python 3.12")
@pytest.mark.parametrize("autocommit", [True, False])
def test_conn_5_autocommit_connection_rejected(autocommit):
    """L-CONN-5: autocommit=True/False connections raise TransactionError."""
    conn = sqlite3.connect(":memory:", autocommit=autocommit)
    with pytest.raises(TransactionError) as excinfo:
        Database(conn)
    assert str(excinfo.value) == (
        "datamill requires a connection that uses the default transaction handling - "
        "connections created with autocommit=True or autocommit=False are not supported"
    )


class _ConnectionWithAutocommit:
    """Stands in for a Python 3.12 connection whose autocommit attribute is not legacy."""

    def __init__(self, autocommit):
        self.autocommit = autocommit


@pytest.mark.parametrize("autocommit", [True, False])
def test_conn_5_autocommit_check_logic(monkeypatch, autocommit):
    """L-CONN-5 on any Python: the 3.12 check rejects non-legacy autocommit values."""
    import types

    from datamill.core import database as database_module

    monkeypatch.setattr(database_module, "sys", types.SimpleNamespace(version_info=(3, 12, 0)))
    legacy = getattr(sqlite3, "LEGACY_TRANSACTION_CONTROL", -1)
    monkeypatch.setattr(sqlite3, "LEGACY_TRANSACTION_CONTROL", legacy, raising=False)
    with pytest.raises(TransactionError) as excinfo:
        Database(_ConnectionWithAutocommit(autocommit))
    assert str(excinfo.value).startswith("datamill requires a connection that uses the default")
    legacy_conn = sqlite3.connect(":memory:")
    assert Database(legacy_conn).conn is legacy_conn


def test_conn_6_memory_name_shared():
    """L-CONN-6: databases with the same memory_name share data while one stays open."""
    a = Database(memory_name="ct1_shared")
    b = Database(memory_name="ct1_shared")
    a["t"].insert({"a": 1})
    assert b.execute("select a from t").fetchall() == [(1,)]
    assert a.memory is True and a.memory_name == "ct1_shared"
    other = Database(memory_name="ct1_other")
    assert other.table_names() == []
    a.close()
    b.close()
    # once every handle is closed the data is gone
    c = Database(memory_name="ct1_shared")
    assert c.table_names() == []
    c.close()


def test_conn_6_memory_name_usable_from_other_threads():
    """L-CONN-6: the shared-cache connection is opened with check_same_thread=False."""
    import threading

    db = Database(memory_name="ct1_threads")
    errors = []

    def work():
        try:
            db["t"].insert({"a": 1})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == []
    assert db.execute("select a from t").fetchall() == [(1,)]
    db.close()


def test_conn_7_attributes():
    """L-CONN-7: attributes reflect the arguments."""
    db = Database(memory=True, strict=True, use_counts_table=True, use_old_upsert=True)
    assert db.memory is True
    assert db.memory_name is None
    assert db.strict is True
    assert db.use_counts_table is True
    assert db.use_old_upsert is True
    assert isinstance(db.conn, sqlite3.Connection)
    plain = Database(memory=True)
    assert (plain.strict, plain.use_counts_table, plain.use_old_upsert) == (False, False, False)


def test_conn_7_recursive_triggers_first_traced_statement():
    """L-CONN-7: PRAGMA recursive_triggers=on; is the first statement a tracer sees."""
    seen = []
    db = Database(memory=True, tracer=lambda sql, params: seen.append((sql, params)))
    assert seen[0] == ("PRAGMA recursive_triggers=on;", None)
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    off = Database(memory=True, recursive_triggers=False)
    assert off.execute("PRAGMA recursive_triggers").fetchone()[0] == 0


def test_conn_7_tracer_is_permanent():
    """L-CONN-7: a constructor tracer keeps tracing."""
    seen = []
    db = Database(memory=True, tracer=lambda sql, params: seen.append(sql))
    db.execute("select 1")
    db.execute("select 2")
    assert seen[-2:] == ["select 1", "select 2"]


def test_conn_7_strict_makes_table_default_strict():
    """L-CONN-7: strict=True makes db.table() default strict to True."""
    db = Database(memory=True, strict=True)
    db["t"].insert({"a": 1})
    assert db["t"].strict is True
    assert db.table("u", strict=False).insert({"a": 1}).strict is False


def test_conn_8_close_rolls_back_open_transaction(tmp_path):
    """L-CONN-8: close() rolls back an open transaction."""
    path = tmp_path / "c.db"
    db = Database(path)
    db["t"].insert({"a": 1})
    db.begin()
    db["t"].insert({"a": 2})
    db.close()
    db = Database(path)
    assert db.execute("select a from t").fetchall() == [(1,)]
    with pytest.raises(sqlite3.ProgrammingError):
        db.close() or db.execute("select 1")


def test_conn_8_with_closes_and_never_commits(tmp_path):
    """L-CONN-8: `with Database(...)` closes on exit and is not a transaction."""
    path = tmp_path / "w.db"
    with Database(path) as db:
        db["t"].insert({"a": 1})
        db.begin()
        db["t"].insert({"a": 2})
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("select 1")
    with Database(path) as again:
        assert again.execute("select a from t").fetchall() == [(1,)]


def test_conn_9_attach(tmp_path, monkeypatch):
    """L-CONN-9: ATTACH DATABASE with the absolute resolved path, alias quoted."""
    other = Database(tmp_path / "other.db")
    other["dogs"].insert({"name": "Cleo"})
    other.close()
    monkeypatch.chdir(tmp_path)
    seen = []
    db = Database(memory=True, tracer=lambda sql, params: seen.append(sql))
    db.attach("other db", "other.db")
    resolved = str(pathlib.Path(tmp_path / "other.db").resolve())
    assert seen[-1] == f"ATTACH DATABASE '{resolved}' AS \"other db\";"
    assert list(db.query('select name from "other db".dogs')) == [{"name": "Cleo"}]


def test_conn_9_attach_path_with_quote(tmp_path):
    """L-CONN-9: a quote in the path is doubled inside the SQL string literal."""
    path = tmp_path / "it's.db"
    other = Database(path)
    other["t"].insert({"a": 1})
    other.close()
    seen = []
    db = Database(memory=True, tracer=lambda sql, params: seen.append(sql))
    db.attach("o", path)
    literal = str(path.resolve()).replace("'", "''")
    assert seen[-1] == f"ATTACH DATABASE '{literal}' AS \"o\";"
    assert list(db.query("select a from o.t")) == [{"a": 1}]


def test_conn_10_repr():
    """L-CONN-10: <Database <sqlite3.Connection object at 0x...>>."""
    db = Database(memory=True)
    assert repr(db) == f"<Database {db.conn!r}>"
    assert re.fullmatch(r"<Database <sqlite3\.Connection object at 0x[0-9a-f]+>>", repr(db))
