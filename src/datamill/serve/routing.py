"""Parsing request paths into resources (SV-URL-1, SV-URL-2).

Paths are split on ``/`` before any decoding, each segment is percent-decoded, and only then
tilde-decoded, so an encoded ``/`` or ``.`` can never change a path's shape. No part of a
path is ever joined to a file path: databases and assets are looked up by name.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from datamill.serve.errors import not_found
from datamill.serve.tilde import decode_key, tilde_decode

__all__ = ["Route", "Redirect", "parse_path"]

FORMATS = (".json", ".csv")


@dataclass(frozen=True)
class Route:
    """A resource: ``kind`` and the decoded parts it names."""

    kind: str  # index, database, query, table, row, history*, static, health, robots, classify*
    fmt: str = "html"  # html, json or csv
    db: str | None = None
    table: str | None = None
    key: tuple[str, ...] | None = None
    namespace: str | None = None
    item: str | None = None
    asset: str | None = None


@dataclass(frozen=True)
class Redirect(Exception):
    """A path that answers with a redirect to ``location``."""

    location: str
    status: int


def _segments(path: str) -> list[str]:
    parts = path.split("/")[1:]
    try:
        return [urllib.parse.unquote(part, errors="strict") for part in parts]
    except UnicodeDecodeError:
        raise not_found() from None


def _decode(segment: str) -> str:
    decoded = tilde_decode(segment)
    if decoded is None or decoded == "":
        raise not_found()
    return decoded


def parse_path(raw_path: str) -> Route:
    """The route for a raw (still percent-encoded) path below ``base_url``."""
    if raw_path != "/" and raw_path.endswith("/"):
        raise Redirect(raw_path.rstrip("/") or "/", 301)
    segments = _segments(raw_path)
    fmt = "html"
    last = segments[-1] if segments else ""
    for suffix in FORMATS:
        if last.endswith(suffix):
            fmt = suffix[1:]
            segments[-1] = last[: -len(suffix)]
            break
    if segments in ([""], []):
        if fmt == "csv":
            raise not_found()
        return Route("index", fmt)
    if segments[0] == "-":
        return _special(segments, fmt)
    if segments == ["robots.txt"]:
        return Route("robots")
    db = _decode(segments[0])
    rest = segments[1:]
    if not rest:
        return Route("database", fmt, db)
    if rest[0] == "-":
        return _database_special(db, rest[1:], fmt)
    table = _decode(rest[0])
    if len(rest) == 1:
        return Route("table", fmt, db, table)
    if len(rest) == 2:
        key = decode_key(rest[1])
        if key is None or rest[1] == "":
            raise not_found()
        return Route("row", fmt, db, table, tuple(key))
    raise not_found()


def _special(segments: list[str], fmt: str) -> Route:
    if len(segments) == 3 and segments[1] == "static" and fmt == "html":
        return Route("static", asset=segments[2])
    if segments == ["-", "health"] and fmt == "html":
        return Route("health", "json")
    if segments == ["-", "classify"] and fmt == "html":
        return Route("classify")
    if len(segments) == 4 and segments[1:3] == ["classify", "images"] and fmt == "html":
        return Route("classify_image", asset=segments[3])
    raise not_found()


def _database_special(db: str, rest: list[str], fmt: str) -> Route:
    if rest == ["query"]:
        return Route("query", fmt, db)
    if not rest or rest[0] != "history" or fmt == "csv":
        raise not_found()
    parts = rest[1:]
    if not parts:
        return Route("history", fmt, db)
    namespace = _decode(parts[0])
    if len(parts) == 1:
        return Route("history_namespace", fmt, db, namespace=namespace)
    if len(parts) == 2 and parts[1] == "diff":
        return Route("history_diff", fmt, db, namespace=namespace)
    if len(parts) == 3 and parts[1] == "items":
        return Route("history_item", fmt, db, namespace=namespace, item=_decode(parts[2]))
    raise not_found()
