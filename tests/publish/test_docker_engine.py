"""PUB-7 acceptance: build and run the image on a real engine (marked ``docker``).

Skipped when no engine is reachable, or when the running datamill version is not on the
package index the image build installs from (PUB-3): a development checkout cannot be built.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from cli_helpers import run_process
from publish_helpers import TREES, trees_db

from datamill import Database
from datamill.publish import probe_engine
from datamill.publish.image import installed_version, is_release

pytestmark = pytest.mark.docker

BASE_IMAGE = "python:3.12-slim"
VENV_LIMIT = 40 * 1024 * 1024


def docker(*args: str, check: bool = True, timeout: float = 600) -> str:
    result = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


def publish_cli(*args: str) -> subprocess.CompletedProcess:
    return run_process("publish", "docker", *args, timeout=1800)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    if probe_engine() is None:
        pytest.skip("no Docker engine is reachable")
    number = installed_version()
    check = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest",
         str(tmp_path_factory.mktemp("pip")), f"datamill=={number}"],
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    if not is_release(number) or check.returncode != 0:
        pytest.skip(f"datamill {number} is not on the package index, so the image cannot build")


@pytest.fixture(scope="module")
def built(engine, tmp_path_factory):
    """The image of trees.db, built by ``datamill publish docker``; removed afterwards."""
    folder = tmp_path_factory.mktemp("publish")
    db = trees_db(folder / "trees.db")
    tag = f"datamill-pub7-{uuid.uuid4().hex[:10]}"
    result = publish_cli(db, "--tag", tag, "--output-dir", folder / "ctx")
    try:
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines()[-1] == f"Built image {tag}"
        assert result.stdout == f"docker run --rm --publish 8001:8001 {tag}\n"
        yield tag, folder
    finally:
        docker("rmi", "--force", tag, check=False)


def test_image_runs_read_only_healthy_serves_and_stops_fast(built):
    tag, _ = built
    port = free_port()
    container = docker("run", "--detach", "--read-only", "--cap-drop", "ALL",
                       "--publish", f"127.0.0.1:{port}:8001", tag)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        status = ""
        while time.monotonic() < deadline:
            status = docker("inspect", "--format", "{{.State.Health.Status}}", container)
            if status == "healthy":
                break
            time.sleep(0.5)
        assert status == "healthy"
        data = get_json(f"http://127.0.0.1:{port}/trees/trees.json?_size=max")
        assert [row["id"] for row in data["rows"]] == [row["id"] for row in TREES]
        start = time.monotonic()
        docker("stop", container)
        assert time.monotonic() - start < 3
    finally:
        docker("rm", "--force", container, check=False)


def test_user_and_environment(built):
    tag, _ = built
    config = json.loads(docker("image", "inspect", "--format", "{{json .Config}}", tag))
    base = json.loads(docker("image", "inspect", "--format", "{{json .Config}}", BASE_IMAGE))
    assert config["User"] == "datamill"
    base_env = dict(item.split("=", 1) for item in base["Env"])
    added = {
        key: value
        for key, value in (item.split("=", 1) for item in config["Env"])
        if base_env.get(key) != value
    }
    assert added == {
        "PATH": f"/opt/venv/bin:{base_env['PATH']}",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }


def test_last_layer_holds_the_databases(built):
    tag, folder = built
    history = docker("history", "--no-trunc", "--human=false", "--format",
                     "{{.CreatedBy}}\t{{.Size}}", tag).splitlines()  # fmt: skip
    created_by, size = history[0].rsplit("\t", 1)
    assert "COPY" in created_by
    db_size = (folder / "ctx" / "trees.db").stat().st_size
    assert db_size <= int(size) < db_size + 64 * 1024


def test_a_data_change_rebuilds_only_the_last_layer(built):
    tag, folder = built
    changed = folder / "next"
    changed.mkdir()
    db = trees_db(changed / "trees.db")
    Database(db)["trees"].insert({"id": 999, "species": "Elm", "dbh": 3})
    second = f"{tag}-next"
    result = publish_cli(db, "--tag", second, "--output-dir", changed / "ctx")
    try:
        assert result.returncode == 0, result.stderr
        layers = [
            json.loads(docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", name))
            for name in (tag, second)
        ]
        assert layers[0][:-1] == layers[1][:-1]
        assert layers[0][-1] != layers[1][-1]
    finally:
        docker("rmi", "--force", second, check=False)


def test_image_size_is_base_plus_venv_plus_data(built):
    tag, folder = built
    size = int(docker("image", "inspect", "--format", "{{.Size}}", tag))
    base = int(docker("image", "inspect", "--format", "{{.Size}}", BASE_IMAGE))
    data = (folder / "ctx" / "trees.db").stat().st_size
    assert size <= base + VENV_LIMIT + data


def test_replicas_behind_nginx(engine, tmp_path):
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker compose is not installed")
    db = trees_db(tmp_path / "trees.db")
    port = free_port()
    tag = f"datamill-pub7-{uuid.uuid4().hex[:10]}"
    context = tmp_path / "ctx"
    result = publish_cli(
        db, "--tag", tag, "--port", port, "--replicas", "3", "--output-dir", context
    )
    assert result.returncode == 0, result.stderr
    compose = ["compose", "-f", str(context / "compose.yaml")]
    try:
        docker(*compose, "up", "--detach", "--wait", "--wait-timeout", "90", timeout=900)
        assert len(docker(*compose, "ps", "--quiet", "datamill").split()) == 3
        for _ in range(6):
            data = get_json(f"http://127.0.0.1:{port}/trees/trees.json?_size=max")
            assert len(data["rows"]) == len(TREES)
    finally:
        docker(*compose, "down", "--volumes", check=False, timeout=300)
        docker("rmi", "--force", tag, check=False)
