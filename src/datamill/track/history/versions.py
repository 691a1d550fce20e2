"""Reading one version of the file into rows, as git-history 0.8 does (HI-4, HI-6.5, HI-9)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from datamill.io.detect import INTEGER, REAL, TEXT, is_integer_text, is_real_text
from datamill.track import content
from datamill.track.errors import HistoryError
from datamill.user_code import UserCodeError, function_from_body, import_modules

RESERVED = (
    "_id",
    "_item_full_hash",
    "_item",
    "_item_id",
    "_version",
    "_commit",
    "_commit_at",
    "_commit_hash",
    "_changed_columns",
    "rowid",
    "_change",
    "_removed",
)
RESERVED_RE = re.compile("^({})_*$".format("|".join(RESERVED)))


def fix_reserved(name: str) -> str:
    """HI-6.5: a reserved name, optionally followed by underscores, gets one more ``_``."""
    return name + "_" if RESERVED_RE.match(name) else name


def jsonify(value: object) -> object:
    """HI-4: nested values are stored as JSON text (sorted keys, non-ASCII kept)."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=repr, ensure_ascii=False, sort_keys=True)
    return value


def compile_convert(code: str, imports: Sequence[str]) -> Callable[[bytes], Iterable]:
    """``--convert``: a function body over ``content``; a lone expression line gets a return.

    ``json`` is predefined; ``--import`` binds modules as every command does (HI-2).
    """
    try:
        namespace = {"json": json, **import_modules(imports)}
        return function_from_body(code, "convert", "content", namespace, "<--convert>")
    except UserCodeError as err:
        raise HistoryError(str(err)) from None
    except SyntaxError as err:
        raise HistoryError(f"--convert is not valid Python: {err.msg}") from None


@dataclass
class Reader:
    """How to turn one version's bytes into row dicts."""

    filepath: str
    fmt: str | None = "json"  # csv, tsv, json, nl, or None for sniffed CSV
    dialect: str | None = None
    encoding: str = "utf-8"
    convert: Callable[[bytes], Iterable] | None = None
    ignore: frozenset[str] = frozenset()
    csv_option: str = "--csv"  # suggested when JSON input looks like CSV

    def __post_init__(self) -> None:
        content.check_encoding(self.encoding)

    @property
    def is_csv(self) -> bool:
        return self.convert is None and self.fmt in (None, "csv", "tsv")

    def rows(self, sha: str, data: bytes) -> tuple[list[str], Iterable[dict]]:
        """(columns in first-seen order, rows) after ``--ignore`` and reserved renaming.

        CSV rows come lazily; a parse error surfaces as HistoryError while iterating.
        """
        rows: Iterable[dict[Any, Any]]
        if self.convert is not None:
            columns, rows = self._converted(sha, data)
        else:
            try:
                columns, rows = content.iter_rows(
                    data, self.fmt, self.filepath, self.encoding, self.dialect
                )
            except content.ContentError as err:
                if self.fmt in ("json", "nl") and content.looks_like_csv(data, self.filepath):
                    raise HistoryError(
                        f"Commit {sha}: {err}; the file looks like CSV; use {self.csv_option}"
                    ) from None
                raise self._unparseable(sha, err) from None
            rows = self._checked(sha, rows)
        renamed = {name: fix_reserved(name) for name in columns if name not in self.ignore}
        if all(old == new for old, new in renamed.items()) and len(renamed) == len(columns):
            return columns, rows
        return list(renamed.values()), (
            {renamed[key]: value for key, value in row.items() if key in renamed} for row in rows
        )

    def _unparseable(self, sha: str, err: content.ContentError) -> HistoryError:
        return HistoryError(f"Commit {sha}: {err}; use --skip {sha} to skip this commit")

    def _checked(self, sha: str, rows: Iterable[dict]) -> Iterable[dict]:
        if isinstance(rows, list):
            return rows
        return self._reraise(sha, rows)

    def _reraise(self, sha: str, rows: Iterable[dict]) -> Iterator[dict]:
        try:
            yield from rows
        except content.ContentError as err:
            raise self._unparseable(sha, err) from None

    def _converted(self, sha: str, data: bytes) -> tuple[list[str], list[dict]]:
        assert self.convert is not None
        try:
            rows = list(self.convert(data))
        except Exception as err:
            raise HistoryError(
                f"Commit {sha}: --convert raised {type(err).__name__}: {err}; "
                f"use --skip {sha} to skip this commit"
            ) from None
        known: dict[str, None] = {}
        for number, row in enumerate(rows, 1):
            if not isinstance(row, dict):
                raise HistoryError(
                    f"Commit {sha}: row {number} from --convert is not a dict "
                    f"(got {type(row).__name__})"
                )
            known.update(dict.fromkeys(row))
        return list(known), rows


def typed(value: object, column_type: str) -> object:
    """HI-9: store a CSV value converted when lossless for its column's numeric type.

    Numbers are recognised by cli.md O-DETECT (``io.detect``), the rule that typed the column.
    """
    if column_type == TEXT or not isinstance(value, str):
        return value
    if not value.strip():
        return None
    if column_type == INTEGER and is_integer_text(value):
        return int(value)
    if column_type == REAL and is_real_text(value):
        return float(value)
    return value
