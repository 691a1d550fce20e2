"""S-FN-2..4, S-FN-8: decoding and annotating matchinfo blobs."""

from __future__ import annotations

import json
import sqlite3
from array import array

import pytest

from datamill.search import MatchinfoError, annotate_matchinfo, decode_matchinfo
from datamill.search.functions import function_errors
from datamill.search.matchinfo import decode_matchinfo_text

ROW2_PCNALX = (1, 2, 6, 2, 8, 2, 10, 1, 2, 2, 2, 3, 2)


def blob(*values: int) -> bytes:
    return array("I", values).tobytes()


def test_s_fn_3_decode_native_byte_order():
    assert decode_matchinfo(blob(*ROW2_PCNALX)) == ROW2_PCNALX
    assert decode_matchinfo_text(blob(*ROW2_PCNALX)) == "[1, 2, 6, 2, 8, 2, 10, 1, 2, 2, 2, 3, 2]"
    assert decode_matchinfo_text(b"") == "[]"
    assert decode_matchinfo_text(None) is None
    assert decode_matchinfo(blob(2**32 - 1)) == (2**32 - 1,)


def test_s_fn_3_decode_on_a_real_query(recipes4):
    row = recipes4.execute(
        "select decode_matchinfo(matchinfo(recipes_fts, 'pcnalx')) from recipes_fts "
        "where recipes_fts match 'chicken' and rowid = 2"
    ).fetchone()
    assert row[0] == "[1, 2, 6, 2, 8, 2, 10, 1, 2, 2, 2, 3, 2]"


@pytest.mark.parametrize("value", ["text", b"abc", 3])
def test_s_fn_8_decode_rejects_non_blobs(value):
    with pytest.raises(MatchinfoError, match=r"^decode_matchinfo\(\) needs a matchinfo\(\) blob$"):
        decode_matchinfo(value)


def test_s_fn_4_annotate_cl_example():
    expected = {
        "c": {"value": 2, "title": "Number of user defined columns in the FTS table", "idx": 0},
        "l": {
            "title": "Number of tokens in each column of the current row of the FTS4 table",
            "value": [
                {"column_index": 0, "num_tokens": 2, "idx": 1},
                {"column_index": 1, "num_tokens": 10, "idx": 2},
            ],
        },
    }
    text = annotate_matchinfo(blob(2, 2, 10), "cl")
    assert text == json.dumps(expected, indent=2)
    assert text.startswith('{\n  "c": {\n    "value": 2,')


def test_s_fn_4_annotate_every_letter():
    # p=1 c=2, then x(6) y(2) b(1) n a(2) l(2) s(2)
    values = (1, 2, 1, 2, 2, 2, 3, 2, 1, 2, 3, 6, 2, 8, 2, 10, 1, 1)
    result = json.loads(annotate_matchinfo(blob(*values), "pcxybnals"))
    assert list(result) == list("pcxybnals")
    assert result["x"]["value"][1] == {
        "phrase_index": 0,
        "column_index": 1,
        "hits_this_column_this_row": 2,
        "hits_this_column_all_rows": 3,
        "docs_with_hits": 2,
        "idxs": [5, 6, 7],
    }
    assert list(result["x"]) == ["value", "title"]
    assert result["y"]["value"][0] == {
        "phrase_index": 0,
        "column_index": 0,
        "hits_for_phrase_in_col": 1,
        "idx": 8,
    }
    assert result["b"] == {
        "title": "Bitfield showing which phrases occur in which columns",
        "value": [3],
        "decoded": {"phrase_0": "11" + "0" * 30},
    }
    assert result["n"] == {"value": 6, "title": "Number of rows in the FTS4 table", "idx": 11}
    assert result["a"]["value"][1] == {"column_index": 1, "average_num_tokens": 8, "idx": 13}
    assert result["s"]["value"][0] == {
        "column_index": 0,
        "length_phrase_subsequence_match": 1,
        "idx": 16,
    }
    assert result["s"]["title"] == "Length of longest subsequence of phrase matching each column"


