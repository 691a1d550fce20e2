"""CSV dialect sniffing that the sample itself can overrule (DF-IN-3, O-INPUT ``--sniff``).

``csv.Sniffer`` picks the quote character by counting quote-like runs, so text such as
``Prunus serrulata 'Kwanzan'`` can make it choose ``'`` for a plain comma-and-``"`` file,
which then splits ``"(37.7, -122.4)"`` into two fields. Every dialect considered here is
checked by parsing the sample: a dialect fits when every record of the sample has the
header's field count (trailing empty extras allowed, as DF-VAL-6 accepts them).

The choice, in order: the sniffed dialect when its quote character is ``"`` and it fits;
else the standard dialect (``"`` quoting with doubled quotes) with the sniffed delimiter,
then with ``,``, if it fits with at least two columns; else the sniffed dialect if it fits.
When nothing fits, the standard dialect with the sniffed delimiter stands in for a sniffed
dialect whose quote character the sample contradicts.
"""

from __future__ import annotations

import csv
import re

from datamill.io.field_size import maximize_csv_field_size_limit

__all__ = ["SNIFF_CHARS", "sniff_dialect", "sniff_text"]

#: How much of a file ``sniff_text`` looks at.
SNIFF_CHARS = 1 << 20

_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def sniff_dialect(
    sample: str,
    delimiters: str | None = None,
    default: type[csv.Dialect] | None = None,
) -> type[csv.Dialect]:
    """The dialect of CSV text that starts with ``sample``.

    ``delimiters`` limits the delimiters considered (``None``: any, as ``csv.Sniffer``).
    When no delimiter can be found, returns ``default``, or raises ``csv.Error`` without one.
    """
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters)
    except csv.Error:
        sniffed = None
    lines = _complete_lines(sample)
    if sniffed is not None and sniffed.quotechar == '"' and _width(lines, sniffed):
        return sniffed
    standards = [_standard(sniffed.delimiter)] if sniffed is not None else []
    if (delimiters is None or "," in delimiters) and csv.excel not in standards:
        standards.append(csv.excel)
    for standard in standards:
        if _width(lines, standard) >= 2:
            return standard
    if sniffed is not None:
        if _width(lines, sniffed) or sniffed.quotechar == '"':
            return sniffed
        return standards[0]
    if default is not None:
        return default
    raise csv.Error("Could not determine delimiter")


def sniff_text(sample: str) -> type[csv.Dialect]:
    """The dialect of CSV text for ``diff``, ``track`` and ``history`` (DF-IN-3).

    Looks at the first ``SNIFF_CHARS`` characters and chooses among ``,``, tab and ``;``;
    Excel when none fits. Fields of any size are accepted (DF-IN-3.6), in the sample too.
    """
    maximize_csv_field_size_limit()
    return sniff_dialect(sample[:SNIFF_CHARS], ",\t;", csv.excel)


def _standard(delimiter: str) -> type[csv.Dialect]:
    if delimiter == ",":
        return csv.excel
    if delimiter == "\t":
        return csv.excel_tab
    return type("standard", (csv.excel,), {"delimiter": delimiter})


def _complete_lines(sample: str) -> list[str]:
    """The sample's lines (ended by CR, LF or CRLF, as the csv module reads them), without a
    last line that the end of the sample may have cut."""
    lines = _LINE.findall(sample)
    if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines.pop()
    return lines


def _width(lines: list[str], dialect: type[csv.Dialect]) -> int:
    """The header's field count if every record of ``lines`` has it, else 0.

    A quoted field left open by the end of ``lines`` is taken as cut off by the sample's end.
    """
    reader = csv.reader(lines, dialect, strict=True)
    width = 0
    try:
        for record in reader:
            if not record:
                continue
            if not width:
                width = len(record)
            elif len(record) != width and (len(record) < width or any(record[width:])):
                return 0
    except csv.Error:
        if reader.line_num < len(lines):
            return 0
    return width
