"""``datamill import-db`` speed and memory vs a server-side-cursor floor vs db-to-sqlite (IDB-PERF).

Starts a throw-away PostgreSQL cluster (``pg_cluster.py``), ``COPY``-loads the
``gen_trees.py --seed 1`` rows into ``trees`` (``TreeID bigint PRIMARY KEY``, other columns
text) and its first 100,000 rows into ``trees_100k``, then times, each in its own process
(wall time and the child's peak RSS):

- the floor: psycopg 3 named cursor, ``fetchmany(10000)``, ``executemany`` into SQLite in one
  transaction (the same SELECT datamill runs);
- ``datamill import-db URL out.db --table trees``, and the 100k table for the RSS baseline;
- ``db-to-sqlite`` (1.5, client-side cursor), when installed (``make bench-deps``);
- a SQLite-to-SQLite copy of datamill's output vs a ``sqlite3``-module floor.

Usage: python bench/import_db.py [--rows 1000000] [--repeat 3] [--peer-100k]
Targets (IDB-PERF): wall <= 2x the floor; peak RSS <= 150 MB and <= the 100k run's + 20 MB.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from ingest import DATA, trees_csv
from pg_cluster import find_bindir, running_cluster

BIN = pathlib.Path(sys.executable).parent
FETCH = 10_000
SMALL_ROWS = 100_000


def load(conninfo: str, source: pathlib.Path) -> list[str]:
    """COPY the CSV into ``trees`` and its first 100k rows into ``trees_100k``; the columns."""
    import psycopg

    with open(source, newline="") as f:
        header = f.readline().strip().split(",")
    columns = ", ".join(
        f'"{name}" bigint PRIMARY KEY' if name == "TreeID" else f'"{name}" text' for name in header
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table in ("trees", "trees_100k"):
            conn.execute(f"CREATE TABLE {table} ({columns})")
        with conn.cursor().copy("COPY trees FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            with open(source, "rb") as f:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        conn.execute(
            f'INSERT INTO trees_100k SELECT * FROM trees ORDER BY "TreeID" LIMIT {SMALL_ROWS}'
        )
        conn.execute("VACUUM ANALYZE")
    return header


def create_sql(table: str, header: list[str]) -> str:
    columns = ", ".join(
        f'"{name}" INTEGER PRIMARY KEY' if name == "TreeID" else f'"{name}" TEXT' for name in header
    )
    return f'CREATE TABLE "{table}" ({columns})'


def floor_postgres(conninfo: str, out: str, table: str) -> None:
    """Server-side cursor -> executemany in one transaction (run as a child process)."""
    import psycopg

    with psycopg.connect(conninfo) as conn, conn.cursor(name="floor") as cursor:
        cursor.execute(f'SELECT * FROM {table} ORDER BY "TreeID"')
        rows = cursor.fetchmany(FETCH)
        header = [column.name for column in cursor.description]
        db = sqlite3.connect(out, isolation_level=None)
        db.execute("BEGIN")
        db.execute(create_sql(table, header))
        insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(header))})'
        while rows:
            db.executemany(insert, rows)
            rows = cursor.fetchmany(FETCH)
        db.execute("COMMIT")
        db.close()


def floor_sqlite(source: str, out: str, table: str) -> None:
    """The sqlite3-module floor for a SQLite-to-SQLite copy (run as a child process)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    cursor = src.execute(f'SELECT * FROM "{table}" ORDER BY "TreeID"')
    header = [column[0] for column in cursor.description]
    db = sqlite3.connect(out, isolation_level=None)
    db.execute("BEGIN")
    db.execute(create_sql(table, header))
    insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(header))})'
    while rows := cursor.fetchmany(FETCH):
        db.executemany(insert, rows)
    db.execute("COMMIT")


