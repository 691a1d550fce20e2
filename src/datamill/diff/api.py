"""``diff_sources``: the streaming engine on input specs (DF-LIB-5)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from datamill.diff import engine
from datamill.diff.errors import DiffInputError
from datamill.diff.loaders import DuplicateKeysWarning
from datamill.diff.render import DiffResult
from datamill.diff.sides import FORMATS, Side, SqliteSide, open_side
from datamill.diff.textinput import check_encoding


def _warn(message: str) -> None:
    warnings.warn(message, DuplicateKeysWarning, stacklevel=4)


def open_sides(
    previous: Any,
    current: Any,
    *,
    format: str | None = None,
    previous_format: str | None = None,
    current_format: str | None = None,
    encoding: str = "utf-8",
) -> tuple[Side, Side]:
    """Open both input specs (paths, ``-``, ``"db:table"`` or binary files)."""
    for fmt in (format, previous_format, current_format):
        if fmt is not None and fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    try:
        check_encoding(encoding)
    except LookupError:
        raise ValueError(f"unknown encoding: {encoding}") from None
    if previous == "-" and current == "-":
        raise ValueError("Only one of PREVIOUS and CURRENT can be -")
    prev_side = open_side(previous, previous_format or format, encoding)
    try:
        cur_side = open_side(current, current_format or format, encoding)
    except BaseException:
        prev_side.close()
        raise
    return prev_side, cur_side


def default_key(previous: Side, current: Side) -> tuple[str, ...]:
    """The shared explicit primary key of two SQLite tables, else no key (DF-IN-6)."""
    if isinstance(previous, SqliteSide) and isinstance(current, SqliteSide):
        if previous.primary_key and previous.primary_key == current.primary_key:
            return tuple(previous.primary_key)
    return ()


def diff_sources(
    previous: Any,
    current: Any,
    *,
    key: str | Sequence[str] | None = None,
    format: str | None = None,
    previous_format: str | None = None,
    current_format: str | None = None,
    encoding: str = "utf-8",
    ignore: Iterable[str] = (),
    on_duplicate: str = "error",
    show_unchanged: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> DiffResult:
    """Diff two inputs with the streaming engine; returns what ``compare`` would.

    ``on_warning`` receives duplicate-key warnings (default: ``warnings.warn``).
    Raises ``DiffInputError`` for bad input.
    """
    prev_side, cur_side = open_sides(
        previous,
        current,
        format=format,
        previous_format=previous_format,
        current_format=current_format,
        encoding=encoding,
    )
    if isinstance(key, str):
        names: tuple[str, ...] = (key,)
    elif key:
        names = tuple(key)
    else:
        try:
            names = default_key(prev_side, cur_side)
        except DiffInputError:
            prev_side.close()
            cur_side.close()
            raise
    return engine.run(
        prev_side,
        cur_side,
        key=names,
        ignore=tuple(ignore),
        on_duplicate=on_duplicate,
        show_unchanged=show_unchanged,
        warn=on_warning or _warn,
    )
