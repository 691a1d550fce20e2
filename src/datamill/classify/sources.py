"""Reading the image a command line names (CL-2, CL-4): a file, ``-`` for stdin, or a URL.

Every source is held to CL-2's fetch limits: 20 MB, and for a URL a time limit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from datamill.classify.errors import ImageError, too_large
from datamill.classify.fetch import fetch_image, is_url
from datamill.classify.limits import FETCH_TIMEOUT, MAX_SOURCE_BYTES


def read_source(
    source: str,
    base: Path | None = None,
    max_bytes: int = MAX_SOURCE_BYTES,
    allow_private: bool = False,
) -> bytes:
    """The bytes of ``source``; a relative file path is taken from ``base`` when given.

    A URL that leads to a private address is refused unless ``allow_private``.
    """
    if is_url(source):
        return fetch_image(
            source, timeout=FETCH_TIMEOUT, max_bytes=max_bytes, allow_private=allow_private
        )
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_large("stdin", max_bytes)
        return data
    path = base / source if base is not None else Path(source)
    try:
        if os.path.getsize(path) > max_bytes:
            raise too_large(source, max_bytes)
        return path.read_bytes()
    except FileNotFoundError:
        raise ImageError(f"Image file not found: {source}") from None
    except OSError as error:
        raise ImageError(f"{source}: {error.strerror or error}") from None
