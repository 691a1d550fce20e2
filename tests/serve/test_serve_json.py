"""JSON shapes, extras, row pages and the index (SV-JSON-1..4, SV-GEN-4 A2, A3, A6)."""

from __future__ import annotations

import sqlite3

import pytest
from serve_helpers import error_of, garden_db

from datamill.serve.extras import EXTRAS

BASE = "http://127.0.0.1:8001"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = garden_db(tmp_path_factory.mktemp("json") / "garden.db")
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        create table beds (a text, b integer, note text, primary key (a, b));
        insert into beds values ('x y', 1, 'first'), ('x,z', 2, NULL), ('é/.', 3, 'third');
        create table loose (name text, n integer);
        insert into loose values ('a', 1), ('b', NULL);
        create table sowings (id integer primary key, plant_id integer references plants(id), day text);
        insert into sowings values (1, 2, 'mon'), (2, 2, 'tue'), (3, 4, 'wed');
        create view tall as select name, height from plants where height > 30 order by height;
        """
    )
    conn.commit()
    conn.close()
    return path


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def test_arrays_shape_a2(client):
    body = get(client, "/garden/plants.json?_shape=arrays&_size=1")
    assert list(body) == ["ok", "rows", "truncated", "next", "next_url"]
    assert body["rows"] == [[1, "Fern", "shade", 40]]
    body = get(client, "/garden/plants.json?_shape=arrays&_size=1&_extra=columns")
    assert body["columns"] == ["id", "name", "kind", "height"]


def test_bare_shapes_sv_json_2(client):
    response = client.get("/garden/plants.json?_shape=array&_size=2")
    assert response.json() == [
        {"id": 1, "name": "Fern", "kind": "shade", "height": 40},
        {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    ]
    assert response.headers["link"].startswith(
        f"<{BASE}/garden/plants.json?_shape=array&_size=2&_next="
    )
    assert get(client, "/garden/plants.json?_shape=arrayfirst&_col=name") == [1, 2, 3, 4]
    assert get(client, "/garden/plants.json?_shape=object&_size=2") == {
        "1": {"id": 1, "name": "Fern", "kind": "shade", "height": 40},
        "2": {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    }


def test_object_shape_keys_a6(client):
    assert get(client, "/garden/beds.json?_shape=object") == {
        "x+y,1": {"a": "x y", "b": 1, "note": "first"},
        "x~2Cz,2": {"a": "x,z", "b": 2, "note": None},
        "~C3~A9~2F~2E,3": {"a": "é/.", "b": 3, "note": "third"},
    }
    assert get(client, "/garden/loose.json?_shape=object") == {  # keyed by rowid (A9)
        "1": {"rowid": 1, "name": "a", "n": 1},
        "2": {"rowid": 2, "name": "b", "n": None},
    }


@pytest.mark.parametrize(
    "url, message",
    [
        ("/garden/plants.json?_shape=rows", "Unknown _shape: rows"),
        ("/garden/tall.json?_shape=object", "_shape=object needs a table"),
        ("/garden/-/query.json?sql=select+1&_shape=object", "_shape=object needs a table"),
        ("/garden/plants.json?_nl=on&_shape=arrays", "_nl=on needs _shape=array"),
        (
            "/garden/plants.json?_shape=array&_extra=count",
            "_extra needs the default shape, _shape=objects or _shape=arrays",
        ),
        (
            "/garden.json?_shape=array",
            "_shape is only available for tables, views, rows and queries",
        ),
        ("/.json?_shape=arrays", "_shape is only available for tables, views, rows and queries"),
        ("/garden/plants.json?_extra=next_url", "Unknown _extra: next_url"),
        ("/garden/plants.json?_extra=nope,zilch", "Unknown _extra: nope, zilch"),
        (
            "/garden/plants.json?_extra=foreign_key_tables",
            "_extra=foreign_key_tables is not available here",
        ),
        ("/garden/plants/1.json?_extra=count", "_extra=count is not available here"),
    ],
)
def test_shape_and_extra_errors(client, url, message):
    assert error_of(client.get(url)) == message


TABLE_EXTRAS = sorted(
    name for name, (scopes, _) in EXTRAS.items() if "table" in scopes and name != "snippets"
)


@pytest.mark.parametrize("name", TABLE_EXTRAS)
def test_every_table_extra_a3(client, name):
    body = get(client, f"/garden/plants.json?_size=2&_facet=kind&_extra={name}")
    assert name in body
    view = get(client, f"/garden/tall.json?_size=2&_extra={name}")
    assert name in view


def test_extra_values(client):
    body = get(
        client,
        "/garden/plants.json?_size=1&kind=herb&_sort_desc=name&_extra=human_description_en,primary_keys,database,table,is_view,all_columns&_col=name",
    )
    assert body["human_description_en"] == 'where kind = "herb" sorted by name descending'
    assert body["primary_keys"] == ["id"]
    assert (body["database"], body["table"], body["is_view"]) == ("garden", "plants", False)
    assert body["all_columns"] == ["id", "name", "kind", "height"]
    view = get(
        client, "/garden/tall.json?_extra=primary_keys,is_view,view_definition,table_definition"
    )
    assert (view["primary_keys"], view["is_view"], view["table_definition"]) == ([], True, None)
    assert view["view_definition"].startswith("CREATE VIEW tall as select")
    details = get(client, "/garden/plants.json?_extra=column_details")["column_details"]
    assert details["id"] == {
        "type": "INTEGER",
        "sqlite_type": "INTEGER",
        "notnull": False,
        "default": None,
        "is_pk": True,
        "pk_position": 1,
        "hidden": 0,
    }
    assert (
        get(client, "/garden/plants.json?_extra=count_sql&kind=herb")["count_sql"]
        == 'select count(*) from "plants" where "kind" = :p0'
    )
    query = get(client, "/garden/plants.json?_extra=query&kind=herb&_size=1")["query"]
    assert query["params"]["p0"] == "herb" and query["sql"].startswith(
        'select "id", "name", "kind", "height"'
    )


def test_extras_are_ordered_and_accept_the_old_spelling(client):
    body = get(client, "/garden/plants.json?_extra=timing&_extra=columns,count&_extras=table")
    assert list(body)[5:] == ["count", "count_truncated", "columns", "table", "timing"]
    assert set(body["timing"]) == {"total_ms", "sql_ms", "statements"}
    assert body["timing"]["statements"] >= 1


def test_row_json_a2(client):
    body = get(client, "/garden/plants/2.json")
    assert body == {
        "ok": True,
        "rows": [{"id": 2, "name": "Basil", "kind": "herb", "height": 25}],
        "truncated": False,
    }
    body = get(
        client,
        "/garden/plants/2.json?_extra=columns,primary_keys,primary_key_values,database,table",
    )
    assert body["columns"] == ["id", "name", "kind", "height"]
    assert (body["primary_keys"], body["primary_key_values"]) == (["id"], ["2"])
    assert (body["database"], body["table"]) == ("garden", "plants")
    assert get(client, "/garden/beds/x~2Cz,2.json")["rows"] == [{"a": "x,z", "b": 2, "note": None}]
    assert get(client, "/garden/beds/~C3~A9~2F~2E,3.json?_extra=primary_key_values")[
        "primary_key_values"
    ] == ["é/.", "3"]
    assert get(client, "/garden/loose/2.json")["rows"] == [{"rowid": 2, "name": "b", "n": None}]
    assert client.get("/garden/plants/1.csv").text == "id,name,kind,height\r\n1,Fern,shade,40\r\n"
    for url, message in [
        ("/garden/plants/9.json", "Row not found: 9"),
        ("/garden/beds/x.json", "Row not found: x"),
        ("/garden/tall/1.json", "Row not found: 1"),
        ("/garden/nope/1.json", "Table not found: nope"),
        ("/nope/plants/1.json", "Database not found: nope"),
    ]:
        response = client.get(url)
        assert response.status_code == 404 and error_of(response) == message


def test_foreign_key_tables(client):
    body = get(client, "/garden/plants/2.json?_extra=foreign_key_tables")
    assert body["foreign_key_tables"] == [
        {
            "other_table": "sowings",
            "column": "id",
            "other_column": "plant_id",
            "count": 2,
            "count_truncated": False,
            "link": f"{BASE}/garden/sowings?plant_id=2",
        }
    ]
    html = client.get("/garden/plants/2").text
    assert (
        '<section class="incoming-fks">' in html and '<span class="fk-count">2 rows</span>' in html
    )
    assert '<a class="fk" href="/garden/plants/2">2</a>' in client.get("/garden/sowings").text


def test_non_ascii_stays_utf8_a9(client):
    response = client.get("/garden/beds.json?b=3")
    assert "é/.".encode() in response.content
    assert b"\\u00e9" not in response.content


def test_index_json_sv_json_1(client, database):
    body = get(client, "/.json")
    assert body == {
        "ok": True,
        "databases": [
            {
                "name": "garden",
                "url": f"{BASE}/garden",
                "size": body["databases"][0]["size"],
                "immutable": False,
                "tables_count": 4,
                "views_count": 1,
                "hidden_tables_count": 0,
                "history": False,
            }
        ],
    }
    assert body["databases"][0]["size"] > 0


def test_pages_have_export_links_and_alternates_sv_page_1(client):
    for path in [
        "/",
        "/garden",
        "/garden/plants",
        "/garden/plants/1",
        "/garden/-/query?sql=select+1",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert 'class="crumbs"' in response.text
        assert 'class="export-json"' in response.text
        assert '<link rel="alternate" type="application/json"' in response.text
        assert 'rel="alternate"; type="application/json"' in response.headers["link"]
    page = client.get("/garden/plants?_size=2")
    assert page.headers["link"].startswith('</garden/plants.json?_size=2>; rel="alternate"')
    next_url = page.headers["link"].split(", <")[1].split(">")[0]
    assert next_url.startswith(f"{BASE}/garden/plants?_size=2&_next=")
    assert f'<a class="next-page" href="{next_url.replace("&", "&amp;")}">' in page.text
    table = page.text
    for hook in (
        '<table class="rows">',
        'class="next-page"',
        'class="export-csv"',
        'class="export-csv-stream"',
        'class="row-link"',
        '<p class="count">',
    ):
        assert hook in table
