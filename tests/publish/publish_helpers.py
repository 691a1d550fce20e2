"""Helpers for the publish tests: a trees database and a fake ``docker`` command on PATH."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from datamill import Database
from datamill.cli import cli

TREES = [
    {"id": i, "species": ["Oak", "Plane", "Cherry"][i % 3], "dbh": 10 + i} for i in range(1, 31)
]

#: The fake records each call (argv, DOCKER_HOST, the build context's files) as a JSON line.
#: ``version`` prints FAKE_DOCKER_SERVER when set, else fails as a client without a daemon;
#: ``build`` prints a line on stdout and one on stderr and exits with FAKE_DOCKER_BUILD_STATUS.
FAKE_DOCKER = """\
#!{python}
import json, os, sys, time

args = sys.argv[1:]
call = {{"argv": args, "docker_host": os.environ.get("DOCKER_HOST")}}
if args[:1] == ["build"]:
    call["context"] = sorted(os.listdir(args[-1]))
with open(os.environ["FAKE_DOCKER_LOG"], "a") as log:
    log.write(json.dumps(call) + "\\n")
if args[:1] == ["version"]:
    time.sleep(float(os.environ.get("FAKE_DOCKER_PROBE_SLEEP", "0")))
    server = os.environ.get("FAKE_DOCKER_SERVER")
    if not server:
        print("Cannot connect to the Docker daemon. Is the docker daemon running?", file=sys.stderr)
        sys.exit(1)
    print(server)
    sys.exit(0)
if args[:1] == ["build"]:
    print("#1 [internal] load build definition from Dockerfile", flush=True)
    print("#2 naming to " + args[2] + " done", file=sys.stderr, flush=True)
    sys.exit(int(os.environ.get("FAKE_DOCKER_BUILD_STATUS", "0")))
sys.exit(99)
"""


def trees_db(path: Path, rows: list[dict] | None = None) -> str:
    """A database with table ``trees`` (key ``id``); returns its path."""
    Database(str(path))["trees"].insert_all(rows if rows is not None else TREES, pk="id")
    return str(path)


class FakeDocker:
    """A ``docker`` script in its own folder, the only thing on PATH."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.script = folder / "docker"
        self.script.write_text(FAKE_DOCKER.format(python=sys.executable))
        self.script.chmod(0o755)
        self.log = folder / "calls.jsonl"
        self.folder = folder

    def calls(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def argvs(self) -> list[list[str]]:
        return [call["argv"] for call in self.calls()]


def publish(*args: str) -> Result:
    """Run ``datamill publish ...`` in-process; stdout and stderr kept apart."""
    return CliRunner().invoke(cli, ["publish", *map(str, args)])


def listing(folder: Path) -> list[str]:
    """Every path below ``folder``, relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777
