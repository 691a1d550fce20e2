"""Building links: paths under ``base_url``, query strings and absolute URLs (SV-JSON-4)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from datamill.serve.tilde import encode_key, tilde_encode

__all__ = ["Urls", "RequestInfo", "query_string"]

Pairs = list[tuple[str, str]]


def query_string(pairs: Iterable[tuple[str, str]]) -> str:
    text = urllib.parse.urlencode(list(pairs))
    return f"?{text}" if text else ""


@dataclass(frozen=True)
class RequestInfo:
    """The parts of a request that links are built from."""

    scheme: str
    host: str
    path: str  # the request path as received, without the query string
    pairs: tuple[tuple[str, str], ...]


class Urls:
    """Paths of every resource, prefixed with ``base_url``."""

    def __init__(self, base_url: str = "/", force_https: bool = False) -> None:
        self.base = base_url
        self.force_https = force_https

    def path(self, *segments: str) -> str:
        return self.base + "/".join(segments)

    def index(self) -> str:
        return self.base

    def database(self, db: str, suffix: str = "") -> str:
        return self.path(tilde_encode(db) + suffix)

    def table(self, db: str, table: str, suffix: str = "") -> str:
        return self.path(tilde_encode(db), tilde_encode(table) + suffix)

    def row(self, db: str, table: str, key: Sequence, suffix: str = "") -> str:
        return self.path(tilde_encode(db), tilde_encode(table), encode_key(list(key)) + suffix)

    def query(self, db: str, suffix: str = "") -> str:
        return self.path(tilde_encode(db), "-", "query" + suffix)

    def history(self, db: str, *parts: str, suffix: str = "") -> str:
        encoded = [tilde_encode(p) for p in parts]
        if encoded:
            encoded[-1] += suffix
            return self.path(tilde_encode(db), "-", "history", *encoded)
        return self.path(tilde_encode(db), "-", "history" + suffix)

    def static(self, name: str, version: str) -> str:
        return self.path("-", "static", name) + f"?v={version}"

    def absolute(self, info: RequestInfo, path_and_query: str) -> str:
        scheme = "https" if self.force_https else info.scheme
        return f"{scheme}://{info.host}{path_and_query}"
