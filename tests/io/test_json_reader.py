"""Streaming JSON arrays (I-1) and NDJSON with exact error positions (I-4)."""

import io

import pytest

import datamill.io.json_reader as json_reader
import datamill.io.source as source
from datamill.io.errors import InputError
from datamill.io.json_reader import JsonReader, LinesReader, NdjsonReader, TextReader

HINT = " - use --csv for CSV or --tsv for TSV files"


def records(data: bytes):
    return list(JsonReader(io.BytesIO(data)).records())


def test_array_elements_with_their_start_lines():
    assert records(b'[{"a": 1},\n {"b": [1, 2]},\n {"c": "x"}]') == [
        ({"a": 1}, 1),
        ({"b": [1, 2]}, 2),
        ({"c": "x"}, 3),
    ]


def test_is_empty_reads_only_whitespace_and_keeps_positions(monkeypatch):
    monkeypatch.setattr(source, "CHUNK_SIZE", 4)  # the whitespace spans several chunks
    for data in (b"", b"  \n\t \r\n  "):
        assert JsonReader(io.BytesIO(data)).is_empty()
    reader = JsonReader(io.BytesIO(b'  \n\n   [{"a": 1},\n {"b": 2}]'))
    assert not reader.is_empty()
    assert list(reader.records()) == [({"a": 1}, 3), ({"b": 2}, 4)]
    assert not JsonReader(io.BytesIO(b"[]")).is_empty()


def test_single_object_empty_input_and_empty_array():
    assert records(b' {"a": 1} ') == [({"a": 1}, 1)]
    assert records(b"  \n ") == []
    assert records(b"[ ]") == []


def test_elements_split_across_small_chunks(monkeypatch):
    monkeypatch.setattr(source, "CHUNK_SIZE", 7)
    monkeypatch.setattr(json_reader, "CHUNK_SIZE", 7)
    data = b'[{"name": "a long string value", "n": 12345},\n 67890, true, {"x": null}]'
    assert records(data) == [
        ({"name": "a long string value", "n": 12345}, 1),
        (67890, 2),
        (True, 2),
        ({"x": None}, 2),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b'[{"a": 1},\n {"b": tru}]', "Invalid JSON on line 2, column 8: Expecting value"),
        (b'[{"a": 1} {"b": 2}]', "Invalid JSON on line 1, column 11: Expecting ',' delimiter"),
        (b'[{"a": 1}] x', "Invalid JSON on line 1, column 12: Extra data"),
        (b'[{"a": 1},', "Invalid JSON on line 1, column 11: Expecting value"),
    ],
)
def test_syntax_errors(data, message):
    with pytest.raises(InputError) as caught:
        records(data)
    assert str(caught.value) == message + HINT


def test_syntax_error_deep_into_a_streamed_array(monkeypatch):
    monkeypatch.setattr(source, "CHUNK_SIZE", 64)
    monkeypatch.setattr(json_reader, "CHUNK_SIZE", 64)
    data = b"[\n" + b'{"a": 1},\n' * 500 + b'{"a": }\n]'
    with pytest.raises(InputError) as caught:
        records(data)
    assert str(caught.value) == "Invalid JSON on line 502, column 7: Expecting value" + HINT


def test_bad_utf8_in_json():
    with pytest.raises(InputError) as caught:
        records(b'[{"a": "\xff"}]')
    assert str(caught.value) == "Input is not valid utf-8 on line 1, column 9 (byte 0xff)"


def test_ndjson_skips_blank_lines_and_names_bad_line():
    reader = NdjsonReader(io.BytesIO(b'{"a": 1}\n\n{"a": 2}\n'))
    assert list(reader.records()) == [({"a": 1}, 1), ({"a": 2}, 3)]
    with pytest.raises(InputError) as caught:
        list(NdjsonReader(io.BytesIO(b'{"a": 1}\n{"a": 2\n')).records())
    assert str(caught.value) == "Invalid JSON on line 2, column 8: Expecting ',' delimiter"


def test_lines_and_text():
    assert list(LinesReader(io.BytesIO(b" one \n\ntwo\n")).records()) == [
        ({"line": "one"}, 1),
        ({"line": ""}, 2),
        ({"line": "two"}, 3),
    ]
    assert list(TextReader(io.BytesIO(b"all\nof it")).records()) == [({"text": "all\nof it"}, 1)]


def test_batches_first_window_then_size():
    reader = JsonReader(io.BytesIO(b"[" + b",".join([b"{}"] * 7) + b"]"))
    assert [len(b.rows) for b in reader.batches(3, first_size=2)] == [2, 3, 2]


def test_bad_utf8_after_many_small_reads(monkeypatch):
    monkeypatch.setattr(source, "CHUNK_SIZE", 5)
    with pytest.raises(InputError) as caught:
        records(b'[{"a": 1},\n {"a": "caf\xe9"}]')
    assert str(caught.value) == "Input is not valid utf-8 on line 2, column 12 (byte 0xe9)"
