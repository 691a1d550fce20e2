"""Running image work on every CPU (CL-4, CL-5): threads, since numpy and Pillow release the GIL."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def map_in_threads(
    function: Callable[[Item], Result], items: Iterable[Item], workers: int | None = None
) -> Iterator[Result]:
    """``map(function, items)`` on ``workers`` threads (default: one per CPU), in order.

    At most two items per worker are in flight, so ``items`` may be a long stream; when the
    consumer stops early, work not yet started is cancelled.
    """
    workers = workers or cpu_count()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="datamill-classify")
    try:
        queue: deque[Future[Result]] = deque()
        for item in items:
            queue.append(pool.submit(function, item))
            if len(queue) >= 2 * workers:
                yield queue.popleft().result()
        while queue:
            yield queue.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
