"""Progress helpers for long reads and loops, drawn on stderr (L-UTIL-10, G-7)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import click


class UpdateWrapper:
    """Wraps a file object and calls ``update(n)`` with the size of everything read from it."""

    def __init__(self, wrapped: IO[Any], update: Callable[[int], Any]) -> None:
        self._wrapped = wrapped
        self._update = update

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)

    def read(self, size: int = -1) -> Any:
        data = self._wrapped.read(size)
        self._update(len(data))
        return data

    def readline(self, size: int = -1) -> Any:
        line = self._wrapped.readline(size)
        self._update(len(line))
        return line

    def __iter__(self) -> Iterator[Any]:
        for line in self._wrapped:
            self._update(len(line))
            yield line


class NullProgressBar:
    """Stands in for a progress bar when none should be drawn: iterates, updates nothing."""

    def __init__(self, iterable: Iterable[Any] | None = None, *args: Any, **kwargs: Any) -> None:
        self._iterable = iterable if iterable is not None else ()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._iterable)

    def update(self, n_steps: int, current_item: Any = None) -> None:
        """Do nothing."""


@contextlib.contextmanager
def progressbar(*args: Any, silent: bool = False, **kwargs: Any) -> Iterator[Any]:
    """``click.progressbar`` on stderr, or a ``NullProgressBar`` when ``silent``."""
    if silent:
        yield NullProgressBar(*args)
        return
    kwargs.setdefault("file", sys.stderr)
    with click.progressbar(*args, **kwargs) as bar:
        yield bar


@contextlib.contextmanager
def file_progress(file: IO[Any], silent: bool = False, **kwargs: Any) -> Iterator[IO[Any]]:
    """Yield ``file``, wrapped to advance a progress bar by bytes read when its size is known."""
    try:
        size = os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        size = 0
    if silent or not size:
        yield file
        return
    with progressbar(length=size, **kwargs) as bar:
        yield UpdateWrapper(file, bar.update)  # type: ignore[misc]
