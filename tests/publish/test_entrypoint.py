"""The image's ENTRYPOINT, CMD and HEALTHCHECK, run here without an engine (PUB-4, PUB-5).

The context directory stands in for ``WORKDIR /data``; the commands are taken from the
written Dockerfile, with ``datamill``/``python`` run by this interpreter and the listening
address narrowed from 0.0.0.0 to 127.0.0.1 (tests bind loopback only).
"""

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from publish_helpers import TREES, publish

pytest.importorskip("starlette")


def instruction(dockerfile: str, name: str) -> list[str]:
    """The exec-form words of the last ``name`` instruction (HEALTHCHECK's CMD for ``CMD``
    is on its continuation line, so a top-level ``CMD`` is the last one)."""
    line = [line for line in dockerfile.splitlines() if line.startswith(f"{name} ")][-1]
    return json.loads(line[len(name) + 1 :])


def health_command(dockerfile: str) -> list[str]:
    lines = dockerfile.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("HEALTHCHECK "))
    return json.loads(lines[index + 1].strip().removeprefix("CMD "))


def local(words: list[str]) -> list[str]:
    """Run the image's ``datamill`` and ``python`` with this interpreter, on loopback."""
    head = {"datamill": [sys.executable, "-m", "datamill"], "python": [sys.executable]}[words[0]]
    rest = ["127.0.0.1" if word == "0.0.0.0" else word for word in words[1:]]
    return head + rest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_entrypoint_cmd_and_health_check_work_in_the_context(work, trees, docker):
    (work / "m.json").write_text('{"title": "Street trees"}')
    port = free_port()
    result = publish("docker", "trees.db", "--no-build", "--output-dir", "ctx", "--port", port,
                     "--metadata", "m.json", "--setting", "default_page_size", "7")  # fmt: skip
    assert result.exit_code == 0, result.output
    dockerfile = (work / "ctx" / "Dockerfile").read_text()
    command = local(instruction(dockerfile, "ENTRYPOINT")) + instruction(dockerfile, "CMD")
    server = subprocess.Popen(
        command, cwd=work / "ctx", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stderr is not None
        first = server.stderr.readline()
        assert first == f"Serving 1 database at http://127.0.0.1:{port}/ (Ctrl-C to stop)\n"
        health = subprocess.run(local(health_command(dockerfile)), capture_output=True, timeout=10)
        assert health.returncode == 0, health.stderr
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/trees/trees.json") as response:
            data = json.load(response)
        assert [row["id"] for row in data["rows"]] == [row["id"] for row in TREES[:7]]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            assert "Street trees" in response.read().decode()
        start = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0
        assert time.monotonic() - start < 3
    finally:
        if server.poll() is None:
            server.kill()
        server.communicate()


def test_health_check_fails_when_nothing_listens(work, trees, docker):
    port = free_port()
    publish("docker", "trees.db", "--no-build", "--output-dir", "ctx", "--port", port)
    dockerfile = (work / "ctx" / "Dockerfile").read_text()
    health = subprocess.run(local(health_command(dockerfile)), capture_output=True, timeout=10)
    assert health.returncode != 0
