"""Facets that never vanish silently, and budgeted suggestions (SV-FAC, SV-FIX-2, SV-FIX-3)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from serve_helpers import client_for, error_of

URL = "http://127.0.0.1:8001/yard/plants.json"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("yard") / "yard.db")
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        create table kinds (id integer primary key, label text);
        insert into kinds values (1, 'Herb'), (2, 'Shade plant');
        create table plants (
            id integer primary key, name text, kind text, kind_id integer references kinds(id),
            tags text, planted text
        );
        insert into plants values
            (1, 'Fern', 'shade', 2, '["green", "tall"]', '2024-03-01 08:00'),
            (2, 'Basil', 'herb', 1, '["green"]', '2024-03-01 09:00'),
            (3, 'Tomato', NULL, NULL, '["red", "red"]', '2024-03-02'),
            (4, 'Mint', 'herb', 1, '[]', NULL);
        create table numbers (id integer primary key, grp text);
        with recursive r(n) as (select 1 union all select n + 1 from r where n < 200000)
        insert into numbers (grp) select 'g' || (n % 7) from r;
        """
    )
    conn.commit()
    conn.close()
    return path


def facets(client, query: str) -> dict:
    response = client.get(f"/yard/plants.json?_size=0&_extra=facet_results&{query}")
    assert response.status_code == 200, response.text
    return response.json()["facet_results"]


def test_column_facet_entry_sv_fac_2(client):
    results = facets(client, "_facet=kind")
    assert results["timed_out"] == []
    assert results["results"]["kind"] == {
        "name": "kind",
        "type": "column",
        "hideable": True,
        "toggle_url": f"{URL}?_size=0&_extra=facet_results",
        "results": [
            {
                "value": "herb",
                "label": "herb",
                "count": 2,
                "toggle_url": f"{URL}?_size=0&_extra=facet_results&_facet=kind&kind=herb",
                "selected": False,
            },
            {
                "value": None,  # NULL is a value (A9)
                "label": None,
                "count": 1,
                "toggle_url": f"{URL}?_size=0&_extra=facet_results&_facet=kind&kind__isnull=1",
                "selected": False,
            },
            {
                "value": "shade",
                "label": "shade",
                "count": 1,
                "toggle_url": f"{URL}?_size=0&_extra=facet_results&_facet=kind&kind=shade",
                "selected": False,
            },
        ],
        "truncated": False,
        "timed_out": False,
    }


def test_selected_values_toggle_off(client):
    entry = facets(client, "_facet=kind&kind=herb")["results"]["kind"]
    assert entry["results"] == [
        {
            "value": "herb",
            "label": "herb",
            "count": 2,
            "toggle_url": f"{URL}?_size=0&_extra=facet_results&_facet=kind",
            "selected": True,
        }
    ]
    entry = facets(client, "_facet=kind&kind__isnull=1")["results"]["kind"]
    assert [(r["value"], r["selected"]) for r in entry["results"]] == [(None, True)]


def test_facet_size_and_truncation(client):
    entry = facets(client, "_facet=kind&_facet_size=1")["results"]["kind"]
    assert len(entry["results"]) == 1 and entry["truncated"] is True
    assert len(facets(client, "_facet=kind&_facet_size=max")["results"]["kind"]["results"]) == 3


def test_array_and_date_facets(client):
    results = facets(client, "_facet_array=tags&_facet_date=planted")["results"]
    tags = results["tags"]
    assert tags["type"] == "array"
    assert [(r["value"], r["count"]) for r in tags["results"]] == [
        ("green", 2),
        ("red", 1),
        ("tall", 1),
    ]
    assert tags["results"][1]["toggle_url"].endswith("&tags__arraycontains=red")
    dates = results["planted"]
    assert dates["type"] == "date"
    assert [(r["value"], r["count"]) for r in dates["results"]] == [
        ("2024-03-01", 2),
        (None, 1),
        ("2024-03-02", 1),
    ]
    assert dates["results"][0]["toggle_url"].endswith("&planted__date=2024-03-01")


