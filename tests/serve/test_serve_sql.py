"""Arbitrary read-only SQL: one statement, parameters, pages and streams (SV-SQL, SV-FIX-5)."""

from __future__ import annotations

import sqlite3

import pytest
from serve_helpers import client_for, error_of, garden_db

QUERY = "/garden/-/query.json"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = garden_db(tmp_path_factory.mktemp("sql") / "garden.db")
    conn = sqlite3.connect(path)
    conn.execute("create table numbers (n integer primary key)")
    conn.execute(
        "with recursive r(n) as (select 1 union all select n + 1 from r where n < 2500) insert into numbers select n from r"
    )
    conn.commit()
    conn.close()
    return path


def rows(client, sql: str, **params) -> list[dict]:
    response = client.get(QUERY, params={"sql": sql, **params})
    assert response.status_code == 200, response.text
    return response.json()["rows"]


@pytest.mark.parametrize(
    "sql",
    [
        "select name from plants where id = 1",
        "  -- a comment\n select name from plants where id = 1 ;  ",
        "/* c */ with x as (select name from plants where id = 1) select * from x;",
        "select 'pragma' as name",  # no keyword matching on the text (SV-FIX-6)
    ],
)
def test_one_statement_with_comments_and_a_semicolon(client, sql):
    assert len(rows(client, sql)) == 1


def test_values_explain_and_allowed_pragmas(client):
    assert rows(client, "values (1, 2)") == [{"column1": 1, "column2": 2}]
    assert rows(client, "explain select 1")
    assert [r["name"] for r in rows(client, "pragma table_info(plants)")] == [
        "id",
        "name",
        "kind",
        "height",
    ]
    assert rows(client, "select * from pragma_table_info('plants') where pk")[0]["name"] == "id"
    assert rows(client, "pragma user_version") == [{"user_version": 0}]
    assert rows(client, "select count(*) as n from json_each('[1, 2]')") == [{"n": 2}]


def test_duplicate_column_names_are_deduplicated_l_qry_3(client):
    assert rows(client, "select 1 as id, 2 as id, 3 as id_2") == [{"id": 1, "id_3": 2, "id_2": 3}]
    arrays = client.get(
        QUERY, params={"sql": "select 1 as a, 2 as a", "_shape": "arrays", "_extra": "columns"}
    ).json()
    assert arrays["columns"] == ["a", "a"] and arrays["rows"] == [[1, 2]]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"sql": ""}, "SQL query is empty"),
        ({"sql": "  -- nothing\n ; "}, "SQL query is empty"),
        ({"sql": "select 1; select 2"}, "Only one SQL statement can run at a time"),
        ({"sql": "selec 1"}, 'near "selec": syntax error'),
        ({"sql": "select * from plants where id = :id"}, "Missing value for SQL parameter :id"),
        ({"sql": "select :sql"}, "SQL parameter name :sql is reserved"),
        ({"sql": "select :_x", "_x": "1"}, "SQL parameter name :_x is reserved"),
    ],
)
def test_sql_errors(client, params, message):
    response = client.get(QUERY, params=params)
    assert response.status_code == 400
    assert error_of(response) == message


def test_parameters_are_bound_as_text_o_param(client):
    assert rows(client, "select :v as v, typeof(:v) as t", v="6") == [{"v": "6", "t": "text"}]
    # literals, quoted identifiers and comments hold no parameters
    assert rows(client, "select ':nope' as \":nor\" -- :nothing") == [{":nor": ":nope"}]


