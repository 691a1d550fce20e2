"""SQL functions: L-FUNC-1..3 (L-FUNC-4 belongs to the FTS work)."""

import inspect
import sys

import pytest

from datamill.db import Database
from datamill.utils import sqlite3


@pytest.fixture
def db():
    return Database(memory=True)


def test_func_1_signature():
    """L-FUNC-1: register_function(fn=None, deterministic=False, replace=False, name=None)."""
    params = inspect.signature(Database.register_function).parameters
    assert [(n, p.default) for n, p in params.items()][1:] == [
        ("fn", None),
        ("deterministic", False),
        ("replace", False),
        ("name", None),
    ]


def test_func_1_direct_call_returns_none(db):
    """L-FUNC-1: a direct call registers fn.__name__ with fn's arity and returns None."""

    def add_up(a, b):
        return a + b

    assert db.register_function(add_up) is None
    assert db.execute("select add_up(2, 3)").fetchone() == (5,)
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.execute("select add_up(1)")
    assert str(excinfo.value) == "wrong number of arguments to function add_up()"


def test_func_1_bare_decorator_rebinds_to_none(db):
    """L-FUNC-1: @db.register_function rebinds the decorated name to None."""

    @db.register_function
    def shout(s):
        return s.upper()

    assert shout is None
    assert db.execute("select shout('hi')").fetchone() == ("HI",)


def test_func_1_decorator_with_arguments_returns_fn(db):
    """L-FUNC-1: @db.register_function(name=..., deterministic=True) returns fn."""

    @db.register_function(name="rev", deterministic=True)
    def reverse_string(s):
        return s[::-1]

    assert reverse_string("abc") == "cba"
    assert db.execute("select rev('abc')").fetchone() == ("cba",)
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.execute("select reverse_string('abc')")
    assert str(excinfo.value) == "no such function: reverse_string"


def test_func_1_zero_arity(db):
    """L-FUNC-1: arity is the number of parameters, including zero."""

    def forty_two():
        return 42

    db.register_function(forty_two)
    assert db.execute("select forty_two()").fetchone() == (42,)


def test_func_2_same_name_and_arity_skipped_unless_replace(db):
    """L-FUNC-2: re-registering (name, arity) is skipped unless replace=True."""
    db.register_function(lambda: 1, name="one")
    db.register_function(lambda: 2, name="one")
    assert db.execute("select one()").fetchone() == (1,)
    db.register_function(lambda: 3, name="one", replace=True)
    assert db.execute("select one()").fetchone() == (3,)


def test_func_2_different_arity_is_a_new_registration(db):
    """L-FUNC-2: the registry key is (name, arity)."""
    db.register_function(lambda a: a * 2, name="f")
    db.register_function(lambda a, b: a * b, name="f")
    assert db.execute("select f(4), f(4, 5)").fetchone() == (8, 20)


def test_func_2_deterministic_allows_use_in_index(db):
    """L-FUNC-2: deterministic=True registers the flag (usable in an expression index)."""
    db.register_function(lambda s: s.lower(), name="low_det", deterministic=True)
    db.register_function(lambda s: s.lower(), name="low_nondet")
    db.execute("create table t (name text)")
    db.execute("create index i1 on t (low_det(name))")
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.execute("create index i2 on t (low_nondet(name))")
    assert "non-deterministic functions prohibited in index expressions" in str(excinfo.value)


def test_func_2_deterministic_falls_back_when_not_supported(db, monkeypatch):
    """L-FUNC-2: on NotSupportedError the function is registered without the flag."""
    calls = []

    class FakeConn:
        def create_function(self, name, arity, fn, **kwargs):
            calls.append((name, arity, kwargs))
            if kwargs.get("deterministic"):
                raise sqlite3.NotSupportedError("deterministic=True requires SQLite 3.8.3")

    fake = FakeConn()
    monkeypatch.setattr(db, "conn", fake)
    db.register_function(lambda x: x, name="ident", deterministic=True)
    assert calls == [("ident", 1, {"deterministic": True}), ("ident", 1, {})]


def test_func_3_udf_exception_becomes_operational_error(db):
    """L-FUNC-3: an exception in a UDF reaches the caller as sqlite3.OperationalError."""

    def explode(x):
        raise ValueError("nope")

    db.register_function(explode)
    with pytest.raises(sqlite3.OperationalError) as excinfo:
        db.execute("select explode(1)").fetchall()
    assert str(excinfo.value) == "user-defined function raised exception"
    with pytest.raises(sqlite3.OperationalError):
        list(db.query("select explode(1)"))
    assert not db.conn.in_transaction


def test_func_3_callback_tracebacks(db, monkeypatch):
    """L-FUNC-3: utils.sqlite3.enable_callback_tracebacks(True) reports the Python error."""
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: reported.append(info.exc_value))

    def explode(x):
        raise ValueError("visible traceback")

    db.register_function(explode)
    sqlite3.enable_callback_tracebacks(True)
    try:
        with pytest.raises(sqlite3.OperationalError):
            db.execute("select explode(1)").fetchall()
    finally:
        sqlite3.enable_callback_tracebacks(False)
    assert [repr(error) for error in reported] == ["ValueError('visible traceback')"]