def test_foreign_key_labels_sv_fac_2(client):
    entry = facets(client, "_facet=kind_id")["results"]["kind_id"]
    assert [(r["value"], r["label"]) for r in entry["results"]] == [
        (1, "Herb"),
        (None, None),
        (2, "Shade plant"),
    ]


def test_same_column_twice_gets_a_second_name(client):
    results = facets(client, "_facet=tags&_facet_array=tags")["results"]
    assert list(results) == ["tags", "tags_2"]
    assert results["tags_2"]["type"] == "array"


@pytest.mark.parametrize(
    "query, message",
    [
        ("_facet=colour", "Cannot facet on unknown column: colour"),
        ("_facet_size=0", "_facet_size must be an integer between 1 and 1000, or max"),
        ("_facet_size=1001", "_facet_size must be an integer between 1 and 1000, or max"),
        ("_facet_size=x", "_facet_size must be an integer between 1 and 1000, or max"),
        (
            "&".join(f"_facet={c}" for c in ["id", "name", "kind", "kind_id", "tags", "planted"])
            + "&_facet_array=tags&_facet_date=planted&_facet_array=name&_facet_date=name&_facet_date=id",
            "Too many facets (limit 10)",
        ),
    ],
)
def test_facet_errors(client, query, message):
    assert error_of(client.get(f"/yard/plants.json?{query}")) == message


def test_facets_can_be_turned_off(database):
    with client_for(database, settings={"allow_facet": "off"}) as client:
        response = client.get("/yard/plants.json?_facet=kind")
        assert response.status_code == 403
        assert error_of(response) == "Facets are turned off on this server"
        assert (
            client.get("/yard/plants.json?_extra=suggested_facets").json()["suggested_facets"] == []
        )


def test_metadata_facets_come_first_and_cannot_be_hidden(database):
    metadata = {
        "databases": {"yard": {"tables": {"plants": {"facets": [{"array": "tags"}, "kind"]}}}}
    }
    with client_for(database, metadata=metadata) as client:
        results = facets(client, "_facet=name")["results"]
        assert list(results) == ["tags", "kind", "name"]
        assert [results[k]["hideable"] for k in results] == [False, False, True]
        nofacet = client.get("/yard/plants.json?_nofacet=1&_extra=facet_results").json()
        assert nofacet["facet_results"] == {"results": {}, "timed_out": []}
        ordered = client.get("/yard/plants.json?_facet=name&_extra=sorted_facet_results").json()
        assert [f["name"] for f in ordered["sorted_facet_results"]] == ["tags", "kind", "name"]


def test_timed_out_facet_is_reported_sv_fac_3(database):
    with client_for(database, settings={"facet_time_limit_ms": "1"}) as client:
        body = client.get(
            "/yard/numbers.json?_facet=grp&_extra=facet_results,facets_timed_out&_size=0"
        ).json()
        entry = body["facet_results"]["results"]["grp"]
        assert (entry["results"], entry["truncated"], entry["timed_out"]) == ([], False, True)
        assert body["facet_results"]["timed_out"] == ["grp"]
        assert body["facets_timed_out"] == ["grp"]
        html = client.get("/yard/numbers?_facet=grp").text
    assert 'class="facet facet-timed-out"' in html
    assert "grp: timed out after 1 ms" in html
    assert f"Add an index: datamill create-index {database} numbers grp" in html