def test_pages_skip_rows_already_sent_sv_sql_2(client):
    first = client.get(QUERY, params={"sql": "select n from numbers order by n"}).json()
    assert len(first["rows"]) == 1000 and first["truncated"] is True and first["next"]
    seen = [r["n"] for r in first["rows"]]
    url = first["next_url"]
    while url:
        page = client.get(url)
        assert page.headers.get("link", "").endswith('rel="next"') or page.json()["next"] is None
        body = page.json()
        seen += [r["n"] for r in body["rows"]]
        url = body["next_url"]
    assert seen == list(range(1, 2501))
    small = client.get(QUERY, params={"sql": "select n from numbers", "_size": "5"}).json()
    assert [r["n"] for r in small["rows"]] == [1, 2, 3, 4, 5]
    assert error_of(client.get(QUERY, params={"sql": "select 1", "_size": "1001"})) == (
        "_size must be an integer between 0 and 1000, or max"
    )


def test_query_redirects_a4(client):
    response = client.get("/garden?sql=select+1", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/garden/-/query?sql=select+1"
    assert client.get("/garden.json?sql=select+1&x=1", follow_redirects=False).headers[
        "location"
    ] == ("/garden/-/query.json?sql=select+1&x=1")
    assert client.get("/garden.csv?sql=select+1", follow_redirects=False).headers["location"] == (
        "/garden/-/query.csv?sql=select+1"
    )


def test_query_csv_and_stream(client, database):
    text = client.get(
        "/garden/-/query.csv", params={"sql": "select n from numbers", "_size": "3"}
    ).text
    assert text == "n\r\n1\r\n2\r\n3\r\n"
    stream = client.get(
        "/garden/-/query.csv", params={"sql": "select n from numbers where n > 5", "_stream": "on"}
    )
    assert stream.text == "n\r\n" + "".join(f"{n}\r\n" for n in range(6, 2501))
    download = client.get("/garden/-/query.csv", params={"sql": "select 1", "_dl": "on"})
    assert download.headers["content-disposition"] == 'attachment; filename="garden.csv"'
    assert download.headers["content-type"] == "text/csv; charset=utf-8"


def test_sql_can_be_turned_off(database):
    with client_for(database, settings={"default_allow_sql": "0"}) as client:
        response = client.get(QUERY, params={"sql": "select 1"})
        assert response.status_code == 403
        assert error_of(response) == "Arbitrary SQL is turned off on this server"
        assert client.get("/garden/-/query?sql=select+1").status_code == 403


def test_query_extras(client):
    body = client.get(
        QUERY, params={"sql": "select :a as a", "a": "x", "_extra": "query,database,columns"}
    ).json()
    assert body["columns"] == ["a"]
    assert body["query"] == {"sql": "select :a as a", "params": {"a": "x"}}
    assert body["database"] == "garden"
    response = client.get(QUERY, params={"sql": "select 1", "_extra": "table"})
    assert error_of(response) == "_extra=table is not available here"


def test_html_sql_page(client):
    html = client.get(
        "/garden/-/query", params={"sql": "select * from plants where height > :h"}
    ).text
    assert '<form id="sql-form"' in html
    assert '<input class="sql-param" name="h" value="">' in html
    assert 'class="row-info"' not in html  # a missing parameter: the form, not the query
    html = client.get(
        "/garden/-/query", params={"sql": "select * from plants where height > :h", "h": "28"}
    ).text
    assert '<p class="row-info">3 rows</p>' in html
    html = client.get("/garden/-/query", params={"sql": "select n from numbers"}).text
    assert '<p class="row-info">Rows 1–1000 shown; more follow</p>' in html
    assert 'class="next-page"' in html
    html = client.get("/garden/-/query", params={"sql": "delete from plants"}).text
    assert '<p class="sql-error">Statement not allowed: DELETE on plants</p>' in html
    assert "delete from plants</textarea>" in html


def test_library_functions_are_on_served_connections(client):
    """Connections take datamill's own set-up path: ranking and fuzzy functions (S-FN-1, FZ)."""
    pytest.importorskip("jellyfish")
    assert rows(client, "select levenshtein_distance('Fern', 'Ferns') as d") == [{"d": 1}]
    assert rows(client, "select rank_score(null) as r") == [{"r": None}]
