"""CS-6: the date grammar, ``-d``/``-dt``/``-df`` and the warning for values kept."""

from __future__ import annotations

import pytest

from datamill.csvs.dates import DateRewriter

from .conftest import ok, rows, write

DATES = [
    ("2024-03-04", "2024-03-04", "2024-03-04T00:00:00"),
    ("2024-03-04T05:06", "2024-03-04", "2024-03-04T05:06:00"),
    ("2024-03-04 05:06:07.5Z", "2024-03-04", "2024-03-04T05:06:07.500000+00:00"),
    ("2024-03-04T05:06:07+0130", "2024-03-04", "2024-03-04T05:06:07+01:30"),
    ("2024/3/4", "2024-03-04", "2024-03-04T00:00:00"),
    ("2024.03.04", "2024-03-04", "2024-03-04T00:00:00"),
    ("03/04/2024", "2024-03-04", "2024-03-04T00:00:00"),
    ("13/04/2024", "2024-04-13", "2024-04-13T00:00:00"),
    ("3-4-24", "2024-03-04", "2024-03-04T00:00:00"),
    ("3.4.69", "1969-03-04", "1969-03-04T00:00:00"),
    ("March 5, 2024", "2024-03-05", "2024-03-05T00:00:00"),
    ("mar. 5 2024", "2024-03-05", "2024-03-05T00:00:00"),
    ("5 March 2024", "2024-03-05", "2024-03-05T00:00:00"),
    ("5-Mar-2024", "2024-03-05", "2024-03-05T00:00:00"),
    ("Tuesday, March 5, 2024 3:04 pm", "2024-03-05", "2024-03-05T15:04:00"),
    ("03/04/2024 12am UTC", "2024-03-04", "2024-03-04T00:00:00+00:00"),
    ("  2024-03-04  ", "2024-03-04", "2024-03-04T00:00:00"),
]


@pytest.mark.parametrize(("text", "date", "moment"), DATES)
def test_grammar(text, date, moment):
    assert DateRewriter("c", False, ()).rewrite(text, 1) == date
    assert DateRewriter("c", True, ()).rewrite(text, 1) == moment


@pytest.mark.parametrize(
    "text", ["2024-02-30", "13/13/2024", "yesterday", "5 mars 2024", "March 2024", "soon"]
)
def test_not_dates_are_kept_unchanged(text):
    rewriter = DateRewriter("c", False, ())
    assert rewriter.rewrite(text, 7) == text
    assert (rewriter.kept, rewriter.first_kept) == (1, (7, text))


def test_empty_stays_null():
    assert DateRewriter("c", False, ()).rewrite("  ", 1) is None


def test_formats_are_tried_first(run, tmp_path):
    write(tmp_path / "d.csv", "when\n04/03/2024\n2024-01-02\n")
    ok(run("d.csv", "d.db", "-d", "when", "-df", "%d/%m/%Y"))
    assert rows("d.db", "select [when] from d") == [("2024-03-04",), ("2024-01-02",)]


def test_datetime_column_and_warning_for_kept_values(run, tmp_path):
    write(tmp_path / "d.csv", "id,at\n1,2024-03-04 10:00\n2,\n3,soon\n4,later\n")
    result = ok(run("d.csv", "d.db", "-dt", "at"))
    assert result.stderr == (
        'Warning: d.csv: 2 values in column "at" are not dates and were kept as they are '
        '(first on line 4: "soon")\n'
    )
    assert rows("d.db", "select at from d") == [("2024-03-04T10:00:00",), (None,), ("soon",),
                                                 ("later",)]  # fmt: skip
    assert rows("d.db", "select type from pragma_table_info('d') where name = 'at'") == [("TEXT",)]


def test_single_kept_value_warning(run, votes):
    write(votes, votes.read_text() + "0301,Nye,REP,Cy,2,soon\n")
    result = ok(run("votes.csv", "v.db", "-d", "reported"))
    assert result.stderr == (
        'Warning: votes.csv: 1 value in column "reported" is not a date and was kept as it is '
        '(first on line 5: "soon")\n'
    )


def test_dates_are_rewritten_before_extraction(run, votes):
    ok(run("votes.csv", "v.db", "-d", "reported", "-c", "reported"))
    assert rows("v.db", "select value from reported") == [("2024-03-04",), ("2024-03-05",)]
