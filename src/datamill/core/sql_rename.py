"""Finding and renaming column identifiers inside SQL expressions such as CHECK constraints.

Only identifier tokens change: string literals, comments, function names, ``COLLATE`` names and
table qualifiers (``t.col`` keeps ``t``) are left exactly as written (L-XFM-5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from datamill.core.identifiers import fold_identifier_case, quote_identifier
from datamill.core.sql_tokens import IDENTIFIER, WORD, ParseError, Token, matching_paren, tokenize

# SQLite's keywords (https://www.sqlite.org/lang_keywords.html): a new name that is one of
# these is written quoted.
SQLITE_KEYWORDS = frozenset(
    """ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE
    BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE
    CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE
    DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE
    EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS
    HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS
    ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL
    NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY
    RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING
    RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION
    TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW
    WITH WITHOUT""".split()
)
# Keywords that are always syntax inside an expression. Other keywords (KEY, ACTION, ...) may be
# bare column names, which SQLite resolves as identifiers.
_EXPRESSION_KEYWORDS = frozenset(
    """AND AS BETWEEN CASE CAST COLLATE CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DISTINCT
    ELSE END ESCAPE EXISTS FROM GLOB IN IS ISNULL LIKE MATCH NOT NOTNULL NULL OR RAISE REGEXP
    SELECT THEN WHEN WHERE""".split()
)
_BARE_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def rename_identifiers(expression: str, renames: Mapping[str, str]) -> str:
    """Rewrite column references in ``expression`` per ``{old: new}``, matched case-insensitively.

    A bare reference stays bare when the new name allows it; otherwise it is double-quoted.
    """
    folded = {fold_identifier_case(old): new for old, new in renames.items()}
    if not folded:
        return expression
    pieces = []
    position = 0
    for token in _column_references(expression):
        new = folded.get(fold_identifier_case(token.value))
        if new is None:
            continue
        pieces.append(expression[position : token.start])
        pieces.append(_spell_like(token, new))
        position = token.end
    pieces.append(expression[position:])
    return "".join(pieces)


def references_identifier(expression: str, name: str) -> bool:
    """Whether ``expression`` refers to column ``name`` (case-insensitively)."""
    target = fold_identifier_case(name)
    return any(fold_identifier_case(t.value) == target for t in _column_references(expression))


def _column_references(expression: str) -> Iterator[Token]:
    """Identifier tokens that name columns: not functions, qualifiers, collations, ``CAST``
    type names or keywords."""
    tokens = [token for token in tokenize(expression) if token.is_meaningful]
    type_names = _cast_type_names(tokens)
    for index, token in enumerate(tokens):
        if token.kind not in (WORD, IDENTIFIER) or index in type_names:
            continue
        if token.kind == WORD and token.text.upper() in _EXPRESSION_KEYWORDS:
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        preceding = tokens[index - 1] if index > 0 else None
        if following is not None and (following.is_punct("(") or following.is_punct(".")):
            continue
        if preceding is not None and preceding.is_word("COLLATE"):
            continue
        yield token


def _cast_type_names(tokens: list[Token]) -> set[int]:
    """Indexes of the tokens naming the type in each ``CAST(expr AS type)`` (L-IMP-5)."""
    found: set[int] = set()
    for index, token in enumerate(tokens):
        if not (
            token.is_word("CAST") and index + 1 < len(tokens) and tokens[index + 1].is_punct("(")
        ):
            continue
        try:
            close = matching_paren(tokens, index + 1)
        except ParseError:
            close = len(tokens)
        depth = 0
        for inner in range(index + 2, close):
            depth += tokens[inner].is_punct("(") - tokens[inner].is_punct(")")
            if depth == 0 and tokens[inner].is_word("AS"):
                found.update(range(inner + 1, close))
                break
    return found


def _spell_like(original: Token, new: str) -> str:
    if original.kind == WORD and _BARE_IDENTIFIER.match(new) and new.upper() not in SQLITE_KEYWORDS:
        return new
    return quote_identifier(new)
