"""Property tests: random rows of mixed types read back as L-TYPE and L-GEN-6 say
(L-INS-4, L-IMP-3, L-TYPE-3), whatever the batch and statement sizes (L-IMP-2)."""

import json
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datamill.db import Database

NoneType = type(None)

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
safe_ints = st.integers(min_value=-(2**53), max_value=2**53)
floats = st.floats(allow_nan=False)

# Each column draws from its own pool, so that every L-TYPE-3 rule is reachable while the
# stored value stays predictable (SQLite's text rendering of REAL values is not Python's).
COLUMN_VALUES = {
    "whole": st.one_of(st.none(), ints, st.booleans()),
    "number": st.one_of(st.none(), safe_ints, floats, st.booleans()),
    "words": st.one_of(st.none(), text),
    "raw": st.one_of(st.none(), st.binary(max_size=8), text),
    "mixed": st.one_of(st.none(), ints, text, st.binary(max_size=4)),
    "doc": st.one_of(
        st.none(),
        st.lists(st.one_of(safe_ints, text), max_size=3),
        st.dictionaries(text, safe_ints, max_size=3),
    ),
    'Odd "name"': st.one_of(st.none(), text),
}

rows_strategy = st.lists(
    st.fixed_dictionaries({}, optional=COLUMN_VALUES), min_size=1, max_size=25
).filter(lambda rows: any(rows))


def expected_type(values):
    """L-TYPE-3, written independently of datamill.suggest_column_types."""
    types = {type(v) for v in values}
    if len(types) > 1:
        types.discard(NoneType)
    if types == {NoneType}:
        return "TEXT"
    if len(types) == 1:
        [kind] = types
        if kind in (list, dict):
            return "TEXT"
        return {int: "INTEGER", bool: "INTEGER", float: "REAL", str: "TEXT", bytes: "BLOB"}[kind]
    if types <= {int, bool}:
        return "INTEGER"
    if types <= {int, float, bool}:
        return "REAL"
    if types <= {bytes, str}:
        return "BLOB"
    return "TEXT"


def expected_value(value, sql_type):
    """What SQLite hands back for ``value`` stored in a column of ``sql_type``."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return {"INTEGER": value, "REAL": float(value), "TEXT": str(value)}[sql_type]
    return value


def first_seen_columns(rows):
    columns = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns


def read_back(db):
    return [
        dict(zip([c.name for c in db["t"].columns], r)) for r in db.execute('select * from "t"')
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rows_strategy)
def test_random_rows_round_trip_with_l_type_column_types(rows):
    db = Database(memory=True)
    db["t"].insert_all(rows)
    columns = first_seen_columns(rows)
    types = {c: expected_type([row[c] for row in rows if c in row]) for c in columns}
    assert [(c.name, c.type) for c in db["t"].columns] == [(c, types[c]) for c in columns]
    expected = [{c: expected_value(row.get(c), types[c]) for c in columns} for row in rows]
    actual = read_back(db)
    assert actual == expected
    for got_row, want_row in zip(actual, expected):
        assert {k: type(v) for k, v in got_row.items()} == {k: type(v) for k, v in want_row.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    rows_strategy, st.integers(min_value=0, max_value=20), st.integers(min_value=7, max_value=40)
)
def test_statement_splitting_does_not_change_the_result(rows, extra, limit):
    """L-IMP-2.3/L-IMP-3.1: however a first batch is split into statements by the host-parameter
    limit, the table gets the same types and rows as with the default limit."""
    reference = Database(memory=True)
    reference["t"].insert_all(rows)
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    db = Database(conn)
    db["t"].insert_all(rows, batch_size=len(rows) + extra)
    assert db["t"].schema == reference["t"].schema
    assert read_back(db) == read_back(reference)
