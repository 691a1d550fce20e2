"""Table filters, sorting, columns and page size (SV-TBL-1 to SV-TBL-3)."""

from __future__ import annotations

import sqlite3

import pytest
from serve_helpers import client_for, error_of


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("shop") / "shop.db")
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        create table items (
            id integer primary key, name text, zip text, price real, qty integer,
            tags text, added text, note text, _sort text, blobby
        );
        insert into items values
            (1, 'Apple', '02134', 1.5, 10, '["red", "fruit"]', '2024-01-05 10:00:00', 'a_b', 'x', 5),
            (2, 'apricot', '10001', 2.25, 0, '["orange", "fruit"]', '2024-01-06 11:00:00', '50%', 'y', '5'),
            (3, 'Banana', NULL, 0.5, 25, '["yellow", "fruit", 3]', '2024-01-05 12:00:00', '', 'z', NULL),
            (4, 'Cherry', '02134', 9, NULL, '[]', NULL, NULL, 'x', 7),
            (5, 'date', '98765', 3.0, 3, 'not json', '2024-02-01', 'back\\slash', NULL, 'text');
        create view cheap as select name, price from items where price < 3 order by price desc;
        """
    )
    conn.commit()
    conn.close()
    return path


def ids(client, query: str) -> list[int]:
    response = client.get(f"/shop/items.json?_col=id&_size=max&{query}")
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["rows"]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("name=Apple", [1]),
        ("name__exact=Apple", [1]),
        ("name__not=Apple", [2, 3, 4, 5]),
        ("name__contains=ap", [1, 2]),  # ASCII case-insensitive like
        ("note__contains=_", [1]),  # _ is literal (SV-FIX-6)
        ("note__contains=%25", [2]),  # % is literal
        ("note__contains=%5C", [5]),  # \\ is literal
        ("name__startswith=a", [1, 2]),
        ("name__endswith=y", [4]),
        ("price__gt=2.25", [4, 5]),
        ("price__gte=2.25", [2, 4, 5]),
        ("price__lt=1.5", [3]),
        ("price__lte=1.5", [1, 3]),
        ("qty__gt=9", [1, 3]),  # numbers compare as numbers
        ("id__in=1,3,5", [1, 3, 5]),
        ("id__in=[2, 4]", [2, 4]),
        ('name__in=["Apple", "date"]', [1, 5]),
        ("id__notin=1,2", [3, 4, 5]),
        ("zip__isnull=1", [3]),
        ("zip__notnull=1", [1, 2, 4, 5]),
        ("name__like=%25an%25", [3]),
        ("name__notlike=%25a%25", [4]),
        ("name__glob=[A-C]*", [1, 3, 4]),
        ("note__isblank=1", [3, 4]),
        ("note__notblank=1", [1, 2, 5]),
        ("added__date=2024-01-05", [1, 3]),
        ("tags__arraycontains=fruit", [1, 2, 3]),
        ("tags__arraycontains=3", [3]),
        ("tags__arraynotcontains=red", [2, 3, 4, 5]),  # invalid JSON holds no array
        ("zip=02134", [1, 4]),  # TEXT affinity: stays text
        ("blobby=5", [1]),  # no affinity: a canonical decimal is a number
        ("name=Apple&qty__gt=5", [1]),  # conditions are ANDed
        ("id__gt=1&id__gt=3", [4, 5]),  # a repeated parameter adds a condition
        ("_sort__exact=y", [2]),  # a column named like a reserved parameter
        ("_unknown=1", [1, 2, 3, 4, 5]),  # names starting _ that name no column are ignored
        ("_unknown__exact=1", [1, 2, 3, 4, 5]),
        ("_where=qty+>+5", [1, 3]),
        ("_where=qty+>+5&_where=id+>+1", [3]),
    ],
)
def test_filter_operators_sv_tbl_1(client, query, expected):
    assert ids(client, query) == expected


def test_tags_arraycontains_is_not_fooled_by_invalid_json(client):
    assert 5 not in ids(client, "tags__arraycontains=not")


@pytest.mark.parametrize(
    "query, message",
    [
        ("colour=red", "Cannot filter on unknown column: colour"),
        ("colour__exact=red", "Cannot filter on unknown column: colour"),
        ("name__nearly=x", "Unknown filter operator: nearly"),
        ("id__in=[1,", "Invalid JSON list for id__in"),
        ("id__in=[[1]]", "Invalid JSON list for id__in"),
        ("id__in=" + ",".join(["1"] * 1001), "Too many values for id__in (limit 1000)"),
        ("_sort=name&_sort_desc=name", "Cannot use _sort and _sort_desc together"),
        ("_sort=colour", "Cannot sort by unknown column: colour"),
        ("_sort_desc=colour", "Cannot sort by unknown column: colour"),
        ("_size=1001", "_size must be an integer between 0 and 1000, or max"),
        ("_size=-1", "_size must be an integer between 0 and 1000, or max"),
        ("_size=abc", "_size must be an integer between 0 and 1000, or max"),
        ("_col=colour", "_col=colour - invalid columns"),
        ("_nocol=colour", "_nocol=colour - invalid columns"),
        ("_next=%21%21", "Invalid _next token"),
        ("_next=eyJ4IjoxfQ", "Invalid _next token"),
        ("_where=nonsense+%3D+1", "no such column: nonsense"),
    ],
)
def test_bad_table_parameters_are_400s(client, query, message):
    response = client.get(f"/shop/items.json?{query}")
    assert response.status_code == 400
    assert error_of(response) == message


def test_too_many_in_values_counts_json_lists_too(client):
    values = ",".join(str(n) for n in range(1001))
    response = client.get(f"/shop/items.json?id__in=[{values}]")
    assert error_of(response) == "Too many values for id__in (limit 1000)"


def test_sorting_with_nulls_sv_tbl_2(client, database):
    rows = client.get("/shop/items.json?_sort=qty&_col=qty").json()["rows"]
    assert [r["id"] for r in rows] == [4, 2, 5, 1, 3]  # NULL first ascending, as SQLite
    rows = client.get("/shop/items.json?_sort_desc=qty&_col=qty").json()["rows"]
    assert [r["id"] for r in rows] == [3, 1, 5, 2, 4]  # NULL last descending
    expected = (
        sqlite3.connect(database).execute("select id from items order by qty desc, id").fetchall()
    )
    assert [r["id"] for r in rows] == [e[0] for e in expected]


def test_col_and_nocol_keep_the_key_sv_tbl_3(client):
    rows = client.get("/shop/items.json?_col=name&_size=1").json()["rows"]
    assert rows == [{"id": 1, "name": "Apple"}]
    row = client.get("/shop/items.json?_nocol=id&_nocol=tags&_size=1").json()["rows"][0]
    assert "id" in row and "tags" not in row and "name" in row


def test_size_zero_and_max(client):
    body = client.get("/shop/items.json?_size=0").json()
    assert body["rows"] == [] and body["next"] is None and body["next_url"] is None
    assert len(client.get("/shop/items.json?_size=max").json()["rows"]) == 5


def test_views_keep_their_order_and_filter(client):
    rows = client.get("/shop/cheap.json").json()["rows"]
    assert [r["name"] for r in rows] == ["apricot", "Apple", "Banana"]
    rows = client.get("/shop/cheap.json?price__lt=2").json()["rows"]
    assert [r["name"] for r in rows] == ["Apple", "Banana"]
    rows = client.get("/shop/cheap.json?_sort=name").json()["rows"]
    assert [r["name"] for r in rows] == ["Apple", "Banana", "apricot"]


def test_view_pages_by_offset(client):
    first = client.get("/shop/cheap.json?_size=2").json()
    second = client.get(first["next_url"]).json()
    assert [r["name"] for r in first["rows"] + second["rows"]] == ["apricot", "Apple", "Banana"]
    assert second["next"] is None


def test_where_needs_default_allow_sql(database):
    with client_for(database, settings={"default_allow_sql": "off"}) as client:
        response = client.get("/shop/items.json?_where=1")
    assert response.status_code == 403
    assert error_of(response) == "Arbitrary SQL is turned off on this server"


def test_metadata_sortable_columns_limit_sorting(database):
    metadata = {"databases": {"shop": {"tables": {"items": {"sortable_columns": ["name"]}}}}}
    with client_for(database, metadata=metadata) as client:
        assert client.get("/shop/items.json?_sort=name").status_code == 200
        response = client.get("/shop/items.json?_sort=qty")
    assert error_of(response) == "Cannot sort by column: qty"


def test_metadata_sort_and_size_are_defaults(database):
    metadata = {"databases": {"shop": {"tables": {"items": {"sort_desc": "price", "size": 2}}}}}
    with client_for(database, metadata=metadata) as client:
        rows = client.get("/shop/items.json").json()["rows"]
        assert [r["id"] for r in rows] == [4, 5]
        rows = client.get("/shop/items.json?_sort=id&_size=3").json()["rows"]
        assert [r["id"] for r in rows] == [1, 2, 3]


def test_json_columns_are_parsed_on_request(client):
    rows = client.get("/shop/items.json?_json=tags&_col=tags&id__in=1,5").json()["rows"]
    assert rows == [{"id": 1, "tags": ["red", "fruit"]}, {"id": 5, "tags": "not json"}]


ENDLESS = (
    "(with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r) > 0"
)


def test_timelimit_only_lowers_the_limit(client):
    response = client.get("/shop/items.json", params={"_timelimit": "100000", "_where": ENDLESS})
    assert error_of(response) == "SQL query took too long (limit: 1000 ms)"
    response = client.get("/shop/items.json", params={"_timelimit": "20", "_where": ENDLESS})
    assert error_of(response) == "SQL query took too long (limit: 20 ms)"


def test_ttl_sets_max_age(client):
    assert client.get("/shop/items.json").headers["cache-control"] == "max-age=5"
    assert client.get("/shop/items.json?_ttl=60").headers["cache-control"] == "max-age=60"
