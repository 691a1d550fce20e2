"""Column names read from a header must be distinct (diff.md DF-VAL-4, cli.md C-INSERT)."""

from __future__ import annotations

from collections.abc import Sequence


def repeated_column(names: Sequence[str]) -> tuple[str, int, int] | None:
    """The first name that repeats an earlier one: ``(name, first, repeat)``, 1-based
    column positions; ``None`` when every name is distinct."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, 1):
        first = seen.setdefault(name, position)
        if first != position:
            return name, first, position
    return None
