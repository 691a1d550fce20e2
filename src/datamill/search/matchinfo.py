"""Decoding and annotating SQLite FTS ``matchinfo()`` blobs (S-FN-2 to S-FN-4, S-FN-8).

Blobs hold unsigned 32-bit integers in the host's native byte order, so every
decoder here uses ``struct``'s native ``=`` layout, never a fixed endianness.
"""

from __future__ import annotations

import json
import struct

from datamill.core.sql_functions import remember_error

__all__ = [
    "MatchinfoError",
    "annotate_matchinfo",
    "decode_matchinfo",
    "decode_matchinfo_text",
    "unpacker",
]


class MatchinfoError(ValueError):
    """A ranking function got input it cannot use; ``str()`` is the S-FN-8 message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        # SQLite hides exceptions raised inside Python functions behind a generic
        # message; remembering the last one lets datamill report the real text.
        remember_error(self)


_UNPACKERS: dict[int, object] = {}


def unpacker(size: int):
    """Return a function unpacking ``size`` bytes into native unsigned 32-bit ints."""
    unpack = _UNPACKERS.get(size)
    if unpack is None:
        unpack = _UNPACKERS[size] = struct.Struct(f"={size // 4}I").unpack
    return unpack


def decode_matchinfo(blob: bytes | None) -> tuple[int, ...] | None:
    """Decode a matchinfo blob into a tuple of integers (``None`` for NULL)."""
    if blob is None:
        return None
    if not isinstance(blob, bytes) or len(blob) % 4:
        raise MatchinfoError("decode_matchinfo() needs a matchinfo() blob")
    return unpacker(len(blob))(blob)


def decode_matchinfo_text(blob: bytes | None) -> str | None:
    """The SQL ``decode_matchinfo()``: the integers as ``[1, 2, ...]`` text."""
    values = decode_matchinfo(blob)
    if values is None:
        return None
    return "[" + ", ".join(map(str, values)) + "]"


_TITLES = {
    "p": "Number of matchable phrases in the query",
    "c": "Number of user defined columns in the FTS table",
    "x": "Details for each phrase/column combination",
    "y": "Usable phrase matches for each phrase/column combination",
    "b": "Bitfield showing which phrases occur in which columns",
    "n": "Number of rows in the FTS4 table",
    "a": "Average number of tokens in each column across the whole table",
    "l": "Number of tokens in each column of the current row of the FTS4 table",
    "s": "Length of longest subsequence of phrase matching each column",
}
_PER_COLUMN_KEY = {
    "a": "average_num_tokens",
    "l": "num_tokens",
    "s": "length_phrase_subsequence_match",
}
_FORMAT_ERROR = "annotate_matchinfo() needs the format string that was passed to matchinfo()"


class _Reader:
    """Hands out a blob's integers in order, with their positions."""

    def __init__(self, values: tuple[int, ...]) -> None:
        self.values = values
        self.position = 0

    def take(self) -> tuple[int, int]:
        if self.position >= len(self.values):
            raise MatchinfoError(_FORMAT_ERROR)
        self.position += 1
        return self.values[self.position - 1], self.position - 1


def annotate(values: tuple[int, ...], format: str) -> dict:
    """Describe decoded matchinfo ``values`` letter by letter, as a dict."""
    reader = _Reader(values)
    phrases = columns = None
    result: dict = {}
    for letter in format:
        if letter in "pcn":
            value, idx = reader.take()
            if letter == "p":
                phrases = value
            elif letter == "c":
                columns = value
            result[letter] = {"value": value, "title": _TITLES[letter], "idx": idx}
        elif letter in "xyb":
            if phrases is None or columns is None:
                return {"error": f"'{letter}' must be preceded by 'p' and 'c'"}
            result[letter] = _annotate_phrase_letter(letter, reader, phrases, columns)
        elif letter in "als":
            if columns is None:
                return {"error": f"'{letter}' must be preceded by 'c'"}
            entries = []
            for column in range(columns):
                value, idx = reader.take()
                entries.append({"column_index": column, _PER_COLUMN_KEY[letter]: value, "idx": idx})
            result[letter] = {"title": _TITLES[letter], "value": entries}
    return result


def _annotate_phrase_letter(letter: str, reader: _Reader, phrases: int, columns: int) -> dict:
    if letter == "b":
        words, decoded = [], {}
        for phrase in range(phrases):
            bits = []
            for _ in range((columns + 31) // 32):
                word = reader.take()[0]
                words.append(word)
                bits.append(format(word, "032b")[::-1])
            decoded[f"phrase_{phrase}"] = "".join(bits)
        return {"title": _TITLES["b"], "value": words, "decoded": decoded}
    entries = []
    for phrase in range(phrases):
        for column in range(columns):
            if letter == "x":
                (hits, i1), (all_hits, i2), (docs, i3) = reader.take(), reader.take(), reader.take()
                entries.append(
                    {
                        "phrase_index": phrase,
                        "column_index": column,
                        "hits_this_column_this_row": hits,
                        "hits_this_column_all_rows": all_hits,
                        "docs_with_hits": docs,
                        "idxs": [i1, i2, i3],
                    }
                )
            else:
                hits, idx = reader.take()
                entries.append(
                    {
                        "phrase_index": phrase,
                        "column_index": column,
                        "hits_for_phrase_in_col": hits,
                        "idx": idx,
                    }
                )
    return {"value": entries, "title": _TITLES[letter]}


def annotate_matchinfo(blob: bytes | None, format: str) -> str | None:
    """JSON describing each value of a matchinfo blob made with ``format``."""
    if blob is None:
        return None
    if isinstance(blob, (bytes, str)) and not blob:
        return "{}"
    if not isinstance(format, str) or not isinstance(blob, bytes) or len(blob) % 4:
        raise MatchinfoError(_FORMAT_ERROR)
    return json.dumps(annotate(unpacker(len(blob))(blob), format), indent=2)
