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


class Progress:
    """Tracks a load; draws a bar (bytes, when ``total`` is known) or a row counter.

    Nothing is drawn during the first second, nor at all when ``enabled`` is false.
    """

    def __init__(self, total: int | None, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._drawn = False

    def update(self, bytes_done: int, rows_done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < BAR_DELAY or now - self._drawn_at < REDRAW_EVERY:
            return
        self._drawn_at = now
        if self.total:
            fraction = min(1.0, bytes_done / self.total)
            filled = int(BAR_WIDTH * fraction)
            line = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {fraction:4.0%}"
        else:
            line = f"{rows_done} rows"
        self.stream.write("\r" + line)
        self.stream.flush()
        self._drawn = True

    def finish(self, inserted: int, ignored: int, replaced: int) -> None:
        """Clear the bar and print ``<I> rows inserted, <G> ignored, <R> replaced in <S>s``."""
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        clear = "\r\x1b[K" if self._drawn else ""
        self.stream.write(
            f"{clear}{inserted} rows inserted, {ignored} ignored, {replaced} replaced "
            f"in {elapsed:.2f}s\n"
        )
        self.stream.flush()

    def abandon(self) -> None:
        """End the bar's line before an error message is printed."""
        if self.enabled and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
