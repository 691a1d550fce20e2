"""Turning library and SQLite failures into one-line ``Error: ...`` messages (G-4)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NoReturn

import click

from datamill.core.sqlite import sqlite3
from datamill.db import (
    AlterError,
    BadPrimaryKey,
    InvalidColumns,
    NoObviousTable,
    NoTable,
    NotFoundError,
    NoView,
    TransactionError,
    TransformError,
)
from datamill.fuzzy import missing_function_hint
from datamill.track.errors import TrackError, TrackUsageError

#: Exceptions whose message is already the text a user should see.
REPORTABLE = (
    sqlite3.Error,
    ValueError,
    OSError,
    AlterError,
    BadPrimaryKey,
    InvalidColumns,
    NoObviousTable,
    NoTable,
    NoView,
    NotFoundError,
    TransactionError,
    TransformError,
)


@contextlib.contextmanager
def reported_errors(prefix: str = "") -> Iterator[None]:
    """Re-raise reportable exceptions as ``click.ClickException`` (exit 1, ``Error: ...``)."""
    try:
        yield
    except REPORTABLE as error:
        raise click.ClickException(f"{prefix}{missing_function_hint(str(error))}") from error


def track_failure(error: TrackError) -> NoReturn:
    """A ``track``/``history`` failure: usage errors exit 2, the rest ``Error: ...`` exit 1."""
    if isinstance(error, TrackUsageError):
        raise click.UsageError(str(error))
    raise click.ClickException(str(error))
