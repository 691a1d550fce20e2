"""Locating ../shared/bench and generating benchmark data with its deterministic generators."""

from __future__ import annotations

import csv
import pathlib
import sqlite3
import subprocess
import sys

#: ``shared/bench`` beside the checkout (found from the main checkout or any worktree).
SHARED_BENCH = next(
    (
        parent / "shared" / "bench"
        for parent in pathlib.Path(__file__).resolve().parents
        if (parent / "shared" / "bench" / "gen_trees.py").exists()
    ),
    None,
)
if SHARED_BENCH is None:
    raise SystemExit("Cannot find shared/bench/gen_trees.py beside this checkout")

GEN_TREES = SHARED_BENCH / "gen_trees.py"
GEN_CORPUS = SHARED_BENCH / "gen_corpus.py"
#: Generated data, kept between runs (git-ignored).
DATA = pathlib.Path(__file__).parent / "_data"


def gen_trees_csv(rows: int, seed: int | str = 1) -> str:
    """The CSV text of ``gen_trees.py --rows ROWS --seed SEED``."""
    return subprocess.run(
        [sys.executable, str(GEN_TREES), "--rows", str(rows), "--seed", str(seed), "--out", "-"]
        + ["--quiet"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def trees_database(rows: int) -> pathlib.Path:
    """bench/_data/trees-ROWS.db, generated and loaded on first use.

    One ``trees`` table with gen_trees.py's 18 columns (seed 1): TreeID INTEGER PRIMARY KEY,
    the rest TEXT, loaded with plain sqlite3 so that no datamill code shapes it.
    """
    DATA.mkdir(exist_ok=True)
    db_path = DATA / f"trees-{rows}.db"
    if db_path.exists():
        return db_path
    csv_path = DATA / f"trees-{rows}.csv"
    if not csv_path.exists():
        print(f"generating {csv_path.name} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(GEN_TREES), "--rows", str(rows), "--seed", "1"]
            + ["--out", str(csv_path), "--quiet"],
            check=True,
        )
    print(f"loading {db_path.name} ...", file=sys.stderr)
    partial = db_path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial)
    with open(csv_path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        columns = ", ".join(
            f'"{name}" {"INTEGER PRIMARY KEY" if name == "TreeID" else "TEXT"}' for name in header
        )
        conn.execute(f"create table trees ({columns})")
        placeholders = ", ".join("?" for _ in header)
        conn.executemany(f"insert into trees values ({placeholders})", reader)
    conn.commit()
    conn.close()
    partial.rename(db_path)
    return db_path
