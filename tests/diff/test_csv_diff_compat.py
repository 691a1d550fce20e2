"""Byte-compatibility with csv-diff 1.2 on generated tree data (DF-GEN-2, DF-PERF-2 gate).

The manifest check needs only the shared generator; the byte comparison also
needs csv-diff installed (``make bench-deps``) and is skipped otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from datamill.diff import diff_sources

GEN = Path(__file__).resolve().parents[2] / ".." / ".." / "shared" / "bench" / "gen_trees.py"
GEN = GEN if GEN.exists() else Path("/work/shared/bench/gen_trees.py")


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    if not GEN.exists():
        pytest.skip("shared/bench/gen_trees.py not available")
    d = tmp_path_factory.mktemp("trees")
    py = sys.executable
    subprocess.run([py, str(GEN), "--rows", "3000", "--seed", "1", "--out", str(d / "a.csv")],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(
        [py, str(GEN), "--derive", str(d / "a.csv"), "--added", "40", "--removed", "15",
         "--changed", "60", "--seed", "2", "--out", str(d / "b.csv"),
         "--manifest", str(d / "m.json")],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [py, str(GEN), "--derive", str(d / "a.csv"), "--added", "40", "--removed", "15",
         "--changed", "60", "--seed", "2", "--out", str(d / "s.csv"),
         "--drop-column", "PermitNotes", "--add-column", "Steward=DPW"],
        check=True, capture_output=True,
    )  # fmt: skip
    return d


def test_counts_match_manifest(trees):
    result = diff_sources(trees / "a.csv", trees / "b.csv", key="TreeID")
    manifest = json.loads((trees / "m.json").read_text())
    assert len(result["added"]) == 40 and len(result["removed"]) == 15
    assert len(result["changed"]) == 60
    flat = json.dumps(manifest)
    for row in result["added"][:5] + result["removed"][:5]:
        assert row["TreeID"] in flat


def _run(*args) -> bytes:
    return subprocess.run(args, check=True, capture_output=True).stdout


@pytest.mark.parametrize("pair", ["b.csv", "s.csv"])
@pytest.mark.parametrize("as_json", [False, True])
def test_byte_identical_to_csv_diff(trees, pair, as_json):
    csv_diff = Path(sys.executable).with_name("csv-diff")
    if not csv_diff.exists():
        pytest.skip("csv-diff 1.2 not installed (make bench-deps)")
    flags = ["--json"] if as_json else []
    a, b = str(trees / "a.csv"), str(trees / pair)
    theirs = _run(str(csv_diff), a, b, "--key=TreeID", *flags)
    ours = _run(sys.executable, "-m", "datamill", "diff", a, b, "--key", "TreeID", *flags)
    assert ours == theirs
    if as_json:
        mine, other = json.loads(ours), json.loads(theirs)
        for name in ("added", "removed"):
            assert {json.dumps(r, sort_keys=True) for r in mine[name]} == {
                json.dumps(r, sort_keys=True) for r in other[name]
            }
