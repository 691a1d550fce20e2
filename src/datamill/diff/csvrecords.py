"""Reading CSV/TSV records fast without giving up the csv module's rules (DF-IN-3).

Most physical lines are complete records whose fields can be found with a
plain ``split``: lines without a quote character, and lines with exactly one
quoted field that has no quotes inside and sits between delimiters. Those are
yielded as raw text and parsed only on demand. Every other line goes through
the ``csv`` module, which may pull further physical lines for quoted line
breaks, so the records and fields are always exactly what ``csv.reader``
with the same dialect returns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any, TextIO

from datamill.diff.errors import DiffInputError, duplicate_column
from datamill.io.dialect import SNIFF_CHARS, sniff_text
from datamill.io.field_size import maximize_csv_field_size_limit

Record = tuple[int, str, "list[str] | None"]


def compact_key(text: str) -> int | str:
    """An ASCII-digit key as an ``int`` when that round-trips exactly, else unchanged."""
    return int(text) if text[0] != "0" or len(text) == 1 else text


def sniff(stream: TextIO) -> type[csv.Dialect]:
    """The sniffed dialect of ``stream`` (DF-IN-3); rewinds it."""
    sample = stream.read(SNIFF_CHARS)
    stream.seek(0)
    return sniff_text(sample)


def _fast_dialect(dialect: type[csv.Dialect]) -> bool:
    return (
        dialect.quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL)
        and not dialect.skipinitialspace
        and dialect.escapechar is None
        and dialect.quotechar is not None
        and len(dialect.delimiter) == 1
    )


class CsvRecords:
    """Header and records of one decoded CSV/TSV stream.

    ``records()`` yields ``(line, raw, fields)``: the 1-based line where the
    record starts, its text without the line ending, and its fields, or
    ``None`` when ``raw`` is a single line that ``fields_of`` parses.
    """

    def __init__(
        self,
        stream: TextIO,
        dialect: type[csv.Dialect],
        source: str,
        on_decode_error: Callable[[], DiffInputError],
    ) -> None:
        maximize_csv_field_size_limit()  # DF-IN-3.6
        self.dialect = dialect
        self.source = source
        self.delimiter = dialect.delimiter
        self.quote = dialect.quotechar
        self._fast = _fast_dialect(dialect)
        self._stream = stream
        self._on_decode_error = on_decode_error
        self._lines = iter(stream)
        self._lineno = 0
        self.columns: list[str] | None = None
        self.multiline = False
        self.complete = False

    # -- header -------------------------------------------------------------

    def read_header(self) -> list[str] | None:
        """Read the header record; ``None`` when the input holds no records."""
        for lineno, raw, fields in self._iterate(None):
            header = fields if fields is not None else self.fields_of(raw)
            stripped = raw.strip()
            if stripped.startswith(("[{", '{"')):
                raise DiffInputError(
                    "looks like JSON; use --format json or --format nl", source=self.source
                )
            duplicate = duplicate_column(header)
            if duplicate is not None:
                raise DiffInputError(duplicate, source=self.source, line=lineno)
            self.columns = header
            return header
        return None

    def records(self) -> Iterator[Record]:
        """Yield the data records after ``read_header``."""
        if self.columns is None:
            return iter(())
        return self._iterate(len(self.columns))

    def release(self) -> None:
        """Detach the text layer, leaving the binary file it wraps open for another pass."""
        if isinstance(self._stream, io.TextIOWrapper):
            self._stream.detach()

    # -- parsing ------------------------------------------------------------

    def fields_of(self, raw: str) -> list[str]:
        """Fields of a record that is a single physical line."""
        q, d = self.quote or "\0", self.delimiter
        if self._fast:
            if q not in raw:
                return raw.split(d)
            parts = raw.split(q)
            if (
                len(parts) == 3
                and (not parts[0] or parts[0][-1] == d)
                and (not parts[2] or parts[2][0] == d)
            ):
                return parts[0].split(d)[:-1] + [parts[1]] + parts[2].split(d)[1:]
        return next(csv.reader([raw], self.dialect))

    def _iterate(self, ncols: int | None) -> Iterator[Record]:
        for lineno, _key, _fp, raw, fields in self._scan(ncols, None, None, False):
            yield lineno, raw, fields

    def keyed(
        self,
        key_idx: Sequence[int],
        fp_get: Callable[[list[str]], Any] | None,
        raw_fp: bool,
        compact: bool = False,
    ) -> Iterator[tuple[int, Any, int, str, list[str] | None]]:
        """Yield ``(line, key, fingerprint, raw, fields)`` for the data records.

        The key is the field at ``key_idx`` (a tuple for several; with
        ``compact``, a single canonical decimal key becomes an ``int``). The
        fingerprint is ``hash(raw)`` with ``raw_fp``, else the hash of
        ``fp_get(fields)``, or 0 without ``fp_get``.
        """
        if self.columns is None:
            return iter(())
        return self._scan(len(self.columns), list(key_idx), fp_get, raw_fp, compact)

    def _scan(self, ncols, key_idx, fp_get, raw_fp, compact=False):
        try:
            yield from self._scan_lines(ncols, key_idx, fp_get, raw_fp, compact)
        except UnicodeDecodeError:
            raise self._on_decode_error() from None

    def _scan_lines(self, ncols, key_idx, fp_get, raw_fp, compact):
        d, q = self.delimiter, self.quote
        fast = self._fast and ncols is not None
        lines = self._lines
        lineno = self._lineno
        keyed = bool(key_idx)
        kmax = max(key_idx) if keyed else 0
        k0 = key_idx[0] if keyed else 0
        key_get = itemgetter(*key_idx) if keyed and len(key_idx) > 1 else None
        first_key = keyed and kmax == 0
        need_fields = fp_get is not None
        # The two common single-line shapes take the first branches and
        # ``continue``; everything else reaches the general code below.
        plain = fast and not need_fields and (first_key or not keyed)
        nd = (ncols or 0) - 1
        fields_of = self.fields_of
        key = None
        fp = 0
        for line in lines:
            lineno += 1
            raw = line.rstrip("\r\n")
            if not raw:
                continue
            if "\0" in raw:
                raise DiffInputError(
                    "NUL byte in input; is this really a CSV file?", source=self.source, line=lineno
                )
            if plain:
                if q not in raw:
                    if raw.count(d) == nd:
                        if keyed:
                            key = raw[: raw.find(d)] if nd else raw
                            if compact and key.isdigit() and key.isascii():
                                key = compact_key(key)
                        if raw_fp:
                            fp = hash(raw)
                        yield lineno, key, fp, raw, None
                        continue
                else:
                    parts = raw.split(q)
                    if len(parts) == 3:
                        p0 = parts[0]
                        p2 = parts[2]
                        if (
                            p0
                            and p0[-1] == d
                            and (not p2 or p2[0] == d)
                            and p0.count(d) + p2.count(d) == nd
                        ):
                            if keyed:
                                key = p0[: p0.find(d)]
                                if compact and key.isdigit() and key.isascii():
                                    key = compact_key(key)
                            if raw_fp:
                                fp = hash(raw)
                            yield lineno, key, fp, raw, None
                            continue
            start = lineno
            head = None
            fields = None
            nhead = 0
            if fast:
                if q not in raw:
                    if need_fields:
                        fields = raw.split(d)
                    elif raw.count(d) == nd:
                        head = raw
                        nhead = nd
                    else:
                        fields = raw.split(d)
                else:
                    parts = raw.split(q)
                    if (
                        len(parts) == 3
                        and (not parts[0] or parts[0][-1] == d)
                        and (not parts[2] or parts[2][0] == d)
                    ):
                        if need_fields:
                            fields = parts[0].split(d)
                            fields[-1] = parts[1]
                            fields += parts[2].split(d)[1:]
                        else:
                            nhead = parts[0].count(d)
                            if nhead + parts[2].count(d) == nd:
                                head = parts[0]
                            else:
                                fields = parts[0].split(d)[:-1] + [parts[1]]
                                fields += parts[2].split(d)[1:]
                    else:
                        fields, raw, lineno = self._parse(line, lineno)
            else:
                fields, raw, lineno = self._parse(line, lineno)
            if fields is not None and ncols is not None and len(fields) != ncols:
                fields = self._fit(fields, ncols, start)
            if keyed:
                if fields is None and nhead > kmax:
                    split = head.split(d, kmax + 1)
                    key = split[k0] if key_get is None else key_get(split)
                else:
                    if fields is None:
                        fields = fields_of(raw)
                    key = fields[k0] if key_get is None else key_get(fields)
                if compact and key.isdigit() and key.isascii():
                    key = compact_key(key)
            if raw_fp:
                fp = hash(raw)
            elif need_fields:
                fp = hash(fp_get(fields))
            yield start, key, fp, raw, fields
        self._lineno = lineno
        self.complete = True

    def pick(
        self, key_idx: Sequence[int], wanted: set, compact: bool = False
    ) -> Iterator[tuple[Any, str, list[str]]]:
        """Yield ``(key, raw, fields)`` for the records whose key is in ``wanted``.

        Only for an input already read in full and found to hold no quoted
        line breaks, so that every non-blank physical line is one record.
        """
        if self.columns is None:
            return
        d, q, ncols = self.delimiter, self.quote or "\0", len(self.columns)
        key_idx = list(key_idx)
        first_key = key_idx == [0]
        key_get = itemgetter(*key_idx) if len(key_idx) > 1 else None
        fields_of = self.fields_of
        key: Any  # the key's text, or its compact int form
        for line in self._lines:
            if first_key:
                i = line.find(d)
                if i > 0 and q not in line[:i]:
                    key = line[:i]
                    if compact and key.isdigit() and key.isascii():
                        key = compact_key(key)
                    if key not in wanted:
                        continue
            raw = line.rstrip("\r\n")
            if not raw:
                continue
            fields = fields_of(raw)
            if len(fields) != ncols:
                fields = fields[:ncols]
            key = fields[key_idx[0]] if key_get is None else key_get(fields)
            if compact and key_get is None and key.isdigit() and key.isascii():
                key = compact_key(key)
            if key in wanted:
                yield key, raw, fields

    def _parse(self, first: str, lineno: int) -> tuple[list[str], str, int]:
        """Parse one record with the csv module, starting at physical line ``first``."""
        taken = [first]
        lines = self._lines
        source = self.source

        def feed() -> Iterator[str]:
            yield first
            for more in lines:
                if "\0" in more:
                    raise DiffInputError(
                        "NUL byte in input; is this really a CSV file?",
                        source=source,
                        line=lineno + len(taken),
                    )
                taken.append(more)
                yield more
            raise DiffInputError("unterminated quoted field", source=source, line=lineno)

        fields = next(csv.reader(feed(), self.dialect))
        if len(taken) == 1:
            self._lineno = lineno
            return fields, first.rstrip("\r\n"), lineno
        self.multiline = True
        lineno += len(taken) - 1
        self._lineno = lineno
        return fields, "".join(taken).rstrip("\r\n"), lineno

    def _fit(self, fields: list[str], ncols: int, lineno: int) -> list[str]:
        """Drop empty trailing extras; any other width mismatch is DF-VAL-6."""
        if len(fields) > ncols and not any(fields[ncols:]):
            return fields[:ncols]
        raise DiffInputError(
            f"expected {ncols} fields, found {len(fields)}", source=self.source, line=lineno
        )
