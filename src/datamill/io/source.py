"""Byte sources that keep track of line numbers, so decoding errors can say where they are.

``open_text`` wraps a binary file in a C-speed ``io.TextIOWrapper`` whose underlying reader
counts newlines per chunk. When the decoder fails, the error is translated into an
``InputError`` naming the line, the character column and the offending byte (I-4).
"""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO

from datamill.io.errors import InputError

CHUNK_SIZE = 1 << 18
TAIL_LIMIT = 1 << 20


class CountingReader(io.BufferedIOBase):
    """A binary reader that remembers how many lines precede the chunk it returned last."""

    def __init__(self, raw: BinaryIO, reject_nul: bool = False) -> None:
        super().__init__()
        self._raw = raw
        self._reject_nul = reject_nul
        self.bytes_read = 0
        self.lines_before = 0  # newlines before the last chunk
        self.tail = b""  # bytes of the current line before the last chunk
        self.chunk = b""

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def read(self, size: int | None = -1) -> bytes:
        if self.chunk:
            self._advance()
        reader = getattr(self._raw, "read1", self._raw.read)
        data = reader(CHUNK_SIZE if size is None or size < 0 else size)
        self.chunk = data
        self.bytes_read += len(data)
        if self._reject_nul and b"\x00" in data:
            line, _ = self.locate(data.index(b"\x00"))
            raise InputError(f"Invalid CSV on line {line}: line contains NUL", line=line)
        return data

    def _advance(self) -> None:
        chunk = self.chunk
        newlines = chunk.count(b"\n")
        if newlines:
            self.lines_before += newlines
            self.tail = chunk[chunk.rindex(b"\n") + 1 :]
        else:
            self.tail = (self.tail + chunk)[-TAIL_LIMIT:]
        self.chunk = b""

    def locate(self, offset: int) -> tuple[int, bytes]:
        """Line number of byte ``offset`` in the last chunk, and that line's bytes before it."""
        before = self.chunk[:offset]
        newlines = before.count(b"\n")
        if newlines:
            prefix = before[before.rindex(b"\n") + 1 :]
        else:
            prefix = self.tail + before
        return self.lines_before + newlines + 1, prefix


def ascii_compatible(encoding: str) -> bool:
    """True when the encoding writes ASCII (and NUL) as single identical bytes."""
    try:
        return "\x00a\n".encode(encoding) == b"\x00a\n"
    except (LookupError, UnicodeError):
        return False


def is_utf8(encoding: str) -> bool:
    """True for any spelling of UTF-8 (with or without ``-sig``); False for unknown names."""
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


def text_codec(encoding: str) -> str:
    """The codec that reads ``encoding``: UTF-8 input drops a leading BOM (O-INPUT, DF-IN-3)."""
    return "utf-8-sig" if is_utf8(encoding) else encoding


def text_stream(binary: BinaryIO, encoding: str) -> io.TextIOWrapper:
    """Decoded text over ``binary`` with the csv module's newline rules and no BOM."""
    return io.TextIOWrapper(binary, encoding=text_codec(encoding), newline="")


def find_decode_error(binary: BinaryIO, encoding: str) -> InputError | None:
    """Read ``binary`` to its end; the first undecodable byte as a located ``InputError``.

    The error's ``line``, ``column``, ``offset`` (bytes from the start, a BOM included) and
    ``byte`` let each command word its own message. None when everything decodes.
    """
    source = TextSource(binary, encoding)
    try:
        while source.read_chunk():
            pass
    except InputError as error:
        return error
    return None


def check_encoding(encoding: str) -> str:
    """Return the codec's canonical name, or raise ``InputError`` for an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"Unknown encoding: {encoding}") from None


class TextSource:
    """Decoded text over a binary file, translating decode errors into ``InputError``.

    ``hint`` is appended to encoding error messages (the CSV ``--encoding`` advice).
    """

    def __init__(
        self,
        fp: BinaryIO,
        encoding: str = "utf-8",
        reject_nul: bool = False,
        hint: str = "",
    ) -> None:
        check_encoding(encoding)
        self.encoding = encoding
        self.hint = hint
        self.counter = CountingReader(fp, reject_nul=reject_nul and ascii_compatible(encoding))
        codec = text_codec(encoding)
        # typeshed's _WrappedBuffer protocol asks for more than TextIOWrapper uses of a reader.
        self.text = io.TextIOWrapper(self.counter, encoding=codec, newline="")  # type: ignore[type-var]
        self.text._CHUNK_SIZE = CHUNK_SIZE  # type: ignore[attr-defined]
        self._decoder = codecs.getincrementaldecoder(codec)()

    def read_chunk(self) -> str:
        """Decode whatever one read of the underlying file returns ("" at the end).

        Unlike ``text.read(n)`` this never waits for more input than is available, so a
        pipe's records are handed on as soon as they arrive. Use either this or ``text``.
        """
        while True:
            data = self.counter.read(CHUNK_SIZE)
            try:
                decoded = self._decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                raise self.decode_error(error) from None
            if decoded or not data:
                return decoded

    @property
    def bytes_read(self) -> int:
        return self.counter.bytes_read

    def decode_error(self, error: UnicodeDecodeError) -> InputError:
        """Translate a decoder failure into a located ``InputError``."""
        chunk = self.counter.chunk
        offset = error.start - (len(error.object) - len(chunk))
        absolute = self.counter.bytes_read - len(chunk) + offset
        line, prefix = self.counter.locate(min(max(offset, 0), len(chunk)))
        if line == 1 and is_utf8(self.encoding):
            prefix = prefix.removeprefix(codecs.BOM_UTF8)
        column = len(prefix.decode(self.encoding, errors="replace")) + 1
        bad = error.object[error.start] if error.start < len(error.object) else 0
        failure = InputError(
            f"Input is not valid {self.encoding} on line {line}, column {column} "
            f"(byte 0x{bad:02x}){self.hint}",
            line=line,
            column=column,
        )
        failure.offset, failure.byte = absolute, bad
        return failure
