"""L-ANLZ-1: Table.analyze_column."""

import pytest

import datamill
from datamill.db import ColumnDetails


@pytest.fixture
def db():
    return datamill.Database(memory=True)


def test_spec_example(db):
    db["ac"].insert_all([{"c": v} for v in ["a", "a", "", "", "b", "c", "d"]])
    assert db["ac"].analyze_column("c", common_limit=2) == ColumnDetails(
        table="ac",
        column="c",
        total_rows=7,
        num_null=0,
        num_blank=2,
        num_distinct=5,
        most_common=[("a", 2), ("", 2)],
        least_common=[("c", 1), ("d", 1)],
    )


def test_ties_at_the_cut_off_follow_the_spec_rule(db):
    # L-ANLZ-1's worked example (issue 11 §3.1): among tied counts most_common keeps the
    # lower values and least_common the higher ones, each then listed by (count, value).
    db["t"].insert_all([{"c": v} for v in "aabbccd"])
    details = db["t"].analyze_column("c", common_limit=2)
    assert details.most_common == [("b", 2), ("a", 2)]
    assert details.least_common == [("d", 1), ("c", 2)]


def test_ties_with_numbers_use_numeric_order(db):
    # issue 11 §3.1: 10 sorts after 9 as a number, so the tie at count 2 keeps 3 and 9.
    db["t"].insert_all([{"c": v} for v in [10, 10, 9, 9, 3, 3, 1, 7]])
    details = db["t"].analyze_column("c", common_limit=2)
    assert details.most_common == [(9, 2), (3, 2)]
    assert details.least_common == [(1, 1), (7, 1)]


def test_least_common_is_ascending_by_count(db):
    db["q"].insert_all([{"c": v} for v in "abbcccdddd"])
    details = db["q"].analyze_column("c", common_limit=2)
    assert details.most_common == [("d", 4), ("c", 3)]
    assert details.least_common == [("a", 1), ("b", 2)]


def test_single_distinct_value_ignores_flag(db):
    db["t"].insert_all([{"c": "x"}, {"c": "x"}, {"c": "x"}])
    details = db["t"].analyze_column("c", most_common=False)
    assert details.most_common == [("x", 3)]
    assert details.least_common is None


def test_all_distinct_gives_no_lists(db):
    db["t"].insert_all([{"c": i} for i in range(5)])
    details = db["t"].analyze_column("c")
    assert (details.num_distinct, details.most_common, details.least_common) == (5, None, None)


def test_all_null(db):
    db["t"].insert_all([{"id": i, "c": None} for i in range(3)])
    details = db["t"].analyze_column("c")
    assert details.num_null == 3
    assert details.num_distinct == 0
    assert details.most_common == [(None, 3)]
    assert details.least_common is None


def test_flags_and_limits(db):
    db["t"].insert_all([{"c": v} for v in "aabbccddeeff"] + [{"c": "g"}])
    details = db["t"].analyze_column("c", common_limit=2, most_common=False)
    assert details.most_common is None
    assert details.least_common == [("g", 1), ("f", 2)]
    details = db["t"].analyze_column("c", common_limit=10, least_common=True)
    assert details.least_common is None  # num_distinct <= common_limit


def test_value_truncate_and_total_rows(db):
    db["t"].insert_all([{"c": "abcdefgh"}, {"c": "abcdefgh"}, {"c": "xy"}, {"c": "z"}])
    details = db["t"].analyze_column("C", value_truncate=3, total_rows=4)
    assert details.column == "c"
    assert details.most_common[0] == ("abc...", 2)
    assert ("xy", 1) in details.most_common
