"""L-FTS-7/8 and S-SRCH: search(), search_sql(), search_all(); S-BAD errors."""

from __future__ import annotations

import sqlite3

import pytest

import datamill
from datamill.db import SearchQueryError

from .conftest import PLANTS, make_garden, make_recipes

BASELINE_FTS5 = """with "original" as (
    select
        rowid,
        "name"
    from "plants"
    where height > :h
)
select
    "original"."name",
    "plants_fts".rank rank
from
    "original"
    join "plants_fts" on "original".rowid = "plants_fts".rowid
where
    "plants_fts" match :query
order by
    name
limit 2 offset 3"""

BASELINE_FTS4 = """with "original" as (
    select
        rowid,
        *
    from "plants"
)
select
    "original".*,
    rank_bm25(matchinfo("plants_fts", 'pcnalx')) rank
from
    "original"
    join "plants_fts" on "original".rowid = "plants_fts".rowid
where
    "plants_fts" match :query
order by
    rank_bm25(matchinfo("plants_fts", 'pcnalx'))
limit -1 offset 5"""


def test_s_srch_5_baseline_search_sql_is_exact():
    assert (
        make_garden("FTS5")["plants"].search_sql(
            columns=["name"],
            order_by="name",
            limit=2,
            offset=3,
            where="height > :h",
            include_rank=True,
        )
        == BASELINE_FTS5
    )
    assert make_garden("FTS4")["plants"].search_sql(include_rank=True, offset=5) == BASELINE_FTS4


def test_l_fts_8_original_table_name_gets_cte_suffix():
    db = datamill.Database(memory=True)
    db["original"].insert({"a": "hello"})
    db["original"].enable_fts(["a"])
    assert db["original"].search_sql().startswith('with "original_" as (')
    assert [r["a"] for r in db["original"].search("hello")] == ["hello"]


def test_s_srch_3_order_rank_then_rowid(version):
    db = make_garden(version)
    # both herbs tie on rank: rowid breaks the tie, ascending
    assert [r["rowid"] for r in db["plants"].search("herb")] == [2, 4]
    assert [r["rowid"] for r in db["plants"].search("herb", order_by="height desc")] == [4, 2]


def test_s_srch_ranked_rows_and_values(version):
    db = make_recipes(version)
    rows = list(db["recipes"].search("chicken", include_rank=True))
    assert [r["rowid"] for r in rows] == [2, 6]
    assert list(rows[0]) == ["rowid", "id", "title", "body", "rank"]
    assert rows[0]["rank"] < rows[1]["rank"]
    limited = list(db["recipes"].search("chicken", limit=1, offset=1, columns=["title"]))
    assert limited == [{"title": "chicken stock"}]
    where = list(
        db["recipes"].search("chicken", where="id > :n", where_args={"n": 3}, include_rank=True)
    )
    assert [r["rowid"] for r in where] == [6]
    assert where[0]["rank"] == rows[1]["rank"]


def test_s_srch_2_ranking_options():
    fts4 = make_recipes("FTS4")
    fts5 = make_recipes("FTS5")
    ranks4 = [r["rank"] for r in fts4["recipes"].search("chicken", include_rank=True)]
    assert ranks4 == [-1.3428994606887832, -1.2072504554576458]
    tuned = fts4["recipes"].search("chicken", include_rank=True, k1=2.0, b=0.5)
    assert [r["rank"] for r in tuned] == [-1.4176031329992282, -1.2011292717565043]
    weighted4 = list(
        fts4["recipes"].search("chicken", include_rank=True, ranking="bm25", weights={"TITLE": 10})
    )
    weighted5 = list(fts5["recipes"].search("chicken", include_rank=True, weights={"title": 10}))
    assert [r["rowid"] for r in weighted4] == [r["rowid"] for r in weighted5] == [6, 2]
    for a, b in zip(weighted4, weighted5):
        assert abs(a["rank"] - b["rank"]) <= 1e-9
    assert fts5["recipes"].search_sql(weights={"title": 10}).count('bm25("recipes_fts", 10.0, 1.0)')
    assert "rank_bm25(matchinfo(\"recipes_fts\", 'pcnalx'), 1.2, 0.75, 10.0, 1.0)" in fts4[
        "recipes"
    ].search_sql(ranking="bm25_columns", weights={"title": 10})


