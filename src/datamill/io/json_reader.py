"""Streaming JSON readers: arrays of objects (I-1), NDJSON, and the --lines/--text shapes.

JSON arrays are read in chunks and each element is decoded by the C-accelerated
``json.JSONDecoder.raw_decode`` as soon as it is complete, so memory is bounded by the
largest element plus one chunk whatever the file size, and syntax errors carry their
exact line and column.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, BinaryIO

from datamill.io.batch import Batch, batched
from datamill.io.errors import InputError
from datamill.io.source import CHUNK_SIZE, TextSource

JSON_HINT = " - use --csv for CSV or --tsv for TSV files"
WHITESPACE = re.compile(r"[ \t\n\r]*")
TRUNCATION_SLACK = 64
_decoder = json.JSONDecoder()


class _Buffer:
    """A sliding window over decoded text that knows the line and column of its start.

    Positions are counted incrementally from the last one asked for, so locating every
    record costs one pass over the text.
    """

    def __init__(self, source: TextSource) -> None:
        self.source = source
        self.text = ""
        self.eof = False
        self.line = 1  # line of text[0]
        self.column = 0  # characters before text[0] on its line
        self._mark = (0, 1, -self.column - 1)  # (offset, its line, offset of its line's start - 1)

    def fill(self, keep_from: int) -> int:
        """Drop text before ``keep_from``, read another chunk; returns the shifted offset."""
        line, column = self.position(keep_from)
        self.line, self.column = line, column - 1
        more = self.source.read_chunk()
        self.text = self.text[keep_from:] + more
        self._mark = (0, self.line, -self.column - 1)
        if not more:
            self.eof = True
        return 0

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset`` within the current window."""
        text = self.text
        start, line, line_start = self._mark
        if offset < start:
            start, line, line_start = 0, self.line, -self.column - 1
        newlines = text.count("\n", start, offset)
        if newlines:
            line += newlines
            line_start = text.rindex("\n", start, offset)
        self._mark = (offset, line, line_start)
        return line, offset - line_start


class _RecordReader(ABC):
    """A UTF-8 input read as ``(value, line)`` records, in batches."""

    def __init__(self, fp: BinaryIO) -> None:
        self.source = TextSource(fp, "utf-8")

    @property
    def bytes_read(self) -> int:
        return self.source.bytes_read

    @abstractmethod
    def records(self) -> Iterator[tuple[Any, int]]:
        """Yield ``(value, line)`` for each record, where ``line`` is where it starts."""

    def batches(self, size: int, first_size: int | None = None) -> Iterator[Batch]:
        """Yield batches of ``size`` records (the first one ``first_size``, if given)."""
        yield from batched(self.records(), size, first_size or size)


class JsonReader(_RecordReader):
    """Yields the records of a JSON document: each element of a top-level array, or the
    top-level value itself."""

    def __init__(self, fp: BinaryIO, hint: str = JSON_HINT) -> None:
        super().__init__(fp)
        self.hint = hint
        self._buffer = _Buffer(self.source)

    def is_empty(self) -> bool:
        """True when the input holds nothing but whitespace (reads only that far)."""
        return self._skip_space(0) >= len(self._buffer.text)

    def _syntax_error(self, offset: int, reason: str) -> InputError:
        line, column = self._buffer.position(offset)
        return InputError(
            f"Invalid JSON on line {line}, column {column}: {reason}{self.hint}",
            line=line,
            column=column,
        )

    def _skip_space(self, pos: int) -> int:
        buf = self._buffer
        while True:
            blank = WHITESPACE.match(buf.text, pos)
            pos = blank.end() if blank else pos
            if pos < len(buf.text) or buf.eof:
                return pos
            pos = buf.fill(pos)

    def _decode(self, pos: int) -> tuple[Any, int, int]:
        """Decode one value at ``pos``: (value, start offset, end offset)."""
        buf = self._buffer
        while True:
            try:
                value, end = _decoder.raw_decode(buf.text, pos)
            except json.JSONDecodeError as error:
                truncated = error.pos >= len(buf.text) - TRUNCATION_SLACK or (
                    error.msg.startswith("Unterminated string")
                )
                if buf.eof or not truncated:
                    raise self._syntax_error(error.pos, error.msg) from None
                pos = buf.fill(pos)
                continue
            if end == len(buf.text) and not buf.eof:
                pos = buf.fill(pos)
                continue
            return value, pos, end

    def records(self) -> Iterator[tuple[Any, int]]:
        """Yield ``(value, line)`` for each record, where ``line`` is where it starts."""
        buf = self._buffer
        pos = self._skip_space(0)
        if pos >= len(buf.text):
            return
        if buf.text[pos] != "[":
            value, start, end = self._decode(pos)
            line = buf.position(start)[0]
            self._expect_end(end)
            yield value, line
            return
        pos = self._skip_space(pos + 1)
        if pos < len(buf.text) and buf.text[pos] == "]":
            self._expect_end(pos + 1)
            return
        while True:
            if pos > CHUNK_SIZE:
                pos = buf.fill(pos) if not buf.eof else pos
            value, start, end = self._decode(pos)
            yield value, buf.position(start)[0]
            pos = self._skip_space(end)
            char = buf.text[pos : pos + 1]
            if char == ",":
                pos = self._skip_space(pos + 1)
                continue
            if char == "]":
                self._expect_end(pos + 1)
                return
            raise self._syntax_error(pos, "Expecting ',' delimiter")

    def _expect_end(self, pos: int) -> None:
        pos = self._skip_space(pos)
        if pos < len(self._buffer.text):
            raise self._syntax_error(pos, "Extra data")


class NdjsonReader(_RecordReader):
    """One JSON value per line; blank lines are skipped."""

    def records(self) -> Iterator[tuple[Any, int]]:
        loads = json.loads
        number = 0
        try:
            for number, text in enumerate(self.source.text, 1):
                if text.strip():
                    try:
                        yield loads(text.rstrip("\r\n")), number
                    except json.JSONDecodeError as error:
                        raise InputError(
                            f"Invalid JSON on line {number}, column {error.colno}: {error.msg}",
                            line=number,
                            column=error.colno,
                        ) from None
        except UnicodeDecodeError as error:
            raise self.source.decode_error(error) from None


class LinesReader(_RecordReader):
    """``--lines``: each line becomes ``{"line": <stripped line>}``."""

    def records(self) -> Iterator[tuple[Any, int]]:
        try:
            for number, text in enumerate(self.source.text, 1):
                yield {"line": text.strip()}, number
        except UnicodeDecodeError as error:
            raise self.source.decode_error(error) from None


class TextReader(_RecordReader):
    """``--text``: the whole input becomes one ``{"text": ...}`` record."""

    def records(self) -> Iterator[tuple[Any, int]]:
        try:
            text = self.source.text.read()
        except UnicodeDecodeError as error:
            raise self.source.decode_error(error) from None
        yield {"text": text}, 1
