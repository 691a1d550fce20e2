"""Opening an input as decoded text, with DF-VAL-7 decoding errors located."""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO

from datamill.diff.errors import DiffInputError

_UTF8_NAMES = {"utf-8", "utf8", "utf_8", "u8", "utf-8-sig", "utf_8_sig", "cp65001"}
_CHUNK = 1 << 20


def is_utf8(encoding: str) -> bool:
    """True for any spelling of UTF-8, whose leading BOM is dropped (DF-IN-3)."""
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return encoding.lower() in _UTF8_NAMES


def check_encoding(encoding: str) -> None:
    """Raise ``LookupError`` for an unknown codec name."""
    codecs.lookup(encoding)


def text_stream(binary: BinaryIO, encoding: str) -> io.TextIOWrapper:
    """Wrap a binary stream for line-by-line reading with CSV newline rules."""
    codec = "utf-8-sig" if is_utf8(encoding) else encoding
    return io.TextIOWrapper(binary, encoding=codec, newline="")


def decode_error(binary: BinaryIO, encoding: str, source: str) -> DiffInputError:
    """Re-read ``binary`` from the start and describe its first undecodable byte."""
    binary.seek(0)
    consumed = 0
    codec = encoding
    if is_utf8(encoding):
        codec = "utf-8"
        if binary.read(3) == codecs.BOM_UTF8:
            consumed = 3
        else:
            binary.seek(0)
    decoder = codecs.getincrementaldecoder(codec)()
    newlines = 0
    while True:
        chunk = binary.read(_CHUNK)
        final = not chunk
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as err:
            # The decoder may hold back a few undecoded bytes from earlier chunks.
            pending = len(err.object) - len(chunk)
            offset = consumed - pending + err.start
            head = err.object[: err.start].decode(codec, errors="replace")
            line = newlines + head.count("\n") + 1
            byte = err.object[err.start]
            return DiffInputError(
                f"cannot decode byte 0x{byte:02x} at offset {offset} as {encoding}; "
                "use --encoding, e.g. --encoding latin-1",
                source=source,
                line=line,
                offset=offset,
            )
        newlines += text.count("\n")
        consumed += len(chunk)
        if final:
            return DiffInputError("cannot decode input as " + encoding, source=source)
