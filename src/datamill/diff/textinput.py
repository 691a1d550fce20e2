"""Opening an input as decoded text, with DF-VAL-7 decoding errors located.

Decoding, the BOM rule and locating a bad byte are the io stack's (``datamill.io.source``);
this module words the error as ``diff`` reports it.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from datamill.diff.errors import DiffInputError
from datamill.io.source import find_decode_error, text_stream

__all__ = ["check_encoding", "decode_error", "text_stream"]


def check_encoding(encoding: str) -> None:
    """Raise ``LookupError`` for an unknown codec name."""
    codecs.lookup(encoding)


def decode_error(binary: BinaryIO, encoding: str, source: str) -> DiffInputError:
    """Re-read ``binary`` from the start and describe its first undecodable byte."""
    binary.seek(0)
    failure = find_decode_error(binary, encoding)
    if failure is None or failure.byte is None:
        return DiffInputError("cannot decode input as " + encoding, source=source)
    return DiffInputError(
        f"cannot decode byte 0x{failure.byte:02x} at offset {failure.offset} as {encoding}; "
        "use --encoding, e.g. --encoding latin-1",
        source=source,
        line=failure.line,
        offset=failure.offset,
    )
