"""O-DETECT column type detection and TypeTracker (L-UTIL-4, L-IMP-3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datamill.io.detect import (
    _PLAIN_VALUE,
    _VALUE,
    ColumnTypes,
    TypeTracker,
    _batch_pattern,
    is_integer_text,
    is_real_text,
)


@pytest.mark.parametrize("value", ["0", "7", "-3", "+12", " 5 ", "123456789012"])
def test_integers(value):
    assert is_integer_text(value)
    assert is_real_text(value)


@pytest.mark.parametrize("value", ["1.5", ".5", "5.", "0.5", "-0.25", "2e3", "1.5E-3", "+.5e+2"])
def test_reals(value):
    assert not is_integer_text(value)
    assert is_real_text(value)


@pytest.mark.parametrize(
    "value", ["02134", "-007", "00.5", "nan", "inf", "1_000", "1e", "e5", ".", "", "1.2.3", "٣"]
)
def test_neither(value):
    assert not is_integer_text(value)
    assert not is_real_text(value)


def test_column_types_across_batches():
    tracker = ColumnTypes(6)
    tracker.feed([["1", "1.5", "02134", "", " 7 ", "x"], ["-3", "2", "1", "", "8", "y"]])
    assert tracker.types == ["INTEGER", "REAL", "TEXT", "TEXT", "INTEGER", "TEXT"]
    tracker.feed([["4", "3", "5", "", "nan", "z"]])
    assert tracker.types == ["INTEGER", "REAL", "TEXT", "TEXT", "TEXT", "TEXT"]
    tracker.feed([["4.5", "3", "5", "9", "1", "z"]])
    assert tracker.types == ["REAL", "REAL", "TEXT", "INTEGER", "TEXT", "TEXT"]


def test_missing_cells_are_ignored():
    tracker = ColumnTypes(2)
    tracker.feed([["1", None], ["2", "3"]])
    assert tracker.types == ["INTEGER", "INTEGER"]


def test_type_tracker():
    tracker = TypeTracker()
    rows = [
        {"a": "1", "b": "", "c": "007", "d": "1.5", "e": 3, "f": "1_000"},
        {"a": "2", "b": None, "c": "1", "d": "3", "e": 0.5, "f": "2"},
    ]
    assert list(tracker.wrap(rows)) == rows
    assert tracker.types == {
        "a": "integer",
        "b": "text",
        "c": "text",
        "d": "float",
        "e": "float",
        "f": "text",
    }


def reference_type(values):
    """O-DETECT applied value by value, written independently of the batch regexes."""
    import re

    integer = re.compile(r"[+-]?(0|[1-9][0-9]*)")
    real = re.compile(r"[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
    present = [v.strip(" \t\n\r\f\v") if v.strip(" \t\n\r\f\v") else v for v in values if v]
    if not present:
        return "TEXT"
    if all(integer.fullmatch(v) for v in present):
        return "INTEGER"
    if all(real.fullmatch(v) for v in present):
        return "REAL"
    return "TEXT"


cell = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "7",
            "-3",
            "+4",
            "007",
            "0.5",
            "00.5",
            "1e3",
            ".5",
            "5.",
            " 8 ",
            "nan",
            "1_0",
            "x",
            "-",
            "e",
            ".",
        ]
    ),
    st.from_regex(r"[+-]?[0-9]{1,4}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,2})?", fullmatch=True),
    st.text(alphabet="0123456789.-+eE x", max_size=6),
)


@given(st.lists(st.lists(cell, min_size=1, max_size=20), min_size=1, max_size=5))
def test_batched_detection_matches_value_by_value(batches):
    tracker = ColumnTypes(1)
    for batch in batches:
        tracker.feed([[value] for value in batch])
    assert tracker.types == [reference_type([v for batch in batches for v in batch])]


@given(
    st.lists(st.lists(st.tuples(cell, cell, cell), min_size=1, max_size=15), min_size=1, max_size=5)
)
def test_batched_detection_of_several_columns(batches):
    tracker = ColumnTypes(3)
    for batch in batches:
        tracker.feed([list(row) for row in batch])
    columns = list(zip(*[row for batch in batches for row in batch]))
    assert tracker.types == [reference_type(column) for column in columns]


@given(st.text(alphabet="0123456789.-+eE \x00x", max_size=12))
def test_plain_batch_patterns_accept_nothing_the_full_ones_reject(text):
    # O-DETECT: the fast pattern is only a shortcut, never a looser rule
    for kinds in (("INTEGER",), ("REAL",), ("INTEGER", "REAL")):
        plain = _batch_pattern(kinds, _PLAIN_VALUE)
        full = _batch_pattern(kinds, _VALUE)
        if plain.fullmatch(text):
            assert full.fullmatch(text)


def test_numbers_the_plain_pattern_rejects_still_detect():
    tracker = ColumnTypes(2)
    tracker.feed([["+1", " 2.5"], ["3 ", "1e3"], ["-4", "-.5"]])
    assert tracker.types == ["INTEGER", "REAL"]
