"""Fuzzy-matching SQL functions computed by jellyfish (extras.md FZ).

With the ``fuzzy`` extra installed, every connection a ``datamill.Database`` opens has the
functions of ``FUNCTIONS``: ``select * from trees where levenshtein_distance(qSpecies,
'Pinus radiata') < 3``. They return what jellyfish returns, and NULL for a NULL argument
or for text outside the algorithm (``match_rating_codex('O''Brien')``); a number or BLOB
argument raises ``FunctionArgumentError`` (FZ-3, FZ-4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

from datamill.core.sql_functions import create_function, remember_error
from datamill.core.sqlite import sqlite3

jellyfish: ModuleType | None
try:
    import jellyfish
except ImportError:  # the fuzzy extra is not installed: nothing is registered (FZ-1)
    jellyfish = None

__all__ = ["FUNCTIONS", "FunctionArgumentError", "available", "missing_function_hint", "register"]

#: Every SQL function name and its number of arguments, aliases included (FZ-2).
FUNCTIONS: dict[str, int] = {
    "soundex": 1,
    "metaphone": 1,
    "nysiis": 1,
    "match_rating_codex": 1,
    "levenshtein_distance": 2,
    "damerau_levenshtein_distance": 2,
    "hamming_distance": 2,
    "jaro_similarity": 2,
    "jaro_winkler_similarity": 2,
    "match_rating_comparison": 2,
    "jaro_distance": 2,
    "jaro_winkler": 2,
}
#: The names from before datasette-jellyfish 1.0 and the jellyfish function each calls (FZ-FIX-3).
_ALIASES = {"jaro_distance": "jaro_similarity", "jaro_winkler": "jaro_winkler_similarity"}
#: SQLite's storage class for each Python type it hands a function, other than text and NULL.
_STORAGE_CLASSES = {int: "integer", float: "real", bytes: "blob"}
_NO_SUCH_FUNCTION = re.compile(r"no such function: (\w+)")


class FunctionArgumentError(sqlite3.OperationalError):
    """A fuzzy-matching function got a number or BLOB where it needs text (FZ-3, FZ-4)."""


def available() -> bool:
    """Whether jellyfish is installed, so the functions can be registered."""
    return jellyfish is not None


def register(conn: sqlite3.Connection) -> None:
    """Register every function of ``FUNCTIONS`` on ``conn``, deterministic (FZ-1)."""
    if jellyfish is None:
        raise RuntimeError("jellyfish is not installed - pip install 'datamill[fuzzy]'")
    for name, function in _SQL_FUNCTIONS.items():
        create_function(conn, name, FUNCTIONS[name], function, deterministic=True)


def missing_function_hint(message: str) -> str:
    """``message`` plus how to get the functions, when it is SQLite's unknown-function error
    for one of them and jellyfish is missing (FZ-4); otherwise ``message`` unchanged."""
    match = _NO_SUCH_FUNCTION.fullmatch(message)
    if jellyfish is not None or match is None or match.group(1).lower() not in FUNCTIONS:
        return message
    return f"{message} - install datamill[fuzzy] for the fuzzy matching functions"


# The wrappers run once per row, so text takes the shortest path: jellyfish itself rejects
# any other type with TypeError, and only then are the arguments looked at.


def _one_argument(name: str, compute: Callable[[str], Any]) -> Callable[[Any], Any]:
    def function(s: Any) -> Any:
        try:
            return compute(s)
        except TypeError:
            return _not_text(name, s)
        except ValueError:  # text outside the algorithm, e.g. match_rating_codex('O''Brien')
            return None

    return function


def _two_arguments(name: str, compute: Callable[[str, str], Any]) -> Callable[[Any, Any], Any]:
    def function(a: Any, b: Any) -> Any:
        try:
            return compute(a, b)
        except TypeError:
            return _not_text(name, a, b)
        except ValueError:
            return None

    return function


def _not_text(name: str, *args: Any) -> None:
    """NULL when an argument is NULL, else raise for the first argument that is not text."""
    if None in args:
        return None
    for position, value in enumerate(args, 1):
        if type(value) is not str:
            error = FunctionArgumentError(
                f"{name}() argument {position} must be text, not {_STORAGE_CLASSES[type(value)]}"
            )
            remember_error(error)
            raise error
    raise  # every argument is text: jellyfish's own TypeError stands


def _sql_function(name: str) -> Callable[..., Any]:
    compute = getattr(jellyfish, _ALIASES.get(name, name))
    return (_one_argument if FUNCTIONS[name] == 1 else _two_arguments)(name, compute)


#: The SQL function of each name, made once.
_SQL_FUNCTIONS = {} if jellyfish is None else {name: _sql_function(name) for name in FUNCTIONS}
