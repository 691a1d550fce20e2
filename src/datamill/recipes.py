"""Conversion recipes for ``convert`` (``r.parsedate`` etc. in the CLI) (L-REC)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


IGNORE = _Sentinel("IGNORE")
"""``errors=IGNORE``: an unparseable value is returned unchanged."""
SET_NULL = _Sentinel("SET_NULL")
"""``errors=SET_NULL``: an unparseable value becomes None."""


def _parse(value: Any, dayfirst: bool, yearfirst: bool, errors: Any) -> Any:
    from dateutil import parser as date_parser  # only date recipes need it: start-up (issue 11)

    try:
        return date_parser.parse(value, dayfirst=dayfirst, yearfirst=yearfirst)
    except date_parser.ParserError:
        if errors is IGNORE:
            return value
        if errors is SET_NULL:
            return None
        raise


def parsedate(
    value: Any, dayfirst: bool = False, yearfirst: bool = False, errors: Any = None
) -> Any:
    """Parse a date and return it as ``yyyy-mm-dd``; falsy values are returned unchanged."""
    if not value:
        return value
    parsed = _parse(value, dayfirst, yearfirst, errors)
    return parsed.date().isoformat() if hasattr(parsed, "date") else parsed


def parsedatetime(
    value: Any, dayfirst: bool = False, yearfirst: bool = False, errors: Any = None
) -> Any:
    """Parse a date and time and return it in ISO format; falsy values are returned unchanged."""
    if not value:
        return value
    parsed = _parse(value, dayfirst, yearfirst, errors)
    return parsed.isoformat() if hasattr(parsed, "isoformat") else parsed


def jsonsplit(value: str, delimiter: str = ",", type: Callable[[str], Any] = str) -> str:
    """Split on ``delimiter``, strip, convert each item with ``type``, return a JSON array."""
    return json.dumps([type(item.strip()) for item in value.split(delimiter)])
