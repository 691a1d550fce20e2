"""Which inputs are loaded in parts, by several processes at once, and where they are cut
(CS-PERF).

A large uncompressed input is cut into one part per CPU (at most ``MAX_PARTS``, none
smaller than ``MIN_PART_BYTES``). Each cut is at the first line end past the share's end
that is outside a quoted cell: the count of quote characters before it is even. That is a
guess (a stray quote inside an unquoted cell can mislead it); the process loading the part
before a cut checks it, as its reader must end there between two records.
"""

from __future__ import annotations

import codecs
import os
import sys

from datamill.csvs.plan import Source

MIN_PART_BYTES = 16 << 20
MAX_PARTS = 4
HEAD_START = 4 << 20  # about what a process loads while another one starts
SEARCH_BYTES = 1 << 20  # how far past a share's end a cut is looked for
CHUNK = 1 << 20
SPLIT_CODECS = ("utf-8", "iso8859-1", "cp1252", "ascii")  # a byte 0x0a or 0x22 is that char


def available_cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def part_count(source: Source) -> int:
    """How many parts ``source`` is loaded in (1: by the run's process alone)."""
    item = source.item
    if item.compression or not sys.executable:
        return 1
    try:
        if codecs.lookup(source.encoding).name not in SPLIT_CODECS:
            return 1
        size = os.path.getsize(item.path)
    except (LookupError, OSError):
        return 1
    return max(1, min(available_cpus(), MAX_PARTS, size // MIN_PART_BYTES))


def cut_points(path: str, count: int, quoted: bool) -> list[tuple[int, int]] | None:
    """``count`` spans of bytes covering the file, cut after line ends outside quotes (when
    ``quoted``); None when no such cut is found near a share's end.

    The first part is loaded by the process already running, so it is ``HEAD_START`` bytes
    longer than the others: they wait for a new interpreter to start."""
    size = os.path.getsize(path)
    first = min((size + (count - 1) * HEAD_START) // count, size)
    bounds = [0]
    with open(path, "rb") as fp:
        quotes = 0  # quote characters before fp's position
        for share in range(1, count):
            end = first + (size - first) * (share - 1) // (count - 1)
            target = max(end, bounds[-1] + 1)
            while fp.tell() < target:
                chunk = fp.read(min(CHUNK, target - fp.tell()))
                if not chunk:
                    return None
                quotes += chunk.count(b'"')
            window = fp.read(SEARCH_BYTES)
            cut = _first_cut(window, quotes if quoted else 0, quoted)
            if cut is None:
                return None
            point = target + cut
            if point >= size:
                return None
            quotes += window[:cut].count(b'"')
            fp.seek(point)
            bounds.append(point)
    bounds.append(size)
    return list(zip(bounds, bounds[1:]))


def _first_cut(window: bytes, quotes: int, quoted: bool) -> int | None:
    """The offset just past the first line end in ``window`` outside quotes (and not before
    the bytes of a byte order mark, which a UTF-8 reader drops at the start of its input)."""
    start = 0
    while True:
        end = window.find(b"\n", start)
        if end < 0:
            return None
        quotes += window.count(b'"', start, end)
        if (not quoted or quotes % 2 == 0) and not window.startswith(codecs.BOM_UTF8, end + 1):
            return end + 1
        start = end + 1
