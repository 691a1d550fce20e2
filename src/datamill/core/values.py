"""Encoding Python values for storage (L-GEN-6) and record hashing (L-UTIL-5)."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

#: Types the sqlite3 driver binds exactly as datamill wants them stored.
NATIVE_TYPES = frozenset({type(None), int, float, str, bytes, bool, memoryview})


def jsonify_if_needed(value: Any) -> Any:
    """Encode one value for storage: containers as JSON, dates as ISO text, and so on."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=repr, ensure_ascii=False)
    if isinstance(value, (datetime.time, datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.timedelta, uuid.UUID)):
        return str(value)
    return value


def encode_values(values: list[Any]) -> list[Any]:
    """Encode a flat list of values, returning the same list when nothing needs encoding."""
    if NATIVE_TYPES.issuperset(map(type, values)):
        return values
    return [jsonify_if_needed(value) for value in values]


def hash_record(record: Mapping[str, Any], keys: Iterable[str] | None = None) -> str:
    """SHA-1 hex digest of the record's (or the given keys') canonical JSON."""
    import hashlib  # start-up: only hash_id inserts need it (issue 11)

    to_hash = dict(record) if keys is None else {key: record[key] for key in keys}
    return hashlib.sha1(
        json.dumps(to_hash, separators=(",", ":"), sort_keys=True, default=repr).encode("utf8")
    ).hexdigest()


def chunks(sequence: Iterable[Any], size: int) -> Iterator[Iterator[Any]]:
    """Yield iterators of up to ``size`` items; consume each before taking the next."""
    iterator = iter(sequence)
    for item in iterator:
        yield _chunk(item, iterator, size)


def _chunk(first: Any, iterator: Iterator[Any], size: int) -> Iterator[Any]:
    yield first
    for _, item in zip(range(size - 1), iterator):
        yield item


def flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten nested dicts, joining keys with ``_``; lists are left as they are."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for inner_key, inner_value in flatten(value).items():
                flat[f"{key}_{inner_key}"] = inner_value
        else:
            flat[key] = value
    return flat


def decode_base64_values(doc: dict[str, Any]) -> dict[str, Any]:
    """Replace ``{"$base64": true, "encoded": ...}`` values with the decoded bytes."""
    to_fix = [
        key
        for key, value in doc.items()
        if isinstance(value, dict) and value.get("$base64") is True and "encoded" in value
    ]
    if not to_fix:
        return doc
    return {
        key: base64.b64decode(value["encoded"]) if key in to_fix else value
        for key, value in doc.items()
    }


def dedupe_keys(keys: Sequence[str]) -> list[str]:
    """Rename duplicate names ``x`` to ``x_2``, ``x_3``..., skipping names already taken."""
    taken = set(keys)
    seen: set[str] = set()
    result = []
    for key in keys:
        if key not in seen:
            seen.add(key)
            result.append(key)
            continue
        n = 2
        while f"{key}_{n}" in taken or f"{key}_{n}" in seen:
            n += 1
        new_key = f"{key}_{n}"
        seen.add(new_key)
        result.append(new_key)
    return result
