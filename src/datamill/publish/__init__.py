"""``datamill publish docker``: a build context for a slim, read-only image of ``datamill serve``.

serve.md section 18 (PUB-1 to PUB-7). Pure Python with no web dependencies: the ``serve``
extra is installed inside the image, not needed here.
"""

from __future__ import annotations

from datamill.publish.compose import render_compose
from datamill.publish.context import BuildContext, write_context
from datamill.publish.docker import publish_docker
from datamill.publish.dockerfile import render_dockerfile, render_requirements
from datamill.publish.engine import build_image, probe_engine
from datamill.publish.errors import BuildFailed, InvalidOption, PublishError
from datamill.publish.image import DockerImage, default_tag

__all__ = [
    "BuildContext",
    "BuildFailed",
    "DockerImage",
    "InvalidOption",
    "PublishError",
    "build_image",
    "default_tag",
    "probe_engine",
    "publish_docker",
    "render_compose",
    "render_dockerfile",
    "render_requirements",
    "write_context",
]
