"""URLs: tilde encoding, routes, suffixes, slashes and link building (SV-URL, SV-JSON-4)."""

from __future__ import annotations

import os
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from serve_helpers import client_for, error_of, garden_db

from datamill.serve.routing import Redirect, parse_path
from datamill.serve.tilde import decode_key, encode_key, tilde_decode, tilde_encode


@pytest.mark.parametrize(
    "text, encoded",
    [
        ("plants", "plants"),
        ("a b", "a+b"),
        ("a.json", "a~2Ejson"),
        ("x/y", "x~2Fy"),
        ("~", "~7E"),
        ("é", "~C3~A9"),
        ("Snake_case-1", "Snake_case-1"),
        ("+", "~2B"),
        ("%", "~25"),
    ],
)
def test_tilde_encoding_sv_url_1(text, encoded):
    assert tilde_encode(text) == encoded
    assert tilde_decode(encoded) == text


@given(st.text())
def test_tilde_round_trip(text):
    encoded = tilde_encode(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-~+")
    assert tilde_decode(encoded) == text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def test_compound_keys_and_bad_escapes():
    assert encode_key(["x,y", 2]) == "x~2Cy,2"
    assert decode_key("x~2Cy,2") == ["x,y", "2"]
    assert tilde_decode("~ZZ") is None and tilde_decode("~C3") is None


@pytest.mark.parametrize(
    "path, kind, fmt, parts",
    [
        ("/", "index", "html", {}),
        ("/.json", "index", "json", {}),
        ("/garden", "database", "html", {"db": "garden"}),
        ("/garden.json", "database", "json", {"db": "garden"}),
        ("/garden/-/query.csv", "query", "csv", {"db": "garden"}),
        ("/garden/plants.csv", "table", "csv", {"db": "garden", "table": "plants"}),
        ("/garden/a~2Ejson.json", "table", "json", {"table": "a.json"}),
        ("/garden/a.b", "table", "html", {"table": "a.b"}),
        ("/garden/plants/1,x~2Cy.json", "row", "json", {"key": ("1", "x,y")}),
        ("/garden/-/history", "history", "html", {}),
        ("/garden/-/history/item.json", "history_namespace", "json", {"namespace": "item"}),
        ("/garden/-/history/item/items/3", "history_item", "html", {"item": "3"}),
        ("/garden/-/history/item/diff.json", "history_diff", "json", {}),
        ("/-/static/app.css", "static", "html", {"asset": "app.css"}),
        ("/-/health", "health", "json", {}),
        ("/robots.txt", "robots", "html", {}),
    ],
)
def test_routes_sv_url_1(path, kind, fmt, parts):
    route = parse_path(path)
    assert (route.kind, route.fmt) == (kind, fmt)
    for name, value in parts.items():
        assert getattr(route, name) == value


def test_trailing_slash_redirects_sv_url_2():
    with pytest.raises(Redirect) as raised:
        parse_path("/garden/plants/")
    assert (raised.value.location, raised.value.status) == ("/garden/plants", 301)


@pytest.fixture(scope="module")
def garden(tmp_path_factory):
    path = garden_db(tmp_path_factory.mktemp("urls") / "garden.db")
    conn = sqlite3.connect(path)
    conn.execute('create table "a.json" (id integer primary key, v text)')
    conn.execute("insert into \"a.json\" values (1, 'dotted')")
    conn.commit()
    conn.close()
    return path


def test_csv_only_on_row_returning_resources(garden):
    with client_for(garden) as client:
        assert client.get("/garden.csv").status_code == 404
        assert client.get("/.csv").status_code == 404
        assert client.get("/garden/-/history.csv").status_code == 404
        assert client.get("/garden/a~2Ejson.json").json()["rows"] == [{"id": 1, "v": "dotted"}]
        assert client.get("/garden/a.json.json").json()["rows"] == [{"id": 1, "v": "dotted"}]
        assert (
            client.get("/garden/plants/", follow_redirects=False).headers["location"]
            == "/garden/plants"
        )
        response = client.get("/garden/plants.json/?x=1", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (
            301,
            "/garden/plants.json?x=1",
        )
        assert error_of(client.get("/garden/-/nope.json")) == "Not found"
        assert client.get("/garden/plants/1/extra").status_code == 404


def test_links_follow_base_url_and_https(garden):
    settings = {"base_url": "/data/", "force_https_urls": "on"}
    with client_for(garden, settings=settings) as client:
        body = client.get("/data/garden/plants.json?_size=1").json()
        assert body["next_url"].startswith(
            "https://127.0.0.1:8001/data/garden/plants.json?_size=1&_next="
        )
        assert (
            client.get("/garden/plants.json?_size=1").status_code == 200
        )  # behind a proxy that strips it
        html = client.get("/data/garden").text
        assert 'href="/data/garden/plants"' in html and 'href="/data/-/static/app.css?v=' in html


def test_robots_sv_url_1(garden):
    with client_for(garden) as client:
        assert client.get("/robots.txt").text == "User-agent: *\nDisallow: /\n"
    with client_for(garden, settings={"allow_robots": "on"}) as client:
        assert client.get("/robots.txt").text == "User-agent: *\nAllow: /\n"


def test_health_sv_url_1(garden, tmp_path):
    with client_for(garden) as client:
        assert client.get("/-/health").json() == {"ok": True}
    other = garden_db(tmp_path / "gone.db")
    with client_for(garden, other) as client:
        os.remove(other)
        response = client.get("/-/health")
    assert response.status_code == 503
    assert error_of(response) == "Database gone is not readable"
