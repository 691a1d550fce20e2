"""The history routes: namespaces, commit pages, timelines and diffs over HTTP (SV-HIST, JSON)."""

from __future__ import annotations

import shutil

import pytest
from history_fixtures import HI11, build_history
from serve_helpers import client_for, error_of, garden_db

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
BASE = "http://127.0.0.1:8001"


@pytest.fixture(scope="module")
def depot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("depot")
    db = folder / "depot.db"
    hashes = build_history(db, folder / "repo", HI11, "--id", "station_id", "--csv")
    garden = garden_db(folder / "garden.db")
    with client_for(str(db), garden) as client:
        yield client, hashes


def test_namespaces_sv_hist_1(depot):
    client, _ = depot
    body = client.get("/depot/-/history.json").json()
    assert body["ok"] is True and body["database"] == "depot"
    (namespace,) = body["namespaces"]
    assert namespace["name"] == "item"
    assert (namespace["items"], namespace["commits"]) == (3, 3)
    assert namespace["url"] == f"{BASE}/depot/-/history/item"


def test_commit_page_sv_hist_2(depot):
    client, hashes = depot
    body = client.get("/depot/-/history/item.json").json()
    assert list(body) == ["ok", "database", "namespace", "commits", "next", "next_url"]
    assert [c["hash"] for c in body["commits"]] == hashes[::-1]
    newest = body["commits"][0]
    assert newest["message"] == "Version 3"
    assert newest["diff_url"] == f"{BASE}/depot/-/history/item/diff?to={newest['id']}"
    assert (body["next"], body["next_url"]) == (None, None)
    page = client.get("/depot/-/history/item.json?_size=2")
    first = page.json()
    assert len(first["commits"]) == 2 and first["next"]
    assert page.headers["link"] == f'<{first["next_url"]}>; rel="next"'
    rest = client.get(first["next_url"]).json()
    assert [c["hash"] for c in first["commits"] + rest["commits"]] == hashes[::-1]


def test_diff_sv_hist_4(depot):
    client, hashes = depot
    body = client.get("/depot/-/history/item/diff.json?from=1&to=3").json()
    assert body["counts"] == {"added": 1, "removed": 0, "changed": 2}
    assert [r["station_id"] for r in body["added"]] == ["S03"]
    by_prefix = client.get(
        f"/depot/-/history/item/diff.json?from={hashes[0][:7]}&to={hashes[2][:9]}"
    ).json()
    assert by_prefix["counts"] == body["counts"]
    follow = client.get(
        client.get("/depot/-/history/item.json")
        .json()["commits"][0]["diff_url"]
        .replace("/diff?", "/diff.json?")
    )
    assert follow.status_code == 200 and follow.json()["to"]["hash"] == hashes[2]


def test_timeline_sv_hist_3(depot):
    client, _ = depot
    body = client.get("/depot/-/history/item/items/1.json").json()
    assert list(body)[:4] == ["ok", "database", "namespace", "item"]
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert body["versions"][1]["changed_columns"] == ["docks"]


@pytest.mark.parametrize(
    "url, status, message",
    [
        ("/garden/-/history.json", 404, "Database garden has no history tables"),
        ("/depot/-/history/nope.json", 404, "History namespace not found: nope"),
        ("/depot/-/history/item/items/99.json", 404, "Item not found: 99"),
        ("/depot/-/history/item/diff.json?to=99", 400, "Unknown commit: 99"),
        ("/depot/-/history/item.json?_next=xyz", 400, "Invalid _next token"),
        (
            "/depot/-/history.json?_shape=array",
            400,
            "_shape is only available for tables, views, rows and queries",
        ),
    ],
)
def test_history_errors(depot, url, status, message):
    client, _ = depot
    response = client.get(url)
    assert response.status_code == status
    assert error_of(response) == message


def test_history_keys_on_index_and_database(depot):
    client, _ = depot
    databases = {d["name"]: d["history"] for d in client.get("/.json").json()["databases"]}
    assert databases == {"depot": True, "garden": False}
    assert client.get("/depot.json").json()["history"] == {
        "url": f"{BASE}/depot/-/history",
        "namespaces": ["item"],
    }


def test_history_html_pages_render(depot):
    client, _ = depot
    for path in [
        "/depot/-/history",
        "/depot/-/history/item",
        "/depot/-/history/item/items/1",
        "/depot/-/history/item/diff",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'class="export-json"' in response.text
    assert client.get("/depot/-/history/nope").status_code == 404
