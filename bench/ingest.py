"""CLI ingest speed and memory: datamill insert vs sqlite3 (the floor) vs sqlite-utils.

Generates the gen_trees.py data once into bench/_data/ (gitignored), then in one run loads it
into fresh database files and prints, per input format, wall time, time relative to the
floor, rows per second and the child's peak RSS:

- CSV (``--rows``, default 1,000,000): ``sqlite3 db ".import --csv"`` (no type detection) vs
  ``datamill insert db t file.csv --csv`` (type detection on) vs ``sqlite-utils insert --csv``
  (on ``--peer-rows`` rows, default 200,000, scaled to the full row count).
- JSON array and NDJSON (``--json-rows``, default 400,000; the array file is about 200 MB):
  SQLite's own JSON functions (``json_each(readfile(...))`` for the array, ``.import`` of the
  lines plus ``->>`` for NDJSON) vs ``datamill insert`` vs ``sqlite-utils insert``.

- Small inputs (``--small`` runs only this part; issue 11): start-up dominates, so each command
  runs ``--small-runs`` times (default 15) as a whole process, datamill alternating with its
  peer, and the median wall and CPU times are reported: ``insert`` of a 300-row JSON array,
  ``query``, ``tables`` and ``rows`` on the 300-row database, against sqlite-utils, and ``diff``
  of two 300-row CSVs against csv-diff, next to ``python -c pass`` (the interpreter's start-up).

Usage: python bench/ingest.py [--rows N] [--json-rows N] [--peer-rows N] [--repeat 3]
                              [--small] [--small-runs 15]
Targets (issue 3): CSV with types <= 1.5x the sqlite3 .import time; a 400k-row JSON array loads
with peak RSS under 100 MB. Issue 11: each small-input command <= 1.0x its peer.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import importlib.util
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from shared_data import GEN_TREES

SMALL_ROWS = 300

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "_data"
BIN = pathlib.Path(sys.executable).parent
INTEGER_COLUMNS = {"TreeID", "SiteOrder", "DBH"}
FLOAT_COLUMNS = {"XCoord", "YCoord", "Latitude", "Longitude"}


def trees_csv(rows: int) -> pathlib.Path:
    """The gen_trees.py CSV with ``rows`` rows (seed 1), generated once."""
    path = DATA / f"trees-{rows}.csv"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        subprocess.run(
            [sys.executable, GEN_TREES, "--rows", str(rows), "--seed", "1", "--out", path],
            check=True,
            capture_output=True,
        )
    return path


def _typed(row: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = dict(row)
    for key in INTEGER_COLUMNS:
        out[key] = int(row[key]) if row[key] else None
    for key in FLOAT_COLUMNS:
        out[key] = float(row[key]) if row[key] else None
    return out


def trees_json(rows: int) -> tuple[pathlib.Path, pathlib.Path]:
    """The same rows as a JSON array (one element per line) and as NDJSON."""
    array, ndjson = DATA / f"trees-{rows}.json", DATA / f"trees-{rows}.ndjson"
    if not (array.exists() and ndjson.exists()):
        source = trees_csv(rows)
        with open(source, newline="") as f, open(array, "w") as a, open(ndjson, "w") as n:
            a.write("[")
            for index, row in enumerate(csv.DictReader(f)):
                line = json.dumps(_typed(row))
                a.write(("\n" if index == 0 else ",\n") + line)
                n.write(line + "\n")
            a.write("\n]\n")
    return array, ndjson


def csv_prefix(source: pathlib.Path, rows: int) -> pathlib.Path:
    """The header plus the first ``rows`` records of a CSV (no quoted newlines in this data)."""
    path = DATA / f"{source.stem}-first-{rows}.csv"
    if not path.exists():
        with open(source, "rb") as f, open(path, "wb") as out:
            for index, line in enumerate(f):
                if index > rows:
                    break
                out.write(line)
    return path


def run(
    command: list[str],
    stdin: str | None = None,
    watch: Callable[[int], None] | None = None,
) -> tuple[float, float, float]:
    """Run ``command``; returns (wall seconds, CPU seconds, peak RSS in MB) of that child.

    ``watch(pid)``, if given, is called about every 10 ms while the child runs.
    """
    started = time.perf_counter()
    with open(stdin or os.devnull, "rb") as f:
        process = subprocess.Popen(
            command, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        while True:
            pid, status, usage = os.wait4(process.pid, 0 if watch is None else os.WNOHANG)
            if pid:
                break
            watch(process.pid)
            time.sleep(0.01)
    elapsed = time.perf_counter() - started
    errors = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed: {errors}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(command_for: callable, repeat: int) -> tuple[float, float, float]:
    """Fastest wall and CPU time of ``repeat`` runs into fresh databases; the largest RSS."""
    walls, cpus, peaks = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            wall, cpu, rss = run(command_for(pathlib.Path(tmp) / "bench.db"))
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(rss)
    return min(walls), min(cpus), max(peaks)


def json_floor_sql(source: pathlib.Path, from_clause: str) -> str:
    columns = ", ".join(f"value ->> '$.{name}' as \"{name}\"" for name in CSV_COLUMNS)
    return f"create table t as select {columns} from {from_clause}"


CSV_COLUMNS: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json-rows", type=int, default=400_000)
    parser.add_argument("--peer-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="only the small-input part")
    parser.add_argument("--small-runs", type=int, default=15)
    args = parser.parse_args()
    if not args.small:
        large_inputs(args)
    small_inputs(args.small_runs)


def large_inputs(args: argparse.Namespace) -> None:
    sqlite3_cli = shutil.which("sqlite3")
    peer = BIN / "sqlite-utils"
    datamill = str(BIN / "datamill")

    source = trees_csv(args.rows)
    with open(source, newline="") as f:
        CSV_COLUMNS.extend(next(csv.reader(f)))
    array, ndjson = trees_json(args.json_rows)
    peer_csv = csv_prefix(source, args.peer_rows)

    results: list[tuple[str, str, int, float, float, float]] = []

    def measure(fmt: str, tool: str, rows: int, command_for, repeat: int, scale: float = 1.0):
        wall, cpu, rss = best(command_for, repeat)
        results.append((fmt, tool, rows, wall * scale, cpu * scale, rss))

    # CSV
    if sqlite3_cli:
        measure(
            "CSV",
            "sqlite3 .import (floor)",
            args.rows,
            lambda db: [sqlite3_cli, str(db), f".import --csv {source} t"],
            args.repeat,
        )
    measure(
        "CSV",
        "datamill insert --csv",
        args.rows,
        lambda db: [datamill, "insert", str(db), "t", str(source), "--csv"],
        args.repeat,
    )
    if peer.exists():
        measure(
            "CSV",
            f"sqlite-utils insert --csv ({args.peer_rows} rows, scaled)",
            args.rows,
            lambda db: [str(peer), "insert", str(db), "t", str(peer_csv), "--csv"],
            1,
            scale=args.rows / args.peer_rows,
        )
    # JSON array
    if sqlite3_cli:
        sql = json_floor_sql(array, f"json_each(readfile('{array}'))")
        measure(
            "JSON array",
            "sqlite3 json_each (floor)",
            args.json_rows,
            lambda db: [sqlite3_cli, str(db), sql],
            args.repeat,
        )
    measure(
        "JSON array",
        "datamill insert",
        args.json_rows,
        lambda db: [datamill, "insert", str(db), "t", str(array)],
        args.repeat,
    )
    if peer.exists():
        measure(
            "JSON array",
            "sqlite-utils insert",
            args.json_rows,
            lambda db: [str(peer), "insert", str(db), "t", str(array)],
            1,
        )
    # NDJSON
    if sqlite3_cli:
        sql = json_floor_sql(ndjson, "raw")
        measure(
            "NDJSON",
            "sqlite3 .import + ->> (floor)",
            args.json_rows,
            lambda db: [
                sqlite3_cli,
                str(db),
                "create table raw(value text)",
                ".separator \x01 \\n",
                f".import {ndjson} raw",
                sql,
                "drop table raw",
            ],
            args.repeat,
        )
    measure(
        "NDJSON",
        "datamill insert --nl",
        args.json_rows,
        lambda db: [datamill, "insert", str(db), "t", str(ndjson), "--nl"],
        args.repeat,
    )
    if peer.exists():
        measure(
            "NDJSON",
            "sqlite-utils insert --nl",
            args.json_rows,
            lambda db: [str(peer), "insert", str(db), "t", str(ndjson), "--nl"],
            1,
        )
    print_table(results, array)


def print_table(results, array: pathlib.Path) -> None:
    floors = {fmt: (wall, cpu) for fmt, tool, _, wall, cpu, _ in results if "floor" in tool}
    print(
        f"{'format':<11} {'tool':<48} {'rows':>8} {'wall s':>7} {'x floor':>7} "
        f"{'CPU s':>7} {'x floor':>7} {'rows/s':>8} {'peak RSS MB':>11}"
    )
    for fmt, tool, rows, wall, cpu, rss in results:
        floor_wall, floor_cpu = floors.get(fmt, (None, None))
        wall_ratio = f"{wall / floor_wall:.2f}" if floor_wall else "-"
        cpu_ratio = f"{cpu / floor_cpu:.2f}" if floor_cpu else "-"
        print(
            f"{fmt:<11} {tool:<48} {rows:>8} {wall:>7.2f} {wall_ratio:>7} "
            f"{cpu:>7.2f} {cpu_ratio:>7} {rows / wall:>8.0f} {rss:>11.0f}"
        )
    print(
        f"JSON array file: {array.stat().st_size / 1e6:.0f} MB. Best of the repeats; CPU is "
        "user+sys of the child (datamill parses in a second thread, so CPU can exceed wall)."
    )


def small_trees() -> tuple[pathlib.Path, pathlib.Path, pathlib.Path, pathlib.Path]:
    """The 300-row CSV, the same rows as a JSON array and as a database, and a next version."""
    source = trees_csv(SMALL_ROWS)
    array, _ = trees_json(SMALL_ROWS)
    database = DATA / f"trees-{SMALL_ROWS}.db"
    following = DATA / f"trees-{SMALL_ROWS}-next.csv"
    if not database.exists():
        subprocess.run(
            [BIN / "datamill", "insert", database, "trees", array, "--pk", "TreeID"], check=True
        )
    if not following.exists():
        derive = ["--derive", source, "--key", "TreeID", "--changed", "15", "--removed", "5"]
        subprocess.run(
            [sys.executable, GEN_TREES, *derive, "--added", "5", "--out", following, "--quiet"],
            check=True,
        )
    return source, array, database, following


def small_inputs(runs: int) -> None:
    """Median whole-process time of each small command, datamill vs its peer (issue 11)."""
    source, array, database, following = small_trees()
    # pip compiles an installed package; an editable install (or PYTHONDONTWRITEBYTECODE) would
    # leave datamill compiling its sources on every run while the peers load bytecode.
    for location in importlib.util.find_spec("datamill").submodule_search_locations:
        compileall.compile_dir(location, quiet=1)
    sql = "select qSpecies, count(*) from trees group by qSpecies"
    cases = [
        ("insert", "sqlite-utils", ["insert", "{db}", "trees", str(array)]),
        ("query", "sqlite-utils", [str(database), sql]),
        ("tables", "sqlite-utils", ["tables", str(database)]),
        ("rows", "sqlite-utils", ["rows", str(database), "trees"]),
        # --format csv: both tools read the same dialect, without sniffing
        (
            "diff",
            "csv-diff",
            ["diff", str(source), str(following), "--key", "TreeID", "--format", "csv"],
        ),
    ]
    [(floor, _)] = medians([[sys.executable, "-c", "pass"]], runs)
    print(f"\nSmall inputs ({SMALL_ROWS} rows): medians of {runs} whole-process runs, alternating")
    print(
        f"{'command':<8} {'peer':<12} {'datamill s':>10} {'peer s':>7} {'x peer':>6} "
        f"{'x floor':>7} {'CPU s':>6} {'peer CPU':>8} {'x peer':>6}"
    )
    for name, peer, arguments in cases:
        peer_arguments = arguments[1:] if peer == "csv-diff" else arguments
        (wall, cpu), (peer_wall, peer_cpu) = medians(
            [[str(BIN / "datamill"), *arguments], [str(BIN / peer), *peer_arguments]], runs
        )
        print(
            f"{name:<8} {peer:<12} {wall:>10.3f} {peer_wall:>7.3f} {wall / peer_wall:>6.2f} "
            f"{wall / floor:>7.1f} {cpu:>6.3f} {peer_cpu:>8.3f} {cpu / peer_cpu:>6.2f}"
        )
    print(f"floor: python -c pass = {floor:.3f} s wall; CPU is user+sys of the child")


def medians(commands: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of each command, run in turn ``runs`` times.

    A ``{db}`` argument becomes a path in a fresh directory, so inserts always start empty.
    """
    times: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for command, samples in zip(commands, times):
            with tempfile.TemporaryDirectory(dir=DATA) as tmp:
                db = str(pathlib.Path(tmp) / "small.db")
                wall, cpu, _ = run([db if part == "{db}" else part for part in command])
            samples.append((wall, cpu))
    return [
        (statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples))
        for samples in times
    ]


if __name__ == "__main__":
    main()
