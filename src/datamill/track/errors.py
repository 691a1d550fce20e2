"""Exceptions raised by ``datamill.track``; the CLI prints ``Error: `` + ``str(err)``."""


class TrackError(Exception):
    """A failed ``track`` or ``history`` run; nothing was changed by the failing step."""


class TrackUsageError(TrackError):
    """Invalid options or arguments (exit status 2 on the command line)."""


class HistoryError(TrackError):
    """A failed ``history`` import; commits imported before the failing one stay imported."""
