"""analyze-tables speed: datamill vs sqlite-utils vs a raw sqlite3 floor (C-ANALYZE-TABLES).

Builds (once, cached in bench/_data/: ``shared_data.trees_database``) a trees table from
gen_trees.py with all 18 columns, TreeID as INTEGER PRIMARY KEY and the rest TEXT, then
analyzes every column of it with:

- floor: a minimal script on the sqlite3 module that, per column, runs the least SQL that
  yields every statistic: one GROUP BY of the column into a temporary (value, count) table,
  from which the null/blank/distinct counts and the top and bottom 10 are read (none for
  the INTEGER PRIMARY KEY, which is unique and never NULL);
- datamill: ``python -m datamill analyze-tables DB trees``;
- sqlite-utils: ``python -m sqlite_utils analyze-tables DB trees`` (``make bench-deps``).

Each tool runs as a subprocess writing to /dev/null. The table shows the median wall-clock
time over --repeat runs, the ratio to the floor and to sqlite-utils, and each child's peak RSS.
The statistics lines (everything but the common-value lists, whose ties at the cut-off the
two tools break differently) are checked to be identical.

Usage: python bench/analyze.py [--rows 1000000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time

from shared_data import trees_database

FLOOR = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
table = sys.argv[2]
total = conn.execute(f'select count(*) from "{table}"').fetchone()[0]
info = conn.execute(f'pragma table_info("{table}")').fetchall()
pks = [row for row in info if row[5]]
rowid_alias = pks[0][1] if len(pks) == 1 and pks[0][2].upper() == "INTEGER" else None
for column in [row[1] for row in info]:
    if column == rowid_alias:  # unique and never NULL: nothing to compute
        print(column, total, (0, 0, total))
        continue
    conn.execute(f'create temp table g as select "{column}" v, count(*) n from "{table}" group by 1')
    stats = conn.execute(
        "select sum(case when v is null then n end), sum(case when v = '' then n end), "
        "count(v) from g"
    ).fetchone()
    most = conn.execute("select v, n from g order by n desc, v desc limit 10").fetchall()
    least = conn.execute("select v, n from g order by n asc, v desc limit 10").fetchall()
    print(column, total, stats, most, least)
    conn.execute("drop table g")
"""


def run_with_rss(command: list[str]) -> tuple[float, float, str]:
    """Wall-clock seconds, peak RSS in MB (from wait4) and stdout of one child process."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=devnull)
        stdout = process.stdout.read() if process.stdout else b""
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command[:4])} failed with status {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024, stdout.decode()


def statistics_lines(output: str) -> list[str]:
    """The lines of analyze-tables output other than the common-value entries."""
    return [line for line in output.splitlines() if not line.startswith("    ")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    db_path = str(trees_database(args.rows))
    tools = {
        "floor (sqlite3, 1 GROUP BY/column)": [sys.executable, "-c", FLOOR, db_path, "trees"],
        "datamill": [sys.executable, "-m", "datamill", "analyze-tables", db_path, "trees"],
    }
    if importlib.util.find_spec("sqlite_utils"):
        tools["sqlite-utils"] = [
            sys.executable,
            "-m",
            "sqlite_utils",
            "analyze-tables",
            db_path,
            "trees",
        ]
    else:
        print("sqlite-utils not installed (make bench-deps): skipping it", file=sys.stderr)
    results: dict[str, tuple[float, float]] = {}
    outputs: dict[str, str] = {}
    for name, command in tools.items():
        times, peaks = [], []
        for _ in range(args.repeat):
            elapsed, peak, stdout = run_with_rss(command)
            times.append(elapsed)
            peaks.append(peak)
        results[name] = (statistics.median(times), max(peaks))
        outputs[name] = stdout
    if "sqlite-utils" in outputs:
        same = statistics_lines(outputs["datamill"]) == statistics_lines(outputs["sqlite-utils"])
        print(f"statistics identical to sqlite-utils: {'yes' if same else 'NO'}")
    floor = results["floor (sqlite3, 1 GROUP BY/column)"][0]
    peer = results.get("sqlite-utils", (None,))[0]
    print(f"analyze-tables, {args.rows:,} rows x 18 columns, median of {args.repeat}")
    print(f"{'tool':<36} {'seconds':>8} {'x floor':>8} {'x sqlite-utils':>15} {'peak MB':>8}")
    for name, (seconds, peak) in results.items():
        versus = f"{seconds / peer:.2f}" if peer else "-"
        print(f"{name:<36} {seconds:>8.2f} {seconds / floor:>8.2f} {versus:>15} {peak:>8.1f}")


if __name__ == "__main__":
    main()
