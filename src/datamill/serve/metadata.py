"""The ``--metadata`` JSON file: titles, descriptions and per-table options (SV-CLI-5).

Text is plain and shown escaped; there is no HTML, Markdown or environment expansion.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["Metadata", "MetadataError", "load_metadata"]

_TEXT_KEYS = ("title", "description", "license", "source", "about")
_INSTANCE_KEYS = frozenset([*_TEXT_KEYS, *(f"{k}_url" for k in _TEXT_KEYS), "databases"])
_DATABASE_KEYS = (_INSTANCE_KEYS - {"databases"}) | {"tables"}
_TABLE_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "description": (str,),
    "columns": (dict,),
    "sort": (str,),
    "sort_desc": (str,),
    "size": (int,),
    "facets": (list,),
    "facet_size": (int, str),
    "hidden": (bool,),
    "label_column": (str,),
    "fts_table": (str,),
    "fts_pk": (str,),
    "searchmode": (str,),
    "sortable_columns": (list,),
    **{f"{k}_url": (str,) for k in _TEXT_KEYS},
    **{k: (str,) for k in ("license", "source", "about")},
}
_TYPE_NAMES = {
    str: "a string",
    dict: "an object",
    int: "an integer",
    list: "a list",
    bool: "true or false",
}


class MetadataError(ValueError):
    """Metadata that cannot be used; ``str()`` is the reason."""


class Metadata:
    """Validated metadata with lookups for the instance, a database and a table."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self.data: dict[str, Any] = dict(data or {})

    def instance(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k != "databases"}

    def database(self, name: str) -> dict[str, Any]:
        entry = self.data.get("databases", {}).get(name, {})
        return {k: v for k, v in entry.items() if k != "tables"}

    def table(self, database: str, table: str) -> dict[str, Any]:
        return dict(
            self.data.get("databases", {}).get(database, {}).get("tables", {}).get(table, {})
        )

    def hidden_tables(self, database: str) -> frozenset[str]:
        tables = self.data.get("databases", {}).get(database, {}).get("tables", {})
        return frozenset(name for name, entry in tables.items() if entry.get("hidden") is True)


def _check_type(path: str, value: Any, types: tuple[type, ...]) -> None:
    if isinstance(value, bool) and bool not in types:
        ok = False
    else:
        ok = isinstance(value, types)
    if not ok:
        raise MetadataError(f"{path} must be {_TYPE_NAMES[types[0]]}")


def _check_facets(path: str, facets: list) -> None:
    for index, facet in enumerate(facets):
        if isinstance(facet, str):
            continue
        if (
            isinstance(facet, dict)
            and len(facet) == 1
            and next(iter(facet)) in ("array", "date")
            and isinstance(next(iter(facet.values())), str)
        ):
            continue
        raise MetadataError(
            f'{path}[{index}] must be a column name, {{"array": column}} or {{"date": column}}'
        )


def validate_metadata(data: Any) -> tuple[dict[str, Any], list[str]]:
    """Check ``data``; return it and the dotted paths of unknown keys (which are ignored)."""
    unknown: list[str] = []
    if not isinstance(data, dict):
        raise MetadataError("the top level must be an object")
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _INSTANCE_KEYS:
            unknown.append(key)
        elif key == "databases":
            _check_type(key, value, (dict,))
            cleaned[key] = {
                name: _database(f"databases.{name}", entry, unknown)
                for name, entry in value.items()
            }
        else:
            _check_type(key, value, (str,))
            cleaned[key] = value
    return cleaned, unknown


def _database(path: str, entry: Any, unknown: list[str]) -> dict[str, Any]:
    _check_type(path, entry, (dict,))
    cleaned: dict[str, Any] = {}
    for key, value in entry.items():
        if key not in _DATABASE_KEYS:
            unknown.append(f"{path}.{key}")
        elif key == "tables":
            _check_type(f"{path}.tables", value, (dict,))
            cleaned[key] = {
                name: _table(f"{path}.tables.{name}", table, unknown)
                for name, table in value.items()
            }
        else:
            _check_type(f"{path}.{key}", value, (str,))
            cleaned[key] = value
    return cleaned


def _table(path: str, entry: Any, unknown: list[str]) -> dict[str, Any]:
    _check_type(path, entry, (dict,))
    cleaned: dict[str, Any] = {}
    for key, value in entry.items():
        types = _TABLE_TYPES.get(key)
        if types is None:
            unknown.append(f"{path}.{key}")
            continue
        _check_type(f"{path}.{key}", value, types)
        if key == "columns" and not all(isinstance(v, str) for v in value.values()):
            raise MetadataError(f"{path}.columns must map column names to text")
        if key == "facets":
            _check_facets(f"{path}.facets", value)
        if key == "sortable_columns" and not all(isinstance(v, str) for v in value):
            raise MetadataError(f"{path}.sortable_columns must be a list of column names")
        if key == "searchmode" and value not in ("raw", "escaped"):
            raise MetadataError(f"{path}.searchmode must be raw or escaped")
        if (
            key in ("size", "facet_size")
            and value != "max"
            and (isinstance(value, str) or value < 1)
        ):
            raise MetadataError(f"{path}.{key} must be a positive integer")
        cleaned[key] = value
    if "sort" in cleaned and "sort_desc" in cleaned:
        raise MetadataError(f"{path} cannot have both sort and sort_desc")
    return cleaned


def load_metadata(source: str | Path | Mapping[str, Any] | None) -> tuple[Metadata, list[str]]:
    """Read and check metadata from a file path or a mapping.

    Returns the metadata and the SV-CLI-5 warning lines for unknown keys. A file that cannot
    be read or used raises ``MetadataError`` with ``Invalid metadata in <file>: <reason>``.
    """
    if source is None:
        return Metadata(), []
    if isinstance(source, Mapping):
        label = "metadata"
        data: Any = source
    else:
        label = str(source)
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise MetadataError(f"Invalid metadata in {label}: {_reason(error)}") from None
        except json.JSONDecodeError as error:
            raise MetadataError(f"Invalid metadata in {label}: {error}") from None
    try:
        cleaned, unknown = validate_metadata(data)
    except MetadataError as error:
        raise MetadataError(f"Invalid metadata in {label}: {error}") from None
    warnings = [f"Warning: {label}: unknown key {path} ignored" for path in unknown]
    return Metadata(cleaned), warnings


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
