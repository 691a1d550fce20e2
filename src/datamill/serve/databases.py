"""The served database files: names, start-up checks, versions and per-version caches.

A database's *version* (SV-APP-3) changes when ``PRAGMA schema_version`` changes or when the
size or mtime of the file or its ``-wal`` changes; ``-i`` databases never change. Schema
facts, unfiltered counts and facet suggestions are cached per version.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datamill.core.sqlite import sqlite3
from datamill.serve.connection import ReadConnection
from datamill.serve.schema import Schema, read_schema

__all__ = [
    "BoundedCache",
    "DatabaseState",
    "DuplicateDatabase",
    "ServedDatabase",
    "StartupError",
    "open_databases",
    "database_names",
]

_WAL_HINT = ' (a WAL-mode database needs a writable directory; serve it with -i or run "datamill disable-wal")'


class StartupError(ValueError):
    """A database that cannot be served; ``str()`` is the SV-CLI-3 message without ``Error:``."""


class DuplicateDatabase(StartupError):
    """The same file named twice (a usage error on the command line, SV-CLI-1)."""


class BoundedCache:
    """A dict keeping only the ``size`` entries used most recently (thread-safe)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


@dataclass
class DatabaseState:
    """Everything cached for one version of one database.

    Unfiltered counts are kept for every table; facet results and suggestions, which depend
    on the filters too, only for the filter combinations used most recently.
    """

    version: tuple
    schema: Schema
    counts: dict[Any, tuple[int, bool]] = field(default_factory=dict)
    suggestions: BoundedCache = field(default_factory=BoundedCache)
    facets: BoundedCache = field(default_factory=BoundedCache)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


class ServedDatabase:
    """One database file as the server sees it."""

    def __init__(
        self, name: str, path: str, immutable: bool, hidden_names: frozenset[str] = frozenset()
    ) -> None:
        self.name = name
        self.path = path
        self.immutable = immutable
        self.hidden_names = hidden_names
        self._state: DatabaseState | None = None
        self._lock = threading.Lock()
        stat = _stat(path)
        self.identity = (stat.st_dev, stat.st_ino) if stat else None

    @property
    def size(self) -> int:
        stat = _stat(self.path)
        return stat.st_size if stat else 0

    def file_version(self) -> tuple:
        """The file part of the version: identity, size and mtime of the file and its WAL."""
        stat = _stat(self.path)
        wal = _stat(self.path + "-wal")
        if stat is not None:
            self.identity = (stat.st_dev, stat.st_ino)
        return (
            self.identity,
            stat.st_size if stat else None,
            stat.st_mtime_ns if stat else None,
            wal.st_size if wal else None,
            wal.st_mtime_ns if wal else None,
        )

    def connect(self, busy_timeout_s: float = 1.0) -> ReadConnection:
        return ReadConnection(self.path, self.immutable, busy_timeout_s)

    def state(self, conn: ReadConnection) -> DatabaseState:
        """The cached state for the current version, read through ``conn`` when it changed."""
        if self.immutable and self._state is not None:
            return self._state
        version = (
            (conn.check_schema(), *self.file_version()) if not self.immutable else ("immutable",)
        )
        state = self._state
        if state is not None and state.version == version:
            return state
        schema = read_schema(conn, self.hidden_names)
        with self._lock:
            if self._state is None or self._state.version != version:
                self._state = DatabaseState(version, schema)
            return self._state


def database_names(paths: Sequence[str]) -> list[str]:
    """SV-CLI-2: the file stem; a stem that is ``-`` or already taken gets ``_2``, ``_3``..."""
    names: list[str] = []
    for path in paths:
        stem = Path(path).stem
        name = stem
        suffix = 2
        while name == "-" or name in names:
            name = f"{stem}_{suffix}"
            suffix += 1
        names.append(name)
    return names


def _is_wal(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return (
        len(header) == 20 and header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"
    )


def check_database(path: str, immutable: bool) -> None:
    """Open ``path`` the way the server will and read its schema; raise ``StartupError``."""
    wal = _stat(path + "-wal")
    if immutable and wal is not None and wal.st_size > 0:
        raise StartupError(
            f'{path}-wal holds changes that -i would hide; run "datamill disable-wal {path}" '
            "or serve it without -i"
        )
    try:
        connection = ReadConnection(path, immutable)
    except sqlite3.DatabaseError as error:
        raise _open_error(path, error) from None
    try:
        read_schema(connection)
    except sqlite3.DatabaseError as error:
        raise _open_error(path, error) from None
    finally:
        connection.close()


def _open_error(path: str, error: sqlite3.DatabaseError) -> StartupError:
    message = str(error)
    if (
        message.startswith("file is not a database")
        or message == "file is encrypted or is not a database"
    ):
        return StartupError(f"{path} is not a SQLite database")
    hint = _WAL_HINT if _is_wal(path) or "unable to open" in message else ""
    return StartupError(f"Cannot open {path} read-only: {message}{hint}")


def open_databases(
    paths: Iterable[str], immutable: Iterable[str], hidden: dict[str, frozenset[str]] | None = None
) -> list[ServedDatabase]:
    """Check every file (SV-CLI-3) and name it (SV-CLI-2); mutable files first, in order."""
    entries = [(str(p), False) for p in paths] + [(str(p), True) for p in immutable]
    seen: dict[str, str] = {}
    for path, _ in entries:
        key = os.path.realpath(path)
        if key in seen:
            raise DuplicateDatabase(f"{path} is given more than once")
        seen[key] = path
    for path, is_immutable in entries:
        if not os.path.exists(path):
            raise StartupError(f"{path} does not exist")
        if os.path.isdir(path):
            raise StartupError(f"{path} is a directory")
        check_database(path, is_immutable)
    names = database_names([path for path, _ in entries])
    hidden = hidden or {}
    return [
        ServedDatabase(name, path, is_immutable, hidden.get(name, frozenset()))
        for name, (path, is_immutable) in zip(names, entries)
    ]
