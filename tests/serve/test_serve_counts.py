"""Counts: exact when cheap, honest lower bounds when not (SV-CNT, A8, SV-FIX-4)."""

from __future__ import annotations

import sqlite3

import pytest
from serve_helpers import client_for, garden_db

from datamill import Database

SLOW = "length(hex(zeroblob(3000 + id % 2))) > 0"  # true for every row, and slow to compute


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("counts") / "big.db")
    conn = sqlite3.connect(path)
    conn.execute("create table numbers (id integer primary key, grp text)")
    conn.execute(
        "insert into numbers (grp) select case value % 3 when 0 then 'a' when 1 then 'b' else 'c' end "
        "from generate_series(1, 300000)"
        if _has_series(conn)
        else "with recursive r(n) as (select 1 union all select n + 1 from r where n < 300000) "
        "insert into numbers (grp) select case n % 3 when 0 then 'a' when 1 then 'b' else 'c' end from r"
    )
    conn.execute("create view odd as select * from numbers where id % 2 = 1")
    conn.commit()
    conn.close()
    return path


def _has_series(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("select * from generate_series(1, 1)")
        return True
    except sqlite3.Error:
        return False


def test_exact_count_when_cheap(big):
    with client_for(big) as client:
        body = client.get("/big/numbers.json?_size=1&_extra=count").json()
        assert (body["count"], body["count_truncated"]) == (300000, False)
        body = client.get("/big/numbers.json?_size=1&grp=a&_extra=count,count_truncated").json()
        assert (body["count"], body["count_truncated"]) == (100000, False)


def test_time_capped_count_is_a_lower_bound_sv_cnt_1(big):
    with client_for(big, settings={"count_time_limit_ms": "30"}) as client:
        body = client.get(
            "/big/numbers.json", params={"_size": "50", "_where": SLOW, "_extra": "count"}
        ).json()
    assert body["count_truncated"] is True
    assert 51 <= body["count"] < 300000  # at least the rows the page read, never more than match


def test_view_count_on_time_out_counts_the_page(big):
    with client_for(big, settings={"count_time_limit_ms": "1"}) as client:
        body = client.get(
            "/big/odd.json", params={"_size": "20", "_where": SLOW, "_extra": "count"}
        ).json()
    assert body["count_truncated"] is True
    assert 21 <= body["count"] <= 150000


def test_nocount_gives_null_a8(big):
    with client_for(big) as client:
        body = client.get("/big/numbers.json?_size=1&_nocount=1&_extra=count").json()
    assert (body["count"], body["count_truncated"]) == (None, False)


def test_unfiltered_count_comes_from_counts_table(tmp_path):
    path = garden_db(tmp_path / "garden.db")
    Database(path)["plants"].enable_counts()
    conn = sqlite3.connect(path)
    conn.execute("update _counts set count = 4321 where \"table\" = 'plants'")
    conn.commit()
    conn.close()
    with client_for(path) as client:
        assert client.get("/garden/plants.json?_extra=count").json()["count"] == 4321
        assert client.get("/garden/plants.json?kind=herb&_extra=count").json()["count"] == 2


def test_html_count_texts_sv_cnt_2(tmp_path, big):
    path = garden_db(tmp_path / "garden.db")
    with client_for(path) as client:
        assert '<p class="count">4 rows' in client.get("/garden/plants").text
        assert '<p class="count">1 row where id = 1' in client.get("/garden/plants?id=1").text
        assert '<p class="count">rows not counted' in client.get("/garden/plants?_nocount=1").text
    with client_for(big) as client:
        assert '<p class="count">300,000 rows' in client.get("/big/numbers").text
    with client_for(big, settings={"count_time_limit_ms": "20"}) as client:
        text = client.get("/big/numbers", params={"_where": SLOW}).text
    assert '<p class="count">&gt;= ' in text


def test_database_page_counts_within_a_budget_sv_cnt_3(tmp_path):
    path = str(tmp_path / "many.db")
    conn = sqlite3.connect(path)
    for n in range(12):
        conn.execute(f"create table t{n:02d} (id integer primary key, v text)")
        conn.execute(
            f"with recursive r(n) as (select 1 union all select n + 1 from r where n < 150000) "
            f"insert into t{n:02d} (v) select hex(n) from r"
        )
    conn.commit()
    conn.close()
    with client_for(path, settings={"count_time_limit_ms": "1"}) as client:
        tables = client.get("/many.json").json()["tables"]
        assert [t["name"] for t in tables] == [f"t{n:02d}" for n in range(12)]
        assert (tables[-1]["count"], tables[-1]["count_truncated"]) == (None, True)
        for table in tables:
            assert table["count"] is None or table["count"] <= 150000
            assert table["count_truncated"] or table["count"] == 150000
    with client_for(path, settings={"count_time_limit_ms": "2000"}) as client:
        for _ in range(10):
            tables = client.get("/many.json").json()["tables"]
            if all(not t["count_truncated"] for t in tables):
                break
        assert [t["count"] for t in tables] == [150000] * 12


def test_database_json_keys_sv_json_1(tmp_path):
    path = garden_db(tmp_path / "garden.db")
    Database(path)["plants"].enable_fts(["name"])
    Database(path).create_view("tall", "select * from plants where height > 30")
    with client_for(path) as client:
        body = client.get("/garden.json").json()
    assert list(body) == ["ok", "database", "size", "immutable", "tables", "views", "history"]
    assert body["views"] == [{"name": "tall", "private": False}]
    assert body["history"] is None
    names = [t["name"] for t in body["tables"]]
    assert names == ["plants", "plants_fts"]  # shadow tables are left out (A5)
    plants, fts = body["tables"]
    assert plants == {
        "name": "plants",
        "columns": ["id", "name", "kind", "height"],
        "primary_keys": ["id"],
        "count": 4,
        "count_truncated": False,
        "hidden": False,
        "fts_table": "plants_fts",
    }
    assert fts["hidden"] is True
