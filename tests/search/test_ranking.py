"""S-FN-1, S-FN-5, S-FN-6, S-FN-8: rank_score, rank_bm25 and registration."""

from __future__ import annotations

import sqlite3
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import datamill
from datamill.search import MatchinfoError, rank_bm25, rank_score, register_functions
from datamill.search.functions import function_errors

try:  # the peer tool pins compatibility; these tests skip cleanly without it
    import sqlite_fts4
except ImportError:
    sqlite_fts4 = None
needs_sqlite_fts4 = pytest.mark.skipif(sqlite_fts4 is None, reason="sqlite-fts4 not installed")


def blob(*values: int) -> bytes:
    return array("I", values).tobytes()


def scores(db, expression: str, query: str = "chicken") -> list:
    with function_errors():
        return db.execute(
            f"select rowid, {expression} from recipes_fts where recipes_fts match ? order by rowid",
            [query],
        ).fetchall()


def test_s_fn_5_rank_score_example(recipes4):
    assert scores(recipes4, "rank_score(matchinfo(recipes_fts))") == [
        (2, -1.1666666666666665),
        (6, -0.8333333333333333),
    ]
    assert rank_score(None) is None
    assert rank_score(b"") is None


def test_s_fn_6_rank_bm25_examples(recipes4):
    mi = "matchinfo(recipes_fts, 'pcnalx')"
    assert scores(recipes4, f"rank_bm25({mi})") == [
        (2, -1.3428994606887832),
        (6, -1.2072504554576458),
    ]
    assert scores(recipes4, f"rank_bm25({mi}, 1.2, 0.75, 10.0, 1.0)") == [
        (2, -6.632979444807854),
        (6, -6.497330439576717),
    ]
    assert scores(recipes4, f"rank_bm25({mi}, 2.0, 0.5)") == [
        (2, -1.4176031329992282),
        (6, -1.2011292717565043),
    ]
    # NULL tunables mean the defaults; missing weights are 1.0
    assert scores(recipes4, f"rank_bm25({mi}, null, null, 1.0)") == scores(
        recipes4, f"rank_bm25({mi})"
    )


def test_s_fn_6_zero_score_is_negative_zero():
    # a phrase in every row has IDF 0, so the row scores -0.0 like sqlite-fts4
    value = rank_bm25(blob(1, 1, 2, 3, 3, 3, 5, 2))
    assert value == 0.0 and str(value) == "-0.0"


def test_s_fn_6_null_and_empty_first_argument():
    assert rank_bm25(None) is None
    assert rank_bm25(b"") is None
    assert rank_bm25("") is None
    assert rank_bm25(None, 2.0) is None


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: rank_bm25(blob(1, 2, 3)), "rank_bm25() needs matchinfo(table, 'pcnalx')"),
        (lambda: rank_bm25("text"), "rank_bm25() needs matchinfo(table, 'pcnalx')"),
        (lambda: rank_bm25(b"abcdefghi"), "rank_bm25() needs matchinfo(table, 'pcnalx')"),
        (lambda: rank_score(blob(1, 2, 3)), "rank_score() needs matchinfo(table, 'pcx')"),
        (lambda: rank_score("text"), "rank_score() needs matchinfo(table, 'pcx')"),
        (
            lambda: rank_bm25(blob(1, 1, 2, 3, 3, 3, 5, 2), -1),
            "rank_bm25(): k1 must be a number >= 0 and b a number between 0 and 1",
        ),
        (
            lambda: rank_bm25(blob(1, 1, 2, 3, 3, 3, 5, 2), 1.2, 1.5),
            "rank_bm25(): k1 must be a number >= 0 and b a number between 0 and 1",
        ),
        (
            lambda: rank_bm25(blob(1, 1, 2, 3, 3, 3, 5, 2), "x"),
            "rank_bm25(): k1 must be a number >= 0 and b a number between 0 and 1",
        ),
        (
            lambda: rank_bm25(blob(1, 1, 2, 3, 3, 3, 5, 2), 1.2, 0.75, 1.0, 2.0),
            "rank_bm25(): got 2 column weights for 1 columns",
        ),
        (
            lambda: rank_bm25(blob(1, 1, 2, 3, 3, 3, 5, 2), 1.2, 0.75, "heavy"),
            "rank_bm25(): column weights must be numbers",
        ),
        (
            lambda: rank_bm25(blob(1, 1, 2, 3, 3, 3, 5, 2), 1.2, 0.75, float("inf")),
            "rank_bm25(): column weights must be numbers",
        ),
    ],
)
def test_s_fn_8_errors(call, message):
    with pytest.raises(MatchinfoError) as error:
        call()
    assert str(error.value) == message


