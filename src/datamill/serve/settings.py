"""The ``--setting NAME VALUE`` table of ``datamill serve`` and its validation (SV-CLI-4).

Pure Python with no web dependencies, so ``publish docker`` can check settings without the
``serve`` extra installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["SettingError", "Settings", "parse_setting", "SETTING_NAMES"]

_TRUE = ("on", "true", "1")
_FALSE = ("off", "false", "0")


class SettingError(ValueError):
    """A setting name or value that ``datamill serve`` cannot use; ``str()`` is the reason."""


@dataclass(frozen=True)
class Settings:
    """Every setting of SV-CLI-4 with its default."""

    default_page_size: int = 100
    max_returned_rows: int = 1000
    sql_time_limit_ms: int = 1000
    count_time_limit_ms: int = 200
    facet_time_limit_ms: int = 200
    default_facet_size: int = 30
    suggest_facets: bool = True
    facet_suggest_time_limit_ms: int = 50
    facet_suggest_budget_ms: int = 500
    allow_facet: bool = True
    default_allow_sql: bool = True
    allow_csv_stream: bool = True
    max_csv_mb: int = 0
    max_stream_seconds: int = 3600
    max_concurrent_streams: int = 4
    max_response_mb: int = 50
    num_sql_threads: int = 4
    default_cache_ttl: int = 5
    truncate_cells_html: int = 2048
    base_url: str = "/"
    force_https_urls: bool = False
    allowed_hosts: str = "auto"
    allow_robots: bool = False
    classify_allow_private: bool = False

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, Any]] | Mapping[str, Any] | None) -> Settings:
        """Build settings from ``(name, value)`` pairs (or a mapping); later pairs win."""
        if pairs is None:
            return cls()
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        return replace(cls(), **{name: parse_setting(name, value) for name, value in items})


#: The minimum of each integer setting; 0 means "no cap" where the setting allows it.
_MINIMUM = {
    "max_csv_mb": 0,
    "max_stream_seconds": 0,
    "default_cache_ttl": 0,
    "truncate_cells_html": 0,
}
_TYPES = {field.name: field.type for field in fields(Settings)}
SETTING_NAMES = tuple(_TYPES)


def parse_setting(name: str, value: Any) -> Any:
    """Return ``value`` converted for setting ``name``; raise ``SettingError`` if it cannot be.

    Strings are parsed as given on the command line; Python values are checked as they are.
    """
    kind = _TYPES.get(name)
    if kind is None:
        raise SettingError(f"unknown setting '{name}'")
    if kind == "bool":
        return _parse_bool(name, value)
    if kind == "int":
        return _parse_int(name, value, _MINIMUM.get(name, 1))
    text = str(value)
    if name == "base_url" and not (text.startswith("/") and text.endswith("/")):
        raise SettingError(f"base_url needs a path that starts and ends with /, got '{text}'")
    if name == "allowed_hosts" and not [h for h in text.split(",") if h.strip()]:
        raise SettingError(f"allowed_hosts needs auto, * or a comma list of hosts, got '{text}'")
    return text


def _parse_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingError(f"{name} needs on, off, true, false, 1 or 0, got '{value}'")


def _parse_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        number = int(text) if text.isascii() and text.lstrip("-").isdigit() else None
    if number is None or number < minimum:
        raise SettingError(f"{name} needs an integer >= {minimum}, got '{value}'")
    return number
