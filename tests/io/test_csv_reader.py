"""Streaming CSV/TSV reading: padding, blank lines, line numbers and malformed input (I-4)."""

import io

import pytest

from datamill.io.csv_reader import CsvReader
from datamill.io.errors import InputError


def read_all(data: bytes, size: int = 100, **kwargs):
    reader = CsvReader(io.BytesIO(data), **kwargs)
    out = []
    for batch in reader.batches(size):
        for index, row in enumerate(batch.rows):
            out.append((batch.row_number(index), batch.line_of(index), row))
    return reader.columns, out


def test_header_rows_and_line_numbers():
    columns, rows = read_all(b'a,b\n1,2\n\n3,"x\ny"\n4\n5,6,7\n', size=2)
    assert columns == ["a", "b"]
    assert rows == [
        (1, 2, ["1", "2"]),
        (2, 4, ["3", "x\ny"]),
        (3, 6, ["4", None]),
        (4, 7, ["5", "6"]),
    ]


def test_no_headers_numbers_columns_and_starts_at_line_one():
    columns, rows = read_all(b"1,2\n3,4\n", headers=False)
    assert columns == ["untitled_1", "untitled_2"]
    assert rows == [(1, 1, ["1", "2"]), (2, 2, ["3", "4"])]


def test_bom_is_ignored():
    columns, rows = read_all(b"\xef\xbb\xbfa,b\n1,2\n")
    assert columns == ["a", "b"]
    assert rows == [(1, 2, ["1", "2"])]


def test_a_header_naming_a_column_twice_is_an_error():
    """Issue 11: one column's values were silently dropped (C-INSERT)."""
    with pytest.raises(InputError) as info:
        CsvReader(io.BytesIO(b"\n\nid,name,x,y,name\n1,a,2,3,b\n"), source="t.csv")
    assert str(info.value) == 't.csv: column "name" appears twice in the header (columns 2 and 5)'
    assert (info.value.line, info.value.column) == (3, "name")
    columns, rows = read_all(b"a,a\n1,2\n", headers=False)  # numbered columns: no header
    assert columns == ["untitled_1", "untitled_2"]
    assert rows == [(1, 1, ["a", "a"]), (2, 2, ["1", "2"])]


def test_tsv_and_latin1():
    columns, rows = read_all(
        "name\tcity\nJos\xe9\tM\xe1laga\n".encode("latin-1"),
        dialect="excel-tab",
        encoding="latin-1",
    )
    assert columns == ["name", "city"]
    assert rows == [(1, 2, ["José", "Málaga"])]


@pytest.mark.parametrize(
    "data, message",
    [
        (b'a,b\n1,2\n3,"x\n4,5\n', "Invalid CSV on line 3: unexpected end of data"),
        (b"a,b\n1,2\n3,\x00\n", "Invalid CSV on line 3: line contains NUL"),
        (
            b"a,b\n1,2\n3,caf\xe9\n",
            "Input is not valid utf-8 on line 3, column 6 (byte 0xe9)"
            " - use --encoding, e.g. --encoding=latin-1",
        ),
        (b"", "CSV input is empty - no header row"),
    ],
)
def test_malformed_input(data, message):
    with pytest.raises(InputError) as caught:
        read_all(data)
    assert str(caught.value) == message


def test_decode_error_far_into_a_large_file_names_its_line():
    data = b"a,b\n" + b"1,2\n" * 100_000 + b"3,\xff\n"
    with pytest.raises(InputError) as caught:
        read_all(data, size=1000)
    assert str(caught.value).startswith("Input is not valid utf-8 on line 100002, column 3 ")
