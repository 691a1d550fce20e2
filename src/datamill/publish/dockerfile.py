"""The text of ``Dockerfile`` (PUB-4, PUB-5) and ``requirements.txt`` (PUB-3).

Rules the text keeps (SV-FIX-7): two stages, so compilers, caches and pip's own files stay
in the builder; a non-root user reading root-owned data; exec form, so ``datamill serve`` is
PID 1 and gets SIGTERM; no ``ARG`` and nothing from the caller's environment; and the data
copied by the last instruction, so a data update rebuilds one layer. No BuildKit-only syntax.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from datamill.publish.image import DockerImage

__all__ = [
    "HEALTH_OPTIONS",
    "METADATA_NAME",
    "exec_form",
    "health_command",
    "render_dockerfile",
    "render_requirements",
    "written_by",
]

METADATA_NAME = "metadata.json"
#: The health check's timings: Docker's ``HEALTHCHECK`` flags and Compose's keys alike.
HEALTH_OPTIONS = {"interval": "30s", "timeout": "5s", "start_period": "10s", "retries": 3}

_TEMPLATE = """\
{written_by}
# Build with: docker build --tag {tag} .

FROM python:{python}-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \\
 && /opt/venv/bin/pip install --requirement /tmp/requirements.txt

FROM python:{python}-slim
RUN useradd --system --uid 10001 --user-group --no-create-home \\
    --home-dir /nonexistent --shell /usr/sbin/nologin datamill
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /data
USER datamill
EXPOSE {port}
HEALTHCHECK {health_flags} \\
  CMD {health}
ENTRYPOINT {entrypoint}
CMD {cmd}
COPY {copy}
"""


def written_by(version: str) -> str:
    """The first line of every file ``publish docker`` writes."""
    return f"# Written by datamill publish docker (datamill {version})."


def health_command(port: int) -> list[str]:
    """The exec-form health probe: Python's urllib, because slim images have no curl."""
    probe = (
        "import urllib.request; "
        f"urllib.request.urlopen('http://127.0.0.1:{port}/-/health', timeout=4)"
    )
    return ["python", "-c", probe]


def exec_form(words: Iterable[str]) -> str:
    """A JSON array, the form Docker runs without a shell."""
    return "[" + ", ".join(json.dumps(word) for word in words) + "]"


def render_dockerfile(image: DockerImage) -> str:
    """The Dockerfile for ``image``, exactly as PUB-5 gives it."""
    serve = ["datamill", "serve", "--host", "0.0.0.0", "--port", str(image.port)]
    copied = list(image.file_names)
    classifier = image.classifier_name  # None without a classifier
    if classifier is not None and image.classifier_file is not None:
        copied.insert(0, classifier)
    if image.metadata is not None:
        serve += ["--metadata", METADATA_NAME]
        copied.insert(0, METADATA_NAME)
    if classifier is not None:
        serve += ["--classifier", classifier]
    for name in image.file_names:
        serve += ["-i", name]
    flags = " ".join(f"--{key.replace('_', '-')}={value}" for key, value in HEALTH_OPTIONS.items())
    return _TEMPLATE.format(
        written_by=written_by(image.version),
        tag=image.tag,
        python=image.python,
        port=image.port,
        health_flags=flags,
        health=exec_form(health_command(image.port)),
        entrypoint=exec_form(serve),
        cmd=exec_form(word for pair in image.settings for word in ("--setting", *pair)),
        copy=exec_form([*copied, "/data/"]),
    )


def render_requirements(version: str, classify: bool = False) -> str:
    """``requirements.txt``: datamill with the serve extra (and with ``classify`` the classify
    extra, classify.md CL-5), pinned to ``version`` (PUB-3)."""
    extras = "serve,classify" if classify else "serve"
    return f"{written_by(version)}\ndatamill[{extras}]=={version}\n"
