"""Side by side with db-to-sqlite 1.5 on the same PostgreSQL database (IDB-FIX).

Runs where ``make bench-deps`` installed db-to-sqlite. Tables, keys and values agree,
except where IDB-FIX says datamill differs: the empty table keeps its key and NOT NULL is
kept (IDB-FIX-2), and a compound foreign key keeps all its columns (IDB-FIX-3).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from importdb_fixtures import STRUCTURE_SQL

from datamill import Database

PEER = shutil.which("db-to-sqlite", path=str(Path(sys.executable).parent)) or shutil.which(
    "db-to-sqlite"
)
pytestmark = pytest.mark.skipif(PEER is None, reason="db-to-sqlite is not installed")


def table_rows(db, table):
    return sorted(db.execute(f'select * from "{table}"').fetchall(), key=repr)


def foreign_keys(db, table):
    return {(fk.columns, fk.other_table, fk.other_columns) for fk in db[table].foreign_keys}


@pytest.fixture(scope="module")
def both(make_pg_database, tmp_path_factory):
    """The same database copied with ``--all`` by db-to-sqlite and by datamill."""
    url = make_pg_database(STRUCTURE_SQL)
    folder = tmp_path_factory.mktemp("peer")
    peer, ours = folder / "peer.db", folder / "ours.db"
    subprocess.run([PEER, url, str(peer), "--all"], check=True, capture_output=True)
    subprocess.run(
        [sys.executable, "-m", "datamill", "import-db", url, str(ours), "--all"],
        check=True,
        capture_output=True,
    )
    return Database(peer), Database(ours)


def test_same_tables_and_values(both):
    peer, ours = both
    assert sorted(peer.table_names()) == ours.table_names()
    for table in ours.table_names():
        assert table_rows(peer, table) == table_rows(ours, table), table


def test_same_keys_except_the_empty_table(both):
    """IDB-FIX-2: db-to-sqlite creates an empty table without its key."""
    peer, ours = both
    for table in ours.table_names():
        if table == "empty":
            assert peer[table].pks == ["rowid"]
            assert ours[table].pks == ["id"]
        else:
            assert peer[table].pks == ours[table].pks, table


def test_not_null_is_kept(both):
    """IDB-FIX-2: db-to-sqlite drops NOT NULL."""
    peer, ours = both
    assert not any(c.notnull for c in peer["kinds"].columns)
    assert [c.name for c in ours["kinds"].columns if c.notnull] == ["label"]


def test_same_foreign_keys_except_compound_ones(both):
    """IDB-FIX-3: db-to-sqlite cuts a compound foreign key to its first column."""
    peer, ours = both
    for table in ours.table_names():
        if table == "stock":
            assert foreign_keys(peer, table) == {(("plant_id",), "sites", ("plant_id",))}
            assert foreign_keys(ours, table) == {
                (("plant_id", "site"), "sites", ("plant_id", "site"))
            }
        else:
            assert foreign_keys(peer, table) == foreign_keys(ours, table), table
