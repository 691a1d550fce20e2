"""Fixtures for track/history tests; helpers live in track_helpers.py next to this file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from track_helpers import GIT_ENV, Server


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def git_env(monkeypatch):
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def repo(tmp_path) -> Path:
    path = tmp_path / "depot"
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    return path
