"""The state of a table ``csvs`` creates while its rows load: declared and detected column
types (CS-4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datamill.csvs.options import CsvsOptions
from datamill.csvs.plan import TablePlan
from datamill.io.detect import INTEGER, REAL, TEXT


@dataclass
class TableState:
    """A table the run creates, while it loads.

    ``declared`` holds each detected column's declared type (None: TEXT, with only empty
    cells so far); ``kinds`` the type its values need so far; ``final``, when a detection
    pass ran, the types of all its rows. Keys are lower-case column names.
    """

    types: dict[str, str]  # every column -> declared type; detected ones are filled in
    spelling: dict[str, str]  # lower-case name -> the plan's spelling
    detect: list[str]
    pk: set[str]
    final: dict[str, str] | None = None
    created: bool = False
    declared: dict[str, str | None] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def snapshot(self) -> tuple[bool, dict[str, str | None], dict[str, str]]:
        return self.created, dict(self.declared), dict(self.kinds)

    def restore(self, snapshot: tuple[bool, dict[str, str | None], dict[str, str]]) -> None:
        self.created, self.declared, self.kinds = snapshot[0], dict(snapshot[1]), dict(snapshot[2])


def initial_state(plan: TablePlan, options: CsvsOptions) -> TableState:
    """The state of a table the run creates, before any row is read: lookup, ``--shape``-typed
    and fixed columns typed, the others to be detected (but dates and ``--just-strings``)."""
    extracts = {extract.column.lower() for extract in options.extract}
    dates = {column.lower() for column in [*options.date, *options.datetime]}
    shape_types = {entry.name.lower(): entry.type for entry in options.shape or () if entry.type}
    fixed = {
        name.lower(): _fixed_type(value) for source in plan.sources for name, value in source.added
    }
    types: dict[str, str] = {}
    detect = []
    for column in plan.columns:
        key = column.lower()
        if key in extracts:
            types[key] = INTEGER
        elif key in shape_types:
            types[key] = shape_types[key]
        elif key in fixed:
            types[key] = fixed[key]
        else:
            types[key] = TEXT
            if key not in dates and not options.just_strings:
                detect.append(key)
    spelling = {column.lower(): column for column in plan.columns}
    pk = {column.lower() for column in options.primary_key}
    return TableState(types, spelling, detect, pk)


def declared(state: TableState | None) -> dict[str, str | None] | None:
    """The declared types of a table the run creates; None for an existing table."""
    return None if state is None else state.declared


def _fixed_type(value: Any) -> str:
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return REAL
    return TEXT
