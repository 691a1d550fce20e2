"""The CLI face of ``datamill.user_code``: its errors become ``Error: ...`` lines (O-CODE)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from datamill import user_code


@contextmanager
def _reported() -> Iterator[None]:
    try:
        yield
    except user_code.UserCodeError as error:
        raise click.ClickException(str(error)) from None


def read_code(value: str) -> str:
    """A value with no newline ending in ``.py`` names a file; anything else is source."""
    with _reported():
        return user_code.code_source(value)[0]


def code_globals(imports: Iterable[str] = ()) -> dict[str, Any]:
    """``r``/``recipes`` plus one name per ``--import`` (bound to the top-level package)."""
    with _reported():
        return user_code.code_globals(imports)


def compile_function(code: str, var: str, imports: Iterable[str] = ()) -> Callable[[Any], Any]:
    """Resolve user code to a one-argument function, in the O-CODE order."""
    with _reported():
        return user_code.compile_function(code, var, imports)
