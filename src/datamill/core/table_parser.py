"""Reading the constraints that PRAGMAs do not report out of CREATE TABLE text.

SQLite's PRAGMAs describe columns, keys and indexes but say nothing about CHECK constraints,
the spelling of UNIQUE constraints, AUTOINCREMENT or comments. ``transform()`` must keep all of
those (L-XFM-5), so they are read from the stored schema here (L-CRT-11, L-HELP-7, L-HELP-8).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from datamill.core.identifiers import fold_identifier_case
from datamill.core.sql_tokens import (
    COMMENT,
    IDENTIFIER,
    NUMBER,
    STRING,
    WORD,
    ParseError,
    Token,
    matching_paren,
    meaningful,
    tokenize,
)

__all__ = [
    "Check",
    "ColumnComments",
    "Generated",
    "ParseError",
    "TableConstraints",
    "Unique",
    "UniqueColumn",
    "column_type_span",
    "parse_autoincrement",
    "parse_checks",
    "parse_column_comments",
    "parse_table_constraints",
    "parse_uniques",
]

_TABLE_CONSTRAINT_STARTS = ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN")
_CONSTRAINT_KEYWORDS = (
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
    "FOREIGN",
)


@dataclasses.dataclass
class Check:
    """A CHECK constraint: its expression, optional name and owning column (L-HELP-7).

    ``sql`` is the constraint's source fragment and ``start``/``end`` its offsets in the
    CREATE TABLE text; they are not part of equality or repr.
    """

    check: str
    name: str = ""
    column: str = ""
    options: list[Any] | None = None
    sql: str = dataclasses.field(default="", compare=False, repr=False)
    start: int = dataclasses.field(default=-1, compare=False, repr=False)
    end: int = dataclasses.field(default=-1, compare=False, repr=False)


@dataclasses.dataclass(frozen=True)
class UniqueColumn:
    """One column of a UNIQUE constraint, with its collation and ``ASC``/``DESC`` order."""

    name: str
    collation: str = ""
    order: str = ""


@dataclasses.dataclass
class Unique:
    """A UNIQUE constraint (L-HELP-8). ``column`` is set for a column constraint."""

    columns: tuple[UniqueColumn, ...]
    name: str = ""
    column: str = ""
    conflict: str = ""


@dataclasses.dataclass(frozen=True)
class ColumnComments:
    """Comments on the lines before a column and after it on its own line (L-HELP-8)."""

    before: str = ""
    after: str = ""


@dataclasses.dataclass(frozen=True)
class Generated:
    """A generated column's expression and ``STORED``/``VIRTUAL`` (``""`` when implicit)."""

    expression: str
    storage: str = ""


@dataclasses.dataclass
class TableConstraints:
    """Everything the parser reads from one CREATE TABLE statement."""

    columns: list[str] = dataclasses.field(default_factory=list)
    checks: list[Check] = dataclasses.field(default_factory=list)
    uniques: list[Unique] = dataclasses.field(default_factory=list)
    comments: dict[str, ColumnComments] = dataclasses.field(default_factory=dict)
    autoincrement: str | None = None
    without_rowid: bool = False
    collations: dict[str, str] = dataclasses.field(default_factory=dict)
    """``{column: collation}`` for columns declared with ``COLLATE``."""
    generated: dict[str, Generated] = dataclasses.field(default_factory=dict)
    """``{column: Generated}`` for generated columns."""


def parse_checks(create_sql: str) -> list[Check]:
    """CHECK constraints: column checks in column order, then table checks (L-CRT-11)."""
    return parse_table_constraints(create_sql).checks


def parse_uniques(create_sql: str) -> list[Unique]:
    """UNIQUE constraints, column constraints and table constraints in source order."""
    return parse_table_constraints(create_sql).uniques


def parse_column_comments(create_sql: str) -> dict[str, ColumnComments]:
    """``{column: ColumnComments}`` for every column that has a comment next to it.

    Comments on the lines before a column are ``before`` it. A comment after a column on the
    same line, before or after its comma, is ``after`` it.
    """
    return parse_table_constraints(create_sql).comments


def parse_autoincrement(create_sql: str) -> str | None:
    """The name of the ``PRIMARY KEY AUTOINCREMENT`` column, or None."""
    return parse_table_constraints(create_sql).autoincrement


