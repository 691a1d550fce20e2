"""How one input's rows become a table's rows (CS-2 .. CS-7): the cells kept, the added
columns, the date rewriting, and what each written column is bound as."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from datamill.csvs.dates import DateRewriter
from datamill.csvs.detection import InputTypes, beyond_64_bits, getter
from datamill.csvs.lookups import Lookup
from datamill.csvs.plan import Source
from datamill.io.batch import Batch
from datamill.io.detect import INTEGER, REAL


@dataclass
class Layout:
    """How one input's rows become the table's: cells kept, added columns, dates, lookups."""

    columns: list[str]  # the columns written: the input's, then the added ones
    keys: list[str]  # their lower-case names
    project: Callable[[list[Any]], Any] | None
    replaced: list[tuple[int, Any]]
    appended: list[Any]
    detect: list[int]  # positions whose type comes from the data
    dates: list[tuple[int, DateRewriter]]
    lookups: list[tuple[int, Lookup]]
    empty_null: list[int]  # positions whose empty cells are NULL
    shared: list[tuple[Lookup, list[int]]]  # lookups several columns write to, and where


def build_layout(
    source: Source,
    width: int,
    detect: Collection[str],
    dates: dict[str, DateRewriter],
    lookups: dict[str, Lookup],
) -> Layout:
    """How ``source``'s rows (``width`` cells read) become the table's.

    ``detect`` names the table's columns typed by detection, ``dates`` gives the rewriter of
    each date column and ``lookups`` the lookup of each ``-c`` column (lower-case names).
    """
    columns = list(source.columns)
    positions = {column.lower(): i for i, column in enumerate(columns)}
    replaced: list[tuple[int, Any]] = []
    appended: list[Any] = []
    for name, value in source.added:
        if name.lower() in positions:
            replaced.append((positions[name.lower()], value))
        else:
            columns.append(name)
            appended.append(value)
    keys = [column.lower() for column in columns]
    replaced_at = {index for index, _ in replaced}
    detect_at = [
        i
        for i, key in enumerate(keys[: len(source.columns)])
        if key in detect and i not in replaced_at
    ]
    rewriters = [
        (i, dates[key]) for i, key in enumerate(keys[: len(source.columns)]) if key in dates
    ]
    mapped = [
        (i, lookups[key]) for i, key in enumerate(keys[: len(source.columns)]) if key in lookups
    ]
    skipped = {i for i, _ in mapped} | {i for i, _ in rewriters}
    columns_of: dict[int, tuple[Lookup, list[int]]] = {}
    for index, lookup in mapped:
        columns_of.setdefault(id(lookup), (lookup, []))[1].append(index)
    shared = [entry for entry in columns_of.values() if len(entry[1]) > 1]
    return Layout(
        columns,
        keys,
        None if source.keep == list(range(width)) else getter(source.keep),
        replaced,
        appended,
        detect_at,
        rewriters,
        mapped,
        [i for i in range(len(source.columns)) if i not in skipped],
        shared,
    )


def shape_rows(batch: Batch, layout: Layout, types: InputTypes) -> list[list[Any]]:
    """A batch's rows as written: cells kept, types detected, dates rewritten, added
    columns set (lookup values become ids as they are bound, ``conversions``)."""
    rows = batch.rows
    if layout.project is not None:
        rows = [list(layout.project(row)) for row in rows]
    types.feed(rows)
    for index, rewriter in layout.dates:
        first = batch.first_row
        for offset, row in enumerate(rows):
            row[index] = rewriter.rewrite(row[index], first + offset)
    for index, value in layout.replaced:
        for row in rows:
            row[index] = value
    if layout.appended:
        for row in rows:
            row.extend(layout.appended)
    return rows


def number_shared_values(rows: list[list[Any]], layout: Layout) -> None:
    """Give the new values of a lookup several columns share their ids row by row, cells
    left to right (CS-7: first appearance); binding then looks each column's ids up."""
    for lookup, positions in layout.shared:
        lookup.ids_for([row[index] for row in rows for index in positions])


def conversions(layout: Layout, declared: Mapping[str, str | None] | None) -> tuple[list[Any], ...]:
    """``RowListWriter.write``'s conversions: the positions bound as ``float(text)`` and as
    ``int(text)`` (the detected numeric columns), with empty cells as NULL (the others, but
    lookups and dates), and the lookup columns with each value's id."""
    lookups = [(i, lookup.ids_for) for i, lookup in layout.lookups]
    if declared is None:
        return [], [], layout.empty_null, lookups
    kinds = {i: declared.get(layout.keys[i]) for i in layout.detect}
    reals = [i for i, kind in kinds.items() if kind == REAL]
    integers = [i for i, kind in kinds.items() if kind == INTEGER]
    numeric = {*reals, *integers}
    return reals, integers, [i for i in layout.empty_null if i not in numeric], lookups


def integer_overflow(
    rows: list[list[Any]], layout: Layout, declared: Mapping[str, str | None] | None
) -> bool:
    """True if a cell of a column bound as ``int`` is beyond 64 bits (error path only)."""
    if declared is None:
        return False
    return any(
        declared.get(layout.keys[i]) == INTEGER and beyond_64_bits([row[i] for row in rows])
        for i in layout.detect
    )
