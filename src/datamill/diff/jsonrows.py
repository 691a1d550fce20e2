"""Streaming JSON-array and newline-delimited JSON rows (DF-IN-4, DF-IN-5, DF-VAL-8)."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from datamill.diff.errors import DiffInputError
from datamill.io.source import is_utf8, text_codec

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type."""
    return _JSON_TYPES.get(type(value), "object" if isinstance(value, dict) else "array")


class _Object(dict):
    """A parsed JSON object that remembers its first repeated member name."""

    duplicate: str | None = None

    def __setitem__(self, name: str, value: Any) -> None:
        if self.duplicate is None and name in self:
            self.duplicate = name
        dict.__setitem__(self, name, value)


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    for name, value in pairs:
        obj[name] = value
    return obj


class _Utf8Reader:
    """Re-encode a stream in another codec as UTF-8 for the JSON parser."""

    def __init__(self, binary: BinaryIO, encoding: str) -> None:
        self._binary = binary
        self._decoder = codecs.getincrementaldecoder(encoding)()

    def read(self, size: int = -1) -> bytes:
        chunk = self._binary.read(size if size and size > 0 else -1)
        return self._decoder.decode(chunk, not chunk).encode("utf-8")


def _utf8_stream(binary: BinaryIO, encoding: str) -> Any:
    if is_utf8(encoding):
        if binary.read(3) != codecs.BOM_UTF8:
            binary.seek(0)
        return binary
    return _Utf8Reader(binary, encoding)


def _first_char(stream: Any) -> tuple[str, bytes]:
    """Skip leading whitespace; return the first significant character and bytes read."""
    read = b""
    while True:
        chunk = stream.read(4096)
        if not chunk:
            return "", read
        read += chunk
        stripped = read.lstrip(b" \t\r\n")
        if stripped:
            return chr(stripped[0]), read


class _Prefixed:
    """A stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self._head:
            head, self._head = self._head, b""
            return head
        return self._rest.read(size)


def _syntax_error(binary: BinaryIO, encoding: str, source: str, err: Exception) -> DiffInputError:
    binary.seek(0)
    text = codecs.decode(binary.read(), text_codec(encoding))
    try:
        json.loads(text)
    except json.JSONDecodeError as decode_err:
        return DiffInputError(
            f"invalid JSON: {decode_err.msg}",
            source=source,
            line=decode_err.lineno,
            column=decode_err.colno,
        )
    return DiffInputError(f"invalid JSON: {str(err).splitlines()[0]}", source=source)


def flatten(obj: dict[str, Any]) -> dict[str, Any]:
    """Nested arrays and objects become their JSON text, as csv-diff writes it."""
    for name, value in obj.items():
        if isinstance(value, (dict, list)):
            obj[name] = json.dumps(value)
    return obj


def array_objects(binary: BinaryIO, encoding: str, source: str) -> Iterator[tuple[int, dict]]:
    """Yield ``(element number, object)`` for a JSON array of objects, as parsed."""
    stream = _utf8_stream(binary, encoding)
    first, head = _first_char(stream)
    if not first:
        return
    if first != "[":
        found = {"{": "object", '"': "string", "t": "boolean", "f": "boolean", "n": "null"}.get(
            first, "number" if first in "-0123456789" else None
        )
        if found is None:
            raise _syntax_error(binary, encoding, source, ValueError("unexpected character"))
        raise DiffInputError(f"expected a JSON array of objects, found {found}", source=source)
    import ijson  # only JSON array inputs pay for it (start-up, issue 11)

    items = ijson.items(_Prefixed(head, stream), "item", use_float=True, map_type=_Object)
    try:
        yield from _elements(items, source)
    except (ijson.JSONError, UnicodeDecodeError) as err:
        raise _syntax_error(binary, encoding, source, err) from None


def array_text_objects(text: str, source: str) -> Iterator[tuple[int, dict]]:
    """``array_objects`` for a whole document already in memory (``history`` reads each
    version whole): the same checks and messages, parsed by the C decoder."""
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as err:
        raise DiffInputError(
            f"invalid JSON: {err.msg}", source=source, line=err.lineno, column=err.colno
        ) from None
    if not isinstance(data, list):
        raise DiffInputError(
            f"expected a JSON array of objects, found {json_type(data)}", source=source
        )
    return _elements(data, source)


def _elements(items: Iterable[Any], source: str) -> Iterator[tuple[int, dict]]:
    """Number the elements of an array; each must be an object without repeated names."""
    for number, element in enumerate(items, 1):
        if not isinstance(element, dict):
            raise DiffInputError(
                f"element {number} is not an object (found {json_type(element)})",
                source=source,
            )
        if isinstance(element, _Object) and element.duplicate is not None:
            raise DiffInputError(
                f'element {number} has duplicate key "{element.duplicate}"', source=source
            )
        yield number, element


def nl_objects(lines: Iterator[str], source: str) -> Iterator[tuple[int, dict]]:
    """Yield ``(line number, object)`` for newline-delimited JSON text lines."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_pairs)
        except json.JSONDecodeError as err:
            raise DiffInputError(
                f"invalid JSON: {err.msg}", source=source, line=number, column=err.colno
            ) from None
        if not isinstance(obj, dict):
            raise DiffInputError(
                f"expected a JSON object, found {json_type(obj)}", source=source, line=number
            )
        if isinstance(obj, _Object) and obj.duplicate is not None:
            raise DiffInputError(f'duplicate key "{obj.duplicate}"', source=source, line=number)
        yield number, obj
