"""Fuzzy-matching SQL function speed (extras.md FZ-PERF): datamill vs jellyfish registered directly.

Builds (once, cached in bench/_data/) the gen_trees.py table and times, in one process with
the contenders interleaved, one warm-up each and the median of --repeat runs:

    select count(*) from trees where levenshtein_distance(qAddress, '100 Main St') < 4

- scan floor: the same scan with SQLite's C ``length()`` in place of the Python function;
- call floor: a Python function that returns 0 at once, registered with
  ``conn.create_function`` (what any Python SQL function pays per row);
- jellyfish direct: ``conn.create_function("levenshtein_distance", 2,
  jellyfish.levenshtein_distance, deterministic=True)``, as datasette-jellyfish does (the
  FZ-PERF reference);
- datamill: a ``datamill.Database`` connection, whose function adds the FZ-3 NULL and type
  rules.

It checks that datamill and jellyfish count the same rows and prints each time with its ratio
to jellyfish direct; the target is datamill <= 1.25x. Exits 1 if the counts differ.

Usage: python bench/fuzzy.py [--rows 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable

import jellyfish
from shared_data import trees_database

import datamill

SQL = "select count(*) from trees where {call} < 4"
LEVENSHTEIN = "levenshtein_distance(qAddress, '100 Main St')"
TARGET = 1.25


def plain_connection(path: str, function: Callable[[str, str], int] | None) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    if function is not None:
        conn.create_function("levenshtein_distance", 2, function, deterministic=True)
    return conn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = str(trees_database(args.rows))

    contenders: dict[str, tuple[Callable[[str], object], str]] = {
        "scan floor: length()": (plain_connection(path, None).execute, "length(qAddress)"),
        "call floor: Python no-op": (
            plain_connection(path, lambda a, b: 0).execute,
            LEVENSHTEIN,
        ),
        "jellyfish direct": (
            plain_connection(path, jellyfish.levenshtein_distance).execute,
            LEVENSHTEIN,
        ),
        "datamill": (datamill.Database(path).execute, LEVENSHTEIN),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    counts: dict[str, int] = {}
    for run in range(args.repeat + 1):  # run 0 warms the page cache and is not counted
        for name, (execute, call) in contenders.items():
            start = time.perf_counter()
            counts[name] = execute(SQL.format(call=call)).fetchone()[0]
            if run:
                times[name].append(time.perf_counter() - start)

    reference = statistics.median(times["jellyfish direct"])
    print(f"{SQL.format(call=LEVENSHTEIN)}")
    print(f"{args.rows:,} rows, median of {args.repeat}, contenders interleaved\n")
    print(f"{'contender':<26} {'seconds':>8} {'x jellyfish':>12} {'rows':>8}")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{name:<26} {median:>8.3f} {median / reference:>12.2f} {counts[name]:>8,}")
    ratio = statistics.median(times["datamill"]) / reference
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"\nFZ-PERF: datamill {ratio:.2f}x jellyfish direct (target <= {TARGET}x): {verdict}")
    if counts["datamill"] != counts["jellyfish direct"]:
        print("datamill and jellyfish counted different rows", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