def test_suggestions_sv_fac_4(client):
    body = client.get("/yard/plants.json?_size=0&_extra=suggested_facets").json()
    assert body["suggested_facets"] == [
        {
            "name": "kind",
            "type": "column",
            "toggle_url": f"{URL}?_size=0&_extra=suggested_facets&_facet=kind",
            "timed_out": False,
        },
        {
            "name": "kind_id",
            "type": "column",
            "toggle_url": f"{URL}?_size=0&_extra=suggested_facets&_facet=kind_id",
            "timed_out": False,
        },
        {
            "name": "planted",
            "type": "column",
            "toggle_url": f"{URL}?_size=0&_extra=suggested_facets&_facet=planted",
            "timed_out": False,
        },
    ]
    faceted = client.get("/yard/plants.json?_size=0&_facet=kind&_extra=suggested_facets").json()
    assert [s["name"] for s in faceted["suggested_facets"]] == ["kind_id", "planted"]
    assert (
        client.get("/yard/plants.json?_nosuggest=1&_extra=suggested_facets").json()[
            "suggested_facets"
        ]
        == []
    )


def test_suggestions_off(database):
    with client_for(database, settings={"suggest_facets": "off"}) as client:
        assert (
            client.get("/yard/plants.json?_extra=suggested_facets").json()["suggested_facets"] == []
        )


def test_unchecked_columns_are_listed_as_timed_out_sv_fac_5(database):
    with client_for(
        database, settings={"facet_suggest_budget_ms": "1", "facet_suggest_time_limit_ms": "1"}
    ) as client:
        body = client.get("/yard/numbers.json?_size=0&_extra=suggested_facets").json()
    assert body["suggested_facets"] == [
        {
            "name": "grp",
            "type": "column",
            "toggle_url": "http://127.0.0.1:8001/yard/numbers.json?_size=0&_extra=suggested_facets&_facet=grp",
            "timed_out": True,
        }
    ]


def test_html_never_waits_for_suggestions_sv_fac_6(database):
    with client_for(database) as client:
        html = client.get("/yard/plants?_facet=kind").text
        assert '<section class="facet" data-column="kind">' in html
        assert "(null)" in html
        assert 'class="suggest-facets"' in html and "Suggested facets:" not in html  # not cached
        html = client.get("/yard/plants?_suggest=on").text
        assert "Suggested facets:" in html and 'class="suggested-facet"' in html
        html = client.get("/yard/plants?_facet=kind").text
        assert 'class="suggest-facets"' not in html  # cached now: rendered inline
        assert (
            '<a class="suggested-facet" href="http://127.0.0.1:8001/yard/plants?_facet=kind&amp;_facet=kind_id">'
            in html
        )


def test_completed_facets_are_cached_per_version(database, tmp_path):
    path = str(tmp_path / "yard.db")
    shutil.copy(database, path)
    with client_for(path) as client:
        url = "/yard/plants.json?_size=0&_facet=kind&_extra=facet_results,timing"
        first = client.get(url).json()
        second = client.get(url).json()
        assert second["facet_results"] == first["facet_results"]
        assert second["timing"]["statements"] < first["timing"]["statements"]
        writer = sqlite3.connect(path)
        writer.execute("update plants set kind = 'herb' where kind = 'shade'")
        writer.commit()
        writer.close()
        counts = client.get(url).json()["facet_results"]["results"]["kind"]["results"]
    assert [(r["value"], r["count"]) for r in counts] == [("herb", 3), (None, 1)]


def test_suggestion_checks_sample_the_first_10000_rows_sv_fac_4(tmp_path):
    path = str(tmp_path / "sample.db")
    conn = sqlite3.connect(path)
    conn.execute("create table t (id integer primary key, c text)")
    conn.execute(
        "with recursive r(n) as (select 1 union all select n + 1 from r where n < 15000) "
        "insert into t select n, case when n <= 10000 then 'v' || (n % 2) else 'u' || n end from r"
    )
    conn.commit()
    conn.close()
    with client_for(path) as client:
        first = client.get("/sample/t.json?_size=0&_extra=suggested_facets").json()
    assert [s["name"] for s in first["suggested_facets"]] == ["c"]  # 2 values in the sample
    with client_for(path) as client:  # suggestions are cached per filters, not per sort
        last = client.get("/sample/t.json?_size=0&_sort_desc=id&_extra=suggested_facets").json()
    assert last["suggested_facets"] == []  # in descending order the sample sees 5,000 values
