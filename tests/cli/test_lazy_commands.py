"""The root group loads command modules on demand (G-1): the map must name every command."""

import subprocess
import sys

import click
from cli_helpers import run_process

from datamill.cli import cli
from datamill.cli.main import COMMAND_MODULES


def test_command_map_names_every_builtin_command_and_its_module():
    ctx = click.Context(cli)
    listed = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    builtin = {
        name: command.callback.__module__
        for name, command in listed.items()
        if command.callback.__module__.startswith("datamill.cli.")
    }
    assert builtin == {name: f"datamill.cli.{module}" for name, module in COMMAND_MODULES.items()}


def test_running_one_command_imports_only_its_module():
    code = (
        "import sys\n"
        "from datamill.cli import cli\n"
        "try:\n"
        "    cli(['diff', '--help'], prog_name='datamill')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('datamill.cli.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = eval(result.stdout.strip().splitlines()[-1])
    assert "datamill.cli.diff" in loaded
    assert not {"datamill.cli.search", "datamill.cli.load", "datamill.cli.track"} & set(loaded)


def test_default_command_still_applies():
    result = run_process(":memory:", "select 1 as one")
    assert result.stdout == '[{"one": 1}]\n'
