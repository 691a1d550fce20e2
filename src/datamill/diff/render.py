"""Reports: csv-diff's text layout (DF-TXT), JSON (DF-JSON) and long CSV (DF-LONG)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from datamill.diff.errors import DiffInputError
from datamill.diff.values import cell_text, json_default, row_json

CATEGORIES = ("columns_added", "columns_removed", "changed", "added", "removed")
LONG_HEADER = ("change", "key", "column", "old", "new")


class DiffResult(dict):
    """The DF-JSON-1 dict, remembering the key names and PREVIOUS header order."""

    key: tuple[str, ...] | None = None
    previous_columns: list[str] | None = None
    current_rows: Mapping[Any, dict[str, Any]] | None = None
    current_columns: list[str] | None = None


def _names(key: Any) -> list[Any]:
    if key is None or isinstance(key, str):
        return [key]
    return list(key)


def _key_line(names: list[Any], value: Any) -> str:
    if len(names) == 1:
        return f"  {names[0]}: {value}"
    return "  " + ", ".join(f"{n}: {v}" for n, v in zip(names, value, strict=False))


class _Lenient(dict):
    def __missing__(self, name: str) -> str:
        return ""


def check_extras(extras: Sequence[tuple[str, str]], columns: set[str]) -> None:
    """Validate ``--extra`` templates against the columns of both sides (DF-TXT-5)."""
    import string  # only --extra needs it: start-up (issue 11)

    for name, template in extras:
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        except ValueError as err:
            raise DiffInputError(
                f"invalid format string: {err}", source=f'--extra "{name}"'
            ) from None
        for field in fields:
            base = field.split(".", 1)[0].split("[", 1)[0]
            if base == "" or base.isdigit():
                raise DiffInputError(
                    "invalid format string: positional fields are not supported",
                    source=f'--extra "{name}"',
                )
            if base not in columns:
                raise DiffInputError(f'no column named "{base}"', source=f'--extra "{name}"')
        try:
            template.format_map(_Lenient({c: "" for c in columns}))
        except (ValueError, IndexError, KeyError, AttributeError, TypeError) as err:
            raise DiffInputError(
                f"invalid format string: {err}", source=f'--extra "{name}"'
            ) from None


def _extras_lines(row: Mapping[str, Any], extras: Sequence[tuple[str, str]]) -> list[str]:
    lines = ["  extras:"]
    values = _Lenient(row)
    for name, template in extras:
        lines.append(f"    {name}: {template.format_map(values)}")
    return lines


def column_counts(result: Mapping[str, Any]) -> dict[str, int]:
    """Changed-row counts per column, most changed first, then PREVIOUS header order."""
    counts: dict[str, int] = {}
    for entry in result["changed"]:
        for name in entry["changes"]:
            counts[name] = counts.get(name, 0) + 1
    order = getattr(result, "previous_columns", None) or []
    rank = {name: i for i, name in enumerate(order)}
    first_seen = {name: i for i, name in enumerate(counts)}
    return dict(
        sorted(
            counts.items(),
            key=lambda item: (-item[1], rank.get(item[0], len(rank)), first_seen[item[0]]),
        )
    )


def human_text(
    result: Mapping[str, Any],
    key: Any = None,
    singular: str | None = None,
    plural: str | None = None,
    current: Mapping[Any, Mapping[str, Any]] | None = None,
    extras: Sequence[tuple[str, str]] | None = None,
    *,
    max_rows: int | None = None,
    column_counts: bool = False,
) -> str:
    """The csv-diff text report for ``result``, without the final newline."""
    return "".join(
        iter_human_text(
            result, key, singular, plural, current, extras,
            max_rows=max_rows, column_counts=column_counts,
        )
    )  # fmt: skip


def iter_human_text(
    result: Mapping[str, Any],
    key: Any = None,
    singular: str | None = None,
    plural: str | None = None,
    current: Mapping[Any, Mapping[str, Any]] | None = None,
    extras: Sequence[tuple[str, str]] | None = None,
    *,
    max_rows: int | None = None,
    column_counts: bool = False,
) -> Iterator[str]:
    """``human_text`` in pieces, so a large report is never one string."""
    singular = singular or "row"
    plural = plural or "rows"

    def noun(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    fragments = {}
    verbs = ("added", "removed", "changed", "added", "removed")
    for category, verb in zip(CATEGORIES, verbs, strict=True):
        n = len(result[category])
        if n:
            words = ("column", "columns") if category.startswith("columns") else (singular, plural)
            fragments[category] = f"{noun(n, *words)} {verb}"
    if not fragments:
        return
    yield ", ".join(fragments.values())
    body = _body_lines(result, fragments, _names(key), current, extras, max_rows,
                       column_counts, lambda n: noun(n, singular, plural))  # fmt: skip
    # The whole text is stripped: hold back the last non-blank line and what follows.
    separator = "\n\n"
    held: list[str] = []
    for line in body:
        if line.strip():
            if held:
                yield separator + "\n".join(held)
                separator = "\n"
            held = [line]
        else:
            held.append(line)
    if held:
        yield separator + held[0].rstrip()


def _body_lines(result, fragments, names, current, extras, max_rows, with_counts, rows_noun):
    headed = len(fragments) > 1
    if with_counts and result["changed"]:
        yield from ("Changes by column", "")
        for name, n in _counts(result).items():
            yield f"  {name}: {rows_noun(n)}"
        yield ""
    for category in ("columns_added", "columns_removed"):
        if category in fragments:
            yield from (fragments[category], "")
            yield from (f"  {c}" for c in sorted(result[category]))
            yield ""

    def section(category: str) -> tuple[list[str], list, int]:
        items = result[category]
        header = [fragments[category], ""] if headed else []
        shown = items if max_rows is None else items[:max_rows]
        return header, shown, len(items) - len(shown)

    if result["changed"]:
        header, shown, more = section("changed")
        yield from header
        for entry in shown:
            yield _key_line(names, entry["key"])
            for field, (old, new) in entry["changes"].items():
                yield f'    {field}: "{old}" => "{new}"'
            if extras:
                k = entry["key"]
                row = current[tuple(k) if isinstance(k, list) else k] if current else {}
                yield from _extras_lines(row, extras)
            yield ""
            if entry.get("unchanged"):
                yield "    Unchanged:"
                for f, v in entry["unchanged"].items():
                    yield f'      {f}: "{v}"'
                yield ""
        if more:
            yield from (f"  ... and {more} more", "")
    for category in ("added", "removed"):
        if result[category]:
            header, shown, more = section(category)
            yield from header
            for i, row in enumerate(shown):
                if i:
                    yield ""
                for f, v in row.items():
                    yield f"  {f}: {v}"
                if extras:
                    yield from _extras_lines(row, extras)
            if more:
                if shown:
                    yield ""
                yield f"  ... and {more} more"
            yield ""


_counts = column_counts


def json_document(result: Mapping[str, Any], *, with_column_counts: bool = False) -> dict:
    """The DF-JSON-1 object: five keys in order, plus ``column_counts`` if asked."""
    document = {c: result[c] for c in ("added", "removed", "changed")}
    document["columns_added"] = result["columns_added"]
    document["columns_removed"] = result["columns_removed"]
    if with_column_counts:
        document["column_counts"] = column_counts(result)
    return document


def write_json(result: Mapping[str, Any], out: TextIO, *, with_column_counts: bool = False) -> None:
    """Write the DF-JSON-1 document and its final newline to ``out``."""
    document = json_document(result, with_column_counts=with_column_counts)
    json.dump(document, out, indent=4, default=json_default)
    out.write("\n")


def json_text(result: Mapping[str, Any], *, with_column_counts: bool = False) -> str:
    """The DF-JSON-1 document, ending with one newline."""
    out = io.StringIO()
    write_json(result, out, with_column_counts=with_column_counts)
    return out.getvalue()


def _key_cell(value: Any, composite: bool) -> str:
    if composite:
        return json.dumps(list(value), ensure_ascii=False, default=json_default)
    return cell_text(value)


def long_rows(result: Mapping[str, Any], *, key: Any = None) -> Iterator[tuple[str, ...]]:
    """The DF-LONG-1 records, header first, as 5-tuples of str."""
    names = tuple(_names(key if key is not None else getattr(result, "key", None)))
    names = () if names == (None,) else names
    composite = len(names) > 1
    yield LONG_HEADER
    for name in result["columns_added"]:
        yield ("column_added", "", name, "", "")
    for name in result["columns_removed"]:
        yield ("column_removed", "", name, "", "")
    for entry in result["changed"]:
        k = _key_cell(entry["key"], composite)
        for field, (old, new) in entry["changes"].items():
            yield ("changed", k, field, cell_text(old), cell_text(new))

    def row_key(row: Mapping[str, Any]) -> str:
        if not names:
            return ""
        if composite:
            return _key_cell([row.get(n) for n in names], True)
        return cell_text(row.get(names[0]))

    for row in result["added"]:
        yield ("added", row_key(row), "", "", row_json(row))
    for row in result["removed"]:
        yield ("removed", row_key(row), "", row_json(row), "")


def write_long_csv(result: Mapping[str, Any], out: TextIO, *, key: Any = None) -> None:
    """Write ``long_rows`` as CSV with CRLF record ends (``out`` opened with ``newline=""``)."""
    csv.writer(out, lineterminator="\r\n").writerows(long_rows(result, key=key))
