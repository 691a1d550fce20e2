"""rows_from_file and Format (L-UTIL-2, L-UTIL-3)."""

import csv
import io

import pytest

from datamill.io import InputError
from datamill.utils import (
    Format,
    RowError,
    RowsFromFileBadJSON,
    RowsFromFileError,
    rows_from_file,
)


def test_detects_csv_json_and_tsv():
    rows, fmt = rows_from_file(io.BytesIO(b"id,name\n1,Cleo\n"))
    assert (list(rows), fmt) == ([{"id": "1", "name": "Cleo"}], Format.CSV)
    rows, fmt = rows_from_file(io.BytesIO(b'[{"a": 1}, {"a": 2}]'))
    assert (list(rows), fmt) == ([{"a": 1}, {"a": 2}], Format.JSON)
    rows, fmt = rows_from_file(io.BytesIO(b'{"a": 1}'))
    assert (list(rows), fmt) == ([{"a": 1}], Format.JSON)
    rows, fmt = rows_from_file(io.BytesIO(b"a\tb\n1\t2\n"))
    assert (list(rows), fmt) == ([{"a": "1", "b": "2"}], Format.TSV)
    assert rows_from_file(io.BytesIO(b"  \n")) == ((), Format.CSV)


def test_format_values():
    assert [f.value for f in (Format.CSV, Format.TSV, Format.JSON, Format.NL)] == [1, 2, 3, 4]


def test_nl_format():
    rows, fmt = rows_from_file(io.BytesIO(b'{"a": 1}\n\n{"a": 2}\n'), format=Format.NL)
    assert (list(rows), fmt) == ([{"a": 1}, {"a": 2}], Format.NL)


def test_extras():
    data = b"a,b\n1,2\n1,2,3,4\n"
    rows, _ = rows_from_file(io.BytesIO(data), format=Format.CSV)
    with pytest.raises(RowError) as caught:
        list(rows)
    assert str(caught.value) == "Row 2 contained these extra values: ['3', '4']"
    rows, _ = rows_from_file(io.BytesIO(data), format=Format.CSV, ignore_extras=True)
    assert list(rows)[1] == {"a": "1", "b": "2"}
    rows, _ = rows_from_file(io.BytesIO(data), format=Format.CSV, extras_key="rest")
    assert list(rows)[1] == {"a": "1", "b": "2", "rest": ["3", "4"]}
    with pytest.raises(ValueError) as caught:
        rows_from_file(io.BytesIO(data), ignore_extras=True, extras_key="rest")
    assert str(caught.value) == "Cannot use ignore_extras= and extras_key= together"


def test_errors():
    with pytest.raises(TypeError) as caught:
        rows_from_file(io.StringIO("a,b"))
    assert "requires a file-like object that supports peek()" in str(caught.value)
    with pytest.raises(RowsFromFileBadJSON) as caught:
        rows_from_file(io.BytesIO(b"5"), format=Format.JSON)
    assert str(caught.value) == "JSON must be a list or a dictionary"
    with pytest.raises(RowsFromFileError) as caught:
        rows_from_file(io.BytesIO(b"x"), format="bad")
    assert str(caught.value) == "Bad format"


class _StrictDialect(csv.excel):
    strict = True


@pytest.fixture
def small_field_limit():
    """A 100-character csv field limit (the process-wide limit may have been raised)."""
    previous = csv.field_size_limit(100)
    yield
    csv.field_size_limit(previous)


@pytest.mark.parametrize(
    "data, dialect, message",
    [
        (
            b"a,b\n1," + b"x" * 200 + b"\n",
            None,
            "Invalid CSV on line 2: field larger than field limit (100)",
        ),
        (b'a,b\n1,2\n3,"x"y\n', _StrictDialect, "Invalid CSV on line 3: ',' expected after '\"'"),
    ],
)
def test_csv_errors_are_csv_errors_that_name_the_line(small_field_limit, data, dialect, message):
    # L-UTIL-2, L-IMP-4, issue 11 §3.15: existing `except csv.Error` clauses still match.
    rows, _ = rows_from_file(io.BytesIO(data), Format.CSV, dialect=dialect)
    with pytest.raises(csv.Error) as excinfo:
        list(rows)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, InputError)
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.line == int(message.split()[4].rstrip(":"))