def test_s_srch_2_fts5_custom_rank_is_used():
    db = make_recipes("FTS5")
    db.execute("INSERT INTO recipes_fts(recipes_fts, rank) VALUES('rank', 'bm25(10.0, 1.0)')")
    assert '"recipes_fts".rank rank' in db["recipes"].search_sql(snippet=True)
    assert [r["rowid"] for r in db["recipes"].search("chicken")] == [6, 2]


def test_s_srch_7_8_snippets_and_highlights():
    fts5 = make_recipes("FTS5")
    rows = list(
        fts5["recipes"].search(
            "lemon", snippet="body", highlight="title", markers=("[", "]"), snippet_tokens=3
        )
    )
    assert list(rows[0])[-2:] == ["snippet", "highlight"]
    assert rows[0]["highlight"] == "[lemon] tart"
    assert rows[0]["snippet"] == "bake [lemon] curd…"
    fts4 = make_recipes("FTS4")
    best = list(fts4["recipes"].search("sweet", snippet=True, ellipsis="...", snippet_tokens=2))
    assert best[0]["snippet"] == "...a <b>sweet</b>..."
    assert "'it''s'" in fts4["recipes"].search_sql(snippet=True, markers=("it's", "x"))


def test_s_srch_9_empty_queries_give_no_rows(version):
    db = make_garden(version)
    for q in ["", "   ", '"', "*"]:
        assert list(db["plants"].search(q)) == []
        assert list(db["plants"].search(q, quote=True)) == []
        assert db.search_all(q) == []


def test_s_esc_4_quote_keeps_prefix_search(version):
    db = make_garden(version)
    assert [r["name"] for r in db["plants"].search("ba*", quote=True)] == ["Basil"]
    assert [r["name"] for r in db["plants"].search("ba", quote=True, prefix="last")] == ["Basil"]
    assert list(db["plants"].search("ba*", quote=True, prefix="none")) == []
    assert [r["name"] for r in db["plants"].search('herb" OR', quote=True)] == []


def test_s_bad_1_invalid_raw_query_is_one_line():
    for version, message in [
        ("FTS5", 'fts5: syntax error near "AND"'),
        ("FTS4", "malformed MATCH expression: [AND]"),
    ]:
        db = make_garden(version)
        with pytest.raises(SearchQueryError) as error:
            list(db["plants"].search("AND"))
        assert (
            str(error.value)
            == f"Invalid full-text search query 'AND' for table 'plants': {message}"
        )
        assert isinstance(error.value, sqlite3.OperationalError)
        assert (error.value.query, error.value.table, error.value.fts_table) == (
            "AND",
            "plants",
            "plants_fts",
        )
        assert error.value.sqlite_message == message


def test_s_bad_1_other_errors_propagate():
    db = make_garden("FTS5")
    with pytest.raises(sqlite3.OperationalError) as error:
        list(db["plants"].search("herb", where="no_such_column = 1"))
    assert not isinstance(error.value, SearchQueryError)
    assert "no such column" in str(error.value)


def test_s_bad_3_missing_or_broken_fts():
    db = datamill.Database(memory=True)
    db["plants"].insert_all(PLANTS, pk="id")
    with pytest.raises(ValueError) as error:
        db["plants"].search("x")
    assert str(error.value) == "Full-text search is not configured for table 'plants'"
    with pytest.raises(ValueError) as error:
        db.search_all("x")
    assert str(error.value) == "No tables in this database are configured for full-text search"
    db["plants"].enable_fts(["name"], fts_version="FTS4")
    db.execute("ALTER TABLE plants RENAME TO flora")
    db.execute("CREATE TABLE plants_shadow (x)")
    with pytest.raises(ValueError) as error:
        db.search_all("x")
    assert str(error.value) == (
        "Full-text search table 'plants_fts' reads from table 'plants', which does not exist"
    )
    db3 = datamill.Database(memory=True)
    db3["docs"].insert({"id": 1, "body": "x"}, pk="id")
    db3.execute('CREATE VIRTUAL TABLE docs_fts USING fts4(body, content="docs", matchinfo=fts3)')
    with pytest.raises(ValueError) as error:
        db3["docs"].search("x")
    assert str(error.value) == (
        "FTS4 table 'docs_fts' was created with matchinfo=fts3, which has no row statistics; "
        "pass order_by to search it"
    )
    db3.execute("INSERT INTO docs_fts(docs_fts) VALUES('rebuild')")
    assert list(db3["docs"].search("x", order_by="id")) == [{"rowid": 1, "id": 1, "body": "x"}]


