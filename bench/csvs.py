"""``datamill csvs`` speed and memory vs sqlite3 ``.import`` vs csvs-to-sqlite 1.3.1 (CS-PERF).

Generates ``gen_trees.py --rows N --seed 1`` once into bench/_data/ (gitignored), then times,
each in its own process into a fresh database (median wall of ``--repeat`` runs, the largest
peak RSS):

- the floor: ``sqlite3 db -cmd '.mode csv' '.import trees.csv trees'`` (TEXT columns);
- ``datamill csvs trees.csv db`` (type detection on);
- the same with ``-c qSpecies -c qCaretaker -c PlantType`` (lookup tables, FK indexes and the
  lookup tables' full-text indexes included);
- ``datamill csvs`` on the first 190,000 rows, for the RSS baseline;
- csvs-to-sqlite, plain, when installed (``make bench-deps`` puts it under build/peers/, or set
  ``DATAMILL_CSVS_TO_SQLITE``): pandas needs about 1 GB for the million rows.

Usage: python bench/csvs.py [--rows 1000000] [--repeat 3] [--no-peer]
Targets (CS-PERF): plain <= 1.5x .import; with -c <= 2x plain; peak RSS <= 100 MB and
<= the 190k-row run's + 20 MB.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import sys
import tempfile

from ingest import DATA, csv_prefix, run, trees_csv

BIN = pathlib.Path(sys.executable).parent
ROOT = pathlib.Path(__file__).resolve().parent.parent
PEER = os.environ.get("DATAMILL_CSVS_TO_SQLITE") or str(
    ROOT / "build" / "peers" / "csvs-to-sqlite" / "bin" / "csvs-to-sqlite"
)
EXTRACTS = ["-c", "qSpecies", "-c", "qCaretaker", "-c", "PlantType"]
BASELINE_ROWS = 190_000


def measure(command_for, repeat: int) -> tuple[float, float]:
    """Median wall seconds over ``repeat`` runs into fresh databases, and the largest RSS (MB)."""
    walls, peaks = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            wall, _, rss = run(command_for(pathlib.Path(tmp) / "out.db"))
        walls.append(wall)
        peaks.append(rss)
    return statistics.median(walls), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true", help="Skip csvs-to-sqlite")
    args = parser.parse_args()
    source = trees_csv(args.rows)
    small = csv_prefix(source, min(BASELINE_ROWS, args.rows))
    datamill = str(BIN / "datamill")
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        raise SystemExit("sqlite3 is not installed (apt-get install sqlite3)")

    results: dict[str, tuple[float, float]] = {}
    results[".import"] = measure(
        lambda db: [sqlite3, str(db), "-cmd", ".mode csv", f".import {source} trees"], args.repeat
    )
    results["datamill csvs"] = measure(
        lambda db: [datamill, "csvs", str(source), str(db)], args.repeat
    )
    results["datamill csvs -c x3"] = measure(
        lambda db: [datamill, "csvs", str(source), str(db), *EXTRACTS], args.repeat
    )
    results[f"datamill csvs ({min(BASELINE_ROWS, args.rows):,} rows)"] = measure(
        lambda db: [datamill, "csvs", str(small), str(db)], 1
    )
    if not args.no_peer and os.access(PEER, os.X_OK):
        results["csvs-to-sqlite"] = measure(lambda db: [PEER, str(source), str(db)], 1)
    elif not args.no_peer:
        print("csvs-to-sqlite is not installed (make bench-deps): skipped\n")

    floor = results[".import"][0]
    plain = results["datamill csvs"][0]
    print(f"{args.rows:,} rows of gen_trees.py --seed 1 ({source.stat().st_size / 1e6:.0f} MB)\n")
    print(f"{'run':<32} {'wall s':>8} {'x .import':>10} {'peak RSS MB':>12}")
    for name, (wall, rss) in results.items():
        print(f"{name:<32} {wall:>8.2f} {wall / floor:>10.2f} {rss:>12.1f}")
    baseline_rss = next(rss for name, (_, rss) in results.items() if name.endswith("rows)"))
    worst_rss = max(results["datamill csvs"][1], results["datamill csvs -c x3"][1])
    print()
    print(f"plain / .import = {plain / floor:.2f} (target <= 1.5)")
    print(f"-c x3 / plain = {results['datamill csvs -c x3'][0] / plain:.2f} (target <= 2)")
    print(
        f"peak RSS {worst_rss:.1f} MB (target <= 100, and <= {baseline_rss:.1f} + 20 "
        "for the 190k-row run)"
    )


if __name__ == "__main__":
    main()
