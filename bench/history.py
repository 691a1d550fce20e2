"""``datamill history`` speed and memory against the floor and git-history 0.8 (track.md HI-PERF).

Builds the HI-PERF-1 chains with shared/bench/gen_trees.py into bench/_data/history/ (on disk),
commits them as ``trees.csv`` in fresh repositories, and times in the same run:

- the floor F (shared/bench/history_floor.py) on each 190k version, median of ``--repeat``;
- datamill on v1 only, on v1-v3 in one run, and incrementally on + v4, with peak RSS;
- datamill and git-history 0.8 (``make bench-deps``) on the 20k chain v1-v3, then the HI-PERF-3
  correctness gates: item / columns / item_changed / non-removed item_version content equal to
  0.8's, and the removed versions equal to the generator manifests' removed keys;
- TR-PERF-1, when ``datamill diff`` is registered: ``datamill track`` of v2 over a repo holding
  v1 against ``datamill diff v1 v2 --key TreeID`` (ratio to 1.5 x diff + 1 s; target <= 1);
- with ``--kill-check``: a ``kill -9`` at a random point of the v1-v3 run, then a rerun, must
  give the same tables as the uninterrupted run (HI-7).

Usage: python bench/history.py [--rows 190000] [--small-rows 20000] [--repeat 3]
                               [--skip-git-history] [--kill-check]
Targets: v1 <= 3 F, v1-v3 <= 9 F, incremental <= 2 F, RSS <= 500 MB, 20k <= git-history / 20.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time

from shared_data import GEN_TREES, SHARED_BENCH

ROOT = pathlib.Path(__file__).resolve().parent
FLOOR = SHARED_BENCH / "history_floor.py"
DATA = ROOT / "_data" / "history"
BIN = pathlib.Path(sys.executable).parent
STEP_190K = ("1280", "300", "2151")
STEP_20K = ("135", "32", "226")


def generate(
    prefix: str, rows: int, step: tuple[str, str, str], versions: int
) -> list[pathlib.Path]:
    """v1 = --rows N --seed 1; v(k+1) derived from vk with --seed k+1, plus manifests."""
    paths = [DATA / f"{prefix}_v{k}.csv" for k in range(1, versions + 1)]
    if not paths[0].exists():
        run_quiet([sys.executable, GEN_TREES, "--rows", rows, "--seed", "1", "--out", paths[0]])
    for k in range(1, versions):
        if paths[k].exists():
            continue
        added, removed, changed = step
        run_quiet([
            sys.executable, GEN_TREES, "--derive", paths[k - 1], "--added", added,
            "--removed", removed, "--changed", changed, "--seed", k + 1, "--out", paths[k],
            "--manifest", DATA / f"{prefix}_v{k + 1}.manifest.json",
        ])  # fmt: skip
    return paths


def run_quiet(args: list) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True)


def make_repo(name: str, versions: list[pathlib.Path]) -> pathlib.Path:
    repo = DATA / name
    shutil.rmtree(repo, ignore_errors=True)
    run_quiet(["git", "init", "-q", "-b", "main", repo])
    for number, version in enumerate(versions, 1):
        add_version(repo, version, number)
    return repo


def add_version(repo: pathlib.Path, version: pathlib.Path, number: int) -> None:
    shutil.copyfile(version, repo / "trees.csv")
    run_quiet(["git", "-C", repo, "add", "trees.csv"])
    run_quiet(["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
               "commit", "-qm", f"v{number}"])  # fmt: skip


def timed(args: list, cwd: pathlib.Path | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one command, via /usr/bin/time when available."""
    args = [str(a) for a in args]
    gnu_time = shutil.which("time") or (
        "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
    )
    report = DATA / "time.txt"
    prefix = [gnu_time, "-f", "%M", "-o", str(report)] if gnu_time else []
    start = time.perf_counter()
    subprocess.run(prefix + args, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    rss = float(report.read_text().split()[-1]) / 1024 if gnu_time else float("nan")
    return wall, rss


def datamill_history(db: pathlib.Path, repo: pathlib.Path) -> list:
    return [BIN / "datamill", "history", db, "trees.csv", "--repo", repo, "--id", "TreeID",
            "--csv", "--silent"]  # fmt: skip


def median_run(repeat: int, db: pathlib.Path, command) -> tuple[float, float]:
    """Median wall time and max RSS of ``repeat`` runs, each into a fresh database."""
    runs = []
    for _ in range(repeat):
        db.unlink(missing_ok=True)
        runs.append(timed(command(db)))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def floor_time(version: pathlib.Path, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        out = DATA / "floor.db"
        out.unlink(missing_ok=True)
        runs.append(timed([sys.executable, FLOOR, version, out]))
    out.unlink(missing_ok=True)
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def tables(db: pathlib.Path) -> dict[str, list]:
    """The HI-7 comparison: every table's rows."""
    with sqlite3.connect(db) as conn:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type='table'")]
        return {n: conn.execute(f'select * from "{n}" order by 1, 2').fetchall() for n in names}


def big_runs(args) -> list[tuple[str, float, float, float]]:
    versions = generate("trees190k", args.rows, STEP_190K, 4)
    floor, floor_rss = floor_time(versions[0], args.repeat)
    results = [("floor F (history_floor.py, v1; ratio = x F)", floor, floor_rss, 1.0)]
    repo = make_repo("repo190k_v1", versions[:1])
    wall, rss = median_run(args.repeat, DATA / "v1.db", lambda db: datamill_history(db, repo))
    results.append(("datamill v1 only (target <= 3 F)", wall, rss, wall / floor))
    repo = make_repo("repo190k", versions[:3])
    db = DATA / "v1-3.db"
    wall, rss = median_run(args.repeat, db, lambda db: datamill_history(db, repo))
    results.append(("datamill v1-v3 one run (target <= 9 F)", wall, rss, wall / floor))
    add_version(repo, versions[3], 4)
    base = DATA / "v1-3.base.db"
    shutil.copyfile(db, base)
    runs = []
    for _ in range(args.repeat):
        shutil.copyfile(base, db)
        runs.append(timed(datamill_history(db, repo)))
    wall, rss = statistics.median(r[0] for r in runs), max(r[1] for r in runs)
    results.append(("datamill incremental + v4 (target <= 2 F)", wall, rss, wall / floor))
    if args.kill_check:
        results.append(kill_check(versions[:3]))
    return results + track_runs(versions)


def kill_check(versions: list[pathlib.Path]) -> tuple[str, float, float, float]:
    repo = make_repo("repo190k_kill", versions)
    reference, killed = DATA / "kill_ref.db", DATA / "kill.db"
    for db in (reference, killed):
        db.unlink(missing_ok=True)
    subprocess.run([str(a) for a in datamill_history(reference, repo)], check=True)
    delay = random.uniform(0.5, 8.0)
    process = subprocess.Popen([str(a) for a in datamill_history(killed, repo)])
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(killed) as conn:
        ok = conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    subprocess.run([str(a) for a in datamill_history(killed, repo)], check=True)
    same = ok and tables(killed) == tables(reference)
    print(f"kill -9 after {delay:.1f}s: integrity ok={ok}, rerun equals uninterrupted={same}")
    return (
        f"kill -9 at {delay:.1f}s, rerun equal: {same}",
        float("nan"),
        float("nan"),
        float("nan"),
    )


def track_runs(versions: list[pathlib.Path]) -> list[tuple[str, float, float, float]]:
    """TR-PERF-1: ``datamill track`` of v2 over a repo holding v1 vs ``datamill diff v1 v2``."""
    from datamill.cli import cli

    if "diff" not in cli.commands:
        print("TR-PERF-1 not run: `datamill diff` is not available in this build")
        return []
    diff_wall, diff_rss = timed([BIN / "datamill", "diff", versions[0], versions[1], "--key",
                                 "TreeID"])  # fmt: skip
    repo = make_repo("repo190k_track", versions[:1])
    track_wall, track_rss = timed([BIN / "datamill", "track", versions[1], "--path", "trees.csv",
                                   "--repo", repo, "--key", "TreeID"])  # fmt: skip
    return [
        ("datamill diff v1 v2 --key TreeID", diff_wall, diff_rss, float("nan")),
        ("datamill track v2 over v1 (<= 1.5 diff + 1 s)", track_wall, track_rss,
         track_wall / (1.5 * diff_wall + 1)),
    ]  # fmt: skip


def small_runs(args) -> list[tuple[str, float, float, float]]:
    versions = generate("trees20k", args.small_rows, STEP_20K, 3)
    repo = make_repo("repo20k", versions)
    db = DATA / "dm20k.db"
    db.unlink(missing_ok=True)
    wall, rss = timed(datamill_history(db, repo))
    results = [("datamill 20k v1-v3", wall, rss, float("nan"))]  # ratio to git-history below
    tool = BIN / "git-history"
    if args.skip_git_history or not tool.exists():
        print("git-history 0.8 not run (make bench-deps, and leave out --skip-git-history)")
        check_manifest(db)
        return results
    gh_db = DATA / "gh20k.db"
    gh_db.unlink(missing_ok=True)
    gh_wall, gh_rss = timed(
        [tool, "file", gh_db, "trees.csv", "--id", "TreeID", "--dialect", "excel", "--silent"],
        cwd=repo,
    )
    results.append(("git-history 0.8 20k v1-v3", gh_wall, gh_rss, float("nan")))
    results.append(
        ("datamill / git-history (target <= 0.05)", float("nan"), float("nan"), wall / gh_wall)
    )
    compare_with_git_history(db, gh_db)
    check_manifest(db)
    return results


def compare_with_git_history(db: pathlib.Path, gh_db: pathlib.Path) -> None:
    """HI-PERF-3 correctness gate against git-history 0.8's database."""
    queries = {
        "item": "select * from item",
        "columns": "select name from columns",
        "item_changed": "select i._item_id, v._version, c.name from item_changed x "
        "join item_version v on v._id = x.item_version join item i on i._id = v._item "
        "join columns c on c.id = x.column",
        "item_version": "select i._item_id, v.* from item_version v join item i on i._id = v._item",
    }
    with sqlite3.connect(db) as ours, sqlite3.connect(gh_db) as theirs:
        for name, sql in queries.items():
            mine = _rows(ours, sql, name, removed_filter=True)
            peer = _rows(theirs, sql, name, removed_filter=False)
            print(f"gate {name}: {'equal' if mine == peer else 'DIFFERENT'} ({len(mine)} rows)")


def _rows(conn: sqlite3.Connection, sql: str, name: str, removed_filter: bool) -> list:
    cursor = conn.execute(sql)
    columns = [d[0] for d in cursor.description]
    drop = {"_id", "_change", "_removed", "_commit", "_item"}
    keep = sorted((c, i) for i, c in enumerate(columns) if c not in drop)
    rows = cursor.fetchall()
    if name == "item_version" and removed_filter:
        change = columns.index("_change")
        rows = [r for r in rows if r[change] != "removed"]
    return sorted(tuple((c, str(r[i])) for c, i in keep) for r in rows)


def check_manifest(db: pathlib.Path) -> None:
    removed = set()
    for manifest in sorted(DATA.glob("trees20k_v*.manifest.json")):
        removed |= {str(key) for key in json.loads(manifest.read_text())["removed"]}
    with sqlite3.connect(db) as conn:
        ours = {
            key for (key,) in conn.execute(
                "select i.TreeID from item_version v join item i on i._id = v._item "
                "where v._change = 'removed'"
            )
        }  # fmt: skip
    print(f"gate removed versions = manifest removed keys: {ours == removed} ({len(ours)} keys)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=190000)
    parser.add_argument("--small-rows", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-git-history", action="store_true")
    parser.add_argument("--kill-check", action="store_true")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    results = big_runs(args) + small_runs(args)
    print(f"\n{'run':<46} {'wall s':>8} {'RSS MB':>8} {'ratio':>7}")
    for label, wall, rss, ratio in results:
        print(
            f"{label:<46} {_cell(wall, 8, '.2f')} {_cell(rss, 8, '.0f')} {_cell(ratio, 7, '.3g')}"
        )


def _cell(value: float, width: int, spec: str) -> str:
    return f"{value:{width}{spec}}" if value == value else "-".rjust(width)


if __name__ == "__main__":
    main()
