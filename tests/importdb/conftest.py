"""Fixtures for import-db (IDB-TEST): a throw-away PostgreSQL cluster and source databases.

The cluster helper lives in ``bench/pg_cluster.py`` (the benchmark starts clusters too).
Without PostgreSQL binaries the server tests skip, unless ``DATAMILL_REQUIRE_PG=1``.
"""

import importlib.util
import os
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from importdb_fixtures import STRUCTURE_SQL, make_sqlite_database

BENCH = Path(__file__).parents[2] / "bench"


def _load_pg_cluster():
    """``bench/pg_cluster.py`` by path: bench/ stays off sys.path, where its ``serve.py``
    (and other modules named like test folders) could shadow test helpers."""
    spec = importlib.util.spec_from_file_location("pg_cluster", BENCH / "pg_cluster.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pg_cluster"] = module
    spec.loader.exec_module(module)
    return module


_pg = _load_pg_cluster()
find_bindir, running_cluster = _pg.find_bindir, _pg.running_cluster


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster for the session, on a Unix socket in a temporary folder."""
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl, pg_isready) not found"
        if os.environ.get("DATAMILL_REQUIRE_PG") == "1":
            pytest.fail(message + " and DATAMILL_REQUIRE_PG=1")
        pytest.skip(message)
    with running_cluster(bindir) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def make_pg_database(pg_cluster):
    """``make(sql)``: a new database built with ``sql``; returns its SQLAlchemy URL."""

    def make(sql: str) -> str:
        name = f"db_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(pg_cluster.conninfo(name), autocommit=True) as conn:
            conn.execute(sql)
        return pg_cluster.url(name)

    return make


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def structure(request, tmp_path_factory):
    """The shared structural fixture as a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("source") / "nursery.db"
        return make_sqlite_database(path, STRUCTURE_SQL)
    return request.getfixturevalue("make_pg_database")(STRUCTURE_SQL)