def parse_table_constraints(create_sql: str) -> TableConstraints:
    """Parse a CREATE TABLE statement; virtual tables and ``CREATE TABLE … AS`` give nothing.

    Raises ParseError for text that is not a CREATE TABLE statement or cannot be parsed.
    """
    tokens = tokenize(create_sql)
    body = _table_body(tokens)
    if body is None:
        return TableConstraints()
    open_index, close_index = body
    result = TableConstraints()
    options = meaningful(tokens[close_index + 1 :])
    result.without_rowid = any(
        token.is_word("WITHOUT") and following.is_word("ROWID")
        for token, following in zip(options, options[1:])
    )
    table_checks: list[Check] = []
    items = _split_items(tokens, open_index, close_index)
    for position, (first, last) in enumerate(items):
        item_tokens = meaningful(tokens[first:last])
        if not item_tokens:
            raise ParseError("Empty item in column list")
        head = item_tokens[0]
        if head.is_word(*_TABLE_CONSTRAINT_STARTS):
            scan = _scan_constraints(create_sql, item_tokens, 0, "")
            table_checks.extend(scan.checks)
            result.uniques.extend(scan.uniques)
            continue
        if not head.names_identifier:
            raise ParseError(f"Expected a column name, found {head.text!r}")
        column = head.value
        result.columns.append(column)
        scan = _scan_constraints(create_sql, item_tokens, 1, column)
        result.checks.extend(scan.checks)
        result.uniques.extend(scan.uniques)
        if scan.autoincrement:
            result.autoincrement = column
        if scan.collation:
            result.collations[column] = scan.collation
        if scan.generated is not None:
            result.generated[column] = scan.generated
        comments = _item_comments(create_sql, tokens, items, position)
        if comments != ColumnComments():
            result.comments[column] = comments
    result.checks.extend(table_checks)
    return result


def column_type_span(create_sql: str, column: str) -> tuple[int, int]:
    """Offsets ``[start, end)`` of ``column``'s declared type name in ``create_sql``.

    The type is the words after the column name (``DOUBLE PRECISION``, ``"INT"``) and an
    optional ``(n[, m])``; a column without a type gives an empty span right after its name.
    Raises ParseError if the statement has no such column.
    """
    tokens = tokenize(create_sql)
    body = _table_body(tokens)
    if body is None:
        raise ParseError("Expected a CREATE TABLE statement with a column list")
    folded = fold_identifier_case(column)
    for first, last in _split_items(tokens, *body):
        item = meaningful(tokens[first:last])
        if not item or item[0].is_word(*_TABLE_CONSTRAINT_STARTS):
            continue
        if not item[0].names_identifier or fold_identifier_case(item[0].value) != folded:
            continue
        end = item[0].end
        at = 1
        while at < len(item) and item[at].kind in (WORD, IDENTIFIER):
            if item[at].is_word("CONSTRAINT", *_CONSTRAINT_KEYWORDS):
                break
            end = item[at].end
            at += 1
        if at > 1 and at < len(item) and item[at].is_punct("("):
            end = item[_closing(item, at)].end
        start = item[1].start if at > 1 else end
        return start, end
    raise ParseError(f"No column {column!r} in the CREATE TABLE statement")


def _closing(item: list[Token], open_at: int) -> int:
    """Index in ``item`` of the ``)`` that closes the ``(`` at ``open_at``."""
    depth = 0
    for index in range(open_at, len(item)):
        if item[index].is_punct("("):
            depth += 1
        elif item[index].is_punct(")"):
            depth -= 1
            if depth == 0:
                return index
    raise ParseError("Unbalanced parentheses in a column type")


def _table_body(tokens: list[Token]) -> tuple[int, int] | None:
    """Indexes of the ``(`` and ``)`` around the column list, or None if there is none."""
    positions = [index for index, token in enumerate(tokens) if token.is_meaningful]
    words = [tokens[index] for index in positions]

    def word(at: int) -> Token | None:
        return words[at] if at < len(words) else None

    if not (word(0) and words[0].is_word("CREATE")):
        raise ParseError("Expected CREATE TABLE")
    at = 1
    if word(at) and words[at].is_word("TEMP", "TEMPORARY"):
        at += 1
    if word(at) and words[at].is_word("VIRTUAL"):
        return None
    if not (word(at) and words[at].is_word("TABLE")):
        raise ParseError("Expected CREATE TABLE")
    at += 1
    if word(at) and words[at].is_word("IF"):
        at += 3
    if not (word(at) and words[at].names_identifier):
        raise ParseError("Expected a table name")
    at += 1
    if word(at) and words[at].is_punct("."):
        at += 2
    following = word(at)
    if following is not None and following.is_word("AS"):
        return None
    if following is None or not following.is_punct("("):
        raise ParseError("Expected ( after the table name")
    open_index = positions[at]
    return open_index, matching_paren(tokens, open_index)


