"""A database changed while it is served is re-read, never served stale (SV-APP-3)."""

from __future__ import annotations

import os
import sqlite3

from serve_helpers import client_for, garden_db

from datamill import Database


def names(client) -> list[str]:
    return [row["name"] for row in client.get("/garden/plants.json?_col=name").json()["rows"]]


def test_rows_and_schema_changes_are_seen(tmp_path):
    path = garden_db(tmp_path / "garden.db")
    with client_for(path) as client:
        assert client.get("/garden/plants.json?_extra=count").json()["count"] == 4
        writer = sqlite3.connect(path)
        writer.execute("insert into plants (name, kind, height) values ('Sage', 'herb', 50)")
        writer.commit()
        assert names(client)[-1] == "Sage"
        assert client.get("/garden/plants.json?_extra=count").json()["count"] == 5  # cache dropped
        writer.execute("alter table plants add column colour text")
        writer.execute("create table pots (id integer primary key)")
        writer.commit()
        writer.close()
        assert "colour" in client.get("/garden/plants.json?_size=1").json()["rows"][0]
        assert client.get("/garden/pots.json").status_code == 200
        Database(path)["plants"].enable_fts(["name"])  # a new virtual table is connected first
        rows = client.get("/garden/plants.json?_search=sage").json()["rows"]
        assert [r["name"] for r in rows] == ["Sage"]


def test_wal_database_changes_are_seen(tmp_path):
    path = garden_db(tmp_path / "garden.db")
    writer = sqlite3.connect(path)
    writer.execute("pragma journal_mode = wal")
    with client_for(path) as client:
        assert len(names(client)) == 4
        writer.execute("delete from plants where id = 1")
        writer.commit()
        assert names(client) == ["Basil", "Tomato", "Mint"]
    writer.close()


def test_a_replaced_file_is_reopened(tmp_path):
    path = garden_db(tmp_path / "garden.db")
    with client_for(path) as client:
        assert len(names(client)) == 4
        replacement = tmp_path / "new.db"
        Database(str(replacement))["plants"].insert_all([{"id": 9, "name": "Thyme"}], pk="id")
        os.replace(replacement, path)
        assert names(client) == ["Thyme"]


def test_immutable_databases_are_read_as_they_were(tmp_path):
    path = garden_db(tmp_path / "garden.db")
    with client_for(immutable=[path]) as client:
        body = client.get("/garden.json").json()
        assert body["immutable"] is True
        assert len(names(client)) == 4
