"""Full-text ranking and search benchmark (fts.md S-PERF-1, targets S-PERF-2).

Builds a 200k-document corpus (``gen_corpus.py --docs 200000 --seed 42`` from the
shared bench folder) into one FTS4 and one FTS5 database with datamill, then
times 50 queries per seed, methods interleaved, one warm-up and the median of 5
runs per query:

  M0   FTS4 matchinfo(docs_fts, 'pcnalx') through a C function, no Python at all
       (the physical limit of any FTS4 scorer: SQLite's cost of the statistics alone)
  M1   FTS5 bm25()                                   (the reference)
  M2   FTS4 rank_bm25() on a datamill.Database connection
  M2p  M2 on a plain connection with register_functions(conn, "python")
  M3   M2's SQL with sqlite-fts4's rank_bm25          (peer, if installed)
  M4   a constant Python function over the same matchinfo (the floor)
  M5   FTS4 rank_bm25_fts5(), caches invalidated before each run
  M6   Table.search(q, limit=20), datamill vs sqlite-utils (peer), FTS4 and FTS5

and checks C1 (M2 = M3), C2 (M5 = FTS5 bm25()) and C3 (search() = sqlite-utils).
Prints a table of medians and ratios, writes a JSON report, and exits 1 if a
check fails. Next to each target it prints the best any implementation could do
("floor"): for P2 and FTS4 P4 the C-only M0 (every FTS4 scorer pays for its
matchinfo blob), for FTS5 P4 the bare ranked query M1 (search() must rank every
match the same way). A target below its floor cannot be met on that machine.

    python bench/fts.py                      # full run: 200k docs, seeds 7 and 8
    python bench/fts.py --docs 20000 --seeds 7 --queries 20   # quick look
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from shared_data import GEN_CORPUS  # bench/shared_data.py finds ../shared/bench

import datamill
from datamill.search import register_functions

try:
    import sqlite_fts4
except ImportError:  # peer tool not installed: M3 and C1 are skipped
    sqlite_fts4 = None
try:
    import sqlite_utils
except ImportError:  # peer tool not installed: M6 peer and C3 are skipped
    sqlite_utils = None

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
CORPUS_SHA256 = "03d08b93e0f55ff977e94e3c377ce11cb313682d013b1c01300b00b9ef528a7e"
TOLERANCE = 1e-9
TOP = 20
TARGETS = {  # S-PERF-2, ratio of medians
    "P1 M2p/M1": 2.5,
    "P2 M2p/M3": 0.5,
    "P3 M5/M1": 4.0,
    "P4 M6 FTS5 datamill/sqlite-utils": 0.75,
    "P4 M6 FTS4 datamill/sqlite-utils": 0.5,
}
FLOORS = {  # target -> the same ratio for the fastest possible implementation
    "P2 M2p/M3": "P2 floor M0/M3",
    "P4 M6 FTS5 datamill/sqlite-utils": "P4 FTS5 floor M1/sqlite-utils",
    "P4 M6 FTS4 datamill/sqlite-utils": "P4 FTS4 floor M0/sqlite-utils",
}


def corpus(docs: int) -> Path:
    path = DATA / f"corpus-{docs}.jsonl"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        command = [sys.executable, str(GEN_CORPUS), "--docs", str(docs), "--seed", "42"]
        subprocess.run([*command, "--out", str(path)], check=True)
    if docs == 200_000:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != CORPUS_SHA256:
            sys.exit(f"Error: {path} has sha256 {digest}, expected {CORPUS_SHA256}")
    return path


def build(docs: int, version: str, report: dict) -> Path:
    """Load the corpus and enable FTS with datamill; reuse an earlier build."""
    path = DATA / f"docs-{docs}-{version.lower()}.db"
    if path.exists():
        report[f"build_{version}"] = {"reused": True, "db_bytes": path.stat().st_size}
        return path
    source = corpus(docs)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = datamill.Database(partial)
    started = time.perf_counter()
    with open(source) as lines:
        db["docs"].insert_all(
            (json.loads(line) for line in lines),
            pk="id",
            batch_size=1000,
            columns={"id": int, "title": str, "body": str},
        )
    loaded = time.perf_counter()
    db["docs"].enable_fts(["title", "body"], fts_version=version)
    enabled = time.perf_counter()
    db.close()
    partial.rename(path)
    report[f"build_{version}"] = {
        "load_s": loaded - started,
        "enable_fts_s": enabled - loaded,
        "db_bytes": path.stat().st_size,
    }
    return path


def queries(fts5_path: Path, seed: int, count: int) -> list[str]:
    conn = sqlite3.connect(fts5_path)
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'docs_fts', 'row')")
    rows = conn.execute("select count(*) from docs").fetchone()[0]
    terms = [
        r[0]
        for r in conn.execute(
            "select term from vocab where doc between ? and ? order by term",
            [int(0.01 * rows), int(0.20 * rows)],
        )
    ]
    conn.close()
    rng = random.Random(seed)
    return [" ".join(rng.sample(terms, 1 + k % 3)) for k in range(count)]


def connect(path: Path, kind: str):
    """A connection set up for one method; returns (connection, object to search with)."""
    if kind == "datamill":
        db = datamill.Database(path)
        db.execute("PRAGMA cache_size = -1000000")
        return db.conn, db
    if kind == "sqlite-utils":
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA cache_size = -1000000")
        return db.conn, db
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA cache_size = -1000000")
    if kind == "python":
        register_functions(conn, implementation="python")
    elif kind == "sqlite-fts4":
        sqlite_fts4.register_functions(conn)
    elif kind == "const":
        conn.create_function("const_rank", 1, lambda blob: 1.0, deterministic=True)
    return conn, None


RANKED = "SELECT rowid, {score} AS s FROM docs_fts WHERE docs_fts MATCH ? ORDER BY s LIMIT 20"
FTS4_BM25 = "rank_bm25(matchinfo(docs_fts, 'pcnalx'))"


class Method:
    """One timed way of answering a query."""

    def __init__(self, name, run, prepare=None):
        self.name, self.run, self.prepare = name, run, prepare
        self.times: list[float] = []


def sql_method(name, conn, sql, prepare=None):
    return Method(name, lambda q: conn.execute(sql, [q]).fetchall(), prepare)


def methods(fts4: Path, fts5: Path) -> tuple[list[Method], dict]:
    conns = {
        "fts5": connect(fts5, "plain")[0],
        "dm4": connect(fts4, "datamill"),
        "py4": connect(fts4, "python")[0],
        "const4": connect(fts4, "const")[0],
        "dm5": connect(fts5, "datamill"),
        "plain4": connect(fts4, "plain")[0],
    }
    result = [
        sql_method(
            "M0", conns["plain4"], RANKED.format(score="length(matchinfo(docs_fts, 'pcnalx'))")
        ),
        sql_method("M1", conns["fts5"], RANKED.format(score="bm25(docs_fts)")),
        sql_method("M2", conns["dm4"][0], RANKED.format(score=FTS4_BM25)),
        sql_method("M2p", conns["py4"], RANKED.format(score=FTS4_BM25)),
        sql_method(
            "M4", conns["const4"], RANKED.format(score="const_rank(matchinfo(docs_fts, 'pcnalx'))")
        ),
    ]
    m5_conn = conns["py4"]
    m5_conn.execute("CREATE TEMP TABLE scratch(x)")
    m5_sql = (
        "SELECT rowid, rank_bm25_fts5(matchinfo(docs_fts, 'pcnalx'), 'docs_fts', ?1) AS s "
        "FROM docs_fts WHERE docs_fts MATCH ?1 ORDER BY s LIMIT 20"
    )
    result.append(
        Method(
            "M5",
            lambda q: m5_conn.execute(m5_sql, [q]).fetchall(),
            prepare=lambda: m5_conn.execute("INSERT INTO scratch VALUES (1)"),
        )
    )
    if sqlite_fts4 is not None:
        conns["fts4_peer"] = connect(fts4, "sqlite-fts4")[0]
        result.append(sql_method("M3", conns["fts4_peer"], RANKED.format(score=FTS4_BM25)))
    for version, key in (("FTS4", "dm4"), ("FTS5", "dm5")):
        db = conns[key][1]
        result.append(
            Method(f"M6 {version} datamill", lambda q, db=db: list(db["docs"].search(q, limit=TOP)))
        )
    if sqlite_utils is not None:
        for version, path in (("FTS4", fts4), ("FTS5", fts5)):
            db = connect(path, "sqlite-utils")[1]
            conns[f"su_{version}"] = db
            result.append(
                Method(
                    f"M6 {version} sqlite-utils",
                    lambda q, db=db: list(db["docs"].search(q, limit=TOP)),
                )
            )
    return result, conns


def time_query(method: Method, q: str, repeat: int) -> float:
    samples = []
    for run in range(repeat + 1):  # the first run is the warm-up
        if method.prepare:
            method.prepare()
        started = time.perf_counter()
        method.run(q)
        elapsed = time.perf_counter() - started
        if run:
            samples.append(elapsed)
    return statistics.median(samples)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def check_c1(conns, q) -> bool:
    """M2 and M3 full lists agree in order and within 1e-9."""
    sql = f"SELECT rowid, {FTS4_BM25} AS s FROM docs_fts WHERE docs_fts MATCH ? ORDER BY s, rowid"
    ours = conns["dm4"][0].execute(sql, [q]).fetchall()
    theirs = conns["fts4_peer"].execute(sql, [q]).fetchall()
    return len(ours) == len(theirs) and all(
        a[0] == b[0] and close(a[1], b[1]) for a, b in zip(ours, theirs)
    )


def check_c2(conns, q) -> bool:
    """rank_bm25_fts5 on FTS4 equals FTS5 bm25(): same rows, scores, top 20."""
    ours = (
        conns["py4"]
        .execute(
            "SELECT rowid, rank_bm25_fts5(matchinfo(docs_fts, 'pcnalx'), 'docs_fts', ?1) AS s "
            "FROM docs_fts WHERE docs_fts MATCH ?1 ORDER BY s, rowid",
            [q],
        )
        .fetchall()
    )
    theirs = (
        conns["fts5"]
        .execute(
            "SELECT rowid, bm25(docs_fts) AS s FROM docs_fts WHERE docs_fts MATCH ? ORDER BY s, rowid",
            [q],
        )
        .fetchall()
    )
    scores = dict(theirs)
    return (
        set(scores) == {r for r, _ in ours}
        and all(close(s, scores[r]) for r, s in ours)
        and [r for r, _ in ours[:TOP]] == [r for r, _ in theirs[:TOP]]
    )


def check_c3(conns, q, version) -> bool:
    """search() matches sqlite-utils: ranks within 1e-9, same rows but ties with the 20th."""
    ours = list(
        conns["dm5" if version == "FTS5" else "dm4"][1]["docs"].search(
            q, limit=TOP, include_rank=True
        )
    )
    theirs = list(conns[f"su_{version}"]["docs"].search(q, limit=TOP, include_rank=True))
    if len(ours) != len(theirs):
        return False
    if not all(close(a["rank"], b["rank"]) for a, b in zip(ours, theirs)):
        return False
    if not ours:
        return True
    last = ours[-1]["rank"]
    strict = lambda rows: {r["rowid"] for r in rows if not close(r["rank"], last)}  # noqa: E731
    return strict(ours) == strict(theirs)


def summarise(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(ordered) * 1e3,
        "mean_ms": statistics.fmean(ordered) * 1e3,
        "p90_ms": ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)] * 1e3,
    }


def run_seed(fts4, fts5, seed, count, repeat) -> dict:
    qs = queries(fts5, seed, count)
    timed, conns = methods(fts4, fts5)
    for q in qs:
        for method in timed:
            method.times.append(time_query(method, q, repeat))
    result = {"queries": qs, "timings": {m.name: summarise(m.times) for m in timed}}
    checks = {"C2": sum(check_c2(conns, q) for q in qs)}
    if sqlite_fts4 is not None:
        checks["C1"] = sum(check_c1(conns, q) for q in qs)
    if sqlite_utils is not None:
        for version in ("FTS4", "FTS5"):
            checks[f"C3 {version}"] = sum(check_c3(conns, q, version) for q in qs)
    result["checks"] = {name: f"{passed}/{len(qs)}" for name, passed in sorted(checks.items())}
    result["checks_pass"] = all(passed == len(qs) for passed in checks.values())
    med = {name: t["median_ms"] for name, t in result["timings"].items()}
    ratios = {
        "M2/M1": med["M2"] / med["M1"],
        "P1 M2p/M1": med["M2p"] / med["M1"],
        "M4/M1": med["M4"] / med["M1"],
        "P3 M5/M1": med["M5"] / med["M1"],
    }
    if "M3" in med:
        ratios["M3/M1"] = med["M3"] / med["M1"]
        ratios["P2 M2p/M3"] = med["M2p"] / med["M3"]
        ratios["P2 floor M0/M3"] = med["M0"] / med["M3"]
    for version, floor in (("FTS4", "M0"), ("FTS5", "M1")):
        peer = med.get(f"M6 {version} sqlite-utils")
        if peer:
            ratios[f"P4 M6 {version} datamill/sqlite-utils"] = med[f"M6 {version} datamill"] / peer
            ratios[f"P4 {version} floor {floor}/sqlite-utils"] = med[floor] / peer
    result["ratios"] = ratios
    return result


def print_table(seed: int, result: dict) -> None:
    print(f"\nseed {seed}: {len(result['queries'])} queries, starting {result['queries'][:4]}")
    print(f"{'method':<26}{'median ms':>11}{'mean ms':>10}{'p90 ms':>10}{'vs M1':>8}")
    m1 = result["timings"]["M1"]["median_ms"]
    for name, t in result["timings"].items():
        print(
            f"{name:<26}{t['median_ms']:>11.3f}{t['mean_ms']:>10.3f}{t['p90_ms']:>10.3f}"
            f"{t['median_ms'] / m1:>8.2f}"
        )
    print(f"{'ratio':<40}{'measured':>10}{'target':>8}")
    for name, value in result["ratios"].items():
        target = TARGETS.get(name)
        verdict = "" if target is None else ("  ok" if value <= target else "  MISSED")
        floor = result["ratios"].get(FLOORS.get(name, ""))
        if target is not None and value > target and floor is not None and floor > target:
            verdict += " (target below the floor)"
        print(f"{name:<40}{value:>10.2f}{'' if target is None else f'{target:>8.2f}'}{verdict}")
    print("checks:", ", ".join(f"{k} {v}" for k, v in result["checks"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=DATA / "fts_report.json")
    args = parser.parse_args()
    report: dict = {"sqlite_version": sqlite3.sqlite_version, "python": sys.version.split()[0]}
    fts4 = build(args.docs, "FTS4", report)
    fts5 = build(args.docs, "FTS5", report)
    for version in ("FTS4", "FTS5"):
        print(f"build {version}: {report[f'build_{version}']}")
    ok = True
    for seed in args.seeds:
        result = run_seed(fts4, fts5, seed, args.queries, args.repeat)
        report[f"seed_{seed}"] = result
        print_table(seed, result)
        ok = ok and result["checks_pass"]
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"\nreport: {args.json}; checks {'passed' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