def _split_items(tokens: list[Token], open_index: int, close_index: int) -> list[tuple[int, int]]:
    """``[first, last)`` token ranges of the comma-separated items between the parentheses."""
    items = []
    depth = 0
    first = open_index + 1
    for index in range(open_index + 1, close_index):
        token = tokens[index]
        if token.is_punct("("):
            depth += 1
        elif token.is_punct(")"):
            depth -= 1
        elif token.is_punct(",") and depth == 0:
            items.append((first, index))
            first = index + 1
    items.append((first, close_index))
    return items


@dataclasses.dataclass
class _Scan:
    checks: list[Check] = dataclasses.field(default_factory=list)
    uniques: list[Unique] = dataclasses.field(default_factory=list)
    autoincrement: bool = False
    collation: str = ""
    generated: Generated | None = None


def _scan_constraints(sql: str, item: list[Token], start: int, column: str) -> _Scan:
    """Find CHECK, UNIQUE and AUTOINCREMENT among one item's top-level tokens."""
    scan = _Scan()
    name, name_start = "", -1
    at = start
    while at < len(item):
        token = item[at]
        if token.is_punct("("):
            at = matching_paren(item, at) + 1
            continue
        if token.is_word("CONSTRAINT"):
            if at + 1 >= len(item) or not item[at + 1].names_identifier:
                raise ParseError("Expected a constraint name after CONSTRAINT")
            name, name_start = item[at + 1].value, token.start
            at += 2
            continue
        fragment_start = name_start if name_start >= 0 else token.start
        if token.is_word("CHECK"):
            if at + 1 >= len(item) or not item[at + 1].is_punct("("):
                raise ParseError("Expected ( after CHECK")
            close = matching_paren(item, at + 1)
            expression = sql[item[at + 1].end : item[close].start].strip()
            options = _in_list_options(expression, column) if column else None
            end = item[close].end
            scan.checks.append(
                Check(
                    expression, name, column, options, sql[fragment_start:end], fragment_start, end
                )
            )
            at = close + 1
        elif token.is_word("UNIQUE"):
            at += 1
            if column:
                columns: tuple[UniqueColumn, ...] = (UniqueColumn(column),)
            else:
                if at >= len(item) or not item[at].is_punct("("):
                    raise ParseError("Expected ( after UNIQUE")
                close = matching_paren(item, at)
                columns = _unique_columns(item[at + 1 : close])
                at = close + 1
            conflict, at = _conflict_clause(item, at)
            scan.uniques.append(Unique(columns, name, column, conflict))
        elif token.is_word("AS") and column:
            if at + 1 >= len(item) or not item[at + 1].is_punct("("):
                raise ParseError("Expected ( after AS")
            close = matching_paren(item, at + 1)
            expression = sql[item[at + 1].end : item[close].start].strip()
            at = close + 1
            storage = ""
            if at < len(item) and item[at].is_word("STORED", "VIRTUAL"):
                storage, at = item[at].text.upper(), at + 1
            scan.generated = Generated(expression, storage)
        else:
            if token.is_word("AUTOINCREMENT"):
                scan.autoincrement = True
            elif token.is_word("COLLATE") and column and at + 1 < len(item):
                scan.collation = item[at + 1].value
            at += 1
            if not token.is_word(*_CONSTRAINT_KEYWORDS):
                continue
        name, name_start = "", -1
    if column and scan.collation:
        # A column UNIQUE compares with the column's collation, wherever COLLATE is written.
        for unique in scan.uniques:
            unique.columns = (UniqueColumn(column, scan.collation),)
    return scan


def _conflict_clause(item: list[Token], at: int) -> tuple[str, int]:
    """Read an optional ``ON CONFLICT <resolution>`` at ``at``."""
    if at + 2 < len(item) and item[at].is_word("ON") and item[at + 1].is_word("CONFLICT"):
        return item[at + 2].text.upper(), at + 3
    return "", at


