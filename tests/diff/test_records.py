"""The fast record reader agrees with ``csv.reader`` on any input (DF-IN-3, DF-ENG-3)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.diff.csvrecords import CsvRecords
from datamill.diff.errors import DiffInputError
from datamill.io.dialect import sniff_text

_CHARS = st.sampled_from(list('ab ,";\t\n\rxé'))


def _reader(text: str, dialect) -> CsvRecords:
    def no_decode_errors():
        raise AssertionError("text input cannot have decoding errors")

    return CsvRecords(io.StringIO(text, newline=""), dialect, "t.csv", no_decode_errors)


def _expected(text: str, dialect) -> list[list[str]] | None:
    """Records per csv.reader, minus blank lines; None when the quote never closes."""
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), dialect) if r]
    # Only a quoted field left open at the end changes when a line break is appended.
    longer = [r for r in csv.reader(io.StringIO(text + "\n", newline=""), dialect) if r]
    return rows if rows == longer else None


def _actual(text: str, dialect, width: int) -> list[list[str]]:
    reader = _reader(text, dialect)
    reader.columns = ["c"] * width
    out = []
    for _line, key, fp, raw, fields in reader.keyed([0], None, True):
        row = fields if fields is not None else reader.fields_of(raw)
        assert key == row[0]
        assert fp == hash(raw)
        out.append(row)
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(_CHARS, max_size=60), st.sampled_from([csv.excel, csv.excel_tab]))
def test_records_match_csv_reader(text, dialect):
    expected = _expected(text, dialect)
    if expected is None:
        try:
            _actual(text, dialect, 1)
        except DiffInputError as err:
            assert "unterminated quoted field" in str(err) or "expected 1 fields" in str(err)
        else:
            raise AssertionError("an unterminated quote must be an error")
        return
    widths = {len(r) for r in expected}
    width = max(widths) if widths else 1
    try:
        got = _actual(text, dialect, width)
    except DiffInputError as err:
        message = str(err)
        assert "expected" in message or "NUL" in message
        return
    assert got == [r[:width] if len(r) > width and not any(r[width:]) else r for r in expected]


@settings(max_examples=150, deadline=None)
@given(st.text(_CHARS, min_size=1, max_size=60))
def test_sniffed_dialects_agree_too(text):
    dialect = sniff_text(text)
    expected = _expected(text, dialect)
    if expected is None or not expected:
        return
    width = max(len(r) for r in expected)
    try:
        got = _actual(text, dialect, width)
    except DiffInputError:
        return
    assert got == [r[:width] if len(r) > width and not any(r[width:]) else r for r in expected]


def test_pick_finds_keyed_records_including_quoted_keys():
    text = 'id,v\n1,a\n"2",b\n3,"c, d"\n,e\n'
    reader = _reader(text, csv.excel)
    reader.read_header()
    picked = list(reader.pick([0], {"2", "3", ""}))
    assert picked == [
        ("2", '"2",b', ["2", "b"]),
        ("3", '3,"c, d"', ["3", "c, d"]),
        ("", ",e", ["", "e"]),
    ]


def test_unterminated_quote_reports_the_record_start():
    reader = _reader('a,b\n1,2\n3,"x\ny\n', csv.excel)
    reader.read_header()
    try:
        list(reader.records())
    except DiffInputError as err:
        assert (str(err), err.line, err.source) == (
            "t.csv, line 3: unterminated quoted field",
            3,
            "t.csv",
        )
    else:
        raise AssertionError("no error")
