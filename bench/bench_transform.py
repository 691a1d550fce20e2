#!/usr/bin/env python3
"""Benchmark transform() and extract() against sqlite-utils and the hand-written SQL floor.

    .venv/bin/python bench/bench_transform.py [--rows 200000] [--repeat 3]

Street-tree rows from /work/shared/bench/gen_trees.py are loaded once into an all-TEXT table.
Each contender then works on its own copy of that database file:

* transform: convert TreeID/SiteOrder/DBH to INTEGER, XCoord/YCoord/Latitude/Longitude to REAL
  and rename two columns;
* extract: move qSpecies into a lookup table with a foreign key.

The floor is the minimum SQL a person would write by hand for the same result, run through the
stdlib sqlite3 module in one transaction. Times are the best of ``--repeat`` runs; the table
reports each tool's time as a ratio to the floor.
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from shared_data import GEN_TREES as GENERATOR

NUMERIC = {"TreeID": int, "SiteOrder": int, "DBH": int}
REAL = {"XCoord": float, "YCoord": float, "Latitude": float, "Longitude": float}
RENAME = {"qSpecies": "species", "qAddress": "address"}


def build_template(rows: int, workdir: pathlib.Path) -> pathlib.Path:
    csv_path = workdir / "trees.csv"
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--rows",
            str(rows),
            "--seed",
            "1",
            "--out",
            str(csv_path),
        ],
        check=True,
        capture_output=True,
    )
    db_path = workdir / "template.db"
    conn = sqlite3.connect(db_path)
    with open(csv_path, newline="", encoding="utf-8") as fp:
        reader = csv.reader(fp)
        header = next(reader)
        columns = ", ".join(f'"{name}" TEXT' for name in header)
        conn.execute(f"CREATE TABLE trees ({columns})")
        placeholders = ", ".join("?" for _ in header)
        conn.executemany(f"INSERT INTO trees VALUES ({placeholders})", reader)
    conn.commit()
    conn.close()
    return db_path


def floor_transform(path: pathlib.Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    header = [row[1] for row in conn.execute("PRAGMA table_info(trees)")]
    definitions, selects = [], []
    for name in header:
        kind = "INTEGER" if name in NUMERIC else "REAL" if name in REAL else "TEXT"
        definitions.append(f'"{RENAME.get(name, name)}" {kind}')
        selects.append(f"NULLIF(\"{name}\", '')" if kind != "TEXT" else f'"{name}"')
    conn.execute("BEGIN")
    conn.execute(f"CREATE TABLE trees_new ({', '.join(definitions)})")
    conn.execute(f"INSERT INTO trees_new SELECT {', '.join(selects)} FROM trees")
    conn.execute("DROP TABLE trees")
    conn.execute("ALTER TABLE trees_new RENAME TO trees")
    conn.execute("COMMIT")
    conn.close()


def floor_extract(path: pathlib.Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    header = [row[1] for row in conn.execute("PRAGMA table_info(trees)")]
    columns = [
        '"qSpecies_id" INTEGER REFERENCES "qSpecies"(id)' if n == "qSpecies" else f'"{n}" TEXT'
        for n in header
    ]
    selects = [
        '(SELECT id FROM "qSpecies" q WHERE q."qSpecies" = t."qSpecies")'
        if n == "qSpecies"
        else f't."{n}"'
        for n in header
    ]
    conn.execute("BEGIN")
    conn.execute('CREATE TABLE "qSpecies" (id INTEGER PRIMARY KEY, "qSpecies" TEXT)')
    conn.execute('CREATE UNIQUE INDEX idx_q ON "qSpecies" ("qSpecies")')
    conn.execute(
        'INSERT INTO "qSpecies" ("qSpecies") SELECT DISTINCT "qSpecies" FROM trees '
        'WHERE "qSpecies" IS NOT NULL'
    )
    conn.execute(f"CREATE TABLE trees_new ({', '.join(columns)})")
    conn.execute(f"INSERT INTO trees_new SELECT {', '.join(selects)} FROM trees t")
    conn.execute("DROP TABLE trees")
    conn.execute("ALTER TABLE trees_new RENAME TO trees")
    conn.execute("COMMIT")
    conn.close()


def library_transform(module: object) -> Callable[[pathlib.Path], None]:
    def run(path: pathlib.Path) -> None:
        db = module.Database(path)
        db["trees"].transform(types={**NUMERIC, **REAL}, rename=RENAME)
        db.close()

    return run


def library_extract(module: object) -> Callable[[pathlib.Path], None]:
    def run(path: pathlib.Path) -> None:
        db = module.Database(path)
        db["trees"].extract("qSpecies")
        db.close()

    return run


def best_times(template: pathlib.Path, workdir: pathlib.Path, fns: list, repeat: int) -> list:
    """Best time of each function; runs are interleaved so machine load hits all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for position, fn in enumerate(fns):
            copy = workdir / f"run_{position}.db"
            shutil.copyfile(template, copy)
            start = time.perf_counter()
            fn(copy)
            best[position] = min(best[position], time.perf_counter() - start)
            copy.unlink()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import datamill

    try:
        import sqlite_utils
    except ImportError:
        sqlite_utils = None
        print("sqlite-utils is not installed (make bench-deps): peer column left empty")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = pathlib.Path(tmp)
        template = build_template(args.rows, workdir)
        cases = [
            ("transform", floor_transform, library_transform),
            ("extract", floor_extract, library_extract),
        ]
        print(f"\n{args.rows:,} street-tree rows, best of {args.repeat}\n")
        header = f"{'operation':<10} {'floor s':>8} {'datamill s':>10} {'x floor':>8}"
        header += f" {'sqlite-utils s':>14} {'x floor':>8} {'datamill/peer':>13}"
        print(header)
        print("-" * len(header))
        for name, floor_fn, make in cases:
            fns = [floor_fn, make(datamill)] + ([make(sqlite_utils)] if sqlite_utils else [])
            floor, ours, *peer = best_times(template, workdir, fns, args.repeat)
            line = f"{name:<10} {floor:>8.2f} {ours:>10.2f} {ours / floor:>8.2f}"
            if peer:
                line += f" {peer[0]:>14.2f} {peer[0] / floor:>8.2f} {ours / peer[0]:>13.2f}"
            print(line)


if __name__ == "__main__":
    main()