def test_s_fn_4_pcb_example(recipes4):
    text = recipes4.execute(
        "select annotate_matchinfo(matchinfo(recipes_fts, 'pcb'), 'pcb') from recipes_fts "
        "where recipes_fts match 'roast chicken' and rowid = 2"
    ).fetchone()[0]
    decoded = json.loads(text)["b"]
    assert decoded["value"] == [2, 3]
    assert decoded["decoded"] == {"phrase_0": "01" + "0" * 30, "phrase_1": "11" + "0" * 30}


def test_s_fn_4_ordering_errors_unknown_and_repeated_letters():
    assert json.loads(annotate_matchinfo(blob(1, 2, 3), "px")) == {
        "error": "'x' must be preceded by 'p' and 'c'"
    }
    assert json.loads(annotate_matchinfo(blob(1, 2, 3), "pb")) == {
        "error": "'b' must be preceded by 'p' and 'c'"
    }
    assert json.loads(annotate_matchinfo(blob(1, 2, 3), "a")) == {
        "error": "'a' must be preceded by 'c'"
    }
    # an unknown letter adds nothing and, as in sqlite-fts4 1.0.3, consumes nothing;
    # a repeated letter replaces its entry in the old key position
    result = json.loads(annotate_matchinfo(blob(5, 9, 7, 8), "pzcp"))
    assert list(result) == ["p", "c"]
    assert result["p"] == {
        "value": 7,
        "title": "Number of matchable phrases in the query",
        "idx": 2,
    }
    assert result["c"]["value"] == 9
    # leftover integers are ignored
    assert json.loads(annotate_matchinfo(blob(1, 2, 3), "p"))["p"]["value"] == 1


def test_s_fn_4_null_and_empty():
    assert annotate_matchinfo(None, "pcx") is None
    assert annotate_matchinfo(b"", "pcx") == "{}"
    assert annotate_matchinfo(b"", None) == "{}"


@pytest.mark.parametrize(
    "value, format", [(blob(1, 2), "pcx"), (blob(1), None), (b"abcde", "p"), ("text", "p")]
)
def test_s_fn_8_annotate_errors(value, format):
    with pytest.raises(
        MatchinfoError,
        match=r"^annotate_matchinfo\(\) needs the format string that was passed to matchinfo\(\)$",
    ):
        annotate_matchinfo(value, format)


def test_s_fn_8_sql_error_message_through_datamill(recipes4):
    with pytest.raises(sqlite3.OperationalError) as error, function_errors():
        recipes4.execute(
            "select annotate_matchinfo(matchinfo(recipes_fts, 'pcx'), 'pcxnal') from recipes_fts "
            "where recipes_fts match 'chicken'"
        ).fetchall()
    assert str(error.value) == (
        "annotate_matchinfo() needs the format string that was passed to matchinfo()"
    )


def test_s_fn_8_message_when_a_later_row_fails_while_iterating(recipes4):
    cursor = recipes4.execute(
        "select decode_matchinfo(case when rowid < 3 then x'' else 'text' end) from recipes"
        " order by rowid"
    )
    assert next(cursor) == ("[]",)
    with pytest.raises(sqlite3.OperationalError) as error:
        list(cursor)
    assert str(error.value) == "decode_matchinfo() needs a matchinfo() blob"
    assert isinstance(error.value.__cause__, MatchinfoError)


def test_compatible_with_sqlite_fts4_annotations(recipes4):
    sqlite_fts4 = pytest.importorskip("sqlite_fts4")
    for fmt in ["pcx", "pcnalx", "pcxybnals", "cl", "pcb", "pcy"]:
        blobs = recipes4.execute(
            f"select matchinfo(recipes_fts, '{fmt}') from recipes_fts "
            "where recipes_fts match 'roast chicken OR mint'"
        ).fetchall()
        for (value,) in blobs:
            assert annotate_matchinfo(value, fmt) == sqlite_fts4.annotate_matchinfo(value, fmt)
            assert decode_matchinfo_text(value) == sqlite_fts4.decode_matchinfo_str(value)
