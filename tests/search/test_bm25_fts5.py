"""S-FN-7: rank_bm25_fts5 gives FTS5's bm25() on FTS4 tables."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import datamill
from datamill.search import escape_query
from datamill.search.bm25_fts5 import decode_doctotal
from datamill.search.fts4_query import matchable_phrases
from datamill.search.functions import function_errors

from .conftest import RECIPES


@pytest.fixture(scope="module")
def both():
    db = datamill.Database(memory=True)
    db["recipes"].insert_all([{"id": i, "title": t, "body": b} for i, t, b in RECIPES], pk="id")
    db["recipes"].enable_fts(["title", "body"], fts_version="FTS4")
    db.execute("create virtual table r5 using fts5(title, body, content='recipes')")
    db.execute("insert into r5(r5) values('rebuild')")
    return db


def fts4_scores(db, query, tunables=""):
    with function_errors():
        return db.execute(
            "select rowid, rank_bm25_fts5(matchinfo(recipes_fts, 'pcnalx'), 'recipes_fts', ?1"
            f"{tunables}) from recipes_fts where recipes_fts match ?1 order by rowid",
            [query],
        ).fetchall()


def fts5_scores(db, query, weights=""):
    return db.execute(
        f"select rowid, bm25(r5{weights}) from r5 where r5 match ? order by rowid", [query]
    ).fetchall()


def test_s_fn_7_example(both):
    assert fts4_scores(both, "chicken") == [(2, -0.8743588111355366), (6, -0.8203500031021227)]
    assert fts4_scores(both, "chicken", ", null, null, 10.0, 1.0") == [
        (2, -1.1548522957888874),
        (6, -1.1704820637591788),
    ]


@pytest.mark.parametrize(
    "fts4_query, fts5_query",
    [
        ("chicken", "chicken"),
        ("lemon chicken", "lemon chicken"),
        ("lemon OR mint", "lemon OR mint"),
        ("simmer NOT chicken", "simmer NOT chicken"),
        ('"sweet pastry"', '"sweet pastry"'),
        ("title:lemon", "title:lemon"),
        ("body:hot OR title:tea", "body:hot OR title:tea"),
        ("pot*", "pot*"),
        ("(lemon OR mint) AND (tart OR tea)", "(lemon OR mint) AND (tart OR tea)"),
        ("chicken NOT (stock OR tart)", "chicken NOT (stock OR tart)"),
    ],
)
@pytest.mark.parametrize("weights", ["", ", 10.0, 1.0", ", 0.3, 2.5"])
def test_s_fn_7_equals_fts5_bm25(both, fts4_query, fts5_query, weights):
    tunables = f", null, null{weights}" if weights else ""
    ours = fts4_scores(both, fts4_query, tunables)
    theirs = fts5_scores(both, fts5_query, weights)
    assert [r for r, _ in ours] == [r for r, _ in theirs]
    for (_, a), (_, b) in zip(ours, theirs):
        assert abs(a - b) <= 1e-9


@pytest.mark.parametrize("text", ["lem*", '"sweet pastry" ca*', "chick roast*", "^swe*pastry"])
def test_s_fn_7_escape_query_pairs_rank_alike(both, text):
    ours = fts4_scores(both, escape_query(text, "FTS4"))
    theirs = fts5_scores(both, escape_query(text, "FTS5"))
    assert [r for r, _ in ours] == [r for r, _ in theirs]
    assert all(abs(a[1] - b[1]) <= 1e-9 for a, b in zip(ours, theirs))


@pytest.mark.parametrize(
    "query, message",
    [
        ("chicken NEAR lemon", "cannot match the query's phrases"),
        ("chicken NEAR/5 roast", "cannot match the query's phrases"),
    ],
)
def test_s_fn_8_unusable_phrases(both, query, message):
    with pytest.raises(sqlite3.OperationalError) as error:
        fts4_scores(both, query)
    assert str(error.value) == (
        "rank_bm25_fts5(): cannot match the query's phrases to matchinfo(); "
        "use rank_bm25() for this query"
    )


def test_s_fn_8_not_an_fts4_table(both):
    with pytest.raises(sqlite3.OperationalError) as error, function_errors():
        both.execute(
            "select rank_bm25_fts5(matchinfo(recipes_fts, 'pcnalx'), 'r5', 'chicken') "
            "from recipes_fts where recipes_fts match 'chicken'"
        ).fetchall()
    assert str(error.value) == "rank_bm25_fts5(): no FTS4 table named 'r5'"


def test_s_fn_8_bad_blob_and_tunables(both):
    with pytest.raises(sqlite3.OperationalError) as error, function_errors():
        both.execute(
            "select rank_bm25_fts5(matchinfo(recipes_fts), 'recipes_fts', 'chicken') "
            "from recipes_fts where recipes_fts match 'chicken'"
        ).fetchall()
    assert str(error.value) == "rank_bm25_fts5() needs matchinfo(table, 'pcnalx')"
    with pytest.raises(sqlite3.OperationalError) as error:
        fts4_scores(both, "chicken", ", 1.2, 0.75, 1.0, 1.0, 1.0")
    assert str(error.value) == "rank_bm25_fts5(): got 3 column weights for 2 columns"
    with pytest.raises(sqlite3.OperationalError) as error:
        fts4_scores(both, "chicken", ", 1.2, 2")
    assert str(error.value) == (
        "rank_bm25_fts5(): k1 must be a number >= 0 and b a number between 0 and 1"
    )


def test_s_fn_7_schema_qualified_name_and_cache_invalidation(both):
    sql = (
        "select rowid, rank_bm25_fts5(matchinfo(recipes_fts, 'pcnalx'), 'main.recipes_fts', "
        "'mint') from recipes_fts where recipes_fts match 'mint' order by rowid"
    )
    before = both.execute(sql).fetchall()
    assert [r for r, _ in before] == [3, 4]
    with both.atomic():
        both["recipes"].insert({"id": 7, "title": "mint sauce", "body": "chop mint"})
        both["recipes"].rebuild_fts()
        after = both.execute(sql).fetchall()
        both.execute("delete from recipes where id = 7")
        both["recipes"].rebuild_fts()
    assert [r for r, _ in after] == [3, 4, 7]
    assert after[0][1] != before[0][1]  # N, avgdl and n_i were read again
    assert both.execute(sql).fetchall() == before


def test_doctotal_varints():
    # N = 300 (0xAC 0x02), then totals 5 and 129 (0x81 0x01)
    assert decode_doctotal(bytes([0xAC, 0x02, 0x05, 0x81, 0x01, 0x07]), 2) == (300, 134)
    assert decode_doctotal(b"", 2) == (0, 0)


@pytest.mark.parametrize(
    "query, phrases",
    [
        ("a b", ["a", "b"]),
        ('title:"x y" OR z*', ['title:"x y"', "z*"]),
        ("a NOT (b OR c) d", ["a", "d"]),
        ("a NOT title:b", ["a"]),
        ('"lem*" "x"', ['"lem*"', '"x"']),
        ("a NEAR b", None),
        ("a-b", None),
        ("(a", None),
        ("a)", None),
        ('"a', None),
        ("nope:a", None),
        ("a NOT", None),
    ],
)
def test_matchable_phrases(query, phrases):
    assert matchable_phrases(query, ["title", "body"]) == phrases


def test_s_fn_7_cache_sees_other_connections_and_attached_schemas(tmp_path):
    path = str(tmp_path / "r.db")
    writer = make_file_db(path)
    reader = datamill.Database(path)
    sql = (
        "select rank_bm25_fts5(matchinfo(recipes_fts, 'pcnalx'), 'recipes_fts', 'mint') "
        "from recipes_fts where recipes_fts match 'mint' order by rowid"
    )
    before = reader.execute(sql).fetchall()
    writer.execute("update recipes set body = body || ' and more words here' where id = 1")
    after = reader.execute(sql).fetchall()
    assert after != before  # avgdl changed: nothing stale was reused
    other = datamill.Database(memory=True)
    other.attach("other", path)
    attached = other.execute(
        "select rank_bm25_fts5(matchinfo(recipes_fts, 'pcnalx'), 'other.recipes_fts', "
        "'mint') from other.recipes_fts where recipes_fts match 'mint' order by rowid"
    ).fetchall()
    assert attached == after


def make_file_db(path):
    db = datamill.Database(path)
    db["recipes"].insert_all([{"id": i, "title": t, "body": b} for i, t, b in RECIPES], pk="id")
    db["recipes"].enable_fts(["title", "body"], fts_version="FTS4", create_triggers=True)
    return db


WORDS = ["lemon", "chicken", "mint", "roast", "simmer", "hot", "le", "ch", "pot", "xyz", "tart"]


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.tuples(st.sampled_from(WORDS), st.booleans()), min_size=1, max_size=3),
    weights=st.sampled_from(["", ", 10.0, 1.0", ", 0.5, 3.0"]),
)
def test_s_fn_7_escape_query_pairs_equal_fts5_bm25(both, words, weights):
    text = " ".join(word + ("*" if star else "") for word, star in words)
    tunables = f", null, null{weights}" if weights else ""
    ours = fts4_scores(both, escape_query(text, "FTS4"), tunables)
    theirs = fts5_scores(both, escape_query(text, "FTS5"), weights)
    assert [r for r, _ in ours] == [r for r, _ in theirs]
    assert all(abs(a[1] - b[1]) <= 1e-9 for a, b in zip(ours, theirs))
