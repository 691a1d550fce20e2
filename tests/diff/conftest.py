"""Fixtures from diff.md section 0.1 and a helper to run ``datamill diff``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from datamill.cli import cli
from stations_fixture import STATIONS_V1, STATIONS_V2

BAYS_V1 = "station_id,bay,status\nS01,1,ok\nS01,2,ok\nS02,1,broken\n"
BAYS_V2 = "station_id,bay,status\nS01,1,ok\nS01,2,broken\nS02,1,broken\nS02,2,ok\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary current directory holding the spec fixtures."""
    monkeypatch.chdir(tmp_path)
    for name, text in {
        "stations_v1.csv": STATIONS_V1,
        "stations_v2.csv": STATIONS_V2,
        "bays_v1.csv": BAYS_V1,
        "bays_v2.csv": BAYS_V2,
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


class Run:
    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.stdout = result.stdout_bytes.decode("utf-8")
        self.stderr = result.stderr_bytes.decode("utf-8")
        self.exception = result.exception


def run_diff(*args: str, input: bytes | None = None) -> Run:
    """Invoke ``datamill diff`` with separate stdout and stderr."""
    runner = CliRunner(mix_stderr=False) if _has_mix_stderr() else CliRunner()
    return Run(runner.invoke(cli, ["diff", *args], input=input, prog_name="datamill"))


def _has_mix_stderr() -> bool:
    import inspect

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def write(path: Path | str, data: str | bytes) -> str:
    """Write a file (text as UTF-8) and return its name."""
    p = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    p.write_bytes(data)
    return str(p)


@pytest.fixture
def dm():
    """``dm("a.csv", "b.csv", "--key", "id")`` runs ``datamill diff``."""
    return run_diff
