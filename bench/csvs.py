"""``datamill csvs`` speed and memory vs sqlite3 ``.import`` vs csvs-to-sqlite 1.3.1 (CS-PERF).

Generates ``gen_trees.py --rows N --seed 1`` once into bench/_data/ (gitignored), then times,
each in its own process into a fresh database (median wall of ``--repeat`` runs, the largest
peak RSS):

- the floor: ``sqlite3 db -cmd '.mode csv' '.import trees.csv trees'`` (TEXT columns);
- ``datamill csvs trees.csv db`` (type detection on; a large input is loaded in parts, one
  process per CPU);
- the same on one CPU (``taskset -c 0``): one process, for the parallel gain;
- the same with ``-c qSpecies -c qCaretaker -c PlantType`` (lookup tables, FK indexes and the
  lookup tables' full-text indexes included);
- ``datamill csvs`` on the first 190,000 rows, for the RSS baseline;
- csvs-to-sqlite, plain, when installed (``make bench-deps`` puts it under build/peers/, or set
  ``DATAMILL_CSVS_TO_SQLITE``): pandas needs about 1 GB for the million rows.

Peak RSS is given twice: of the largest process, and of all the run's processes together
(sampled every 10 ms from /proc).

Usage: python bench/csvs.py [--rows 1000000] [--repeat 3] [--no-peer]
Targets (CS-PERF): plain <= 1.5x .import; with -c <= 2x plain; peak RSS <= 100 MB and
<= the 190k-row run's + 20 MB (held here by the processes together).
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


def tree_rss(pid: int) -> int:
    """Resident KB of process ``pid`` and its descendants, now."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        resident[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total, family = 0, {pid}
    for child in sorted(parents):  # children have larger pids than their parents here
        if child in family or parents[child] in family:
            family.add(child)
            total += resident.get(child, 0)
    return total


class TreePeak:
    """Called with a process id while it runs: keeps the largest ``tree_rss`` seen (KB)."""

    def __init__(self) -> None:
        self.kb = 0

    def __call__(self, pid: int) -> None:
        self.kb = max(self.kb, tree_rss(pid))


def measure(command_for, repeat: int) -> tuple[float, float, float]:
    """Median wall seconds over ``repeat`` runs into fresh databases; the largest peak RSS
    of one process and of the run's processes together (MB)."""
    walls, largest, summed = [], [], []
    for _ in range(repeat):
        peak = TreePeak()
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            wall, _, one = run(command_for(pathlib.Path(tmp) / "out.db"), watch=peak)
        walls.append(wall)
        largest.append(one)
        summed.append(peak.kb / 1024)
    return statistics.median(walls), max(largest), max(summed)


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

    results: dict[str, tuple[float, float, float]] = {}
    results[".import"] = measure(
        lambda db: [sqlite3, str(db), "-cmd", ".mode csv", f".import {source} trees"], args.repeat
    )
    results["datamill csvs"] = measure(
        lambda db: [datamill, "csvs", str(source), str(db)], args.repeat
    )
    taskset = shutil.which("taskset")
    if taskset is not None:
        results["datamill csvs, one CPU"] = measure(
            lambda db: [taskset, "-c", "0", datamill, "csvs", str(source), str(db)], args.repeat
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
    print(f"{args.rows:,} rows of gen_trees.py --seed 1 ({source.stat().st_size / 1e6:.0f} MB)")
    print(f"{len(os.sched_getaffinity(0))} CPUs\n")
    print(f"{'run':<32} {'wall s':>8} {'x .import':>10} {'RSS MB, largest':>16} {'all':>6}")
    for name, (wall, largest, summed) in results.items():
        print(f"{name:<32} {wall:>8.2f} {wall / floor:>10.2f} {largest:>16.1f} {summed:>6.1f}")
    baseline_rss = next(rss for name, (_, _, rss) in results.items() if name.endswith("rows)"))
    worst_rss = max(results["datamill csvs"][2], results["datamill csvs -c x3"][2])
    print()
    print(f"plain / .import = {plain / floor:.2f} (target <= 1.5)")
    print(f"-c x3 / plain = {results['datamill csvs -c x3'][0] / plain:.2f} (target <= 2)")
    print(
        f"peak RSS of all processes {worst_rss:.1f} MB (target <= 100, and <= "
        f"{baseline_rss:.1f} + 20 for the 190k-row run)"
    )


if __name__ == "__main__":
    main()
