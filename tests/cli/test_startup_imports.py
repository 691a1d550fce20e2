"""Start-up cost, guarded by what a command imports rather than by timing (issue 11).

Each case runs one command in a fresh interpreter and lists ``sys.modules`` afterwards: slow
dependencies load only on the paths that use them (``tabulate`` for table output, ``dateutil``
for the date recipes, ``ijson`` for JSON diff inputs), commands that only read a database skip
the writing machinery, and commands that never open a database (``diff`` of two files) load
neither the library core nor the plugin machinery.
"""

import json
import subprocess
import sys

import pytest

#: Slow to import and needed only by some paths of some commands.
HEAVY = {"dateutil", "ijson", "tabulate"}
#: The library core and plugin discovery: loaded when a command opens a database.
DATABASE = {"datamill.core", "datamill.plugins", "pluggy", "importlib.metadata", "sqlite3"}
#: Library parts that only writing commands use (tables, rows and query read).
WRITING = {"datamill.core.transform", "datamill.core.insert", "datamill.io", "datamill.utils"}

RUN_AND_LIST_MODULES = """
import json, sys
from datamill.cli import cli
try:
    cli(sys.argv[1:], prog_name="datamill")
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(*args, cwd):
    """Run ``datamill ARGS`` in a new interpreter: (its output, the modules it imported)."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    )
    *output, modules = result.stdout.splitlines()
    return "\n".join(output), set(json.loads(modules))


@pytest.fixture
def files(tmp_path):
    (tmp_path / "old.csv").write_text("id,name\n1,Ash\n2,Oak\n")
    (tmp_path / "new.csv").write_text("id,name\n1,Ash\n2,Elm\n")
    (tmp_path / "rows.json").write_text('[{"id": 1, "name": "Ash"}, {"id": 2, "name": "Oak"}]')
    return tmp_path


def test_loading_the_cli_imports_no_command_and_no_library():
    result = subprocess.run(
        [sys.executable, "-c", "import sys, datamill.cli\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(result.stdout.split())
    assert {"click", "datamill.cli.main"} <= loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY | {"pluggy"}}
    assert not {m for m in loaded if m.startswith(("datamill.core", "datamill.diff"))}
    assert "importlib.metadata" not in loaded


def test_diff_of_two_csv_files_loads_neither_the_core_nor_plugins(files):
    output, loaded = loaded_by("diff", "old.csv", "new.csv", "--key", "id", cwd=files)
    assert output.startswith("1 row changed")
    assert "datamill.diff.engine" in loaded
    assert not (HEAVY | DATABASE) & loaded
    assert not {m for m in loaded if m.startswith("datamill.core.")}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["insert", "data.db", "trees", "rows.json", "--pk", "id"], ""),
        (["tables", "data.db"], '[{"table": "trees"}]'),
        (["rows", "data.db", "trees"], '[{"id": 1, "name": "Ash"},\n {"id": 2, "name": "Oak"}]'),
        (["data.db", "select count(*) as n from trees"], '[{"n": 2}]'),
    ],
    ids=["insert", "tables", "rows", "query"],
)
def test_database_commands_skip_the_dependencies_they_do_not_use(files, args, expected):
    writing = args[0] == "insert"
    if not writing:
        loaded_by("insert", "data.db", "trees", "rows.json", "--pk", "id", cwd=files)
    output, loaded = loaded_by(*args, cwd=files)
    assert output == expected
    assert "datamill.core.database" in loaded
    assert not HEAVY & loaded
    assert not {m for m in loaded if m.startswith("datamill.diff")}
    assert writing == ("datamill.core.insert" in loaded)
    if not writing:
        assert not WRITING & loaded


def test_table_output_still_loads_tabulate_when_asked_for(files):
    loaded_by("insert", "data.db", "trees", "rows.json", cwd=files)
    output, loaded = loaded_by("rows", "data.db", "trees", "-t", cwd=files)
    assert output.split("\n")[2:] == ["   1  Ash", "   2  Oak"]
    assert "tabulate" in loaded


def test_package_names_load_on_first_use():
    code = (
        "import sys, datamill\n"
        "before = 'datamill.core.database' in sys.modules\n"
        "from datamill import Database, hookimpl\n"
        "from datamill.core.database import Database as defined\n"
        "print(before, Database is defined, callable(hookimpl), 'Migrations' in dir(datamill))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_unknown_package_attribute_is_an_attribute_error():
    import datamill

    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        datamill.nope  # noqa: B018
