"""Turn parsed rows into the keyed mappings the diff library compares (diff.md DF-KEY)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from datamill.track.content import ContentError, Parsed


class KeyedRows(dict):
    """Identity -> row dict, in file order, with ``.columns`` and ``.key`` (DF-LIB-1 shape)."""

    columns: list[str]
    key: tuple[str, ...] | None


def _display_value(value: object) -> object:
    """DF-IN-4: nested JSON values become their JSON text, as csv-diff writes it."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def _normalise(row: dict, columns: list[str]) -> dict:
    out = {name: _display_value(value) for name, value in row.items()}
    for name in columns:
        out.setdefault(name, None)
    return out


def keyed_rows(
    parsed: Parsed,
    key: Sequence[str],
    on_duplicate: str,
    source: str,
    warnings: list[str],
) -> KeyedRows:
    """Index the rows by ``key`` (or by content when empty), applying ``--on-duplicate``.

    Raises ContentError with the DF-VAL-1/DF-VAL-2 messages; appends DF-KEY-4 warnings.
    """
    result = KeyedRows()
    result.columns = list(parsed.columns)
    result.key = tuple(key) or None
    word = parsed.position_word
    if not key:
        for row in parsed.rows:
            digest = hashlib.sha1(json.dumps(row, sort_keys=True).encode()).hexdigest()
            identity, copy = digest, 1
            while identity in result:
                copy += 1
                identity = f"{digest}#{copy}"
            result[identity] = _normalise(row, result.columns)
        return result
    if parsed.columns and word == "line":
        missing = [name for name in key if name not in parsed.columns]
        if missing:
            names = ", ".join(f'"{name}"' for name in parsed.columns)
            raise ContentError(
                f'{source}: key column "{missing[0]}" not found; columns are: {names}'
            )
    first_position: dict[object, int] = {}
    dropped = 0
    for row, position in zip(parsed.rows, parsed.positions, strict=True):
        for name in key:
            if name not in row:
                if word == "element":
                    raise ContentError(f'{source}: element {position} has no key member "{name}"')
                raise ContentError(f'{source}, line {position}: no key member "{name}"', position)
        identity = row[key[0]] if len(key) == 1 else tuple(row[name] for name in key)
        identity = _display_value(identity) if len(key) == 1 else identity
        if identity in result:
            if on_duplicate == "error":
                shown = ", ".join(f"{name}={json.dumps(row[name])}" for name in key)
                plural = "elements" if word == "element" else "lines"
                raise ContentError(
                    f"{source}: duplicate key {shown} on {plural} {first_position[identity]} "
                    f"and {position}; use --on-duplicate first or --on-duplicate last to keep one"
                )
            dropped += 1
            if on_duplicate == "last":
                result[identity] = _normalise(row, result.columns)
            continue
        first_position[identity] = position
        result[identity] = _normalise(row, result.columns)
    if dropped:
        warnings.append(
            f"Warning: {source}: {dropped} rows with duplicate keys dropped "
            f"(--on-duplicate {on_duplicate})"
        )
    return result
