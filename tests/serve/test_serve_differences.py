"""Each deliberate difference from Datasette: SV-GEN-4 A9 and SV-FIX-1..9 (SV-FIX-7 is publish's)."""

from __future__ import annotations

import sqlite3

import pytest
from serve_helpers import client_for, error_of, garden_db

from datamill import Database


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = garden_db(tmp_path_factory.mktemp("fix") / "garden.db")
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        create table loose (name text, data blob);
        insert into loose values ('Ærø', x'cafe'), ('b', NULL), (NULL, NULL);
        create table numbers (id integer primary key, grp text);
        with recursive r(n) as (select 1 union all select n + 1 from r where n < 300000)
        insert into numbers (grp) select 'g' || (n % 5) from r;
        """
    )
    conn.commit()
    conn.close()
    Database(path)["plants"].enable_fts(["name", "kind"])
    return path


# -- A9 / SV-FIX-9: mistakes are 400s with a message ----------------------------------


def test_unknown_filter_column_is_a_400(client):
    assert (
        error_of(client.get("/garden/plants.json?colour=red"))
        == "Cannot filter on unknown column: colour"
    )


def test_unknown_filter_operator_is_a_400(client):
    assert (
        error_of(client.get("/garden/plants.json?name__near=x")) == "Unknown filter operator: near"
    )


def test_malformed_next_is_a_400(client):
    assert error_of(client.get("/garden/plants.json?_next=xyz")) == "Invalid _next token"


def test_search_without_fts_is_a_400(client):
    assert error_of(client.get("/garden/loose.json?_search=x")) == (
        "Full-text search is not configured for table 'loose'"
    )


def test_missing_sql_parameter_is_a_400(client):
    response = client.get("/garden/-/query.json", params={"sql": "select :x"})
    assert error_of(response) == "Missing value for SQL parameter :x"


# -- A9: kept deliberately ----------------------------------------------------------------


def test_search_is_ranked_by_bm25(client, database):
    expected = [
        r["id"]
        for r in Database(database)["plants"].search(
            "herb OR shade", ranking="bm25", columns=["id"]
        )
    ]
    rows = client.get("/garden/plants.json?_search=herb+OR+shade&_searchmode=raw").json()["rows"]
    assert [r["id"] for r in rows] == expected


def test_facets_have_a_null_bucket(client):
    entry = client.get("/garden/loose.json?_facet=name&_extra=facet_results").json()[
        "facet_results"
    ]["results"]["name"]
    assert {"value": None, "label": None} in [
        {k: r[k] for k in ("value", "label")} for r in entry["results"]
    ]


def test_csv_blobs_are_base64(client):
    assert client.get("/garden/loose.csv?_col=data&rowid=1").text == "rowid,data\r\n1,yv4=\r\n"


def test_csv_urls_get_json_errors(client):
    response = client.get("/garden/plants.csv?_sort=nope")
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert error_of(response) == "Cannot sort by unknown column: nope"


def test_object_shape_is_keyed_by_rowid_on_rowid_tables(client):
    assert list(client.get("/garden/loose.json?_shape=object").json()) == ["1", "2", "3"]


def test_json_keeps_non_ascii_as_utf8(client):
    assert "Ærø".encode() in client.get("/garden/loose.json").content


def test_nl_is_text_plain(client):
    assert (
        client.get("/garden/plants.json?_nl=on").headers["content-type"]
        == "text/plain; charset=utf-8"
    )


# -- SV-FIX-1..8 ---------------------------------------------------------------------------


def test_fix_1_default_json_is_the_1_0_object(client):
    assert list(client.get("/garden/plants.json").json()) == [
        "ok",
        "rows",
        "truncated",
        "next",
        "next_url",
    ]


def test_fix_2_suggestions_are_budgeted_sampled_and_cached(database):
    with client_for(database) as client:
        html = client.get("/garden/numbers").text
        assert 'class="suggest-facets"' in html  # deferred: the page does not wait for them
        first = client.get("/garden/numbers.json?_size=0&_extra=suggested_facets,timing").json()
        assert [s["name"] for s in first["suggested_facets"]] == ["grp"]
        second = client.get("/garden/numbers.json?_size=0&_extra=suggested_facets,timing").json()
        assert second["suggested_facets"] == first["suggested_facets"]
        assert second["timing"]["statements"] < first["timing"]["statements"]  # cached
        assert 'class="suggested-facet"' in client.get("/garden/numbers").text
    with client_for(
        database, settings={"facet_suggest_budget_ms": "1", "facet_suggest_time_limit_ms": "1"}
    ) as client:
        body = client.get("/garden/numbers.json?_size=0&_extra=suggested_facets").json()
    assert [s["timed_out"] for s in body["suggested_facets"]] == [True]


def test_fix_3_facet_limits_are_independent_of_the_sql_limit(database):
    settings = {"sql_time_limit_ms": "20", "facet_time_limit_ms": "20000"}
    with client_for(database, settings=settings) as client:
        body = client.get("/garden/numbers.json?_size=1&_facet=grp&_extra=facet_results").json()
    assert body["facet_results"]["timed_out"] == []
    assert sum(r["count"] for r in body["facet_results"]["results"]["grp"]["results"]) == 300000
    with client_for(database, settings={"facet_time_limit_ms": "1"}) as client:
        body = client.get("/garden/numbers.json?_size=1&_facet=grp&_extra=facet_results").json()
    assert body["facet_results"]["timed_out"] == ["grp"] and len(body["rows"]) == 1


def test_fix_4_counts_are_time_capped_lower_bounds(database):
    slow = "length(hex(zeroblob(2000 + id % 2))) > 0"
    with client_for(database, settings={"count_time_limit_ms": "25"}) as client:
        body = client.get("/garden/numbers.json", params={"_where": slow, "_extra": "count"}).json()
    assert body["count_truncated"] is True and 101 <= body["count"] < 300000


def test_fix_5_any_sql_streams_in_full(client):
    response = client.get(
        "/garden/-/query.csv",
        params={"sql": "select id from numbers where id % 7 = 0", "_stream": "on"},
    )
    assert response.text.count("\r\n") == 1 + 300000 // 7


def test_fix_6_read_only_by_authorizer_paged_sql_and_literal_contains(client):
    assert (
        client.get(
            "/garden/-/query.json", params={"sql": "select 'delete from plants' as s"}
        ).status_code
        == 200
    )
    assert error_of(client.get("/garden/-/query.json", params={"sql": "delete from plants"})) == (
        "Statement not allowed: DELETE on plants"
    )
    page = client.get("/garden/-/query.json", params={"sql": "select id from numbers"}).json()
    assert len(page["rows"]) == 1000 and page["truncated"] is True and page["next_url"]
    assert client.get("/garden/plants.json?name__contains=_").json()["rows"] == []


def test_fix_8_keyset_pages_over_duplicates_return_each_row_once(client):
    seen = []
    url = "/garden/numbers.json?_sort_desc=grp&_size=1000&id__lte=5000&_col=id"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["rows"]]
        url = body["next_url"]
    assert sorted(seen) == list(range(1, 5001)) and len(seen) == 5000
