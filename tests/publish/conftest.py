"""Fixtures for the publish tests; plain helpers live in publish_helpers.py next to this file."""

import tempfile
from pathlib import Path

import pytest
from publish_helpers import FakeDocker, trees_db


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working folder (the current directory) and a private temporary folder.

    Temporary build contexts land in ``tmp_path / "tmp"``, so a test can see what is left.
    """
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def trees(work):
    """trees.db in the working folder."""
    return Path(trees_db(work / "trees.db"))


@pytest.fixture
def docker(tmp_path, monkeypatch):
    """A fake ``docker`` with no engine behind it, alone on PATH; ``engine()`` starts one."""
    fake = FakeDocker(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(fake.folder))
    monkeypatch.setenv("FAKE_DOCKER_LOG", str(fake.log))
    monkeypatch.delenv("FAKE_DOCKER_SERVER", raising=False)
    monkeypatch.delenv("FAKE_DOCKER_BUILD_STATUS", raising=False)
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    return fake


@pytest.fixture
def no_docker(tmp_path, monkeypatch):
    """No ``docker`` command at all: PATH holds one empty folder."""
    empty = tmp_path / "nobin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
