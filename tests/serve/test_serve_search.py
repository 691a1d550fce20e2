"""Full-text search: escaped queries, BM25 ranking, snippets and errors (SV-FTS, S-BAD)."""

from __future__ import annotations

import random

import pytest
from serve_helpers import client_for, error_of

from datamill import Database

WORDS = "cherry oak maple birch elm willow red tall old young street park avenue lane".split()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("fts") / "library.db")
    rng = random.Random(7)
    db = Database(path)
    docs = [
        {
            "id": n,
            "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))),
            "body": " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30))),
            "shelf": rng.choice(["a", "b", "c"]),
        }
        for n in range(1, 301)
    ]
    for table, version in (("docs5", "FTS5"), ("docs4", "FTS4")):
        db[table].insert_all(docs, pk="id")
        db[table].enable_fts(["title", "body"], fts_version=version)
    db["plain"].insert_all(docs[:3], pk="id")
    db.create_view("docs_view", "select id, title, body from docs5")
    return path


def walk(client, url: str) -> list[int]:
    seen: list[int] = []
    while url:
        body = client.get(url).json()
        assert body["ok"], body
        seen += [row["id"] for row in body["rows"]]
        url = body["next_url"]
    return seen


@pytest.mark.parametrize("table", ["docs5", "docs4"])
@pytest.mark.parametrize("query", ["cherry", "oak street", "red*", '"old lane"'])
def test_results_are_ranked_by_bm25_sv_fts_2(client, database, table, query):
    expected = [
        row["id"]
        for row in Database(database)[table].search(
            query, quote=True, ranking="bm25", columns=["id"]
        )
    ]
    assert expected
    assert walk(client, f"/library/{table}.json?_search={query}&_size=7") == expected


def test_fts4_and_fts5_agree(client):
    assert walk(client, "/library/docs4.json?_search=maple+elm&_size=50") == walk(
        client, "/library/docs5.json?_search=maple+elm&_size=50"
    )


def test_search_combines_with_filters_counts_facets_and_csv(client, database):
    expected = [
        row["id"]
        for row in Database(database)["docs5"].search(
            "cherry", quote=True, ranking="bm25", columns=["id"], where="shelf = 'a'"
        )
    ]
    body = client.get(
        "/library/docs5.json?_search=cherry&shelf=a&_extra=count,facet_results&_facet=shelf&_size=max"
    ).json()
    assert [r["id"] for r in body["rows"]] == expected
    assert body["count"] == len(expected)
    assert body["facet_results"]["results"]["shelf"]["results"][0]["count"] == len(expected)
    csv_lines = client.get(
        "/library/docs5.csv?_search=cherry&shelf=a&_col=id&_size=max"
    ).text.splitlines()
    assert csv_lines[1:] == [str(i) for i in expected]
    stream = client.get(
        "/library/docs5.csv?_search=cherry&shelf=a&_col=id&_stream=on"
    ).text.splitlines()
    assert stream[1:] == [str(i) for i in expected]


def test_sort_overrides_rank(client):
    rows = client.get("/library/docs5.json?_search=cherry&_sort=id&_size=max").json()["rows"]
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)


def test_column_search(client, database):
    expected = sorted(
        row[0]
        for row in Database(database).execute(
            "select rowid from docs5_fts where title match 'cherry'"
        )
    )
    rows = client.get("/library/docs5.json?_search_title=cherry&_sort=id&_size=max").json()["rows"]
    assert [r["id"] for r in rows] == expected
    assert error_of(client.get("/library/docs5.json?_search_shelf=a")) == (
        "Column 'shelf' is not indexed by full-text search table 'docs5_fts'"
    )


def test_search_needs_fts(client):
    assert error_of(client.get("/library/plain.json?_search=cherry")) == (
        "Full-text search is not configured for table 'plain'"
    )
    assert len(client.get("/library/plain.json?_search=").json()["rows"]) == 3  # empty: ignored


def test_query_escaping_to_nothing_matches_nothing(client):
    body = client.get("/library/docs5.json?_search=%22&_extra=count").json()
    assert body["rows"] == [] and body["count"] == 0


def test_raw_mode(client):
    response = client.get("/library/docs5.json?_searchmode=raw&_search=AND")
    assert error_of(response) == (
        "Invalid full-text search query 'AND' for table 'docs5': fts5: syntax error near \"AND\""
    )
    both = client.get(
        "/library/docs5.json?_searchmode=raw&_search=cherry+NOT+oak&_size=max"
    ).json()["rows"]
    escaped = client.get("/library/docs5.json?_search=cherry+NOT+oak&_size=max").json()["rows"]
    assert both and {r["id"] for r in both} != {r["id"] for r in escaped}


def test_metadata_searchmode_and_fts_table_for_a_view(database):
    metadata = {
        "databases": {
            "library": {
                "tables": {
                    "docs5": {"searchmode": "raw"},
                    "docs_view": {"fts_table": "docs5_fts", "fts_pk": "id"},
                }
            }
        }
    }
    with client_for(database, metadata=metadata) as client:
        assert client.get("/library/docs5.json?_search=AND").status_code == 400
        assert client.get("/library/docs5.json?_search=AND&_searchmode=escaped").status_code == 200
        view = walk(client, "/library/docs_view.json?_search=cherry&_size=9")
        table = walk(client, "/library/docs5.json?_search=cherry&_searchmode=escaped&_size=9")
        assert view == table


def test_snippets_need_a_search(client):
    assert (
        error_of(client.get("/library/docs5.json?_extra=snippets"))
        == "_extra=snippets is not available here"
    )
    body = client.get("/library/docs4.json?_search=cherry&_extra=snippets&_size=3").json()
    assert len(body["snippets"]) == 3
    assert all("<b>cherry</b>" in s["snippet"].lower() for s in body["snippets"])


def test_html_search_form(client):
    html = client.get("/library/docs5?_search=cherry").text
    assert '<form id="search"' in html and 'value="cherry"' in html
    assert "search matches &#34;cherry&#34;" in html
