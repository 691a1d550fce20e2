"""Fixtures for ``datamill csvs`` (CS): the spec's votes.csv and an in-process runner."""

from __future__ import annotations

import sqlite3

import pytest

from cli.cli_helpers import run as run_datamill

VOTES = (
    "precinct,county,party,candidate,votes,reported\n"
    "0101,Clark,REP,Ada Lane,51,03/04/2024\n"
    "0102,Clark,DEM,Bo Reyes,,03/04/2024\n"
    '0201,Lyon,REP,Ada Lane,7,"March 5, 2024"\n'
)


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Invoke ``datamill csvs ...`` in ``tmp_path``; returns the click Result."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args, input=None):
        return run_datamill("csvs", *args, input=input)

    return invoke


@pytest.fixture
def votes(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(VOTES)
    return path


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def rows(db_path, sql):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def schema(db_path, table):
    return rows(db_path, f"select sql from sqlite_master where name = '{table}'")[0][0]


def types(db_path, table):
    return {name: kind for _, name, kind, *_ in rows(db_path, f'pragma table_info("{table}")')}


def tables(db_path):
    return [r[0] for r in rows(db_path, "select name from sqlite_master where type='table'")]


def ok(result):
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # EX-GEN-3
    return result
