import json

import pytest
from click.testing import CliRunner

from datamill.cli import cli

PLANTS = [
    {"id": 1, "name": "Fern", "kind": "shade", "height": 40},
    {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    {"id": 3, "name": "Tomato", "kind": "vegetable", "height": 120},
    {"id": 4, "name": "Mint", "kind": "herb", "height": 30},
]


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
