"""S-ESC: escape_query turns any text into a query SQLite accepts; L-FTS-9 quote_fts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datamill
from datamill.search import escape_query
from datamill.search.database_fts import quote_fts


@pytest.mark.parametrize(
    "text, fts5, fts4",
    [
        ("lem*", '"lem"*', '"lem*"'),
        ('"sweet pastry" ca*', '"sweet pastry" "ca"*', '"sweet pastry" "ca*"'),
        ("title:lemon OR -mint", '"title:lemon" "OR" "-mint"', '"title:lemon" "OR" "-mint"'),
        ("^swe*pastry", '"^swe*pastry"', '"swe pastry"'),
        ('a"b', '"a" "b"', '"a" "b"'),
        ("—", '"—"', ""),
        ("   ", "", ""),
        ("*", "", ""),
        ('"', "", ""),
        ("", "", ""),
        ("tab\there\x00nul", '"tab" "here" "nul"', '"tab" "here" "nul"'),
        ('"a  b"**', '"a b"*', '"a b*"'),
        ('"unterminated phrase', '"unterminated phrase"', '"unterminated phrase"'),
    ],
)
def test_s_esc_1_table(text, fts5, fts4):
    assert escape_query(text) == fts5
    assert escape_query(text, "FTS4") == fts4


def test_s_esc_1_prefix_modes():
    assert escape_query("lem tar*", prefix="explicit") == '"lem" "tar"*'
    assert escape_query("lem tar", prefix="last") == '"lem" "tar"*'
    assert escape_query("lem tar", prefix="all", fts_version="FTS4") == '"lem*" "tar*"'
    assert escape_query("lem* tar*", prefix="none") == '"lem" "tar"'
    with pytest.raises(ValueError) as error:
        escape_query("x", prefix="some")
    assert str(error.value) == "prefix must be one of 'explicit', 'last', 'all', 'none'"


def test_s_esc_1_keeps_at_most_1024_items():
    assert escape_query(" ".join(["w"] * 2000)).count('"w"') == 1024


def test_s_esc_2_prefix_search_works_on_both_versions(version):
    db = datamill.Database(memory=True)
    db["recipes"].insert_all([{"id": 1, "title": "lemon tart"}], pk="id")
    db["recipes"].enable_fts(["title"], fts_version=version)
    rows = db.execute(
        "select rowid from recipes_fts where recipes_fts match ?", [escape_query("lem*", version)]
    ).fetchall()
    assert rows == [(1,)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Search term.", '"Search" "term."'),
        ('a "b c', '"a" "b c"'),
        ("NOT or", '"NOT" "or"'),
        ('x ""', '"x"'),
    ],
)
def test_l_fts_9_quote_fts(text, expected):
    assert quote_fts(text) == expected
    assert datamill.Database(memory=True).quote_fts(text) == expected


def _fuzz_db(version: str, tokenize: str | None) -> datamill.Database:
    db = datamill.Database(memory=True)
    db["docs"].insert_all(
        [
            {"id": 1, "title": "lemon tart", "body": "naïve café ünïcode 東京 text"},
            {"id": 2, "title": "AND OR NOT", "body": 'near * ^ - : ( ) quote"d'},
        ],
        pk="id",
    )
    db["docs"].enable_fts(["title", "body"], fts_version=version, tokenize=tokenize)
    return db


FUZZ_DBS = {
    (version, tokenize): _fuzz_db(version, tokenize)
    for version in ("FTS4", "FTS5")
    for tokenize in (None, "porter", "unicode61")
}
FUZZ_DBS[("FTS5", "trigram")] = _fuzz_db("FTS5", "trigram")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        alphabet=st.one_of(
            st.sampled_from(list("\"*^-:()+ \t\nNEARANDORNOT{}[],.'\x00—é東")),
            st.characters(),
        ),
        max_size=40,
    ),
    prefix=st.sampled_from(["explicit", "last", "all", "none"]),
)
def test_s_esc_1_fuzz_escape_then_search_never_fails(text, prefix):
    for (version, _), db in FUZZ_DBS.items():
        query = escape_query(text, version, prefix)
        if query:
            db.execute("select count(*) from docs_fts where docs_fts match ?", [query]).fetchone()
        rows = list(db["docs"].search(text, quote=True, prefix=prefix, include_rank=True))
        assert all(set(row) >= {"rowid", "rank"} for row in rows)
        if version == "FTS4":
            list(db["docs"].search(text, quote=True, prefix=prefix, ranking="bm25"))
