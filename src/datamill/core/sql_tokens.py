"""A lossless SQLite tokenizer: every character of the input belongs to exactly one token.

Used by the CREATE TABLE parser and by CHECK-expression rewriting, so that string literals,
quoted identifiers (``"x"``, ``[x]``, `` `x` ``) and comments are never mistaken for syntax.
"""

from __future__ import annotations

import dataclasses
import re

SPACE = "space"
COMMENT = "comment"
STRING = "string"  # 'text', with '' escapes
IDENTIFIER = "identifier"  # "x", [x] or `x`
WORD = "word"  # a bare keyword or identifier
NUMBER = "number"
BLOB = "blob"  # x'0102'
PUNCT = "punct"

_IDENTIFIER_QUOTES = {'"': '"', "[": "]", "`": "`"}
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_OPERATORS = ("||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->>", "->")


class ParseError(ValueError):
    """SQL text that cannot be parsed (L-ERR-13)."""


@dataclasses.dataclass(frozen=True)
class Token:
    """One token: its kind, its exact source text and its offsets in the input."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def is_meaningful(self) -> bool:
        return self.kind not in (SPACE, COMMENT)

    def is_word(self, *words: str) -> bool:
        """True for a bare word equal (case-insensitively) to one of ``words``."""
        return self.kind == WORD and self.text.upper() in words

    def is_punct(self, text: str) -> bool:
        return self.kind == PUNCT and self.text == text

    @property
    def names_identifier(self) -> bool:
        """Whether the token can spell an identifier (bare, quoted, or the 'x' string form)."""
        return self.kind in (WORD, IDENTIFIER, STRING)

    @property
    def value(self) -> str:
        """The identifier or string value with its quotes removed and escapes undone."""
        if self.kind == STRING:
            return self.text[1:-1].replace("''", "'")
        if self.kind == IDENTIFIER:
            opener = self.text[0]
            inner = self.text[1:-1]
            if opener == "[":
                return inner
            return inner.replace(opener * 2, opener)
        return self.text


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ord(ch) > 127


def _quoted_end(sql: str, start: int, closer: str, doubling: bool) -> int:
    """Offset just past the closing quote of a quoted token starting at ``start``."""
    i = start + 1
    while True:
        found = sql.find(closer, i)
        if found == -1:
            return -1
        if doubling and sql.startswith(closer * 2, found):
            i = found + 2
            continue
        return found + 1


def tokenize(sql: str) -> list[Token]:
    """Split ``sql`` into tokens; raises ParseError for an unterminated string or identifier."""
    tokens: list[Token] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch.isspace():
            end = i + 1
            while end < n and sql[end].isspace():
                end += 1
            kind = SPACE
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            end = n if newline == -1 else newline
            kind = COMMENT
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            end = n if close == -1 else close + 2
            kind = COMMENT
        elif ch in "xX" and sql.startswith("'", i + 1):
            end = _quoted_end(sql, i + 1, "'", doubling=False)
            if end == -1:
                raise ParseError(f"Unterminated blob literal at offset {i}")
            kind = BLOB
        elif ch == "'":
            end = _quoted_end(sql, i, "'", doubling=True)
            if end == -1:
                raise ParseError(f"Unterminated string literal at offset {i}")
            kind = STRING
        elif ch in _IDENTIFIER_QUOTES:
            closer = _IDENTIFIER_QUOTES[ch]
            end = _quoted_end(sql, i, closer, doubling=ch != "[")
            if end == -1:
                raise ParseError(f"Unterminated quoted identifier at offset {i}")
            kind = IDENTIFIER
        elif ch.isdigit() or (ch == "." and i + 1 < n and sql[i + 1].isdigit()):
            match = _NUMBER.match(sql, i)
            end = match.end() if match else i + 1
            kind = NUMBER
        elif _is_word_char(ch):
            end = i + 1
            while end < n and _is_word_char(sql[end]):
                end += 1
            kind = WORD
        else:
            operator = next((op for op in _OPERATORS if sql.startswith(op, i)), ch)
            end = i + len(operator)
            kind = PUNCT
        tokens.append(Token(kind, sql[i:end], i, end))
        i = end
    return tokens


def meaningful(tokens: list[Token]) -> list[Token]:
    """The tokens that are neither whitespace nor comments."""
    return [token for token in tokens if token.is_meaningful]


def matching_paren(tokens: list[Token], open_index: int) -> int:
    """Index of the ``)`` closing the ``(`` at ``open_index``; ParseError if it never closes."""
    depth = 0
    for index in range(open_index, len(tokens)):
        token = tokens[index]
        if token.is_punct("("):
            depth += 1
        elif token.is_punct(")"):
            depth -= 1
            if depth == 0:
                return index
    raise ParseError("Unbalanced parentheses")


def ends_in_line_comment(sql: str) -> bool:
    """Whether ``sql`` ends inside a ``--`` comment, so a closing token needs a new line."""
    tokens = tokenize(sql)
    trailing = [t for t in tokens if t.kind != SPACE or "\n" in t.text]
    return bool(trailing) and trailing[-1].kind == COMMENT and trailing[-1].text.startswith("--")