def measure(command: list[str]) -> tuple[float, float]:
    """Run ``command``; (wall seconds, peak RSS MB) of that child."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    errors = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {errors}")
    return wall, usage.ru_maxrss / 1024


def best(command_for, repeat: int, keep: pathlib.Path | None = None) -> tuple[float, float]:
    """Fastest wall time of ``repeat`` runs into fresh files, and the largest peak RSS."""
    walls, peaks = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            out = pathlib.Path(tmp) / "out.db"
            wall, rss = measure(command_for(out))
            if keep is not None:
                shutil.copy(out, keep)
        walls.append(wall)
        peaks.append(rss)
    return min(walls), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--peer-100k",
        action="store_true",
        help="Time db-to-sqlite on the 100k-row table and scale its time (its RSS is not scaled)",
    )
    args = parser.parse_args()
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) not found")
    source = trees_csv(args.rows)
    datamill = str(BIN / "datamill")
    peer = BIN / "db-to-sqlite"
    me = [sys.executable, __file__]
    results: list[tuple[str, str, float, float, float | None]] = []

    with running_cluster(bindir) as cluster:
        header = load(cluster.conninfo(), source)
        url = cluster.url(driver="postgresql+psycopg")
        print(f"{args.rows:,} rows x {len(header)} columns; PostgreSQL {bindir}", flush=True)

        floor, floor_rss = best(
            lambda out: [*me, "floor-pg", cluster.conninfo(), str(out), "trees"], args.repeat
        )
        results.append(("PostgreSQL", "floor: named cursor -> executemany", floor, floor_rss, 1.0))
        copy = DATA / "import-db-copy.db"
        wall, rss = best(
            lambda out: [datamill, "import-db", url, str(out), "--table", "trees"],
            args.repeat,
            keep=copy,
        )
        results.append(("PostgreSQL", "datamill import-db", wall, rss, wall / floor))
        small_wall, small_rss = best(
            lambda out: [datamill, "import-db", url, str(out), "--table", "trees_100k"],
            args.repeat,
        )
        results.append(("PostgreSQL", "datamill import-db, 100k rows", small_wall, small_rss, None))
        if peer.exists():
            table, scale = (
                ("trees_100k", args.rows / SMALL_ROWS) if args.peer_100k else ("trees", 1)
            )
            peer_wall, peer_rss = best(lambda out: [str(peer), url, str(out), "--table", table], 1)
            label = "db-to-sqlite 1.5" + (" (100k rows, time scaled)" if args.peer_100k else "")
            ratio = peer_wall * scale / floor
            results.append(("PostgreSQL", label, peer_wall * scale, peer_rss, ratio))

    sqlite_floor, sqlite_floor_rss = best(
        lambda out: [*me, "floor-sqlite", str(copy), str(out), "trees"], args.repeat
    )
    results.append(("SQLite", "floor: sqlite3 cursor -> executemany", sqlite_floor,
                    sqlite_floor_rss, 1.0))  # fmt: skip
    wall, sqlite_rss = best(
        lambda out: [datamill, "import-db", str(copy), str(out), "--table", "trees"], args.repeat
    )
    results.append(("SQLite", "datamill import-db", wall, sqlite_rss, wall / sqlite_floor))
    copy.unlink()

    print(f"\n{'source':<11} {'tool':<42} {'wall s':>8} {'x floor':>8} {'peak RSS MB':>12}")
    for kind, tool, wall, rss, ratio in results:
        shown = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{kind:<11} {tool:<42} {wall:>8.2f} {shown:>8} {rss:>12.0f}")
    pg_wall, pg_rss = results[1][2], results[1][3]
    print(
        f"\nIDB-PERF: PostgreSQL {pg_wall / floor:.2f}x floor (<= 2), RSS {pg_rss:.0f} MB "
        f"(<= 150 and <= {small_rss:.0f} + 20); SQLite {wall / sqlite_floor:.2f}x floor, "
        f"RSS {sqlite_rss:.0f} MB"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "floor-pg":
        floor_postgres(*sys.argv[2:5])
    elif len(sys.argv) > 1 and sys.argv[1] == "floor-sqlite":
        floor_sqlite(*sys.argv[2:5])
    else:
        main()
