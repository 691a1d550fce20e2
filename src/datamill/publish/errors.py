"""The two ways ``publish docker`` refuses: a bad option (usage, exit 2) or a failure (exit 1)."""

from __future__ import annotations

__all__ = ["BuildFailed", "InvalidOption", "PublishError"]


class PublishError(Exception):
    """A failure to report as one ``Error:`` line with exit status 1; ``str()`` is the text."""


class BuildFailed(PublishError):
    """``docker build`` exited with a non-zero status; the build context was kept."""


class InvalidOption(ValueError):
    """An option value that can never work (a usage error); ``str()`` is the reason.

    ``option`` names the option as typed on the command line, e.g. ``--tag``.
    """

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(reason)
        self.option = option
