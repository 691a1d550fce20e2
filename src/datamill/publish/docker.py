"""``publish docker`` from start to end: write the context, then build it or say how (PUB-6)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from typing import TextIO

from datamill.publish.compose import COMPOSE_NAME
from datamill.publish.context import write_context
from datamill.publish.engine import PROBE_TIMEOUT, build_command, build_image, probe_engine
from datamill.publish.errors import BuildFailed
from datamill.publish.image import DockerImage

__all__ = ["NO_ENGINE", "publish_docker"]

NO_ENGINE = "No Docker engine is reachable, so the image was not built. Build it with:"


def publish_docker(
    image: DockerImage,
    output_dir: str | None = None,
    build: bool = True,
    log: TextIO | None = None,
    probe_timeout: float = PROBE_TIMEOUT,
) -> str:
    """Write ``image``'s build context and build it when an engine is reachable.

    Progress, warnings and docker's own output go to ``log`` (stderr by default). Returns
    the command to run next: ``docker build ...`` when nothing was built, ``docker run ...``
    after a build, or ``docker compose ... up --build`` for an image with replicas. A
    temporary context is deleted after a successful build unless the compose file needs it.
    Raises ``PublishError`` (``BuildFailed`` when the build fails, keeping the context).
    """
    log = log or sys.stderr
    context = write_context(image, output_dir)
    for warning in context.warnings:
        print(warning, file=log)
    print(f"Wrote build context to {context.directory}: {', '.join(context.files)}", file=log)
    compose = None
    if image.replicas is not None:
        compose_file = os.path.join(context.directory, COMPOSE_NAME)
        compose = shlex.join(["docker", "compose", "-f", compose_file, "up", "--build"])
    if not build:
        return compose or build_command(image.tag, context.directory)
    if probe_engine(probe_timeout) is None:
        print(NO_ENGINE, file=log)
        return compose or build_command(image.tag, context.directory)
    status = build_image(image.tag, context.directory, log)
    if status != 0:
        raise BuildFailed(
            f"docker build failed with exit status {status}; "
            f"the build context is in {context.directory}"
        )
    print(f"Built image {image.tag}", file=log)
    if compose is not None:
        return compose
    if context.temporary:
        shutil.rmtree(context.directory, ignore_errors=True)
    published = f"{image.port}:{image.port}"
    return shlex.join(["docker", "run", "--rm", "--publish", published, image.tag])
