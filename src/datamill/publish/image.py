"""What the image holds and how it is named: the checked options of ``publish docker`` (PUB-1)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from datamill.classify import IMAGENET
from datamill.publish.errors import InvalidOption, PublishError
from datamill.serve.settings import SettingError, Settings

__all__ = ["DockerImage", "default_tag", "check_tag", "check_python", "is_release"]

_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
#: Docker's image reference grammar without a digest: ``[host[:port]/]path[:tag]``.
_IMAGE_NAME = re.compile(
    rf"(?:{_HOST}(?::[0-9]+)?/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
)
_NAME_MAX = 255
_PYTHON = re.compile(r"[0-9]+\.[0-9]+")


def default_tag(path: str | os.PathLike[str]) -> str:
    """``datamill-<stem>``: the stem lowercased, runs outside ``[a-z0-9]`` turned into ``-``.

    A trailing ``-`` is dropped, since an image name cannot end with one.
    """
    stem = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower())
    return f"datamill-{stem}".rstrip("-")


def check_tag(tag: str) -> str:
    """Return ``tag`` if Docker accepts it as an image name, else raise ``InvalidOption``."""
    name = tag.rsplit(":", 1)[0] if ":" in tag.rsplit("/", 1)[-1] else tag
    if not _IMAGE_NAME.fullmatch(tag) or len(name) > _NAME_MAX:
        raise InvalidOption("--tag", f"'{tag}' is not a valid image name")
    return tag


def check_python(python: str) -> str:
    """Return ``python`` if it is an ``X.Y`` version for ``python:X.Y-slim``."""
    if not _PYTHON.fullmatch(python):
        raise InvalidOption("--python", "expected a version such as 3.12")
    return python


def check_port(port: int) -> int:
    """Return ``port`` if a container can listen on it."""
    if not 1 <= port <= 65535:
        raise InvalidOption("--port", "must be between 1 and 65535")
    return port


def check_replicas(replicas: int | None) -> int | None:
    """Return ``replicas`` (``None`` means no ``compose.yaml``) if it is at least 1."""
    if replicas is not None and replicas < 1:
        raise InvalidOption("--replicas", "must be at least 1")
    return replicas


def check_settings(settings: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Return ``settings`` if ``datamill serve`` accepts every pair (SV-CLI-4)."""
    try:
        Settings.from_pairs(settings)
    except SettingError as error:
        raise InvalidOption("--setting", str(error)) from None
    return settings


def is_release(number: str) -> bool:
    """False for a development or local version (``.dev``, ``+``), which no public index has."""
    return ".dev" not in number and "+" not in number


def installed_version() -> str:
    """The version of the running datamill, which the image pins (PUB-3)."""
    try:
        return version("datamill")
    except PackageNotFoundError:
        raise PublishError(
            "datamill is not installed, so there is no version to pin; pip install it first"
        ) from None


@dataclass(frozen=True)
class DockerImage:
    """The image ``publish docker`` describes; every option is checked on construction.

    ``databases`` are paths, copied under their own names; ``tag`` defaults to
    ``default_tag(databases[0])`` and ``version`` to the running datamill's. ``classifier``
    is ``imagenet`` or the path of a model from ``classify train``, copied under its own
    name, for ``serve --classifier`` (classify.md CL-5).
    """

    databases: tuple[str, ...]
    tag: str = ""
    port: int = 8001
    python: str = "3.12"
    metadata: str | None = None
    settings: tuple[tuple[str, str], ...] = ()
    replicas: int | None = None
    version: str = ""
    classifier: str | None = None

    def __post_init__(self) -> None:
        if not self.databases:
            raise InvalidOption("DB", "give at least one database file")
        object.__setattr__(self, "databases", tuple(str(p) for p in self.databases))
        object.__setattr__(self, "tag", check_tag(self.tag or default_tag(self.databases[0])))
        settings = tuple((str(name), str(value)) for name, value in self.settings)
        object.__setattr__(self, "settings", check_settings(settings))
        check_port(self.port)
        check_python(self.python)
        check_replicas(self.replicas)
        object.__setattr__(self, "version", self.version or installed_version())

    @property
    def file_names(self) -> tuple[str, ...]:
        """The databases' names inside the image, in argument order."""
        return tuple(os.path.basename(path) for path in self.databases)

    @property
    def classifier_file(self) -> str | None:
        """The path of the model file the image holds (none for ``imagenet``)."""
        if self.classifier is None or self.classifier == IMAGENET:
            return None
        return self.classifier

    @property
    def classifier_name(self) -> str | None:
        """What ``serve --classifier`` gets inside the image: ``imagenet`` or the file's name."""
        path = self.classifier_file
        return os.path.basename(path) if path else self.classifier
