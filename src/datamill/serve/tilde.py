"""Tilde encoding of database, table and key values in URLs (SV-URL-1).

UTF-8 bytes outside ``A-Za-z0-9_-`` become ``~XX`` (uppercase hex) and a space becomes ``+``,
so an encoded name never contains ``.``, ``/`` or ``%`` and survives proxies that decode URLs.
"""

from __future__ import annotations

import re

__all__ = ["tilde_encode", "tilde_decode", "encode_key", "decode_key"]

_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPE = re.compile(r"~([0-9A-Fa-f]{2})")
_TABLE = {byte: chr(byte) if byte in _SAFE else f"~{byte:02X}" for byte in range(256)}
_TABLE[0x20] = "+"


def tilde_encode(value: str) -> str:
    """Encode ``value`` for one URL path segment."""
    return "".join(_TABLE[byte] for byte in value.encode("utf-8", "surrogatepass"))


def tilde_decode(segment: str) -> str | None:
    """Decode one path segment; None when it is not valid tilde encoding of UTF-8 text."""
    if "~" not in segment and "+" not in segment:
        return segment
    if "~" in _ESCAPE.sub("", segment):
        return None
    decoded = bytearray()
    position = 0
    for match in _ESCAPE.finditer(segment):
        decoded += segment[position : match.start()].replace("+", " ").encode("utf-8")
        decoded.append(int(match.group(1), 16))
        position = match.end()
    decoded += segment[position:].replace("+", " ").encode("utf-8")
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        return None


def encode_key(values: list) -> str:
    """A row's key for its URL: each part tilde-encoded, joined with ``,`` (SV-URL-1, A6)."""
    return ",".join(tilde_encode(str(value)) for value in values)


def decode_key(segment: str) -> list[str] | None:
    """The parts of a row key from its URL segment; None when a part does not decode."""
    parts = [tilde_decode(part) for part in segment.split(",")]
    return None if any(part is None for part in parts) else parts  # type: ignore[return-value]