def _unique_columns(tokens: list[Token]) -> tuple[UniqueColumn, ...]:
    columns = []
    for part in _split_top_level(tokens):
        if not part or not part[0].names_identifier:
            raise ParseError("Expected a column name in UNIQUE (...)")
        collation, order = "", ""
        rest = part[1:]
        while rest:
            if rest[0].is_word("COLLATE") and len(rest) > 1:
                collation, rest = rest[1].value, rest[2:]
            elif rest[0].is_word("ASC", "DESC"):
                order, rest = rest[0].text.upper(), rest[1:]
            else:
                raise ParseError(f"Unexpected {rest[0].text!r} in UNIQUE (...)")
        columns.append(UniqueColumn(part[0].value, collation, order))
    return tuple(columns)


def _split_top_level(tokens: list[Token]) -> list[list[Token]]:
    """Split meaningful tokens on commas that are not inside parentheses."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.is_punct(",") and depth == 0:
            parts.append([])
            continue
        if token.is_punct("("):
            depth += 1
        elif token.is_punct(")"):
            depth -= 1
        parts[-1].append(token)
    return parts if parts != [[]] else []


def _in_list_options(expression: str, column: str) -> list[Any] | None:
    """The literals of a check that is exactly ``column IN (lit, …)``, else None."""
    tokens = meaningful(tokenize(expression))
    while (
        len(tokens) > 2 and tokens[0].is_punct("(") and matching_paren(tokens, 0) == len(tokens) - 1
    ):
        tokens = tokens[1:-1]
    if len(tokens) < 4 or tokens[0].kind not in (WORD, IDENTIFIER):
        return None
    if fold_identifier_case(tokens[0].value) != fold_identifier_case(column):
        return None
    if not (tokens[1].is_word("IN") and tokens[2].is_punct("(")):
        return None
    if matching_paren(tokens, 2) != len(tokens) - 1:
        return None
    values = []
    for part in _split_top_level(tokens[3:-1]):
        literal = _literal(part)
        if literal is _NOT_A_LITERAL:
            return None
        values.append(literal)
    return values


_NOT_A_LITERAL = object()
_KEYWORD_LITERALS = {"NULL": None, "TRUE": True, "FALSE": False}


def _literal(tokens: list[Token]) -> Any:
    sign = 1
    if len(tokens) == 2 and tokens[0].text in ("+", "-") and tokens[1].kind == NUMBER:
        sign = -1 if tokens[0].text == "-" else 1
        tokens = tokens[1:]
    if len(tokens) != 1:
        return _NOT_A_LITERAL
    token = tokens[0]
    if token.kind == STRING and sign == 1:
        return token.value
    if token.kind == NUMBER:
        text = token.text
        if text[:2].lower() == "0x":
            return sign * int(text, 16)
        if any(ch in text for ch in ".eE"):
            return sign * float(text)
        return sign * int(text)
    if token.kind == WORD and token.text.upper() in _KEYWORD_LITERALS:
        return _KEYWORD_LITERALS[token.text.upper()]
    return _NOT_A_LITERAL


def _item_comments(
    sql: str,
    tokens: list[Token],
    items: list[tuple[int, int]],
    position: int,
) -> ColumnComments:
    """Comments before an item (on their own lines) and after it (on its last line)."""
    first, last = items[position]
    item_tokens = tokens[first:last]
    meaningful_at = [i for i, token in enumerate(item_tokens) if token.is_meaningful]
    leading = item_tokens[: meaningful_at[0]]
    trailing = item_tokens[meaningful_at[-1] + 1 :]
    before = [t for t in leading if t.kind == COMMENT]
    if position > 0:
        before = [t for t in before if "\n" in sql[tokens[first - 1].end : t.start]]
    after = [t for t in trailing if t.kind == COMMENT]
    if position + 1 < len(items):
        next_first = items[position + 1][0]
        comma_end = tokens[next_first - 1].end
        for token in tokens[next_first : items[position + 1][1]]:
            if token.is_meaningful or "\n" in sql[comma_end : token.start]:
                break
            if token.kind == COMMENT:
                after.append(token)
    return ColumnComments(_join_comments(before, "\n"), _join_comments(after, " "))


def _join_comments(comments: list[Token], separator: str) -> str:
    """Join comments, starting a new line after any ``--`` comment."""
    text = ""
    for previous, comment in zip([None, *comments], comments):
        if previous is not None:
            text += "\n" if previous.text.startswith("--") else separator
        text += comment.text
    return text
