"""table.m2m() and db.m2m_table_candidates() (L-LOOK-2)."""

from __future__ import annotations

import pytest

from datamill.db import NoObviousTable


def test_m2m_creates_junction_table(db):
    bands = db["bands"].insert({"id": 1, "name": "Low"}, pk="id")
    assert bands.m2m("genres", {"id": 3, "name": "slowcore"}, pk="id") is bands
    assert db["bands_genres"].schema == (
        'CREATE TABLE "bands_genres" (\n'
        '   "genres_id" INTEGER REFERENCES "genres"("id"),\n'
        '   "bands_id" INTEGER REFERENCES "bands"("id"),\n'
        '   PRIMARY KEY ("bands_id", "genres_id")\n'
        ")"
    )
    assert list(db["bands_genres"].rows) == [{"genres_id": 3, "bands_id": 1}]
    assert list(db["genres"].rows) == [{"id": 3, "name": "slowcore"}]


def test_m2m_list_of_records_replaces_whole_rows(db):
    db["genres"].insert({"id": 3, "name": "old", "extra": "x"}, pk="id")
    db["bands"].insert({"id": 1, "name": "Low"}, pk="id").m2m(
        db["genres"], [{"id": 3, "name": "slowcore"}, {"id": 4, "name": "rock"}], pk="id"
    )
    assert list(db["genres"].rows) == [
        {"id": 3, "name": "slowcore", "extra": None},
        {"id": 4, "name": "rock", "extra": None},
    ]
    assert db["bands_genres"].count == 2
    # linking again is a no-op thanks to replace=True
    db["bands"].get(1)
    db["bands"].update(1).m2m("genres", {"id": 4, "name": "rock"}, pk="id")
    assert db["bands_genres"].count == 2


def test_m2m_alter_adds_columns(db):
    db["genres"].insert({"id": 3, "name": "slowcore"}, pk="id")
    db["bands"].insert({"id": 1}, pk="id").m2m(
        "genres", {"id": 3, "name": "s", "decade": 1990}, pk="id", alter=True
    )
    assert db["genres"].get(3) == {"id": 3, "name": "s", "decade": 1990}


def test_m2m_lookup(db):
    db["bands"].insert({"id": 1}, pk="id").m2m("genres", lookup={"name": "rock"})
    db["bands"].insert({"id": 2}, pk="id").m2m("genres", lookup={"name": "rock"})
    assert list(db["genres"].rows) == [{"id": 1, "name": "rock"}]
    assert list(db["bands_genres"].rows) == [
        {"genres_id": 1, "bands_id": 1},
        {"genres_id": 1, "bands_id": 2},
    ]


def test_m2m_uses_the_single_existing_junction_table(db):
    db["bands"].insert({"id": 1}, pk="id")
    db["genres"].insert({"id": 1, "name": "rock"}, pk="id")
    db["links"].create(
        {"band": int, "genre": int},
        pk=("band", "genre"),
        foreign_keys=[("band", "bands", "id"), ("genre", "genres", "id")],
    )
    assert db.m2m_table_candidates("bands", "genres") == ["links"]
    db["bands"].get(1)
    db["bands"].update(1).m2m("genres", {"id": 1, "name": "rock"}, pk="id")
    assert list(db["links"].rows) == [{"band": 1, "genre": 1}]
    assert "bands_genres" not in db.table_names()


def test_m2m_several_candidates(db):
    db["bands"].insert({"id": 1}, pk="id")
    db["genres"].insert({"id": 1}, pk="id")
    for name in ("links", "links2"):
        db[name].create({"bands_id": int, "genres_id": int}, foreign_keys=["bands_id", "genres_id"])
    assert db.m2m_table_candidates("bands", "genres") == ["links", "links2"]
    bands = db["bands"]
    bands.get(1)
    with pytest.raises(NoObviousTable) as excinfo:
        bands.m2m("genres", {"id": 1}, pk="id")
    assert str(excinfo.value) == (
        "No single obvious m2m table for bands, genres - use m2m_table= parameter"
    )
    bands.m2m("genres", {"id": 1}, pk="id", m2m_table="links2")
    assert list(db["links2"].rows) == [{"bands_id": 1, "genres_id": 1}]


def test_m2m_explicit_new_table(db):
    db["bands"].insert({"id": 1}, pk="id").m2m("genres", {"id": 2}, pk="id", m2m_table="band_genre")
    assert list(db["band_genre"].rows) == [{"genres_id": 2, "bands_id": 1}]


@pytest.mark.parametrize(
    "kwargs", [{}, {"record_or_iterable": {"id": 1}, "lookup": {"name": "rock"}}]
)
def test_m2m_needs_exactly_one_of_record_or_lookup(db, kwargs):
    bands = db["bands"].insert({"id": 1}, pk="id")
    with pytest.raises(ValueError) as excinfo:
        bands.m2m("genres", **kwargs)
    assert str(excinfo.value) == "Provide lookup= or record, not both"


def test_m2m_without_a_current_row(db):
    db["bands"].insert({"id": 1}, pk="id")
    with pytest.raises(ValueError) as excinfo:
        db["bands"].m2m("genres", {"id": 1})
    assert str(excinfo.value) == (
        "m2m() links the last inserted, upserted or fetched row, but this table has none"
    )
    assert "genres" not in db.table_names()


def test_m2m_failure_rolls_back(db):
    bands = db["bands"].insert({"id": 1}, pk="id")
    with pytest.raises(Exception, match="no column named"):
        bands.m2m("genres", [{"id": 1}, {"id": 2, "surprise": 1}], pk="id")
    assert db.table_names() == ["bands"]
