"""CSV and NDJSON: exact bytes, downloads, and streams of every row (SV-CSV, SV-JSON-2, SV-FIX-5)."""

from __future__ import annotations

import base64
import csv
import io
import sqlite3

import pytest
from serve_helpers import client_for, error_of


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("csv") / "mixed.db")
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        create table things (id integer primary key, name text, score real, data blob, note text);
        create table "odd name é" (id integer primary key, v text);
        insert into "odd name é" values (1, 'x');
        """
    )
    conn.executemany(
        "insert into things values (?, ?, ?, ?, ?)",
        [
            (
                n,
                f'name {n}, "quoted"' if n % 5 == 0 else f"name{n}",
                n / 3 if n % 2 else float(n),
                bytes([n % 256, 255]) if n % 7 == 0 else None,
                "line\nbreak" if n % 11 == 0 else "",
            )
            for n in range(1, 3001)
        ],
    )
    conn.execute("insert into things values (3001, NULL, 1e300 * 1e10, NULL, NULL)")
    conn.commit()
    conn.close()
    return path


def direct_dump(path: str, sql: str) -> bytes:
    """The floor: sqlite3 and csv.writer, with BLOBs as base64 (SV-CSV-1)."""
    conn = sqlite3.connect(path)
    cursor = conn.execute(sql)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([d[0] for d in cursor.description])
    for row in cursor:
        writer.writerow([base64.b64encode(v).decode() if isinstance(v, bytes) else v for v in row])
    conn.close()
    return out.getvalue().encode("utf-8")


def test_stream_equals_a_direct_dump_sv_csv_3(client, database):
    response = client.get("/mixed/things.csv?_stream=on")
    assert response.status_code == 200
    assert response.content == direct_dump(database, "select * from things order by id")
    assert b"\r\n" in response.content and b"inf" in response.content


def test_stream_follows_filters_sort_and_next(client, database):
    response = client.get("/mixed/things.csv?_stream=on&_sort_desc=score&id__gt=100&_size=3")
    assert response.content == direct_dump(
        database, "select * from things where id > 100 order by score desc, id"
    )
    page = client.get("/mixed/things.json?_sort_desc=score&id__gt=100&_size=500").json()
    rest = client.get(
        f"/mixed/things.csv?_stream=on&_sort_desc=score&id__gt=100&_next={page['next']}"
    )
    lines = list(csv.reader(io.StringIO(rest.text)))
    assert int(lines[1][0]) not in {row["id"] for row in page["rows"]}
    assert len(lines) - 1 + len(page["rows"]) == 2901


def test_sql_stream_covers_every_row(client, database):
    sql = "select id, name from things where id % 2 = 0"
    response = client.get("/mixed/-/query.csv", params={"sql": sql, "_stream": "on"})
    assert response.content == direct_dump(database, sql)
    headless = client.get(
        "/mixed/-/query.csv", params={"sql": sql, "_stream": "on", "_header": "off"}
    )
    assert headless.content == direct_dump(database, sql).split(b"\r\n", 1)[1]


def test_buffered_csv_is_the_json_page(client):
    response = client.get("/mixed/things.csv?_size=4&_col=name")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "id,name\r\n1,name1\r\n2,name2\r\n3,name3\r\n4,name4\r\n"
    json_page = client.get("/mixed/things.json?_size=4&_col=name").json()
    assert (
        response.headers["link"]
        == f'<{json_page["next_url"].replace(".json", ".csv")}>; rel="next"'
    )


def test_csv_downloads_sv_csv_2(client):
    response = client.get("/mixed/things.csv?_dl=on&_size=1")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="things.csv"'
    odd = client.get("/mixed/odd~20name~20~C3~A9.csv?_dl=on")
    assert odd.status_code == 200
    assert odd.headers["content-disposition"] == (
        "attachment; filename=\"odd_name__.csv\"; filename*=UTF-8''odd%20name%20%C3%A9.csv"
    )
    stream = client.get("/mixed/things.csv?_dl=on&_stream=on")
    assert stream.headers["content-disposition"] == 'attachment; filename="things.csv"'


def test_ndjson_sv_json_2(client):
    response = client.get("/mixed/things.json?_nl=on&_col=name&_size=2")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == '{"id": 1, "name": "name1"}\n{"id": 2, "name": "name2"}\n'
    assert "link" in response.headers
    download = client.get("/mixed/things.json?_nl=on&_shape=array&_dl=on&_size=1")
    assert download.headers["content-type"] == "application/x-ndjson"
    assert download.headers["content-disposition"] == 'attachment; filename="things.ndjson"'
    stream = client.get("/mixed/things.json?_nl=on&_stream=on&_col=id")
    assert stream.text.splitlines() == [f'{{"id": {n}}}' for n in range(1, 3002)]
    blob = client.get("/mixed/things.json?_nl=on&id=7&_col=data").text
    assert blob == '{"id": 7, "data": {"$base64": true, "encoded": "B/8="}}\n'
    assert (
        error_of(client.get("/mixed/things.json?_nl=on&_shape=objects"))
        == "_nl=on needs _shape=array"
    )


def test_streams_can_be_turned_off(database):
    with client_for(database, settings={"allow_csv_stream": "off"}) as client:
        response = client.get("/mixed/things.csv?_stream=on")
        assert response.status_code == 403
        assert error_of(response) == "Streaming exports are turned off on this server"


def test_stream_errors_before_the_first_row_keep_their_status(client):
    assert error_of(client.get("/mixed/nope.csv?_stream=on")) == "Table not found: nope"
    assert (
        error_of(client.get("/mixed/things.csv?_stream=on&colour=1"))
        == "Cannot filter on unknown column: colour"
    )
    response = client.get(
        "/mixed/-/query.csv", params={"sql": "delete from things", "_stream": "on"}
    )
    assert error_of(response) == "Statement not allowed: DELETE on things"


def test_too_many_streams_get_a_503(database):
    with client_for(database, settings={"max_concurrent_streams": "1"}) as client:
        slots = client.app.slots
        assert slots.try_acquire()
        try:
            response = client.get("/mixed/things.csv?_stream=on")
        finally:
            slots.release()
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert error_of(response) == "Too many exports running (limit 1); try again shortly"
        assert client.get("/mixed/things.csv?_stream=on").status_code == 200


def test_json_values_sv_json_4(client):
    rows = client.get("/mixed/things.json?id__in=7,3001&_col=score&_col=data").json()["rows"]
    assert rows == [
        {"id": 7, "score": 7 / 3, "data": {"$base64": True, "encoded": "B/8="}},
        {"id": 3001, "score": None, "data": None},  # an infinite REAL is null
    ]


def test_head_on_a_stream_stops_it(client):
    response = client.head("/mixed/things.csv?_stream=on")
    assert response.status_code == 200 and response.content == b""
    assert client.app.slots.active == 0
