"""datamill.utils helpers: L-UTIL-5..8 and the L-UTIL-10 names."""

import base64
import hashlib
import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from datamill import utils
from datamill.utils import chunks, decode_base64_values, flatten, hash_record


def test_util_5_documented_digest():
    """L-UTIL-5: the documented example digest."""
    assert hash_record({"name": "Cleo", "twitter": "cleopaws"}) == (
        "f501265970505d9825d8d9f590bfab3519fb20b1"
    )


def test_util_5_key_order_does_not_matter():
    """L-UTIL-5: keys are sorted before hashing."""
    assert hash_record({"twitter": "cleopaws", "name": "Cleo"}) == hash_record(
        {"name": "Cleo", "twitter": "cleopaws"}
    )


def test_util_5_keys_subset():
    """L-UTIL-5: keys= hashes only that subset."""
    record = {"name": "Cleo", "twitter": "cleopaws", "age": 5}
    assert hash_record(record, keys=["name", "twitter"]) == (
        "f501265970505d9825d8d9f590bfab3519fb20b1"
    )
    assert hash_record(record, keys=("name",)) == hashlib.sha1(b'{"name":"Cleo"}').hexdigest()


def test_util_5_missing_key_raises_key_error():
    """L-UTIL-5: a key not in the record raises KeyError."""
    with pytest.raises(KeyError) as excinfo:
        hash_record({"name": "Cleo"}, keys=["name", "nope"])
    assert excinfo.value.args == ("nope",)


def test_util_5_exact_serialisation():
    """L-UTIL-5: compact separators, sorted keys, ASCII escapes, repr for unknown values."""

    class Thing:
        def __repr__(self):
            return "<thing>"

    record = {"b": [1, 2], "a": "é", "c": Thing(), "d": None}
    text = json.dumps({"a": "é", "b": [1, 2], "c": "<thing>", "d": None}, separators=(",", ":"))
    assert text == '{"a":"\\u00e9","b":[1,2],"c":"<thing>","d":null}'
    assert hash_record(record) == hashlib.sha1(text.encode("utf-8")).hexdigest()


def test_util_6_documented_example():
    """L-UTIL-6: chunks(range(7), 3)."""
    assert [list(c) for c in chunks(range(7), 3)] == [[0, 1, 2], [3, 4, 5], [6]]


def test_util_6_yields_iterators_lazily():
    """L-UTIL-6: each chunk is an iterator; input is consumed only as needed."""
    consumed = []

    def source():
        for n in range(10):
            consumed.append(n)
            yield n

    chunked = chunks(source(), 4)
    first = next(chunked)
    assert not isinstance(first, list)
    assert iter(first) is first
    assert list(first) == [0, 1, 2, 3]
    assert consumed == [0, 1, 2, 3]
    assert [list(c) for c in chunked] == [[4, 5, 6, 7], [8, 9]]


@pytest.mark.parametrize(
    "seq, size, expected",
    [
        ([], 3, []),
        ([1, 2, 3], 3, [[1, 2, 3]]),
        ([1, 2, 3], 1, [[1], [2], [3]]),
        ("abcd", 5, [["a", "b", "c", "d"]]),
    ],
)
def test_util_6_edges(seq, size, expected):
    """L-UTIL-6: empty input, exact multiples, size 1, size larger than the input."""
    assert [list(c) for c in chunks(seq, size)] == expected


def test_util_7_documented_example():
    """L-UTIL-7: nested dict keys joined with _."""
    assert flatten({"a": {"b": 1, "c": {"d": 2}}, "e": 3}) == {"a_b": 1, "a_c_d": 2, "e": 3}


def test_util_7_lists_unchanged_and_order_kept():
    """L-UTIL-7: lists are left alone; key order follows the input."""
    row = {"z": [{"a": 1}], "y": {"x": [1, 2]}, "w": {}}
    result = flatten(row)
    assert result == {"z": [{"a": 1}], "y_x": [1, 2]}
    assert list(flatten({"b": 1, "a": {"d": 2, "c": 3}})) == ["b", "a_d", "a_c"]


def test_util_8_decodes_marked_values():
    """L-UTIL-8: {"$base64": True, "encoded": s} values become bytes in a copy."""
    doc = {
        "name": "x",
        "data": {"$base64": True, "encoded": base64.b64encode(b"\x00\xffhi").decode()},
    }
    original = {"name": "x", "data": dict(doc["data"])}
    result = decode_base64_values(doc)
    assert result == {"name": "x", "data": b"\x00\xffhi"}
    assert result is not doc
    assert doc == original


def test_util_8_nothing_to_decode_returns_same_dict():
    """L-UTIL-8: with nothing to decode the very same dict comes back."""
    doc = {
        "a": 1,
        "b": {"$base64": "true", "encoded": "aGk="},  # not the True singleton
        "c": {"$base64": True},  # no encoded
        "d": {"encoded": "aGk="},
    }
    assert decode_base64_values(doc) is doc


def test_util_10_other_names():
    """L-UTIL-10: the names that exist so far resolve from datamill.utils."""
    for name in (
        "column_affinity",
        "suggest_column_types",
        "types_for_column_types",
        "dedupe_keys",
        "find_spatialite",
        "SPATIALITE_PATHS",
    ):
        assert callable(getattr(utils, name)) or name == "SPATIALITE_PATHS", name
    assert utils.dedupe_keys(["a", "a"]) == ["a", "a_2"]
    assert utils.column_affinity("TEXT") is str


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "a_2", "a_3", "b", "id", "id_2"]), max_size=12))
def test_util_10_dedupe_keys_properties(keys):
    """L-QRY-3 via dedupe_keys: same length, all unique, first occurrences keep their name."""
    result = utils.dedupe_keys(keys)
    assert len(result) == len(keys)
    assert len(set(result)) == len(result)
    for position, key in enumerate(keys):
        if key not in keys[:position]:
            assert result[position] == key


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(), max_size=40), st.integers(min_value=1, max_value=9))
def test_util_6_chunks_properties(items, size):
    """L-UTIL-6: chunks partition the input in order, each at most `size` long."""
    parts = [list(chunk) for chunk in chunks(items, size)]
    assert [item for part in parts for item in part] == items
    assert all(1 <= len(part) <= size for part in parts)
    assert all(len(part) == size for part in parts[:-1])


@settings(max_examples=40, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=12,
    )
)
def test_gen_2_any_identifier_round_trips(name):
    """L-GEN-2: any table/column name survives quoting through create, insert and read."""
    from datamill.db import Database

    assume(not name.lower().startswith("sqlite_"))  # reserved by SQLite itself
    db = Database(memory=True)
    db[name].insert({name: 1})
    assert db.table_names() == [name]
    assert [c.name for c in db[name].columns] == [name]
    assert list(db[name].rows) == [{name: 1}]
