"""Tree-list CSV text from the shared generator (``shared/bench/gen_trees.py``), cached per call."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest

GEN_TREES = next(
    (
        parent / "shared" / "bench" / "gen_trees.py"
        for parent in Path(__file__).resolve().parents
        if (parent / "shared" / "bench" / "gen_trees.py").exists()
    ),
    None,
)

needs_generator = pytest.mark.skipif(GEN_TREES is None, reason="shared/bench/gen_trees.py missing")


@functools.cache
def trees_csv(rows: int, seed: int) -> str:
    """``gen_trees.py --rows ROWS --seed SEED`` as text (LF line ends, as written)."""
    return _generate("--rows", str(rows), "--seed", str(seed))


def derived_csv(base: Path, seed: int, *, added: int, removed: int, changed: int) -> str:
    """A next version of the CSV file ``base``, derived by the generator."""
    return _generate(
        "--derive", str(base), "--added", str(added), "--removed", str(removed),
        "--changed", str(changed), "--seed", str(seed),
    )  # fmt: skip


def _generate(*args: str) -> str:
    return subprocess.run(
        [sys.executable, str(GEN_TREES), *args, "--out", "-", "--quiet"],
        check=True, capture_output=True, text=True, encoding="utf-8",
    ).stdout  # fmt: skip
