"""Rewriting date and datetime cells as ISO 8601 text (CS-6).

The grammar is fixed and never depends on today's date or the locale: ``-df`` formats,
ISO 8601, ``Y/M/D``, ``A/B/Y`` (month first unless that cannot be) and English month names,
each optionally followed by a time and a zone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]+)\.?"
_ZONE = r"(?P<zone>Z|UTC|[+-]\d\d:?\d\d)"
_ISO_TIME = r"(?:[T ](?P<H>\d\d):(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.(?P<f>\d{1,6}))?)?" + _ZONE + "?)?"
_TIME = (
    r"(?:[T ](?P<H>\d{1,2})(?::(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.(?P<f>\d{1,6}))?)?)?"
    r" ?(?P<ampm>[aApP][mM])?(?: ?" + _ZONE + ")?)?"
)
_WEEKDAY = r"(?:[A-Za-z]+\.?, ?)?"
_PATTERNS = [
    re.compile(r"(?P<Y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)" + _ISO_TIME),
    re.compile(r"(?P<Y>\d{4})(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _TIME),
    re.compile(r"(?P<A>\d{1,2})(?P<sep>[/.-])(?P<B>\d{1,2})(?P=sep)(?P<y>\d{4}|\d\d)" + _TIME),
    re.compile(_WEEKDAY + _MONTH + r" (?P<d>\d{1,2}),? (?P<Y>\d{4})" + _TIME),
    re.compile(_WEEKDAY + r"(?P<d>\d{1,2})(?: |-)" + _MONTH + r"(?: |-)(?P<Y>\d{4})" + _TIME),
]


def _zone(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text in ("Z", "UTC"):
        return dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError("bad zone")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    two = int(text)
    return 2000 + two if two <= 68 else 1900 + two


def _from_match(match: re.Match[str]) -> dt.datetime:
    parts = match.groupdict()
    if parts.get("A") is not None:
        first, second = int(parts["A"]), int(parts["B"])
        month, day = (second, first) if first > 12 and second <= 12 else (first, second)
        year = _year(parts["y"])
    else:
        year = int(parts["Y"])
        day = int(parts["d"])
        if parts.get("m") is not None:
            month = int(parts["m"])
        else:
            month = _MONTHS.get(parts["month"].lower(), 0)
    hour = int(parts["H"]) if parts.get("H") else 0
    ampm = parts.get("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("bad hour")
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    minute = int(parts["M"]) if parts.get("M") else 0
    second = int(parts["S"]) if parts.get("S") else 0
    fraction = int(parts["f"].ljust(6, "0")) if parts.get("f") else 0
    return dt.datetime(year, month, day, hour, minute, second, fraction, _zone(parts["zone"]))


def parse_datetime(value: str, formats: Sequence[str] = ()) -> dt.datetime | None:
    """The moment ``value`` names under the CS-6 rules, or None when no rule accepts it."""
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    for pattern in _PATTERNS:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        try:
            return _from_match(match)
        except ValueError:  # an impossible date matches nothing
            return None
    return None


class DateRewriter:
    """Rewrites one column's cells as ``YYYY-MM-DD`` (``with_time=False``) or ``isoformat()``,
    counting the values it had to keep as they were."""

    def __init__(self, column: str, with_time: bool, formats: Sequence[str]) -> None:
        self.column = column
        self.with_time = with_time
        self.formats = tuple(formats)
        self.kept = 0
        self.first_kept: tuple[int, str] | None = None  # (row number, value)

    def rewrite(self, value: str | None, row: int) -> str | None:
        """The ISO text for a cell (None and empty stay None; unparseable kept unchanged)."""
        if value is None:
            return None
        text = value.strip()
        if not text:
            return None
        moment = parse_datetime(text, self.formats)
        if moment is None:
            self.kept += 1
            if self.first_kept is None:
                self.first_kept = (row, value)
            return value
        return moment.isoformat() if self.with_time else moment.date().isoformat()

    def absorb(self, kept: int, first_kept: tuple[int, str] | None, rows_before: int) -> None:
        """Count the values kept in a later part of the input, whose rows are numbered
        from 1 after ``rows_before`` rows."""
        self.kept += kept
        if self.first_kept is None and first_kept is not None:
            self.first_kept = (first_kept[0] + rows_before, first_kept[1])