@pytest.mark.parametrize(
    "version, kwargs, message",
    [
        ("FTS5", {"weights": {"x": 1}}, "Column 'x' is not indexed by full-text search table 'plants_fts'"),
        ("FTS5", {"snippet": "height"}, "Column 'height' is not indexed by full-text search table 'plants_fts'"),
        ("FTS5", {"highlight": "x"}, "Column 'x' is not indexed by full-text search table 'plants_fts'"),
        ("FTS5", {"weights": {"name": "big"}}, "weights must map column names to numbers"),
        ("FTS5", {"weights": {"name": float("nan")}}, "weights must map column names to numbers"),
        ("FTS5", {"weights": ["name"]}, "weights must map column names to numbers"),
        ("FTS5", {"k1": 2.0}, "k1 and b can only be changed for FTS4 tables; FTS5's bm25() uses k1=1.2 and b=0.75"),
        ("FTS4", {"k1": -1}, "k1 must be a number >= 0 and b a number between 0 and 1"),
        ("FTS4", {"b": 1.5}, "k1 must be a number >= 0 and b a number between 0 and 1"),
        ("FTS5", {"ranking": "bm25_columns"}, "ranking='bm25_columns' needs an FTS4 table; 'plants_fts' is FTS5"),
        ("FTS4", {"ranking": "tfidf"}, "ranking must be None, 'bm25' or 'bm25_columns'"),
        ("FTS4", {"snippet": True, "snippet_tokens": 65}, "snippet_tokens must be between 1 and 64"),
        ("FTS4", {"highlight": "name"}, "highlight needs an FTS5 table; 'plants_fts' is FTS4 (use snippet)"),
        ("FTS4", {"where_args": {"query": 1}}, "'query' is a reserved key and cannot be passed to where_args for .search()"),
        ("FTS4", {"prefix": "first"}, "prefix must be one of 'explicit', 'last', 'all', 'none'"),
    ],
)  # fmt: skip
def test_s_bad_4_argument_errors(version, kwargs, message):
    db = make_garden(version)
    with pytest.raises(ValueError) as error:
        list(db["plants"].search("herb", **kwargs))
    assert str(error.value) == message


def test_s_srch_10_search_all():
    db = make_garden("FTS5")
    db["recipes"].insert_all([{"id": 1, "title": "herb tart", "body": "x"}], pk="id")
    db["recipes"].enable_fts(["title", "body"], fts_version="FTS4")
    db.execute("CREATE VIRTUAL TABLE notes USING fts5(text)")
    db.execute("INSERT INTO notes(rowid, text) VALUES (7, 'an herb note')")
    db.execute("CREATE VIRTUAL TABLE blind USING fts5(text, content='')")
    results = db.search_all("herb")
    assert [(r["table"], r["rowid"]) for r in results] == [
        ("notes", 7),
        ("plants", 2),
        ("plants", 4),
        ("recipes", 1),
    ]  # equal ranks (every IDF at FTS5's 1e-6 floor): table name, then rowid
    assert results[0]["snippet"] == "an <b>herb</b> note"
    assert all(set(r) == {"table", "rowid", "rank", "snippet"} for r in results)
    assert results == sorted(results, key=lambda r: (r["rank"], r["table"], r["rowid"]))
    limited = db.search_all("herb", tables=["plants"], limit=1, snippet=False)
    assert limited == [{"table": "plants", "rowid": 2, "rank": -1e-06, "snippet": None}]
    assert len(db.search_all("herb", limit=None)) == 4
    with pytest.raises(ValueError) as error:
        db.search_all("herb", tables=["blind"])
    assert str(error.value) == "Full-text search is not configured for table 'blind'"
    with pytest.raises(SearchQueryError) as error:
        db.search_all("AND", quote=False, tables=["plants"])
    assert str(error.value) == (
        "Invalid full-text search query 'AND' for table 'plants': fts5: syntax error near \"AND\""
    )


def test_search_leaves_no_transaction_open(version):
    db = make_garden(version)
    list(db["plants"].search("herb", ranking="bm25" if version == "FTS4" else None))
    assert not db.conn.in_transaction
