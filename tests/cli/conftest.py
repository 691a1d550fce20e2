"""Fixtures for the CLI tests; plain helpers live in cli_helpers.py next to this file."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from datamill.cli import cli

sys.path.insert(0, str(Path(__file__).parent))

from cli_helpers import PLANTS  # noqa: E402


@pytest.fixture
def run():
    """Invoke the CLI; returns the click Result (stdout and stderr kept apart)."""

    def invoke(*args, input=None):
        runner = CliRunner()
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def garden(tmp_path, run):
    """garden.db built from plants.json with --pk=id (spec 0.1)."""
    plants = tmp_path / "plants.json"
    plants.write_text(json.dumps(PLANTS, indent=2))
    path = tmp_path / "garden.db"
    result = run("insert", path, "plants", plants, "--pk=id")
    assert result.exit_code == 0, result.stderr
    return path
