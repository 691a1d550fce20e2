"""Input formats and their detection (L-UTIL-3, C-MEMORY format detection)."""

from __future__ import annotations

import csv
import enum

from datamill.io.dialect import sniff_dialect


class Format(enum.Enum):
    """The file formats ``rows_from_file`` understands."""

    CSV = 1
    TSV = 2
    JSON = 3
    NL = 4


SNIFF_BYTES = 2048


def detect_format(head: bytes) -> tuple[Format | None, type[csv.Dialect] | None]:
    """Guess the format from the first bytes of a file.

    Returns ``(None, None)`` for empty or whitespace-only input, ``(Format.JSON, None)``
    when the input starts with ``[`` or ``{``, else CSV or TSV with the sniffed dialect.
    Raises ``csv.Error`` when the dialect cannot be sniffed.
    """
    stripped = head[:SNIFF_BYTES].strip()
    if not stripped:
        return None, None
    if stripped[:1] in (b"[", b"{"):
        return Format.JSON, None
    dialect = sniff_head(head)
    return (Format.TSV if dialect.delimiter == "\t" else Format.CSV), dialect


def sniff_head(head: bytes, encoding: str = "utf-8") -> type[csv.Dialect]:
    """Sniff a CSV dialect from the first 2048 bytes; ``csv.Error`` if that fails."""
    text = head[:SNIFF_BYTES].decode(encoding, errors="ignore").lstrip("\ufeff")
    return sniff_dialect(text)
