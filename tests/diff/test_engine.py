"""Engine behaviours that only show on large inputs, forced on small ones (DF-ENG)."""

from __future__ import annotations

import pytest

from datamill.diff import compare, diff_sources, load_csv
from datamill.diff import engine as engine_module
from datamill.diff.errors import DiffInputError

PREVIOUS = "id,v\n7,a\n007,b\nx,c\n0,d\n12,e\n"
CURRENT = "id,v\n7,A\n007,b\nx,C\n0,d\n13,f\n"


@pytest.fixture
def compact(monkeypatch):
    """Make every CSV pair count as large, so numeric keys are stored as ints."""
    monkeypatch.setattr(engine_module, "COMPACT_KEYS_BYTES", 0)


def _pair(tmp_path, previous=PREVIOUS, current=CURRENT):
    (tmp_path / "a.csv").write_text(previous)
    (tmp_path / "b.csv").write_text(current)
    return str(tmp_path / "a.csv"), str(tmp_path / "b.csv")


def _reference(a, b, **kw):
    with open(a, newline="") as fa, open(b, newline="") as fb:
        return compare(load_csv(fa, key="id"), load_csv(fb, key="id"), **kw)


def test_compacted_keys_give_the_same_result(tmp_path, compact):
    a, b = _pair(tmp_path)
    result = diff_sources(a, b, key="id", show_unchanged=True)
    assert result == _reference(a, b, show_unchanged=True)
    assert [e["key"] for e in result["changed"]] == ["7", "x"]
    assert result.current_rows["7"] == {"id": "7", "v": "A"}


def test_compacted_duplicate_key_is_reported_as_text(tmp_path, compact):
    a, b = _pair(tmp_path, current="id,v\n7,a\n07,b\n7,c\n")
    with pytest.raises(DiffInputError) as info:
        diff_sources(a, b, key="id")
    assert str(info.value).startswith(f'{b}: duplicate key id="7" on lines 2 and 4;')


def test_fingerprint_mismatch_without_a_real_change_is_not_reported(tmp_path):
    a, b = _pair(tmp_path, "id,v\n1,a\n2,b\n", 'id,v\n"1",a\n2,"b"\n')
    assert diff_sources(a, b, key="id")["changed"] == []


def test_schema_change_compares_common_columns_only(tmp_path):
    a, b = _pair(tmp_path, "id,v,old\n1,a,x\n2,b,y\n", "new,v,id\nq,a,1\nr,B,2\n")
    result = diff_sources(a, b, key="id")
    assert result["changed"] == [{"key": "2", "changes": {"v": ["b", "B"]}}]
    assert (result["columns_added"], result["columns_removed"]) == (["new"], ["old"])
    assert result == _reference(a, b)


def test_multiline_records_are_found_again_on_the_second_read(tmp_path):
    a, b = _pair(tmp_path, 'id,v\n1,"x\n2,y"\n3,z\n', "id,v\n3,z\n")
    result = diff_sources(a, b, key="id")
    assert result["removed"] == [{"id": "1", "v": "x\n2,y"}]
