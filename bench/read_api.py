"""Python API read speed: datamill vs sqlite-utils vs a raw cursor floor.

Loads gen_trees.py rows into a file database once, then reads every row as a dict in one run:

- floor: ``conn.execute("select * ...")`` and ``dict(zip(keys, row))`` per row;
- datamill / sqlite-utils: ``db.query(sql)``, ``table.rows_where()`` and
  ``table.pks_and_rows_where()`` (sqlite-utils 4.x via ``make bench-deps``, if installed).

It also checks streaming (L-QRY-1, L-ROWS-1): the peak Python memory of iterating ``query()``
and ``rows_where()`` over N and 4N rows must stay flat.

Usage: python bench/read_api.py [--rows 200000] [--repeat 3]
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
import tracemalloc
from collections.abc import Callable, Iterable

from shared_data import gen_trees_csv


def build_database(path: pathlib.Path, n: int) -> None:
    """Write ``n`` gen_trees.py rows into table ``trees`` with an integer primary key."""
    reader = csv.reader(io.StringIO(gen_trees_csv(n)))
    header = next(reader)
    conn = sqlite3.connect(path)
    columns = ", ".join(
        f'"{name}"' + (" INTEGER PRIMARY KEY" if name == "TreeID" else "") for name in header
    )
    conn.execute(f"CREATE TABLE trees ({columns})")
    placeholders = ", ".join("?" for _ in header)
    with conn:
        conn.executemany(f"INSERT INTO trees VALUES ({placeholders})", reader)
    conn.close()


def consume(rows: Iterable[object]) -> int:
    count = 0
    for _ in rows:
        count += 1
    return count


def floor(path: pathlib.Path) -> int:
    conn = sqlite3.connect(path)
    cursor = conn.execute("select * from trees")
    keys = [d[0] for d in cursor.description]
    count = consume(dict(zip(keys, row)) for row in cursor)
    conn.close()
    return count


def reader(module_name: str, how: str) -> Callable[[pathlib.Path], int]:
    def read(path: pathlib.Path) -> int:
        module = __import__(module_name)
        db = module.Database(path)
        if how == "query":
            count = consume(db.query("select * from trees"))
        elif how == "rows_where":
            count = consume(db["trees"].rows_where())
        else:
            count = consume(db["trees"].pks_and_rows_where())
        db.close()
        return count

    return read


def peak_kib(path: pathlib.Path, how: str, limit: int) -> float:
    """Peak traced Python memory while datamill iterates ``limit`` rows."""
    import datamill

    db = datamill.Database(path)
    gc.collect()
    tracemalloc.start()
    if how == "query":
        consume(db.query("select * from trees limit ?", [limit]))
    else:
        consume(db["trees"].rows_where(limit=limit))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    db.close()
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    contenders: list[tuple[str, Callable[[pathlib.Path], int]]] = [
        ("floor: cursor + dict(zip)", floor)
    ]
    modules = ["datamill"]
    try:
        import sqlite_utils  # noqa: F401

        modules.append("sqlite_utils")
    except ImportError:
        print("sqlite-utils not installed (make bench-deps): skipping the peer\n")
    for how in ("query", "rows_where", "pks_and_rows_where"):
        for module_name in modules:
            label = module_name.replace("_", "-")
            contenders.append((f"{label} {how}", reader(module_name, how)))
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "read.db"
        build_database(path, args.rows)
        timings: dict[str, list[float]] = {name: [] for name, _ in contenders}
        # Interleave the contenders in each round so machine noise hits all of them alike.
        for _ in range(args.repeat):
            for name, fn in contenders:
                gc.collect()
                start = time.perf_counter()
                count = fn(path)
                timings[name].append(time.perf_counter() - start)
                if count != args.rows:
                    raise SystemExit(f"{name} read {count} rows, expected {args.rows}")
        quarter = max(1, args.rows // 4)
        memory = {
            how: (peak_kib(path, how, quarter), peak_kib(path, how, args.rows))
            for how in ("query", "rows_where")
        }
    floor_time = statistics.median(timings[contenders[0][0]])
    print(f"{args.rows:,} rows, read as dicts, median of {args.repeat}\n")
    print(f"{'contender':<34} {'seconds':>8} {'x floor':>8}")
    for name, _ in contenders:
        median = statistics.median(timings[name])
        print(f"{name:<34} {median:>8.2f} {median / floor_time:>8.2f}")
    small_label, large_label = f"{quarter:,} rows", f"{args.rows:,} rows"
    print(f"\npeak Python memory, datamill (KiB) {small_label:>14} {large_label:>14}")
    for how, (small, large) in memory.items():
        print(f"{how:<34} {small:>14.0f} {large:>14.0f}")


if __name__ == "__main__":
    main()
