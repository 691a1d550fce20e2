"""Turning any user text into a safe full-text query (S-ESC).

Every word becomes a quoted phrase, so operators and punctuation lose their
meaning, while a trailing ``*`` still asks for a prefix search. FTS4 and FTS5
write prefix phrases differently (S-ESC-2), hence the ``fts_version``.
"""

from __future__ import annotations

import unicodedata

__all__ = ["escape_query", "PREFIX_MODES"]

PREFIX_MODES = ("explicit", "last", "all", "none")
_MAX_ITEMS = 1024


def _items(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into (item text, ends with ``*``) pairs (S-ESC-1 step 2)."""
    items = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
        elif char == '"':
            close = text.find('"', position + 1)
            if close < 0:
                items.append((text[position + 1 :], False))
                break
            end = close + 1
            while end < length and text[end] == "*":
                end += 1
            items.append((text[position + 1 : close], end > close + 1))
            position = end
        else:
            end = position
            while end < length and not text[end].isspace() and text[end] != '"':
                end += 1
            word = text[position:end]
            stripped = word.rstrip("*")
            items.append((stripped, len(stripped) != len(word)))
            position = end
    return items


def escape_query(q: str, fts_version: str = "FTS5", prefix: str = "explicit") -> str:
    """Return ``q`` as a query SQLite always accepts: every item a quoted phrase.

    ``prefix`` picks the items searched as prefixes: ``"explicit"`` (those the
    user ended with ``*``), ``"last"`` (also the final item, for search as you
    type), ``"all"`` or ``"none"``. Returns ``""`` when nothing searchable is left.
    """
    if prefix not in PREFIX_MODES:
        raise ValueError("prefix must be one of 'explicit', 'last', 'all', 'none'")
    fts4 = str(fts_version).upper() == "FTS4"
    # Control characters become spaces (S-ESC-1 step 1); so do lone surrogates,
    # which no SQLite text can hold.
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in q)
    kept = []
    for item, starred in _items(text):
        if fts4:
            item = item.replace("*", " ").replace("^", " ")
        item = " ".join(item.split())
        if fts4 and not any(ch.isalnum() for ch in item):
            continue
        if item:
            kept.append((item, starred))
        if len(kept) == _MAX_ITEMS:
            break
    rendered = []
    for index, (item, starred) in enumerate(kept):
        as_prefix = prefix == "all" or (
            prefix != "none" and (starred or (prefix == "last" and index == len(kept) - 1))
        )
        if fts4:
            rendered.append(f'"{item}*"' if as_prefix else f'"{item}"')
        else:
            quoted = '"' + item.replace('"', '""') + '"'
            rendered.append(quoted + "*" if as_prefix else quoted)
    return " ".join(rendered)
