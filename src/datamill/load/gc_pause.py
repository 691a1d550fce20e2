"""Pausing the cyclic garbage collector while a load runs (I-1)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No collections inside: a load makes millions of short-lived rows, which are freed by
    reference counting, and collections over them cost more than they free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
