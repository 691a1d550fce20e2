"""What an import tells its user on stderr: ``-p`` progress and ``Warning:`` lines (IDB-7)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

import click


class Reporter:
    """Writes progress (when ``progress``) and warnings (always) to ``stream``.

    ``bar`` adds a row bar per table; it is meant for a terminal.
    """

    def __init__(
        self, stream: TextIO | None = None, progress: bool = False, bar: bool = False
    ) -> None:
        self.stream = stream or sys.stderr
        self.progress = progress
        self.bar = progress and bar

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def table(self, number: int, total: int, name: str) -> None:
        if self.progress:
            self._line(f"{number}/{total}: {name}")

    def skipping(self) -> None:
        if self.progress:
            self._line("  ... skipping")

    @contextlib.contextmanager
    def rows(self, total: int | None) -> Iterator[Callable[[int], None]]:
        """A callable that advances this table's row bar by ``n`` rows."""
        if not self.bar or total is None:
            yield lambda n: None
            return
        with click.progressbar(length=total, file=self.stream) as bar:
            yield bar.update

    def foreign_keys(self, descriptions: list[str]) -> None:
        """``Adding N foreign keys`` and one ``  table.column => other.column`` line each."""
        if self.progress and descriptions:
            noun = "key" if len(descriptions) == 1 else "keys"
            self._line(f"\nAdding {len(descriptions)} foreign {noun}")
            for description in descriptions:
                self._line(f"  {description}")

    def warning(self, message: str) -> None:
        self._line(f"Warning: {message}")
