"""Finding the matchable phrases of an FTS4 MATCH query (S-FN-7).

``rank_bm25_fts5`` needs, for each phrase that ``matchinfo()`` reports, the text
to count that phrase's documents with. Only a well-understood subset of the
FTS4 syntax is accepted; anything else returns ``None`` so the caller reports an
error instead of ranking with wrong numbers.
"""

from __future__ import annotations

__all__ = ["matchable_phrases"]

_OPERATORS = {"AND", "OR", "NOT"}
_STOP = set(' \t\n\r\f\v()"')


def _is_term(word: str) -> bool:
    if word.endswith("*"):
        word = word[:-1]
    return bool(word) and all(ch.isalnum() for ch in word)


def _quoted_end(query: str, start: int) -> int | None:
    """Index just past the quoted string opening at ``start``, or None if unusable."""
    close = query.find('"', start + 1)
    if close < 0:
        return None
    end = close + 1
    if end < len(query) and query[end] not in _STOP:
        return None
    return end


def matchable_phrases(query: str, columns: list[str]) -> list[str] | None:
    """Return the texts of ``query``'s matchable phrases, left to right.

    A phrase is a quoted string or a bare term of letters and digits with an
    optional trailing ``*``, either optionally preceded by ``column:``. Phrases
    right after ``NOT`` (or a group after it) are not matchable and are left
    out. Returns None for syntax outside this subset or an unknown column.
    """
    if not isinstance(query, str):
        return None
    known = {column.lower() for column in columns}
    phrases: list[str] = []
    depth = 0
    skip_depth: int | None = None  # depth of a NOT-ed group being skipped
    skip_next = False
    position = 0
    while position < len(query):
        char = query[position]
        if char.isspace():
            position += 1
            continue
        if char == "(":
            if skip_next:
                skip_depth, skip_next = depth, False
            depth += 1
            position += 1
            continue
        if char == ")":
            depth -= 1
            if depth < 0:
                return None
            if skip_depth == depth:
                skip_depth = None
            position += 1
            continue
        if char == '"':
            end = _quoted_end(query, position)
            if end is None:
                return None
            text = query[position:end]
        else:
            end = position
            while end < len(query) and query[end] not in _STOP:
                end += 1
            word = query[position:end]
            if word == "NEAR" or word.startswith("NEAR/"):
                return None
            if word in _OPERATORS:
                skip_next = word == "NOT"
                position = end
                continue
            column, colon, term = word.partition(":")
            if colon:
                if column.lower() not in known:
                    return None
                if not term and end < len(query) and query[end] == '"':
                    end = _quoted_end(query, end)
                    if end is None:
                        return None
                elif not _is_term(term):
                    return None
            elif not _is_term(word):
                return None
            text = query[position:end]
        if skip_next:
            skip_next = False
        elif skip_depth is None:
            phrases.append(text)
        position = end
    if depth or skip_next:
        return None
    return phrases
