"""Quoting and case-insensitive matching of SQL identifiers (L-GEN-2, L-GEN-3)."""

from __future__ import annotations

from collections.abc import Iterable

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def quote_identifier(name: str) -> str:
    """Double-quote an identifier, doubling any embedded double quote."""
    return '"' + name.replace('"', '""') + '"'


def fold_identifier_case(name: str) -> str:
    """Fold ASCII letters to lower case, as SQLite compares identifiers."""
    return name.translate(_ASCII_LOWER)


def resolve_casing(name: str, candidates: Iterable[str]) -> str:
    """Return the candidate matching ``name`` (exact match first, then case-insensitively)."""
    candidates = list(candidates)
    if name in candidates:
        return name
    folded = fold_identifier_case(name)
    for candidate in candidates:
        if fold_identifier_case(candidate) == folded:
            return candidate
    return name


def quote_identifier_list(names: Iterable[str]) -> str:
    """Quote each name and join them with ``", "``."""
    return ", ".join(quote_identifier(name) for name in names)
