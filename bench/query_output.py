"""CLI query output speed and memory: datamill vs sqlite-utils vs a raw sqlite3 floor.

Builds one trees table (gen_trees.py shape, 18 columns) in a temporary database, then runs
``select * from trees`` through each tool as a subprocess writing to /dev/null, once per output
mode, and prints wall-clock seconds, ratios to the floor and each child's peak RSS:

- floor: a minimal Python script that iterates the sqlite3 cursor and writes each row with the
  standard library encoder for that mode (``json.dumps`` per row, ``csv.writer``), no CLI;
- datamill: ``python -m datamill DB SQL [mode flags]``;
- sqlite-utils: ``python -m sqlite_utils DB SQL [mode flags]`` (``make bench-deps``), if installed.

Peak RSS at two sizes shows whether memory grows with the result size (it must not, except for
``-t``, which has to see every row to size its columns; ``-t`` runs at the smaller size only).

Usage: python bench/query_output.py [--rows 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import os
import pathlib
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from shared_data import gen_trees_csv

SQL = "select * from trees"
MODES = {"json": [], "nl": ["--nl"], "csv": ["--csv"], "table": ["-t"]}

FLOOR = r"""
import csv, json, sqlite3, sys
path, sql, mode = sys.argv[1:4]
cursor = sqlite3.connect(path).execute(sql)
columns = [d[0] for d in cursor.description]
out = sys.stdout
if mode == "csv":
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(cursor)
elif mode == "table":
    import tabulate
    out.write(tabulate.tabulate(list(cursor), headers=columns) + "\n")
else:
    for row in cursor:
        out.write(json.dumps(dict(zip(columns, row))) + "\n")
"""


def build_database(path: pathlib.Path, rows: int) -> None:
    """Build the database in a child process, so this process stays small.

    Children are forked from this process, and a fork's peak RSS counts the parent's pages
    until exec, so a large parent would inflate every measurement.
    """
    subprocess.run([sys.executable, __file__, "--build", str(path), str(rows)], check=True)


def _build(path: pathlib.Path, rows: int) -> None:
    """Load ``rows`` generated trees into ``trees`` with plain sqlite3."""
    reader = csv.reader(io.StringIO(gen_trees_csv(rows)))
    header = next(reader)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE trees ({})".format(", ".join(f'"{c}"' for c in header)))
    conn.executemany(
        "INSERT INTO trees VALUES ({})".format(", ".join("?" for _ in header)),
        ([int(v) if v.isdigit() else v or None for v in row] for row in reader),
    )
    conn.commit()
    conn.close()


def run(command: list[str]) -> tuple[float, float]:
    """Run ``command`` with stdout to /dev/null; return (seconds, peak RSS in MB)."""
    with open(os.devnull, "wb") as devnull:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=devnull, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def best_of(command: list[str], repeat: int) -> tuple[float, float]:
    results = [run(command) for _ in range(repeat)]
    return min(r[0] for r in results), statistics.median(r[1] for r in results)


def commands(db: pathlib.Path, mode: str) -> dict[str, list[str]]:
    tools = {
        "floor": [sys.executable, "-c", FLOOR, str(db), SQL, mode],
        "datamill": [sys.executable, "-m", "datamill", str(db), SQL, *MODES[mode]],
    }
    if importlib.util.find_spec("sqlite_utils") is not None:
        tools["sqlite-utils"] = [sys.executable, "-m", "sqlite_utils", str(db), SQL, *MODES[mode]]
    return tools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", nargs=2, metavar=("PATH", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        _build(pathlib.Path(args.build[0]), int(args.build[1]))
        return
    sizes = (args.rows // 4, args.rows)
    print(f"select * from trees (18 columns), best of {args.repeat}; RSS = peak MB of the child\n")
    header = (
        f"{'rows':>8} {'mode':<6} {'floor s':>8} {'datamill s':>10} {'sqlite-utils s':>14}"
        f" {'dm/floor':>9} {'su/floor':>9} {'dm/su':>6} {'floor MB':>9} {'dm MB':>7} {'su MB':>7}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            db = pathlib.Path(tmp) / f"trees_{rows}.db"
            build_database(db, rows)
            for mode in MODES:
                if mode == "table" and rows != sizes[0]:
                    continue  # tabulate needs every row in memory; one size shows the ratio
                timings = {
                    name: best_of(cmd, args.repeat) for name, cmd in commands(db, mode).items()
                }
                floor_s, floor_mb = timings["floor"]
                dm_s, dm_mb = timings["datamill"]
                su_s, su_mb = timings.get("sqlite-utils", (float("nan"), float("nan")))
                print(
                    f"{rows:>8} {mode:<6} {floor_s:>8.2f} {dm_s:>10.2f} {su_s:>14.2f}"
                    f" {dm_s / floor_s:>9.2f} {su_s / floor_s:>9.2f} {dm_s / su_s:>6.2f}"
                    f" {floor_mb:>9.0f} {dm_mb:>7.0f} {su_mb:>7.0f}"
                )


if __name__ == "__main__":
    main()