def test_s_fn_8_pcx_blob_passed_to_rank_bm25_names_the_problem(recipes4):
    with pytest.raises(sqlite3.OperationalError) as error:
        scores(recipes4, "rank_bm25(matchinfo(recipes_fts))")
    assert str(error.value) == "rank_bm25() needs matchinfo(table, 'pcnalx')"


def test_s_fn_1_database_registers_everything_and_user_can_replace():
    db = datamill.Database(memory=True)
    names = {
        row[0]
        for row in db.execute("select name from pragma_function_list where name like 'rank%'")
    }
    assert {"rank_bm25", "rank_score", "rank_bm25_fts5"} <= names
    db.register_function(lambda blob: 42, name="rank_bm25")
    assert db.execute("select rank_bm25(x'00')").fetchone()[0] == 42


def test_s_fn_1_overrides_an_earlier_fixed_count_registration(recipes4):
    conn = recipes4.conn
    conn.create_function("rank_bm25", 1, lambda blob: 99.0)
    assert register_functions(conn) == "python"
    assert scores(recipes4, "rank_bm25(matchinfo(recipes_fts, 'pcnalx'))")[0][1] != 99.0


def test_s_fn_1_implementations():
    conn = sqlite3.connect(":memory:")
    assert register_functions(conn, implementation="python") == "python"
    with pytest.raises(RuntimeError, match="native ranking implementation is not available"):
        register_functions(conn, implementation="native")
    with pytest.raises(ValueError, match="implementation must be 'auto', 'python' or 'native'"):
        register_functions(conn, implementation="c")


def test_l_func_4_register_fts4_bm25(recipes4):
    recipes4.conn.create_function("rank_bm25", 1, lambda blob: 1.0)
    recipes4.register_fts4_bm25()
    assert scores(recipes4, "rank_bm25(matchinfo(recipes_fts, 'pcnalx'))")[0][1] == (
        -1.3428994606887832
    )


def _pcnalx(phrases: int, columns: int, draw) -> bytes:
    rows = draw(st.integers(1, 10_000))
    values = [phrases, columns, rows]
    values += [draw(st.integers(0, 300)) for _ in range(columns)]  # a
    values += [draw(st.integers(0, 600)) for _ in range(columns)]  # l
    for _ in range(phrases * columns):
        docs = draw(st.integers(0, rows))
        values += [draw(st.integers(0, 20)), draw(st.integers(docs, docs * 5 + 1)), docs]
    return blob(*values)


@st.composite
def pcnalx_blobs(draw):
    return _pcnalx(draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw)


@needs_sqlite_fts4
@settings(max_examples=300, deadline=None)
@given(pcnalx_blobs())
def test_s_fn_6_bit_identical_to_sqlite_fts4(value):
    try:
        expected = sqlite_fts4.rank_bm25(value)
    except ValueError:  # math domain error: datamill floors the IDF at 0 instead
        return
    assert rank_bm25(value) == expected
    assert rank_bm25(value) == rank_bm25(value)  # the cached path agrees with the first


@needs_sqlite_fts4
@settings(max_examples=100, deadline=None)
@given(pcnalx_blobs())
def test_s_fn_5_rank_score_matches_sqlite_fts4(value):
    values = array("I")
    values.frombytes(value)
    p, c = values[0], values[1]
    pcx = blob(p, c, *values[3 + 2 * c :])
    try:
        expected = sqlite_fts4.rank_score(pcx)
    except ZeroDivisionError:
        return
    assert rank_score(pcx) == expected


def test_s_fn_8_database_execute_and_query_report_the_message(recipes4):
    sql = (
        "select rank_bm25(matchinfo(recipes_fts)) from recipes_fts "
        "where recipes_fts match 'chicken' order by 1"
    )
    for run in (lambda: recipes4.execute(sql), lambda: list(recipes4.query(sql))):
        with pytest.raises(sqlite3.OperationalError) as error:
            run()
        assert str(error.value) == "rank_bm25() needs matchinfo(table, 'pcnalx')"
