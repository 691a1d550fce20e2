"""datamill csvs next to csvs-to-sqlite 1.3.1 on the same inputs (CS-TEST).

Runs where ``make bench-deps`` installed the peer (``build/peers/csvs-to-sqlite``) or where
``DATAMILL_CSVS_TO_SQLITE`` names its executable. Both databases must hold the same tables,
columns, declared types, keys, foreign keys, indexed column lists, full-text tables and values.
Normalised, as CS-FIX allows: folder members' ``./`` prefix (CS-FIX-6), index names and
uniqueness (CS-FIX-5); the inputs avoid what CS-FIX-2 changes (leading zeros, ``NA``, booleans,
typed ``--shape`` columns). The peer takes folder members in directory order, datamill in sorted
path order (CS-1), so no lookup value is shared between files of the folder.
"""

from __future__ import annotations

import os
import pathlib
import sqlite3
import subprocess

import pytest

from .conftest import ok, write

ROOT = pathlib.Path(__file__).resolve().parents[2]
PEER = os.environ.get("DATAMILL_CSVS_TO_SQLITE") or str(
    ROOT / "build" / "peers" / "csvs-to-sqlite" / "bin" / "csvs-to-sqlite"
)
pytestmark = pytest.mark.skipif(
    not os.access(PEER, os.X_OK),
    reason="csvs-to-sqlite 1.3.1 is not installed (run `make bench-deps` or set "
    "DATAMILL_CSVS_TO_SQLITE)",
)

FOLDER = {
    "votes.csv": (
        "precinct,county,party,candidate,votes,share\n"
        "101,Clark,REP,Ada Lane,51,0.5\n"
        "102,Clark,DEM,Bo Reyes,,0.25\n"
        "201,Lyon,REP,Ada Lane,7,1\n"
    ),
    "sub/plants.csv": (
        "name,price,notes,kind\n"
        'Basil,3.5,"fresh, green",herb\n'
        "Oak,120,,tree\n"
        'Fern,2,"say ""hi""\nand more",herb\n'
        "Moss,-0.25,plain,\n"
    ),
    "sub/deeper/sites.csv": "site,lat,lon,habitat\nnorth,36.1,-115.2,tree\nsouth,35.9,-115.1,shrub\n",
}


def describe(path):
    """Everything compared, with the normalisations CS-FIX allows."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type = 'table' "
                "and name not like '%fts_%' order by name"
            )
        ]
        result = {}
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            result[name.removeprefix("./")] = {
                "columns": conn.execute(
                    f"select name, type, pk from pragma_table_info('{name}')"
                ).fetchall(),
                "foreign_keys": sorted(
                    (r[3], r[2], r[4]) for r in conn.execute(f"pragma foreign_key_list({quoted})")
                ),
                "indexes": sorted(
                    tuple(c[2] for c in conn.execute(f"pragma index_info('{index[1]}')"))
                    for index in conn.execute(f"pragma index_list({quoted})")
                    if index[3] == "c" and not name.endswith("fts")
                ),
                "rows": conn.execute(f"select * from {quoted} order by rowid").fetchall()
                if not name.endswith("_fts")
                else None,
            }
        return result
    finally:
        conn.close()


def lookup_indexes_only_in_datamill(described):
    """datamill adds a unique index on each lookup table's value column (CS-FIX-5)."""
    for table in described.values():
        if [c[0] for c in table["columns"]] == ["id", "value"]:
            assert table["indexes"] == [("value",)]
            table["indexes"] = []
    return described


def compare(run, tmp_path, args):
    peer = subprocess.run([PEER, *args, "peer.db"], cwd=tmp_path, capture_output=True, text=True)
    assert peer.returncode == 0, peer.stderr
    ok(run(*args, "mine.db"))
    mine = lookup_indexes_only_in_datamill(describe(tmp_path / "mine.db"))
    assert mine == describe(tmp_path / "peer.db")
    return mine


def test_folder_with_lookups_and_indexes(run, tmp_path):
    for name, text in FOLDER.items():
        write(tmp_path / "data" / name, text)
    mine = compare(run, tmp_path, ["data", "-c", "kind", "-c", "county", "-i", "candidate"])
    assert set(mine) >= {"votes", "sub/plants", "sub/deeper/sites", "kind", "county"}
    assert mine["sub/plants"]["columns"][1] == ("price", "REAL", 0)


def test_one_file_with_fts_key_shape_dates_and_added_columns(run, tmp_path):
    write(
        tmp_path / "v.csv",
        "precinct,county,party,candidate,votes,reported\n"
        "101,Clark,REP,Ada Lane,51,2024-03-04\n"
        "102,Clark,DEM,Bo Reyes,,2024-03-04\n"
        "201,Lyon,REP,Ada Lane,7,2024-03-05\n",
    )
    args = [
        "v.csv",
        *("-c", "party", "-f", "name", "-f", "party", "-pk", "precinct"),
        *("--filename-column", "src", "--fixed-column", "state", "NV"),
        *("--fixed-column-int", "year", "2024", "-d", "reported"),
        *("--shape", "precinct,county,party,candidate:name,votes,reported"),
    ]
    mine = compare(run, tmp_path, args)
    assert [c[0] for c in mine["v_fts"]["columns"]] == ["name", "party"]
    for db in ("mine.db", "peer.db"):
        conn = sqlite3.connect(tmp_path / db)
        matched = conn.execute("select rowid from v_fts where v_fts match 'rep'").fetchall()
        conn.close()
        assert matched == [(101,), (201,)], db


def test_one_table_from_files_with_the_same_columns(run, tmp_path):
    write(tmp_path / "a.csv", "x,y\n1,one\n2,two\n")
    write(tmp_path / "b.csv", "x,y\n3,three\n")
    compare(run, tmp_path, ["a.csv", "b.csv", "-t", "both", "--filename-column", "src"])
