"""Talking to a Docker engine through the ``docker`` command (PUB-6).

The command is found on ``PATH`` and run with the caller's environment, so ``DOCKER_HOST``
and Docker contexts apply as they do in a shell.
"""

from __future__ import annotations

import codecs
import io
import shlex
import shutil
import subprocess
from typing import TextIO

from datamill.publish.errors import PublishError

__all__ = ["PROBE_TIMEOUT", "build_command", "build_image", "probe_engine"]

PROBE_TIMEOUT = 10.0


def probe_engine(timeout: float = PROBE_TIMEOUT) -> str | None:
    """The engine's version, or ``None`` when no engine answers within ``timeout`` seconds.

    A missing ``docker`` command, a failed probe and an empty answer all mean no engine: a
    client without a reachable server cannot build.
    """
    docker = shutil.which("docker")
    if docker is None:
        return None
    try:
        result = subprocess.run(
            [docker, "version", "--format", "{{.Server.Version}}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = result.stdout.strip()
    return version if result.returncode == 0 and version else None


def build_command(tag: str, directory: str) -> str:
    """``docker build --tag TAG DIR`` as a shell line."""
    return shlex.join(["docker", "build", "--tag", tag, directory])


def build_image(tag: str, directory: str, log: TextIO) -> int:
    """Run ``docker build --tag TAG DIR``, copying its output to ``log``; return its status."""
    docker = shutil.which("docker")
    if docker is None:
        raise PublishError("Cannot run docker: the docker command is no longer on PATH")
    try:
        process = subprocess.Popen(
            [docker, "build", "--tag", tag, directory],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except OSError as error:
        raise PublishError(f"Cannot run docker: {error}") from None
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    assert isinstance(process.stdout, io.BufferedReader)  # the default buffered pipe
    with process.stdout:
        while chunk := process.stdout.read1(65536):
            log.write(decoder.decode(chunk))
            log.flush()
    log.write(decoder.decode(b"", final=True))
    return process.wait()
