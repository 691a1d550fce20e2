"""Security as tests: the authorizer, time limits, request limits, Host check and headers (SV-SEC)."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from serve_helpers import SECURITY_HEADERS, client_for, error_of, garden_db, raw_status

from datamill.serve import app as app_module
from datamill.serve.connection import ReadConnection

QUERY = "/garden/-/query.json"


@pytest.fixture(scope="module")
def garden(tmp_path_factory):
    path = garden_db(tmp_path_factory.mktemp("sec") / "garden.db")
    conn = sqlite3.connect(path)
    conn.execute("create view tall as select * from plants where height > 30")
    conn.execute("create table wide (id integer primary key, text text)")
    conn.execute(
        "insert into wide (text) select hex(zeroblob(2000)) from plants, plants, plants, plants, plants"
    )
    conn.execute("create index idx_plants_name on plants (name)")
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def client(garden):
    with client_for(garden, settings={"sql_time_limit_ms": "300"}) as client:
        yield client


@pytest.mark.parametrize(
    "sql, denied",
    [
        ("insert into plants (name) values ('x')", "INSERT on plants"),
        ("replace into plants (id, name) values (1, 'x')", "INSERT on plants"),
        ("update plants set name = 'x'", "UPDATE on plants"),
        ("delete from plants", "DELETE on plants"),
        ("with x as (select 1) delete from plants", "DELETE on plants"),
        ("attach 'other.db' as other", "ATTACH"),
        ("detach other", "DETACH"),
        ("pragma user_version = 5", "PRAGMA user_version"),
        ("pragma journal_mode = wal", "PRAGMA journal_mode"),
        ("pragma database_list", "PRAGMA database_list"),
        ("select * from pragma_database_list", "PRAGMA database_list"),
        ("pragma query_only = 0", "PRAGMA query_only"),
        ("pragma writable_schema = 1", "PRAGMA writable_schema"),
        ("select load_extension('x')", "function load_extension()"),
        ("select fts3_tokenizer('simple')", "function fts3_tokenizer()"),
        ("begin", "BEGIN"),
        ("commit", "COMMIT"),
        ("end", "COMMIT"),
        ("rollback", "ROLLBACK"),
        ("savepoint s1", "SAVEPOINT"),
        ("release s1", "RELEASE"),
        ("create table t (a)", "CREATE TABLE"),
        ("create temp table t (a)", "CREATE TEMP TABLE"),
        ("create index i on plants (name)", "CREATE INDEX"),
        ("create view v as select 1", "CREATE VIEW"),
        ("create trigger t after insert on plants begin select 1; end", "CREATE TRIGGER"),
        ("create virtual table f using fts5 (a)", "CREATE VIRTUAL TABLE"),
        ("drop table plants", "DROP TABLE"),
        ("drop view tall", "DROP VIEW"),
        ("alter table plants add column x", "ALTER TABLE"),
        ("analyze", "ANALYZE"),
        ("reindex", "REINDEX"),
        ("vacuum", "VACUUM"),
    ],
)
def test_authorizer_denials_sv_sec_2(client, sql, denied):
    response = client.get(QUERY, params={"sql": sql})
    assert response.status_code == 400
    assert error_of(response) == f"Statement not allowed: {denied}"


def test_nothing_was_written(client, garden):
    conn = sqlite3.connect(garden)
    assert conn.execute("select count(*) from plants").fetchone()[0] == 4
    assert conn.execute("pragma user_version").fetchone()[0] == 0
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"


def test_generated_statements_are_authorized_too(client):
    response = client.get("/garden/plants.json", params={"_where": "load_extension('x') is null"})
    assert error_of(response) == "Statement not allowed: function load_extension()"


def test_runaway_recursive_cte_is_interrupted_sv_sec_3(client):
    endless = (
        "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r"
    )
    response = client.get(QUERY, params={"sql": endless})
    assert response.status_code == 400
    assert error_of(response) == "SQL query took too long (limit: 300 ms)"
    response = client.get("/garden/-/query.csv", params={"sql": endless, "_stream": "on"})
    assert error_of(response) == "SQL query took too long (limit: 300 ms)"


def test_connection_setup_sv_sec_1(garden):
    conn = ReadConnection(garden, immutable=False)
    try:
        conn.conn.set_authorizer(None)
        assert conn.conn.execute("pragma query_only").fetchone()[0] == 1
        if sys.version_info >= (3, 11):
            assert conn.conn.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) == 0
            assert conn.conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == 64 * 1024 * 1024
        with pytest.raises(sqlite3.OperationalError):
            conn.conn.execute("create table x (a)")
    finally:
        conn.close()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_only_get_head_options_sv_sec_4(client, method):
    response = client.request(method, "/garden/plants.json")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert error_of(response) == "Method not allowed"


def test_options_and_head(client):
    response = client.options("/garden/plants.json")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert "access-control-allow-origin" not in response.headers
    head = client.head("/garden/plants.json")
    assert head.status_code == 200 and head.content == b""


def test_request_bodies_are_refused(client):
    response = client.request("GET", "/garden/plants.json", content=b"x=1")
    assert response.status_code == 413
    assert error_of(response) == "Request bodies are not accepted"


def test_url_length_limit(client):
    response = client.get("/garden/plants.json?name=" + "x" * 32800)
    assert response.status_code == 414
    assert error_of(response) == "Request URL too long (limit 32768 bytes)"
    assert client.get("/garden/plants.json?name=" + "x" * 32000).status_code == 200


def test_parameter_count_limit(client):
    query = "&".join(["_x=1"] * 257)
    response = client.get(f"/garden/plants.json?{query}")
    assert error_of(response) == "Too many query string parameters (limit 256)"
    assert client.get("/garden/plants.json?" + "&".join(["_x=1"] * 256)).status_code == 200


def test_buffered_response_limit(garden):
    with client_for(garden, settings={"max_response_mb": "1"}) as client:
        response = client.get("/garden/wide.json?_size=1000")
        assert (
            error_of(response)
            == "Response too large (limit 1 MB); use _stream=on or a smaller _size"
        )
        assert client.get("/garden/wide.csv?_size=1000").status_code == 400
        assert client.get("/garden/wide.csv?_stream=on").status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8001", "127.0.0.2", "localhost.evil.example"]
)
def test_dns_rebinding_host_check_sv_sec_6(client, host):
    response = client.get("/garden/plants.json", headers={"host": host})
    assert response.status_code == 400
    assert error_of(response) == f"Invalid Host header: {host}"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:9", "127.0.0.1", "[::1]:8001", "LOCALHOST:1"]
)
def test_loopback_host_names_pass(client, host):
    assert client.get("/garden/plants.json", headers={"host": host}).status_code == 200


def test_allowed_hosts_setting(garden):
    with client_for(garden, host="0.0.0.0") as client:
        assert client.get("/garden.json", headers={"host": "anything.example"}).status_code == 200
    with client_for(garden, settings={"allowed_hosts": "data.example, other.example"}) as client:
        assert client.get("/garden.json", headers={"host": "data.example:8080"}).status_code == 200
        assert client.get("/garden.json", headers={"host": "127.0.0.1"}).status_code == 400
    with client_for(garden, settings={"allowed_hosts": "*"}) as client:
        assert client.get("/garden.json", headers={"host": "x.example"}).status_code == 200


@pytest.mark.parametrize(
    "path, status",
    [
        ("/", 200),
        ("/garden/plants.json", 200),
        ("/garden/plants.csv", 200),
        ("/-/static/app.css?v=1", 200),
        ("/robots.txt", 200),
        ("/garden/plants/", 301),
        ("/nope.json", 404),
        ("/garden/nope", 404),
        ("/garden/plants.json?_sort=nope", 400),
        ("/-/health", 200),
    ],
)
def test_headers_on_every_response_sv_sec_5(client, path, status):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    cache = response.headers["cache-control"]
    if status >= 400:
        assert cache == "no-store"
    else:
        assert cache.startswith("max-age=")
    assert "content-encoding" not in response.headers


def test_static_assets_are_cached_for_a_year(client):
    assert client.get("/-/static/app.css?v=1").headers["cache-control"] == "max-age=31536000"
    assert client.get("/-/static/icon.svg?v=1").headers["content-type"] == "image/svg+xml"


def test_cors_sv_sec_7(garden):
    with client_for(garden, cors=True) as client:
        response = client.get("/garden/plants.json")
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["access-control-expose-headers"] == "Link"
        assert client.get("/garden/nope.json").headers["access-control-allow-origin"] == "*"
        options = client.options("/garden/plants.json")
        assert options.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
        assert options.headers["access-control-allow-headers"] == "Content-Type"
        assert options.headers["access-control-max-age"] == "3600"


def test_no_traceback_reaches_a_client(client, monkeypatch, capsys):
    def broken(ctx):
        raise RuntimeError("secret /path/to/server.py detail")

    monkeypatch.setitem(app_module._VIEWS, "table", broken)
    response = client.get("/garden/plants.json")
    assert response.status_code == 500
    assert error_of(response) == "Internal server error"
    html = client.get("/garden/plants")
    assert html.status_code == 500 and "secret" not in html.text and "Traceback" not in html.text
    assert "Internal server error" in html.text
    assert "RuntimeError: secret" in capsys.readouterr().err  # logged for the operator


@pytest.mark.parametrize(
    "path",
    [
        "/..",
        "/../garden.db",
        "/%2e%2e%2f",
        "/%2e%2e%2fgarden.db",
        "/garden/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/~2E~2E~2F",
        "/garden/~2E~2E~2Fgarden",
        "/garden/..%2f..%2f/x",
        "/-/static/..%2fapp.css",
        "/-/static/%2e%2e%2f%2e%2e%2f__init__.py",
        "/-/static/~2E~2E~2Fapp.py",
        "/-/static/../templates/base.html",
    ],
)
def test_no_url_part_reaches_the_file_system_sv_url_3(client, path):
    assert raw_status(client.app, path) == 404
