"""Python API insert speed: datamill vs sqlite-utils vs a raw executemany floor.

Inserts the same dict rows (gen_trees.py shape, ints and floats converted) into a new file
database three ways in one run and prints seconds and ratios to the floor:

- floor: ``executemany`` of tuples into a pre-created table, one transaction;
- datamill: ``db["trees"].insert_all(rows, pk="TreeID")`` (creates the table, one transaction);
- sqlite-utils: the same call with sqlite-utils 4.x (``make bench-deps``), if installed.

Usage: python bench/insert_api.py [--rows 300000] [--repeat 3]
Target (issue 2): datamill <= 1.3x the floor.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import pathlib
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable

from shared_data import gen_trees_csv

import datamill

try:
    import sqlite_utils
except ImportError:  # the peer is optional: make bench-deps installs it
    sqlite_utils = None

INTEGER_COLUMNS = {"TreeID", "SiteOrder", "DBH"}
FLOAT_COLUMNS = {"XCoord", "YCoord", "Latitude", "Longitude"}


def load_rows(n: int) -> list[dict]:
    """Generate ``n`` rows with gen_trees.py and convert numeric columns."""
    csv_text = gen_trees_csv(n, seed=1)
    rows = []
    for row in csv.DictReader(io.StringIO(csv_text)):
        for key in INTEGER_COLUMNS:
            row[key] = int(row[key]) if row[key] else None
        for key in FLOAT_COLUMNS:
            row[key] = float(row[key]) if row[key] else None
        rows.append(row)
    return rows


def floor(path: pathlib.Path, rows: list[dict]) -> None:
    columns = list(rows[0])
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE trees ({})".format(
            ", ".join(
                f'"{c}" {"INTEGER" if c in INTEGER_COLUMNS else "REAL" if c in FLOAT_COLUMNS else "TEXT"}'
                + (" PRIMARY KEY" if c == "TreeID" else "")
                for c in columns
            )
        )
    )
    sql = "INSERT INTO trees VALUES ({})".format(", ".join("?" for _ in columns))
    with conn:
        conn.executemany(sql, (tuple(row.values()) for row in rows))
    conn.close()


def datamill_insert(path: pathlib.Path, rows: list[dict]) -> None:
    db = datamill.Database(path)
    db["trees"].insert_all(rows, pk="TreeID")
    db.close()


def sqlite_utils_insert(path: pathlib.Path, rows: list[dict]) -> None:
    db = sqlite_utils.Database(path)
    db["trees"].insert_all(rows, pk="TreeID")
    db.close()


def time_once(fn: Callable[[pathlib.Path, list[dict]], None], rows: list[dict]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "bench.db"
        gc.collect()
        start = time.perf_counter()
        fn(path, rows)
        elapsed = time.perf_counter() - start
        count = sqlite3.connect(path).execute("select count(*) from trees").fetchone()[0]
        if count != len(rows):
            raise SystemExit(f"{fn.__name__} stored {count} rows, expected {len(rows)}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = load_rows(args.rows)
    contenders: list[tuple[str, Callable[[pathlib.Path, list[dict]], None]]] = [
        ("floor: executemany, 1 txn", floor),
        ("datamill insert_all", datamill_insert),
    ]
    if sqlite_utils is not None:
        contenders.append(("sqlite-utils insert_all", sqlite_utils_insert))
    else:
        print("sqlite-utils not installed (make bench-deps): skipping the peer\n")
    # Interleave the contenders in each round so machine noise hits all of them alike.
    timings: dict[str, list[float]] = {name: [] for name, _ in contenders}
    for _ in range(args.repeat):
        for name, fn in contenders:
            timings[name].append(time_once(fn, rows))
    floor_time = statistics.median(timings[contenders[0][0]])
    print(f"{args.rows:,} dict rows x {len(rows[0])} columns, median of {args.repeat}\n")
    print(f"{'contender':<28} {'seconds':>8} {'x floor':>8}")
    for name, _ in contenders:
        median = statistics.median(timings[name])
        print(f"{name:<28} {median:>8.2f} {median / floor_time:>8.2f}")
    ratio = statistics.median(timings["datamill insert_all"]) / floor_time
    verdict = "meets" if ratio <= 1.3 else "MISSES"
    print(f"\ndatamill {verdict} the target of <= 1.3x the floor ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
