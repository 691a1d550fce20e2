"""Locating ../shared/bench and generating benchmark data with its deterministic generators."""

from __future__ import annotations

import pathlib
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


def gen_trees_csv(rows: int, seed: int | str = 1) -> str:
    """The CSV text of ``gen_trees.py --rows ROWS --seed SEED``."""
    return subprocess.run(
        [sys.executable, str(GEN_TREES), "--rows", str(rows), "--seed", str(seed), "--out", "-"]
        + ["--quiet"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
