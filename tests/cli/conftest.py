"""Fixtures for the CLI tests; plain helpers live in cli_helpers.py next to this file."""

import json

import pytest
from cli_helpers import PLANTS


@pytest.fixture
def garden(tmp_path, run):
    """garden.db built from plants.json with --pk=id (spec 0.1)."""
    plants = tmp_path / "plants.json"
    plants.write_text(json.dumps(PLANTS, indent=2))
    path = tmp_path / "garden.db"
    result = run("insert", path, "plants", plants, "--pk=id")
    assert result.exit_code == 0, result.stderr
    return path
