"""History view queries (serve.md SV-HIST, SV-PERF-2) on the track.md HI-PERF-1 chain.

Builds (or reuses) the 190k-row v1-v4 chain with bench/history.py's generator and repository
helpers, runs ``datamill history`` once into bench/_data/history/views.db, then times each
``datamill.serve.history`` function on a read-only connection (median of ``--repeat``) next to
the floor F: one full scan of the version table, which the per-commit counts must read.

Usage: python bench/history_views.py [--rows 190000] [--repeat 7]
Targets (SHOULD): namespace page (commit_page, 200 commits) < 200 ms; adjacent diff < 500 ms.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from history import DATA, STEP_190K, datamill_history, generate, make_repo

from datamill.serve import history as views

TARGETS_MS = {"namespace page": 200.0, "adjacent diff": 500.0}


def build(rows: int) -> sqlite3.Connection:
    db = DATA / f"views{rows}.db"
    if not db.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        versions = generate(f"trees{rows // 1000}k", rows, STEP_190K, 4)
        repo = make_repo(f"repo{rows // 1000}k_views", versions)
        subprocess.run(
            [str(a) for a in datamill_history(DATA / "views.tmp.db", repo)],
            check=True,
            capture_output=True,
        )
        (DATA / "views.tmp.db").rename(db)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("pragma query_only = 1")
    return conn


def median_ms(repeat: int, call: Callable[[], object]) -> float:
    call()  # warm the page cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=190000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    conn = build(args.rows)
    item = conn.execute(
        "select _item from item_version where _change = 'changed' order by _id limit 1"
    ).fetchone()[0]
    cases = {
        "floor F (full scan of item_version)": lambda: conn.execute(
            "select count(*) from item_version where _commit > 0"
        ).fetchone(),
        "history index (namespaces)": lambda: views.namespaces(conn),
        "namespace page": lambda: views.commit_page(conn, "item"),
        "item timeline": lambda: views.timeline(conn, "item", item),
        "adjacent diff": lambda: views.diff(conn, "item"),
        "diff v1 -> v2": lambda: views.diff(conn, "item", "1", "2"),
        "diff v1 -> v4 (whole chain)": lambda: views.diff(conn, "item", "1", "4"),
    }
    failed = False
    floor = None
    print(f"{'case':40} {'median ms':>10} {'x F':>7}  target")
    for name, call in cases.items():
        ms = median_ms(args.repeat, call)
        floor = floor or ms
        target = TARGETS_MS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"< {target:.0f} ms {'PASS' if ms < target else 'FAIL'}"
            failed = failed or ms >= target
        print(f"{name:40} {ms:10.1f} {ms / floor:7.2f}  {verdict}")
    counts = views.diff(conn, "item")["counts"]
    print(f"adjacent diff counts: {counts}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
