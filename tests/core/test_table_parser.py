"""The CREATE TABLE constraint parser (L-CRT-11, L-HELP-7, L-HELP-8, L-ERR-13, L-XFM-5)."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.sql_rename import references_identifier, rename_identifiers
from datamill.core.sql_tokens import ends_in_line_comment, tokenize
from datamill.core.table_parser import Generated, parse_table_constraints
from datamill.create_table_parser import (
    Check,
    ColumnComments,
    ParseError,
    Unique,
    UniqueColumn,
    parse_autoincrement,
    parse_checks,
    parse_column_comments,
    parse_uniques,
)

FULL = """CREATE TABLE "t" ( -- lead
  id integer primary key autoincrement, -- the id
  /* before name */ name text not null constraint nm unique on conflict replace
      check (length(name) > 0), -- after name
  kind text check (kind in ('a', 'b')),
  [b c] text collate nocase,
  constraint u1 unique (name collate nocase desc, kind) on conflict ignore,
  unique("b c"),
  constraint pos check (id > 0),
  check (kind <> ')')
)"""


def test_checks_column_checks_first_then_table_checks():
    # L-CRT-11: column checks in column order before table checks
    assert parse_checks(FULL) == [
        Check(check="length(name) > 0", name="", column="name", options=None),
        Check(check="kind in ('a', 'b')", name="", column="kind", options=["a", "b"]),
        Check(check="id > 0", name="pos", column="", options=None),
        Check(check="kind <> ')'", name="", column="", options=None),
    ]


def test_check_fragment_and_offsets():
    # L-HELP-7: sql/start/end locate the constraint inside the schema text
    checks = parse_checks(FULL)
    for check in checks:
        assert FULL[check.start : check.end] == check.sql
    assert checks[2].sql == "constraint pos check (id > 0)"
    assert checks[3].sql == "check (kind <> ')')"


def test_check_repr_and_equality_ignore_location():
    check = Check("a > 0", "pos", "a", None, sql="x", start=1, end=2)
    assert repr(check) == "Check(check='a > 0', name='pos', column='a', options=None)"
    assert check == Check("a > 0", "pos", "a")


@pytest.mark.parametrize(
    "column_sql,options",
    [
        ("kind text check (kind in ('a', 'b'))", ["a", "b"]),
        ('kind text check ("KIND" IN (1, -2, 3.5, +4))', [1, -2, 3.5, 4]),
        ("kind check ((kind in ('it''s', NULL, TRUE, 0x10)))", ["it's", None, True, 16]),
        ("kind check (kind in ())", []),
        ("kind check (other in ('a'))", None),
        ("kind check (kind in ('a') and 1)", None),
        ("kind check (kind not in ('a'))", None),
        ("kind check (kind in (x'01'))", None),
        ("kind check (kind in (lower('a')))", None),
    ],
)
def test_check_options_only_for_exact_in_lists(column_sql, options):
    assert parse_checks(f"CREATE TABLE t ({column_sql})")[0].options == options


def test_uniques():
    # L-HELP-8: names, collations, order and ON CONFLICT are kept
    assert parse_uniques(FULL) == [
        Unique((UniqueColumn("name"),), name="nm", column="name", conflict="REPLACE"),
        Unique(
            (UniqueColumn("name", "nocase", "DESC"), UniqueColumn("kind")),
            name="u1",
            column="",
            conflict="IGNORE",
        ),
        Unique((UniqueColumn("b c"),)),
    ]


@pytest.mark.parametrize(
    "column_sql, expected",
    [
        ("a TEXT COLLATE NOCASE UNIQUE", Unique((UniqueColumn("a", "NOCASE"),), column="a")),
        ("a TEXT UNIQUE COLLATE RTRIM", Unique((UniqueColumn("a", "RTRIM"),), column="a")),
        (
            'a TEXT CONSTRAINT u UNIQUE ON CONFLICT IGNORE COLLATE "nocase"',
            Unique((UniqueColumn("a", "nocase"),), name="u", column="a", conflict="IGNORE"),
        ),
        ("a TEXT UNIQUE", Unique((UniqueColumn("a"),), column="a")),
    ],
)
def test_column_unique_reports_the_column_collation(column_sql, expected):
    # L-HELP-8, issue 11 §3.6: a column UNIQUE compares with the column's COLLATE.
    assert parse_uniques(f"CREATE TABLE t ({column_sql}, b INT)") == [expected]


def test_column_comments():
    assert parse_column_comments(FULL) == {
        "id": ColumnComments(before="-- lead", after="-- the id"),
        "name": ColumnComments(before="/* before name */", after="-- after name"),
    }


def test_comments_before_after_and_on_last_column():
    sql = "create table t (\n  a int, -- after a\n  -- one\n  /* two */\n  b text /* b */\n)"
    assert parse_column_comments(sql) == {
        "a": ColumnComments(after="-- after a"),
        "b": ColumnComments(before="-- one\n/* two */", after="/* b */"),
    }


def test_autoincrement():
    assert parse_autoincrement(FULL) == "id"
    assert parse_autoincrement('CREATE TABLE t ("My Id" INTEGER PRIMARY KEY AUTOINCREMENT)') == (
        "My Id"
    )
    assert parse_autoincrement("CREATE TABLE t (id INTEGER PRIMARY KEY, a)") is None


@pytest.mark.parametrize(
    "name_sql,name", [('"a""b"', 'a"b'), ("[a b]", "a b"), ("`a``b`", "a`b"), ("'a b'", "a b")]
)
def test_every_quoting_style(name_sql, name):
    sql = f"CREATE TABLE t ({name_sql} TEXT CONSTRAINT {name_sql} UNIQUE CHECK ({name_sql} > 0))"
    assert parse_checks(sql) == [Check(f"{name_sql} > 0", column=name)]
    assert parse_uniques(sql) == [Unique((UniqueColumn(name),), name=name, column=name)]


def test_strings_with_parens_commas_quotes_and_comments():
    sql = (
        "CREATE TABLE t (a TEXT DEFAULT ('x,(y') CHECK (a <> ')'',(-- /*'), "
        'b TEXT /* , check (zz) */ CHECK (b <> "(" -- c)\n), c VARCHAR(10, 2))'
    )
    assert parse_checks(sql) == [
        Check("a <> ')'',(-- /*'", column="a"),
        Check('b <> "(" -- c)', column="b"),
    ]


def test_temp_schema_qualified_if_not_exists_and_strict():
    sql = "create temp table if not exists main.t (a int check (a > 1)) strict, without rowid"
    assert parse_checks(sql) == [Check("a > 1", column="a")]


def test_virtual_and_create_as_tables_have_no_constraints():
    assert parse_checks("CREATE VIRTUAL TABLE f USING fts5(a, b)") == []
    assert parse_uniques("CREATE TABLE a2(id INT,name TEXT)") == []
    assert parse_checks("CREATE TABLE a3 AS SELECT 1") == []


@pytest.mark.parametrize(
    "sql,message",
    [
        ("CREATE INDEX i ON t (a)", "Expected CREATE TABLE"),
        ("nonsense", "Expected CREATE TABLE"),
        ("", "Expected CREATE TABLE"),
        ("CREATE TABLE t (a check (a > 1)", "Unbalanced parentheses"),
        ("CREATE TABLE t (a text default 'x)", "Unterminated string literal at offset 31"),
        ('CREATE TABLE t ("a)', "Unterminated quoted identifier at offset 16"),
        ("CREATE TABLE t (a, , b)", "Empty item in column list"),
        ("CREATE TABLE t (a, check a > 1)", "Expected ( after CHECK"),
        ("CREATE TABLE t (a, unique a)", "Expected ( after UNIQUE"),
        ("CREATE TABLE t (a, unique (a + 1))", "Unexpected '+' in UNIQUE (...)"),
        ("CREATE TABLE t", "Expected ( after the table name"),
        ("CREATE TABLE (a)", "Expected a table name"),
        ("CREATE TABLE t (1 int)", "Expected a column name, found '1'"),
        ("CREATE TABLE t (a constraint)", "Expected a constraint name after CONSTRAINT"),
        ("CREATE TABLE t (a as 1)", "Expected ( after AS"),
    ],
)
def test_parse_errors(sql, message):
    # L-ERR-13: ParseError is a ValueError with a clear message
    with pytest.raises(ParseError) as excinfo:
        parse_checks(sql)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


def test_tokenizer_is_lossless():
    sql = "a'b''c'\"d\"[e]`f` x'00' 1.5e3 -- c\n/* d */ ->> <>;"
    tokens = tokenize(sql)
    assert "".join(t.text for t in tokens) == sql
    assert [t.kind for t in tokens if t.is_meaningful] == [
        "word",
        "string",
        "identifier",
        "identifier",
        "identifier",
        "blob",
        "number",
        "punct",
        "punct",
        "punct",
    ]


def test_ends_in_line_comment():
    assert ends_in_line_comment("a > 1 -- x")
    assert not ends_in_line_comment("a > 1 -- x\n")
    assert not ends_in_line_comment("a > '--'")


def test_rename_identifiers_leaves_literals_and_functions_alone():
    expression = (
        "\"name\" > 'name' and length(name) and Name and t.name and [name] and `name` "
        "and x collate name -- name"
    )
    assert rename_identifiers(expression, {"NAME": "new"}) == (
        '"new" > \'name\' and length(new) and new and t.new and "new" and "new" '
        "and x collate name -- name"
    )


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("CAST(text AS text) <> ''", "CAST(body AS text) <> ''"),
        ('CAST("text" AS "text") = text', 'CAST("body" AS "text") = body'),
        (
            "CAST(CAST(text AS TEXT) AS text varying(10))",
            "CAST(CAST(body AS TEXT) AS text varying(10))",
        ),
        ("cast((text) as text) || cast(1 as Text)", "cast((body) as text) || cast(1 as Text)"),
    ],
)
def test_rename_identifiers_leaves_cast_type_names_alone(expression, expected):
    # L-IMP-5, issue 11 §3.14: a CAST type name is not a column reference.
    assert rename_identifiers(expression, {"text": "body"}) == expected
    assert not references_identifier("CAST(x AS text) > 0", "text")


def test_rename_identifiers_quotes_when_needed():
    assert rename_identifiers("a > 1", {"a": "b c"}) == '"b c" > 1'
    assert rename_identifiers("a > 1", {"a": "select"}) == '"select" > 1'
    assert rename_identifiers("a > 1", {"a": 'x"y'}) == '"x""y" > 1'
    assert rename_identifiers("a > 1", {}) == "a > 1"


def test_references_identifier():
    assert references_identifier("length(name) > 0", "NAME")
    assert not references_identifier("length(x) > 0", "length")
    assert not references_identifier("x = 'name'", "name")


# Round trip: render a random table definition, let SQLite accept it, parse it back.

_names = st.text(alphabet=st.sampled_from("abcXYZ_ 1'\"[]`é,()"), min_size=1, max_size=8).filter(
    lambda name: name.strip() == name and name.strip()
)
_literals = st.text(alphabet=st.sampled_from("ab ,()'\"-/*;"), max_size=8)


def _quote(name: str, style: str) -> str:
    if style == "double":
        return '"' + name.replace('"', '""') + '"'
    if style == "backtick":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"' if "]" in name else f"[{name}]"


@st.composite
def _tables(draw):
    names = draw(st.lists(_names, min_size=1, max_size=5, unique_by=str.lower))
    styles = st.sampled_from(["double", "backtick", "bracket"])
    columns = []
    for name in names:
        check = draw(st.none() | _literals)
        unique = draw(st.booleans())
        before = draw(st.sampled_from(["", "-- note, (x", "/* a ) 'b */"]))
        after = draw(st.sampled_from(["", "-- after 'q'", "/* z, */"]))
        columns.append((name, draw(styles), check, unique, before, after))
    table_check = draw(st.none() | _literals)
    return columns, table_check


def _render(columns, table_check):
    lines = []
    for index, (name, style, check, unique, before, _after) in enumerate(columns):
        quoted = _quote(name, style)
        text = f"{quoted} TEXT"
        if unique:
            text += f" CONSTRAINT {_quote('u' + name, style)} UNIQUE ON CONFLICT ABORT"
        if check is not None:
            text += " CHECK (" + quoted + " <> '" + check.replace("'", "''") + "')"
        prefix = f"  {before}\n" if before else ""
        lines.append((prefix + "  " + text, index))
    body = ""
    for text, index in lines:
        after = columns[index][5]
        last = index == len(columns) - 1 and table_check is None
        body += text + ("" if last else ",") + (f" {after}" if after else "") + "\n"
    if table_check is not None:
        body += "  CONSTRAINT tc CHECK (length('" + table_check.replace("'", "''") + "') >= 0)\n"
    return f"CREATE TABLE [my (table)] (\n{body})"


@settings(max_examples=150, deadline=None)
@given(_tables())
def test_round_trip_property(table):
    columns, table_check = table
    sql = _render(columns, table_check)
    sqlite3.connect(":memory:").execute(sql)  # the generated SQL is valid SQLite
    expected_checks = [
        Check(
            _quote(name, style) + " <> '" + check.replace("'", "''") + "'",
            column=name,
        )
        for name, style, check, *_ in columns
        if check is not None
    ]
    if table_check is not None:
        literal = table_check.replace("'", "''")
        expected_checks.append(Check(f"length('{literal}') >= 0", name="tc"))
    assert parse_checks(sql) == expected_checks
    assert parse_uniques(sql) == [
        Unique((UniqueColumn(name),), name="u" + name, column=name, conflict="ABORT")
        for name, _style, _check, unique, *_ in columns
        if unique
    ]
    assert parse_column_comments(sql) == {
        name: ColumnComments(before, after)
        for name, _style, _check, _unique, before, after in columns
        if before or after
    }
    for check in parse_checks(sql):
        assert sql[check.start : check.end] == check.sql


def test_rename_identifiers_bare_keyword_column_names():
    # KEY and ACTION are keywords SQLite also accepts as bare column names
    assert rename_identifiers("key > 0 and action in ('a') and x is not null", {"key": "k"}) == (
        "k > 0 and action in ('a') and x is not null"
    )
    assert rename_identifiers("key > 0", {"key": "order"}) == '"order" > 0'
    assert rename_identifiers("a is null", {"null": "x", "is": "y"}) == "a is null"


def test_column_collations_and_without_rowid():
    parsed = parse_table_constraints(
        'CREATE TABLE t (a text collate NOCASE, "b" collate [x y], c) WITHOUT ROWID'
    )
    assert parsed.collations == {"a": "NOCASE", "b": "x y"}
    assert parsed.generated == {}
    assert parsed.without_rowid
    assert parsed.columns == ["a", "b", "c"]


def test_generated_columns():
    parsed = parse_table_constraints(
        "CREATE TABLE t (a int, g int generated always as (a * (2)) stored, v as (a + 1) virtual,"
        " w as (a))"
    )
    assert parsed.generated == {
        "g": Generated("a * (2)", "STORED"),
        "v": Generated("a + 1", "VIRTUAL"),
        "w": Generated("a"),
    }
