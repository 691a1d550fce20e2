"""What ``csvs`` reads: files, folders searched recursively, URLs and stdin, each with the
table name it gives (CS-1, CS-3).

Compressed inputs (``.gz``, ``.bz2``, ``.xz``, a single-member ``.zip``) are decompressed
while streaming. URLs and stdin are first copied to a temporary file, so every input can be
opened again (its header is read before the load, and a load may read it again: CS-4, CS-5).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import shutil
import sys
import tempfile
import urllib.parse
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from datamill.csvs.errors import CsvsError

FOLDER_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz")
COMPRESSED: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
URL_TIMEOUT = 300.0
URL_MAX_BYTES = 1 << 40


@dataclass
class Input:
    """One CSV to load: ``label`` names it in messages, ``name`` is its derived table name."""

    label: str
    path: str
    name: str
    compression: str = ""  # "", ".gz", ".bz2", ".xz" or ".zip"
    temporary: bool = field(default=False, repr=False)

    @contextlib.contextmanager
    def open(self, span: tuple[int, int] | None = None) -> Iterator[BinaryIO]:
        """The decompressed bytes of the input; only bytes ``start:end`` when ``span`` is
        given (an uncompressed input)."""
        if span is not None:
            with open(self.path, "rb") as fp:
                fp.seek(span[0])
                yield SpanReader(fp, span[1] - span[0])  # type: ignore[misc]
            return
        if self.compression == ".zip":
            with zipfile.ZipFile(self.path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise CsvsError(f"{self.label}: a zip file must contain exactly one CSV")
                with archive.open(members[0]) as fp:
                    yield fp  # type: ignore[misc]
            return
        opener: Callable[..., Any] = COMPRESSED.get(self.compression, open)
        with opener(self.path, "rb") as fp:
            yield fp


class SpanReader(io.RawIOBase):
    """The next ``size`` bytes of ``fp``, then the end."""

    def __init__(self, fp: BinaryIO, size: int) -> None:
        super().__init__()
        self._fp, self._left = fp, size

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._fp.read(wanted)
        self._left -= len(data)
        return data

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)


def derived_name(base: str) -> tuple[str, str]:
    """``(name, compression)``: ``2024.votes.csv.gz`` gives ``("2024.votes", ".gz")``."""
    compression = ""
    for suffix in (*COMPRESSED, ".zip"):
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            compression = suffix
            base = base[: -len(suffix)]
            break
    stem, dot, _ = base.rpartition(".")
    return (stem if dot and stem else base), compression


def _is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


def _spool(fill, suffix: str) -> str:
    """A temporary file filled by ``fill(fp)``; its path."""
    handle, path = tempfile.mkstemp(prefix="datamill-csvs-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            fill(out)
    except BaseException:
        os.remove(path)
        raise
    return path


def _url_input(url: str) -> Input:
    # The HTTP client is imported only for a URL: the processes loading parts never need it.
    from datamill.track.errors import TrackError
    from datamill.track.fetch import Limits, display_url, fetch_url

    segment = urllib.parse.urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or "url"
    name, compression = derived_name(urllib.parse.unquote(segment))
    shown = display_url(url)
    try:
        path = _spool(
            lambda out: fetch_url(url, shown, [], Limits(URL_TIMEOUT, URL_MAX_BYTES), out),
            suffix=compression,
        )
    except TrackError as error:
        raise CsvsError(str(error)) from None
    return Input(shown, path, name, compression, temporary=True)


def _folder_inputs(folder: str) -> list[Input]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for file in files:
            if file.lower().endswith(FOLDER_SUFFIXES):
                found.append(os.path.join(root, file))
    inputs = []
    for path in sorted(found, key=lambda p: os.path.relpath(p, folder).split(os.sep)):
        relative = os.path.relpath(path, folder).replace(os.sep, "/")
        directory, _, base = relative.rpartition("/")
        name, compression = derived_name(base)
        inputs.append(Input(path, path, f"{directory}/{name}" if directory else name, compression))
    return inputs


@contextlib.contextmanager
def resolved_inputs(paths: Sequence[str]) -> Iterator[list[Input]]:
    """Every input named by ``paths``, in order; temporary copies are removed afterwards."""
    inputs: list[Input] = []
    try:
        for path in paths:
            if path == "-":
                spooled = _spool(lambda out: shutil.copyfileobj(sys.stdin.buffer, out), "")
                inputs.append(Input("stdin", spooled, "stdin", temporary=True))
            elif _is_url(path):
                inputs.append(_url_input(path))
            elif os.path.isdir(path):
                inputs.extend(_folder_inputs(path))
            else:
                name, compression = derived_name(os.path.basename(path))
                inputs.append(Input(path, path, name, compression))
        yield inputs
    finally:
        for item in inputs:
            if item.temporary:
                with contextlib.suppress(OSError):
                    os.remove(item.path)


def unique_names(names: Sequence[str]) -> list[str]:
    """Names with repeats renamed ``name-1``, ``name-2``, ... in order (CS-3)."""
    taken: set[str] = set()
    result = []
    for name in names:
        candidate, n = name, 0
        while candidate.lower() in taken:
            n += 1
            candidate = f"{name}-{n}"
        taken.add(candidate.lower())
        result.append(candidate)
    return result
