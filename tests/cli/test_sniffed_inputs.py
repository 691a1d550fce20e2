"""Sniffed CSV through every command that sniffs: insert --sniff, memory, diff, history (DF-IN-3).

Generated tree lists (cultivars in single quotes) of 10 to 10,000 rows and the demo data.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_helpers import ok_stdout

from generated_trees import derived_csv, needs_generator, trees_csv

DEMO = Path(__file__).resolve().parents[2] / "demo" / "data"
DEMO_FILES = ["trees.csv", "trees-next.csv"]
GENERATED = [(10, 1), (200, 1), (200, 4), (1000, 2), (10_000, 5)]


def _generated(tmp_path: Path, rows: int, seed: int) -> Path:
    path = tmp_path / f"trees-{rows}-{seed}.csv"
    path.write_text(trees_csv(rows, seed), encoding="utf-8")
    return path


def _count_and_width(db: Path, table: str) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        count = conn.execute(f'select count(*) from "{table}"').fetchone()[0]
        width = len(conn.execute(f'pragma table_info("{table}")').fetchall())
    return count, width


@needs_generator
@pytest.mark.parametrize(("rows", "seed"), GENERATED)
def test_insert_sniff_and_memory_read_every_row_whole(tmp_path, rows, seed):
    csv_path = _generated(tmp_path, rows, seed)
    db = tmp_path / "t.db"
    ok_stdout("insert", str(db), "trees", str(csv_path), "--sniff")
    assert _count_and_width(db, "trees") == (rows, 18)
    out = ok_stdout("memory", str(csv_path), "select count(*) n, max(Location) m from t", "--nl")
    assert json.loads(out)["n"] == rows


@needs_generator
@pytest.mark.parametrize(("rows", "seed"), GENERATED)
def test_diff_of_generated_versions(tmp_path, rows, seed):
    a = _generated(tmp_path, rows, seed)
    assert ok_stdout("diff", str(a), str(a), "--key", "TreeID") == "\n"
    b = tmp_path / "next.csv"
    changed = max(1, rows // 20)
    b.write_text(derived_csv(a, seed + 1, added=3, removed=2, changed=changed), encoding="utf-8")
    result = json.loads(ok_stdout("diff", str(a), str(b), "--key", "TreeID", "--json"))
    assert (len(result["added"]), len(result["removed"])) == (3, 2)
    assert len(result["changed"]) == changed


@pytest.mark.parametrize("name", DEMO_FILES)
def test_demo_data_through_insert_and_diff(tmp_path, name):
    source = DEMO / name
    rows = sum(1 for _ in source.open(encoding="utf-8")) - 1
    for flags in (["--csv"], ["--sniff"]):
        db = tmp_path / f"{flags[0][2:]}.db"
        ok_stdout("insert", str(db), "trees", str(source), *flags)
        assert _count_and_width(db, "trees") == (rows, 18)
    assert ok_stdout("diff", str(source), str(source), "--key", "TreeID") == "\n"


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=Ada", "-c", "user.email=ada@example.org"]
    subprocess.run(["git", *identity, *args], cwd=repo, env=env, check=True, capture_output=True)


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git missing")


def _history_of(tmp_path: Path, versions: list[str]) -> None:
    """Commit each version of trees.csv, run history --csv; every id is an item."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for number, text in enumerate(versions):
        (repo / "trees.csv").write_text(text, encoding="utf-8")
        _git(repo, "add", "trees.csv")
        _git(repo, "commit", "-q", "-m", f"v{number}")
    db = tmp_path / "history.db"
    ok_stdout("history", str(db), "trees.csv", "--repo", str(repo), "--id", "TreeID", "--csv")
    ids = {line.split(",", 1)[0] for text in versions for line in text.splitlines()[1:]}
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from item").fetchone()[0] == len(ids)
        columns = {r[1] for r in conn.execute("pragma table_info(item)")}
    assert {"TreeID", "qSpecies", "Location"} <= columns


@needs_git
def test_history_csv_reads_the_demo_versions(tmp_path):
    _history_of(tmp_path, [(DEMO / n).read_text(encoding="utf-8") for n in DEMO_FILES])


@needs_git
@needs_generator
def test_history_csv_reads_generated_versions(tmp_path):
    first = _generated(tmp_path, 200, 1)
    second = derived_csv(first, 2, added=4, removed=3, changed=10)
    _history_of(tmp_path, [first.read_text(encoding="utf-8"), second])
