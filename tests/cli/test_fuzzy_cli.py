"""extras.md FZ-4, FZ-6 and FZ-TEST on the command line, with and without jellyfish."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from cli_helpers import fails, ok, plants_db, sha256

from datamill import Database


@pytest.fixture
def garden(tmp_path):
    """cli.md's garden.db."""
    return plants_db(tmp_path / "garden.db")


def test_fz_6_examples(garden):
    assert ok(
        garden,
        "select name, soundex(name) as code, levenshtein_distance(name, 'Bazil') as edits,"
        " match_rating_comparison(name, 'Bazil') as alike from plants order by edits, name",
    ) == (
        '[{"name": "Basil", "code": "B240", "edits": 1, "alike": 1},\n'
        ' {"name": "Fern", "code": "F650", "edits": 5, "alike": 0},\n'
        ' {"name": "Mint", "code": "M530", "edits": 5, "alike": 0},\n'
        ' {"name": "Tomato", "code": "T530", "edits": 6, "alike": 0}]\n'
    )
    assert (
        ok(
            garden,
            "select round(jaro_winkler_similarity('Basil', 'Bazil'), 4) as s, soundex(null) as n",
        )
        == '[{"s": 0.8933, "n": null}]\n'
    )
    assert fails(garden, "select soundex(height) from plants") == (
        "Error: soundex() argument 1 must be text, not integer\n"
    )


@pytest.mark.parametrize(
    "sql, message",
    [
        ("select levenshtein_distance(name, 2.5) from plants", "levenshtein_distance() argument 2 must be text, not real"),
        ("select jaro_winkler(x'CAFE', name) from plants", "jaro_winkler() argument 1 must be text, not blob"),
        # Rows 1 and 2 are fine: the failure comes while the output is being written.
        ("select name, metaphone(case when id = 3 then id else name end) from plants order by id", "metaphone() argument 1 must be text, not integer"),
    ],
)  # fmt: skip
def test_fz_4_cli_errors(garden, sql, message):
    assert fails(garden, sql) == f"Error: {message}\n"


def test_fz_4_failed_write_leaves_the_file_unchanged(garden):
    before = sha256(garden)
    assert fails(garden, "update plants set kind = nysiis(height)") == (
        "Error: nysiis() argument 1 must be text, not integer\n"
    )
    assert sha256(garden) == before


def test_fz_3_null_and_rejected_text_on_the_command_line(garden):
    assert (
        ok(
            garden,
            "select match_rating_codex('O''Brien') as c, hamming_distance(null, 5) as h",
            "--nl",
        )
        == '{"c": null, "h": null}\n'
    )


def test_fz_1_other_commands_have_them(garden, tmp_path):
    assert ok("rows", garden, "plants", "--where", "soundex(name) = soundex('Bazil')", "-c", "name") == (
        '[{"name": "Basil"}]\n'
    )  # fmt: skip
    towns = tmp_path / "towns.csv"
    towns.write_text("city,pop\nAllston,1\nAlston,2\nChelsea,3\n")
    assert ok(
        "memory", str(towns), "select city from towns where levenshtein_distance(city, 'Allston') <= 1", "--csv"
    ) == "city\nAllston\nAlston\n"  # fmt: skip


def test_fz_1_functions_option_replaces_a_built_in_one(garden):
    mine = "def soundex(s):\n    return 'mine:' + s\n"
    assert (
        ok(garden, "select soundex('Basil') as s", "--functions", mine) == '[{"s": "mine:Basil"}]\n'
    )


# Without jellyfish: a real process whose ``import jellyfish`` fails (FZ-1, FZ-4, FZ-5).

BLOCKED = (
    "import runpy, sys\n"
    "sys.modules['jellyfish'] = None  # makes 'import jellyfish' raise ImportError\n"
    "runpy.run_module(sys.argv.pop(1), run_name='__main__', alter_sys=True)\n"
)
LIBRARY_CHECKS = """
import json, sqlite3
from datamill import Database, fuzzy
db = Database(memory=True)
try:
    fuzzy.register(sqlite3.connect(":memory:"))
except RuntimeError as error:
    register_error = str(error)
functions = {r[0] for r in db.execute("select name from pragma_function_list")}
print(json.dumps({
    "available": fuzzy.available(),
    "register": register_error,
    "registered": sorted(set(fuzzy.FUNCTIONS) & functions),
    "rank_score": "rank_score" in functions,
}))
"""


def without_jellyfish(module: str, *args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run ``python -m module args`` in a process where jellyfish cannot be imported."""
    return subprocess.run(
        [sys.executable, "-c", BLOCKED, module, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def sqlite_has_soundex() -> bool:
    """SQLite itself has soundex() when compiled with SQLITE_SOUNDEX."""
    try:
        sqlite3.connect(":memory:").execute("select soundex('a')")
    except sqlite3.OperationalError:
        return False
    return True


def test_without_jellyfish_the_library_registers_nothing(tmp_path):
    script = tmp_path / "checks.py"
    script.write_text(LIBRARY_CHECKS)
    proc = without_jellyfish("checks", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    expected_builtin = ["soundex"] if sqlite_has_soundex() else []
    assert json.loads(proc.stdout) == {
        "available": False,
        "register": "jellyfish is not installed - pip install 'datamill[fuzzy]'",
        "registered": expected_builtin,
        "rank_score": True,
    }


def test_without_jellyfish_the_cli_names_the_extra(garden):
    before = sha256(garden)
    proc = without_jellyfish(
        "datamill", str(garden), "select levenshtein_distance(name, 'x') from plants"
    )
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        "Error: no such function: levenshtein_distance - install datamill[fuzzy] for the fuzzy "
        "matching functions\n"
    )
    proc = without_jellyfish(
        "datamill", str(garden), "select soundex(name) as s from plants where id = 2"
    )
    if sqlite_has_soundex():  # SQLite's own soundex answers instead
        assert (proc.returncode, proc.stdout) == (0, '[{"s": "B240"}]\n')
    else:
        assert proc.returncode == 1
        assert proc.stderr == (
            "Error: no such function: soundex - install datamill[fuzzy] for the fuzzy matching "
            "functions\n"
        )
    proc = without_jellyfish("datamill", garden, "select bogus(name) from plants")
    assert (proc.returncode, proc.stderr) == (1, "Error: no such function: bogus\n")
    assert sha256(garden) == before
    # The database still opens and works without the functions.
    assert Database(garden).execute("select count(*) from plants").fetchone() == (4,)
