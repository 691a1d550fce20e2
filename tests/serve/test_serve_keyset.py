"""Keyset pages return every row exactly once, in the order of one ORDER BY (SV-TBL-4, A7, SV-FIX-8)."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serve_helpers import client_for

LAYOUTS = {
    "rowid": "create table t (s, v)",
    "integer_pk": "create table t (id integer primary key, s, v)",
    "text_pk": "create table t (id text primary key, s, v)",
    "compound": "create table t (a integer, b text, s, v, primary key (a, b))",
    "without_rowid": "create table t (a integer, b text, s, v, primary key (a, b)) without rowid",
}
SORT_VALUES = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.sampled_from(["a", "b", "B", ""]),
    st.sampled_from([1.5, -0.25]),
    st.just(b"\x00\xff"),
)


def _fill(conn: sqlite3.Connection, layout: str, sorts: list) -> None:
    conn.execute("drop table if exists t")
    conn.execute(LAYOUTS[layout])
    for n, value in enumerate(sorts):
        if layout == "rowid":
            conn.execute("insert into t (s, v) values (?, ?)", [value, n])
        elif layout == "integer_pk":
            conn.execute("insert into t (id, s, v) values (?, ?, ?)", [n * 7 % 1009, value, n])
        elif layout == "text_pk":
            conn.execute(
                "insert into t (id, s, v) values (?, ?, ?)", [f"k{n * 7 % 1009}", value, n]
            )
        else:
            conn.execute(
                "insert into t (a, b, s, v) values (?, ?, ?, ?)", [n % 3, f"b{n}", value, n]
            )
    conn.commit()


def _walk(client, url: str) -> list[int]:
    seen = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [row["v"] for row in body["rows"]]
        url = body["next_url"]
        pages += 1
        assert pages < 500
    return seen


@pytest.fixture(scope="module")
def paging(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("keyset") / "keyset.db")
    writer = sqlite3.connect(path)
    _fill(writer, "rowid", [])
    with client_for(path) as client:
        yield writer, client
    writer.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    sorts=st.lists(SORT_VALUES, max_size=40),
    descending=st.booleans(),
    size=st.integers(1, 7),
    sort=st.booleans(),
)
def test_every_row_exactly_once(paging, layout, sorts, descending, size, sort):
    writer, client = paging
    _fill(writer, layout, sorts)
    key = {"rowid": "rowid", "integer_pk": "id", "text_pk": "id"}.get(layout, "a, b")
    if sort:
        order = f"s {'desc' if descending else ''}, {key}"
        url = f"/keyset/t.json?_size={size}&{'_sort_desc' if descending else '_sort'}=s"
    else:
        order = key
        url = f"/keyset/t.json?_size={size}"
    expected = [row[0] for row in writer.execute(f"select v from t order by {order}")]
    assert _walk(client, url) == expected


def test_many_duplicates_descending_sv_fix_8(paging):
    """Both Datasette versions repeat and skip rows here; each row must come exactly once."""
    writer, client = paging
    _fill(writer, "integer_pk", [n % 3 for n in range(250)])
    expected = [row[0] for row in writer.execute("select v from t order by s desc, id")]
    assert _walk(client, "/keyset/t.json?_size=17&_sort_desc=s") == expected
    assert sorted(expected) == list(range(250))


def test_filters_and_keyset_together(paging):
    writer, client = paging
    _fill(writer, "compound", [n % 5 for n in range(60)])
    expected = [row[0] for row in writer.execute("select v from t where s >= 2 order by s, a, b")]
    assert _walk(client, "/keyset/t.json?_size=4&_sort=s&s__gte=2") == expected


def test_tokens_survive_data_changes(paging):
    writer, client = paging
    _fill(writer, "integer_pk", list(range(10)))
    first = client.get("/keyset/t.json?_size=3&_sort=s").json()
    assert [r["s"] for r in first["rows"]] == [0, 1, 2]
    writer.execute("delete from t where s in (2, 3)")
    writer.execute("insert into t (id, s, v) values (200, 1, 99), (201, 5, 98)")
    writer.commit()
    rest = _walk(client, first["next_url"])
    assert rest == [row[0] for row in writer.execute("select v from t where s > 2 order by s, id")]
