"""Progress bar and final summary on stderr, only when stderr is a terminal (G-7, I-5)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_DELAY = 1.0
REDRAW_EVERY = 0.1
BAR_WIDTH = 36


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _bar(fraction: float) -> str:
    filled = int(BAR_WIDTH * fraction)
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {fraction:4.0%}"


class _Line:
    """One redrawn stderr line: nothing during the first second, then at most every 0.1 s."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._drawn = False

    def _due(self) -> float | None:
        """The current time if the line should be redrawn now, else None."""
        if not self.enabled:
            return None
        now = time.monotonic()
        if now - self.started < BAR_DELAY or now - self._drawn_at < REDRAW_EVERY:
            return None
        self._drawn_at = now
        return now

    def _draw(self, line: str) -> None:
        self.stream.write("\r" + line)
        self.stream.flush()
        self._drawn = True

    def elapsed(self) -> float:
        """Seconds since the line was created."""
        return time.monotonic() - self.started

    def _clear_code(self) -> str:
        return "\r\x1b[K" if self._drawn else ""

    def abandon(self) -> None:
        """End the bar's line before an error message is printed."""
        if self.enabled and self._drawn:
            self.stream.write(self._clear_code())
            self.stream.flush()
            self._drawn = False


class Progress(_Line):
    """Tracks a load; draws a bar (bytes, when ``total`` is known) or a row counter."""

    def __init__(self, total: int | None, enabled: bool, stream: TextIO | None = None) -> None:
        super().__init__(enabled, stream)
        self.total = total

    def update(self, bytes_done: int, rows_done: int) -> None:
        if self._due() is None:
            return
        if self.total:
            self._draw(_bar(min(1.0, bytes_done / self.total)))
        else:
            self._draw(f"{rows_done} rows")

    def finish(self, inserted: int, ignored: int, replaced: int) -> None:
        """Clear the bar and print ``<I> rows inserted, <G> ignored, <R> replaced in <S>s``."""
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"{self._clear_code()}{inserted} rows inserted, {ignored} ignored, "
            f"{replaced} replaced in {elapsed:.2f}s\n"
        )
        self.stream.flush()


class ItemProgress(_Line):
    """A bar over a known number of items with their rate, e.g.
    ``[####------]  45% 812/1797 images 71.2/s``; it is called with ``(done, total)``."""

    def __init__(self, noun: str, enabled: bool, stream: TextIO | None = None) -> None:
        super().__init__(enabled, stream)
        self.noun = noun

    def __call__(self, done: int, total: int) -> None:
        now = self._due()
        if now is None:
            return
        fraction = min(1.0, done / total) if total else 1.0
        rate = done / (now - self.started)
        self._draw(f"{_bar(fraction)} {done}/{total} {self.noun} {rate:.1f}/s")
