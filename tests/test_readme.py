"""README.md's ```sh blocks run top to bottom, one command at a time, on a copy of demo/data."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [line for block in BLOCK.findall(text) for line in block.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Run every command in order in a shell; returns the folder and each command's stdout."""
    work = tmp_path_factory.mktemp("readme")
    for csv_file in (ROOT / "demo" / "data").glob("*.csv"):
        shutil.copy(csv_file, work)
    bin_dir = work / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "datamill"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m datamill "$@"\n')
    wrapper.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": str(work)}
    outputs = {}
    for command in readme_commands():
        result = subprocess.run(
            ["/bin/sh", "-c", command], cwd=work, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert "Traceback" not in result.stderr, command
        outputs[command.split("  #")[0].strip()] = result.stdout
    return work, outputs


def output(ran, start: str) -> str:
    matches = [out for command, out in ran[1].items() if command.startswith(start)]
    assert len(matches) == 1, start
    return matches[0]


def test_the_readme_has_the_examples():
    commands = readme_commands()
    assert len(commands) >= 12
    assert all(c.startswith("datamill ") for c in commands)


def test_load_query_and_json_round_trip(ran):
    work, _ = ran
    assert "trees        600" in output(ran, "datamill tables data.db --counts -t")
    top = output(ran, 'datamill data.db "select qSpecies')
    assert top.splitlines()[2].startswith("Platanus x hispanica :: Sycamore: London Plane")
    big = json.loads((work / "big-trees.json").read_text())
    with sqlite3.connect(work / "data.db") as conn:
        assert conn.execute("select count(*) from big_trees").fetchone()[0] == len(big) > 0
        columns = [r[1] for r in conn.execute("pragma table_info(trees)")]
        dates = conn.execute("select PlantDate from trees where TreeID = 3").fetchone()
    assert "species" in columns and "qSpecies" not in columns and "PermitNotes" not in columns
    assert dates == ("2017-04-20",)


def test_search_and_analysis(ran):
    search = output(ran, "datamill search data.db trees 'cherr*'")
    assert search.splitlines()[0].split() == ["TreeID", "species", "rank", "snippet"]
    assert len(search.splitlines()) == 5 and "<b>Cherry</b>" in search
    assert output(ran, "datamill analyze-tables").startswith(
        "trees.DBH: (1/1)\n\n  Total rows: 600"
    )


def test_diff_examples(ran):
    summary = "25 rows changed, 12 rows added, 4 rows removed\n"
    assert ran[1]["datamill diff trees.csv trees-next.csv --key TreeID"].startswith(summary)
    result = json.loads(output(ran, "datamill diff trees.csv trees-next.csv --key TreeID --json"))
    assert (len(result["changed"]), len(result["added"]), len(result["removed"])) == (25, 12, 4)
    assert output(ran, "datamill diff trees.db:trees").startswith(summary)
    assert output(ran, "datamill diff trees.csv trees-next.csv --key TreeID --key qAddress")
