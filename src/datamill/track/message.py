"""Commit messages for ``datamill track`` (TR-7), built from the keyed diff (diff.md DF-LIB)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

REFORMATTED = "No row changes (file reformatted)"


def count_phrase(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def initial_message(rows: int, singular: str, plural: str) -> str:
    """TR-7.1."""
    return f"Initial version: {count_phrase(rows, singular, plural)}"


def replaced_message(path: str, rows: int, fmt: str, singular: str, plural: str) -> str:
    """TR-7.2: the previous version could not be parsed."""
    noun = count_phrase(rows, singular, plural)
    return f"Replaced {path}: {noun} (previous version could not be parsed as {fmt})"


def is_empty(result: dict) -> bool:
    return not any(
        result[name] for name in ("added", "removed", "changed", "columns_added", "columns_removed")
    )


def change_message(
    result: dict, key: Sequence[str], singular: str, plural: str, max_lines: int
) -> str:
    """TR-7.4: the diff text with column counts, truncated to ``max_lines`` lines."""
    from datamill.diff import human_text

    key_arg = (key[0] if len(key) == 1 else list(key)) if key else None

    def render(max_rows: int | None) -> list[str]:
        text = human_text(result, key_arg, singular, plural, max_rows=max_rows, column_counts=True)
        return text.split("\n")

    return truncate(render, max_lines, section_sizes(result))


def section_sizes(result: dict) -> int:
    return max(len(result["changed"]), len(result["added"]), len(result["removed"]))


def truncate(render: Callable[[int | None], list[str]], max_lines: int, largest: int) -> str:
    """Pick the largest ``--max-rows`` whose rendering fits, else cut the R = 0 text."""
    lines = render(None)
    if len(lines) <= max_lines:
        return "\n".join(lines)
    low, high, best = 0, largest, None
    while low <= high:
        middle = (low + high) // 2
        candidate = render(middle)
        if len(candidate) <= max_lines:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if best is not None:
        return "\n".join(best)
    shortest = render(0)
    kept = shortest[: max_lines - 1]
    return "\n".join([*kept, f"... and {len(shortest) - len(kept)} more lines"])
