"""Read ahead in a background thread so parsing overlaps SQLite's work.

SQLite releases the GIL while it steps a statement, so a reader thread can parse the next
batch while the previous one is being written. At most ``depth`` batches wait in between,
which keeps memory bounded.

When SQLite returns, the writer needs the GIL back to bind the next statement, and CPython
makes a waiting thread wait a whole switch interval (5 ms by default) before it asks the
holder to let go. A caller whose writer is the critical path can lower the interval while
the reader runs (``switch_interval``); where the writer does Python work of its own per
record, the extra hand-overs cost more than they save.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(
    items: Iterable[T], depth: int = 2, switch_interval: float | None = None
) -> Iterator[T]:
    """Yield ``items`` as produced by a background thread; its exceptions re-raise here.

    ``switch_interval`` (seconds), if given, is the interpreter's switch interval while the
    thread runs; the previous one is restored afterwards.
    """
    slots: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as error:  # handed to the consumer, which re-raises it
            put(_Failure(error))
            return
        put(_DONE)

    thread = threading.Thread(target=produce, name="datamill-reader", daemon=True)
    interval = sys.getswitchinterval()
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join(timeout=1)
        sys.setswitchinterval(interval)
