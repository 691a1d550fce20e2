"""Where datamill serve deliberately differs from Datasette: SV-GEN-4 A9 and SV-FIX-1..9.

SV-FIX-7 (the Dockerfile) belongs to ``datamill publish docker`` and is tested with it.

Each test asserts datamill's behaviour, so it always runs. Where a Datasette version is installed
(``make bench-deps``), the same request is also sent to it, and the test asserts its different
answer, which shows the difference is real and still there.
"""

from __future__ import annotations

import collections
import csv
import io
import sqlite3

import httpx
import pytest
from datasette_peer import (
    BIG_ROWS,
    COMPOUND_ROWS,
    big_db,
    compat_db,
    datasette_path,
    datasette_server,
)
from serve_helpers import client_for, error_of

DATASETTE_1 = datasette_path("1.0a41")
DATASETTE_065 = datasette_path("0.65.5")
TIGHT = {  # 1 ms for every facet, suggestion check, suggestion budget and count
    "facet_time_limit_ms": "1",
    "facet_suggest_time_limit_ms": "1",
    "facet_suggest_budget_ms": "1",
    "count_time_limit_ms": "1",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("deliberate")
    compat_db(path / "garden.db")
    big_db(path / "big.db")
    return path


@pytest.fixture(scope="module")
def files(folder) -> tuple[str, str]:
    return str(folder / "garden.db"), str(folder / "big.db")


@pytest.fixture(scope="module")
def datamill(files):
    with client_for(*files) as client:
        yield client


@pytest.fixture
def datamill_tight(files):
    """datamill with the TIGHT limits."""
    with client_for(*files, settings=TIGHT) as client:
        yield client


def _peer(executable, folder, settings=None):
    if executable is None:
        yield None
        return
    with (
        datasette_server(executable, "garden.db", "big.db", cwd=folder, settings=settings) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def ds1(folder):
    """Datasette 1.0a41 on the same files, or None where it is not installed."""
    yield from _peer(DATASETTE_1, folder)


@pytest.fixture(scope="module")
def ds065(folder):
    """Datasette 0.65.5 on the same files, or None where it is not installed."""
    yield from _peer(DATASETTE_065, folder)


def ids(response) -> list:
    return [row["id"] for row in response.json()["rows"]]


# --- SV-GEN-4 A9 / SV-FIX-9: mistakes are 400s with a message --------------------------------


def test_unknown_filter_column_is_a_400_a9(datamill, ds1):
    url = "/garden/plants.json?colour=red"
    response = datamill.get(url)
    assert response.status_code == 400
    assert error_of(response) == "Cannot filter on unknown column: colour"
    if ds1:
        theirs = ds1.get(url)
        assert theirs.status_code == 200 and theirs.json()["rows"] == []


def test_unknown_filter_operator_is_a_400_a9(datamill, ds1):
    url = "/garden/plants.json?kind__bogus=herb"
    response = datamill.get(url)
    assert response.status_code == 400
    assert error_of(response) == "Unknown filter operator: bogus"
    if ds1:  # the condition is dropped: every row comes back
        assert ids(ds1.get(url)) == [1, 2, 3, 4]


def test_malformed_next_token_is_a_400_a9(datamill, ds1):
    url = "/garden/plants.json?_next=garbage"
    response = datamill.get(url)
    assert response.status_code == 400
    assert error_of(response) == "Invalid _next token"
    if ds1:
        theirs = ds1.get(url)
        assert theirs.status_code == 200 and theirs.json()["rows"] == []


def test_search_on_a_table_without_fts_is_a_400_a9(datamill, ds1):
    url = "/garden/plants.json?_search=basil"
    response = datamill.get(url)
    assert response.status_code == 400
    assert error_of(response) == "Full-text search is not configured for table 'plants'"
    if ds1:  # the search is ignored: every row comes back
        assert ids(ds1.get(url)) == [1, 2, 3, 4]


def test_missing_sql_parameter_is_a_400_a9(datamill, ds1):
    url = "/garden/-/query.json?sql=select+name+from+plants+where+height+>+:h"
    response = datamill.get(url)
    assert response.status_code == 400
    assert error_of(response) == "Missing value for SQL parameter :h"
    if ds1:  # :h is bound to NULL and the query quietly matches nothing
        theirs = ds1.get(url)
        assert theirs.status_code == 200 and theirs.json()["rows"] == []


def test_unknown_facet_column_is_a_400_sv_fix_9(datamill, ds1):
    url = "/garden/plants.json?_facet=colour&_extra=facet_results"
    response = datamill.get(url)
    assert response.status_code == 400
    assert error_of(response) == "Cannot facet on unknown column: colour"
    if ds1:
        assert ds1.get(url).status_code == 500


def test_extras_on_a_bare_shape_are_a_400_sv_fix_9(datamill, ds1):
    url = "/garden/plants.json?_shape=array&_extra=count"
    response = datamill.get(url)
    assert response.status_code == 400
    assert error_of(response) == "_extra needs the default shape, _shape=objects or _shape=arrays"
    if ds1:  # the extra is silently dropped
        assert [row["id"] for row in ds1.get(url).json()] == [1, 2, 3, 4]


# --- the rest of A9: kept on purpose ---------------------------------------------------------


def test_search_is_ranked_by_bm25_a9_sv_fts_2(datamill, ds1, files):
    url = "/garden/docs.json?_search=sun"
    conn = sqlite3.connect(files[0])
    ranked = [
        rowid
        for (rowid,) in conn.execute(
            "select rowid from docs_fts where docs_fts match 'sun' order by bm25(docs_fts), rowid"
        )
    ]
    conn.close()
    assert ranked == [4, 1, 2]  # the fixture puts the best match last in key order
    assert ids(datamill.get(url)) == ranked
    if ds1:
        assert ids(ds1.get(url)) == [1, 2, 4]


def test_facets_count_null_as_a_value_a9_sv_fac_1(datamill, ds1):
    url = "/garden/plantings.json?_facet=bed_id&_extra=facet_results"

    def buckets(response) -> dict:
        facet = response.json()["facet_results"]["results"]["bed_id"]
        return {result["value"]: result for result in facet["results"]}

    ours = buckets(datamill.get(url))
    assert {value: result["count"] for value, result in ours.items()} == {1: 2, 2: 2, 3: 1, None: 1}
    assert ours[None]["label"] is None
    assert ours[None]["toggle_url"].endswith("&bed_id__isnull=1")
    if ds1:
        assert set(buckets(ds1.get(url))) == {1, 2, 3}


def test_csv_writes_blobs_as_base64_a9_sv_csv_1(datamill, ds1):
    url = "/garden/plantings.csv"
    response = datamill.get(url)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [row["photo"] for row in rows[:3]] == ["", "iVBORw0KGgoA", "AP8="]
    if ds1:  # the first BLOB ends the export with an error text inside a 200 response
        theirs = ds1.get(url)
        assert theirs.status_code == 200
        assert theirs.text.splitlines()[-1] == "No item with that key"
        assert len(theirs.text.splitlines()) == 3


def test_csv_errors_are_json_a9_sv_err_1(datamill, ds1):
    url = "/garden/plants.csv?_sort=colour"
    response = datamill.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert error_of(response) == "Cannot sort by unknown column: colour"
    if ds1:
        theirs = ds1.get(url)
        assert theirs.status_code == 400
        assert theirs.headers["content-type"] == "text/plain; charset=utf-8"


def test_shape_object_keys_a_rowid_table_by_rowid_a9(datamill, ds1):
    url = "/garden/events.json?_shape=object"
    response = datamill.get(url)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["1", "2", "3", "4"]
    assert body["2"] == {"rowid": 2, "kind": "rain", "day": "2024-02-01", "severity": None}
    if ds1:
        assert ds1.get(url).status_code == 400


def test_json_keeps_non_ascii_as_utf8_a9(datamill, ds1):
    url = "/garden/beds.json"
    raw = datamill.get(url).content
    assert "Süd-Beet".encode() in raw and "温室".encode() in raw
    assert b"\\u" not in raw
    if ds1:
        assert b"S\\u00fcd-Beet" in ds1.get(url).content


def test_ndjson_names_its_charset_a9_sv_json_2(datamill, ds1):
    url = "/garden/beds.json?_shape=array&_nl=on"
    response = datamill.get(url)
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content.decode("utf-8").splitlines()[1] == '{"id": 2, "name": "Süd-Beet"}'
    if ds1:
        assert ds1.get(url).headers["content-type"] == "text/plain"


# --- SV-FIX-1..8 --------------------------------------------------------------------------------


def test_default_json_is_the_1_0_object_sv_fix_1(datamill, ds1, ds065):
    url = "/garden/plants.json?_size=1"
    body = datamill.get(url).json()
    assert list(body) == ["ok", "rows", "truncated", "next", "next_url"]
    assert body["rows"] == [{"id": 1, "name": "Fern", "kind": "shade", "height": 40}]
    if ds1:
        assert set(ds1.get(url).json()) == set(body)
    if ds065:  # 0.65: rows as lists, and the table's facts (and facets) in every response
        theirs = ds065.get(url).json()
        assert theirs["rows"] == [[1, "Fern", "shade", 40]]
        assert {"database", "table", "columns", "suggested_facets"} <= set(theirs)


def test_facet_suggestions_are_budgeted_and_never_unasked_sv_fix_2(datamill, datamill_tight, ds065):
    url = "/garden/plants.json?_size=1"
    assert "suggested_facets" not in datamill.get(url).json()
    big = "/big/big.json?_size=0&_extra=suggested_facets"
    suggestions = datamill_tight.get(big).json()["suggested_facets"]
    assert [s["name"] for s in suggestions] == ["grp", "n"]  # every non-key column, none dropped
    assert any(s["timed_out"] for s in suggestions)  # 1 ms cannot check 2 x 10,000 rows
    if ds065:  # 0.65 computes suggestions for every JSON response, asked for or not
        assert [s["name"] for s in ds065.get(url).json()["suggested_facets"]] == ["kind"]


def test_facet_suggestions_are_deferred_and_cached_sv_fix_2(files):
    with client_for(*files) as client:
        assert 'class="suggest-facets"' in client.get("/big/big").text  # the page does not wait
        url = "/big/big.json?_size=0&_extra=suggested_facets,timing"
        first = client.get(url).json()
        second = client.get(url).json()
        assert [s["name"] for s in first["suggested_facets"]] == ["grp", "n"]
        assert second["suggested_facets"] == first["suggested_facets"]
        assert second["timing"]["statements"] < first["timing"]["statements"]  # cached
        assert 'class="suggested-facet"' in client.get("/big/big").text


def test_facet_limits_are_independent_of_the_sql_limit_sv_fix_3(files):
    settings = {"sql_time_limit_ms": "20", "facet_time_limit_ms": "20000"}
    with client_for(*files, settings=settings) as client:
        body = client.get("/big/big.json?_size=1&_facet=grp&_extra=facet_results").json()
    assert body["facet_results"]["timed_out"] == []
    buckets = body["facet_results"]["results"]["grp"]["results"]
    assert sum(bucket["count"] for bucket in buckets) == BIG_ROWS


def test_timed_out_facets_are_reported_sv_fix_3(datamill_tight, folder):
    url = "/big/big.json?_size=0&_facet=grp&_extra=facet_results,facets_timed_out"
    body = datamill_tight.get(url).json()
    facet = body["facet_results"]["results"]["grp"]
    assert (facet["results"], facet["truncated"], facet["timed_out"]) == ([], False, True)
    assert body["facet_results"]["timed_out"] == body["facets_timed_out"] == ["grp"]
    if DATASETTE_1:  # the facet disappears from the results
        settings = {"facet_time_limit_ms": "1"}
        with datasette_server(DATASETTE_1, "big.db", cwd=folder, settings=settings) as base:
            theirs = httpx.get(base + url, timeout=60).json()
        assert theirs["facet_results"] == {"results": {}, "timed_out": ["grp"]}


def test_counts_are_exact_or_honest_lower_bounds_sv_fix_4(datamill, datamill_tight, ds1):
    url = "/big/big.json?_size=0&_extra=count"
    body = datamill.get(url).json()
    assert (body["count"], body["count_truncated"]) == (BIG_ROWS, False)  # A8: not capped
    filtered = datamill_tight.get("/big/big.json?_size=5&grp=g1&_extra=count").json()
    matching = sum(1 for i in range(1, BIG_ROWS + 1) if i % 7 == 1)
    assert filtered["count_truncated"] is True
    assert len(filtered["rows"]) + 1 <= filtered["count"] < matching
    if ds1:  # 1.0a41 stops counting at 10,000 rows however quick the count is
        theirs = ds1.get(url).json()
        assert (theirs["count"], theirs["count_truncated"]) == (10001, True)


def test_streams_cover_any_sql_without_a_cap_sv_fix_5(datamill, ds1):
    url = "/big/-/query.csv?sql=select+a,+b+from+ck+order+by+b&_stream=on"
    response = datamill.get(url)
    assert response.status_code == 200
    lines = response.text.split("\r\n")
    assert lines[0] == "a,b" and lines[-1] == "" and len(lines) == COMPOUND_ROWS + 2
    assert lines[COMPOUND_ROWS] == f"a0,{COMPOUND_ROWS}"
    if ds1:  # the query is cut at max_returned_rows
        assert len(ds1.get(url).text.splitlines()) == 1001


def test_read_only_is_the_authorizer_not_text_matching_sv_fix_6(datamill, ds1):
    for url in (
        "/garden/-/query.json?sql=select+'pragma'+as+p",
        "/garden/-/query.json?sql=values+(1,+2)",
        "/garden/-/query.json?sql=pragma+table_info(beds)",
    ):
        assert datamill.get(url).status_code == 200, url
        if ds1:
            assert ds1.get(url).status_code == 400, url
    assert datamill.get("/garden/-/query.json?sql=select+'pragma'+as+p").json()["rows"] == [
        {"p": "pragma"}
    ]


def test_sql_results_are_paged_sv_fix_6(datamill, ds1):
    url = "/garden/-/query.json?sql=select+id+from+plants+order+by+id&_size=3"
    body = datamill.get(url).json()
    assert body["rows"] == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert body["truncated"] is True and body["next"]
    following = datamill.get(body["next_url"]).json()
    assert (following["rows"], following["next"]) == ([{"id": 4}], None)
    if ds1:  # _size is ignored on queries
        assert ds1.get(url).json()["rows"] == [{"id": i} for i in (1, 2, 3, 4)]


def test_contains_matches_literally_sv_fix_6(datamill, ds065):
    for value, expected in (("_", [6]), ("%25", [3]), ("50%25", [3]), ("%5C", [6]), ("_p", [6])):
        url = f"/garden/plantings.json?note__contains={value}&_col=id"
        assert ids(datamill.get(url)) == expected, value
    if ds065:  # 0.65 passes % and _ to LIKE as wildcards
        assert len(ds065.get("/garden/plants.json?name__contains=_&_shape=array").json()) == 4


@pytest.mark.parametrize("sort", ["_sort", "_sort_desc"])
def test_keyset_pages_return_each_row_once_sv_fix_8(datamill, ds1, files, sort):
    url = f"/big/ck.json?{sort}=grp&_size=100"
    direction = "desc" if sort == "_sort_desc" else ""
    conn = sqlite3.connect(files[1])
    expected = conn.execute(f"select a, b from ck order by grp {direction}, a, b").fetchall()
    conn.close()

    def walk(get) -> list[tuple]:
        keys, next_url = [], url
        while next_url:
            body = get(next_url).json()
            keys += [(row["a"], row["b"]) for row in body["rows"]]
            next_url = body["next_url"]
        return keys

    assert walk(datamill.get) == expected  # A7: ties broken by the key ascending
    if ds1:
        theirs = collections.Counter(walk(ds1.get))
        assert len(theirs) < COMPOUND_ROWS or max(theirs.values()) > 1


def test_ties_are_broken_by_the_key_ascending_a7(datamill, ds1):
    url = "/garden/readings.json?_sort_desc=site&_col=site"
    keys = [(row["site"], row["day"]) for row in datamill.get(url).json()["rows"]]
    assert keys[2:4] == [("a,b", "2024-01-01"), ("a,b", "2024-01-02")]
    if ds1:
        theirs = [(row["site"], row["day"]) for row in ds1.get(url).json()["rows"]]
        assert theirs[2:4] == [("a,b", "2024-01-02"), ("a,b", "2024-01-01")]


# --- other amendments where 1.0a41 behaves differently ----------------------------------------


def test_extras_synonym_is_accepted_a3(datamill, ds1):
    url = "/garden/plants.json?_extras=count"
    assert datamill.get(url).json()["count"] == 4
    if ds1:
        assert "count" not in ds1.get(url).json()


def test_empty_search_is_ignored_sv_fts_1(datamill, ds1):
    url = "/garden/docs.json?_search="
    assert ids(datamill.get(url)) == [1, 2, 3, 4, 5]
    if ds1:
        assert ds1.get(url).status_code == 400
