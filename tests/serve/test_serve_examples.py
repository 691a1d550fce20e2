"""The serve.md examples against garden.db, byte for byte where the spec gives the body."""

from __future__ import annotations

import pytest
from serve_helpers import client_for, error_of, garden_db

from datamill import Database


@pytest.fixture
def garden(tmp_path):
    return garden_db(tmp_path / "garden.db")


@pytest.fixture
def client(garden):
    with client_for(garden) as client:
        yield client


def test_table_page_of_two_rows_sv_json_1(client):
    response = client.get("/garden/plants.json?_size=2")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert list(body) == ["ok", "rows", "truncated", "next", "next_url"]
    assert body["rows"] == [
        {"id": 1, "name": "Fern", "kind": "shade", "height": 40},
        {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    ]
    assert body["ok"] is True and body["truncated"] is False
    token = body["next"]
    assert token.isascii() and token.replace("-", "").replace("_", "").isalnum()
    assert body["next_url"] == f"http://127.0.0.1:8001/garden/plants.json?_size=2&_next={token}"
    assert response.headers["link"] == f'<{body["next_url"]}>; rel="next"'


def test_unknown_sort_column_sv_err_1(client):
    response = client.get("/garden/plants.json?_sort=colour")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "ok": False,
        "error": "Cannot sort by unknown column: colour",
        "errors": ["Cannot sort by unknown column: colour"],
        "status": 400,
    }


def test_delete_is_not_allowed_sv_err_1(client):
    response = client.get("/garden.json?sql=delete+from+plants", follow_redirects=True)
    assert response.status_code == 400
    assert error_of(response) == "Statement not allowed: DELETE on plants"


def test_sql_parameter_example_sv_sql_3(client):
    response = client.get(
        "/garden.json?sql=select+name+from+plants+where+height+%3E+:h&h=28", follow_redirects=True
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "rows": [{"name": "Fern"}, {"name": "Tomato"}, {"name": "Mint"}],
        "truncated": False,
        "next": None,
        "next_url": None,
    }


def test_csv_example_sv_csv_2(client):
    response = client.get("/garden/plants.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == (
        b"id,name,kind,height\r\n1,Fern,shade,40\r\n2,Basil,herb,25\r\n"
        b"3,Tomato,vegetable,120\r\n4,Mint,herb,30\r\n"
    )


def test_search_with_snippets_sv_fts_3(garden):
    Database(garden)["plants"].enable_fts(["name", "kind"])
    with client_for(garden) as client:
        response = client.get("/garden/plants.json?_search=herb&_extra=snippets")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "rows": [
            {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
            {"id": 4, "name": "Mint", "kind": "herb", "height": 30},
        ],
        "truncated": False,
        "next": None,
        "next_url": None,
        "snippets": [
            {"rank": -1e-06, "snippet": "<b>herb</b>"},
            {"rank": -1e-06, "snippet": "<b>herb</b>"},
        ],
    }
