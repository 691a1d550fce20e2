"""extras.md FZ-1 to FZ-5: the jellyfish functions on every datamill connection (library)."""

from __future__ import annotations

import itertools
import re
import sqlite3

import jellyfish
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import datamill
from datamill import fuzzy, plugins
from datamill.fuzzy import FunctionArgumentError

ONE_ARGUMENT = ["soundex", "metaphone", "nysiis", "match_rating_codex"]
TWO_ARGUMENTS = [
    "levenshtein_distance",
    "damerau_levenshtein_distance",
    "hamming_distance",
    "jaro_similarity",
    "jaro_winkler_similarity",
    "match_rating_comparison",
]
ALIASES = {"jaro_distance": "jaro_similarity", "jaro_winkler": "jaro_winkler_similarity"}
#: Unicode, empty and blank strings, punctuation jellyfish rejects, a NUL, long text.
TEXTS = [
    "",
    " ",
    "a",
    "Basil",
    "Bazil",
    "basil",
    "Pinus radiata",
    "Pinus radiatta",
    "Pinus radiata :: Monterey Pine",
    "O'Brien",
    "OBrien",
    "Mc-Donald",
    "100 Main St",
    "1000 Main St",
    "123",
    "Ærøskøbing",
    "straße",
    "STRASSE",
    "İstanbul",
    "naïve",
    "nai\u0308ve",
    "ﬁre",
    "Ωmega",
    "银杏",
    "🌳 tree",
    "a\x00b",
    "Prunus serrulata 'Kwanzan' :: Kwanzan Flowering Cherry" * 4,
]


def jellyfish_value(name, *args):
    """What FZ-2/FZ-3 say the SQL function returns: jellyfish's value, NULL where it rejects."""
    try:
        value = getattr(jellyfish, ALIASES.get(name, name))(*args)
    except ValueError:
        return None
    return int(value) if isinstance(value, bool) else value


@pytest.fixture
def db():
    return datamill.Database(memory=True)


def sql_value(db, name, *args):
    placeholders = ", ".join("?" for _ in args)
    return db.execute(f"select {name}({placeholders})", args).fetchone()[0]


def test_fz_5_functions_names_and_arities():
    assert fuzzy.FUNCTIONS == {
        **dict.fromkeys(ONE_ARGUMENT, 1),
        **dict.fromkeys(TWO_ARGUMENTS, 2),
        **dict.fromkeys(ALIASES, 2),
    }
    assert fuzzy.available() is True
    assert issubclass(FunctionArgumentError, sqlite3.OperationalError)


@pytest.mark.parametrize("name", ONE_ARGUMENT)
def test_fz_2_one_argument_functions_match_jellyfish(db, name):
    for text in TEXTS:
        assert sql_value(db, name, text) == jellyfish_value(name, text), text


@pytest.mark.parametrize("name", TWO_ARGUMENTS + list(ALIASES))
def test_fz_2_two_argument_functions_match_jellyfish(db, name):
    for a, b in itertools.product(TEXTS, repeat=2):
        assert sql_value(db, name, a, b) == jellyfish_value(name, a, b), (a, b)


@settings(max_examples=300, deadline=None)
@given(
    a=st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    b=st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)
def test_fz_2_any_text_matches_jellyfish(a, b):
    db = datamill.Database(memory=True)
    for name in ONE_ARGUMENT:
        assert sql_value(db, name, a) == jellyfish_value(name, a)
    for name in TWO_ARGUMENTS + list(ALIASES):
        assert sql_value(db, name, a, b) == jellyfish_value(name, a, b)


def test_fz_2_values_and_sql_types(db):
    row = db.execute(
        "select soundex('Basil'), typeof(soundex('Basil')), soundex(''), metaphone(''),"
        " nysiis(''), match_rating_codex(''), levenshtein_distance('kitten', 'sitting'),"
        " typeof(levenshtein_distance('a', 'b')), damerau_levenshtein_distance('ab', 'ba'),"
        " levenshtein_distance('ab', 'ba'), hamming_distance('abc', 'abcde'),"
        " hamming_distance('abc', 'abd'), jaro_similarity('', ''),"
        " jaro_winkler_similarity('', ''), typeof(jaro_similarity('a', 'b')),"
        " match_rating_comparison('Basil', 'Bazil'), match_rating_comparison('Basil', 'Mint'),"
        " typeof(match_rating_comparison('Basil', 'Bazil')),"
        " match_rating_comparison('Al', 'Alexander')"
    ).fetchone()
    assert row == ("B240", "text", "", "", "", "", 3, "integer", 1, 2, 2, 1, 0.0, 0.0, "real",
                   1, 0, "integer", None)  # fmt: skip


def test_fz_2_aliases_return_the_similarities(db):
    row = db.execute(
        "select jaro_distance('Basil', 'Bazil') = jaro_similarity('Basil', 'Bazil'),"
        " jaro_winkler('Basil', 'Bazil') = jaro_winkler_similarity('Basil', 'Bazil'),"
        " round(jaro_distance('Basil', 'Bazil'), 4), round(jaro_winkler('Basil', 'Bazil'), 4)"
    ).fetchone()
    assert row == (1, 1, 0.8667, 0.8933)


def test_fz_2_absent_functions_and_wrong_argument_counts(db):
    for sql in ["select porter_stem('running')", "select jaccard_similarity('a', 'b')"]:
        with pytest.raises(sqlite3.OperationalError, match=r"^no such function: \w+$"):
            db.execute(sql)
    with pytest.raises(sqlite3.OperationalError) as error:
        db.execute("select soundex('a', 'b')")
    assert str(error.value) == "wrong number of arguments to function soundex()"
    with pytest.raises(sqlite3.OperationalError) as error:
        db.execute("select levenshtein_distance('a')")
    assert str(error.value) == "wrong number of arguments to function levenshtein_distance()"


@pytest.mark.parametrize("name", list(fuzzy.FUNCTIONS))
def test_fz_3_null_in_each_position_gives_null(db, name):
    arity = fuzzy.FUNCTIONS[name]
    for position in range(arity):
        args = ["Basil"] * arity
        args[position] = None
        assert sql_value(db, name, *args) is None
    # NULL wins over an argument of the wrong type, in either order.
    if arity == 2:
        assert sql_value(db, name, None, 5) is None
        assert sql_value(db, name, b"x", None) is None
    assert sql_value(db, name, *[None] * arity) is None


@pytest.mark.parametrize("name", list(fuzzy.FUNCTIONS))
@pytest.mark.parametrize("value, storage_class", [(7, "integer"), (2.5, "real"), (b"\x00", "blob")])
def test_fz_3_non_text_arguments_raise(db, name, value, storage_class):
    arity = fuzzy.FUNCTIONS[name]
    for position in range(1, arity + 1):
        args = ["Basil"] * arity
        args[position - 1] = value
        with pytest.raises(FunctionArgumentError) as error:
            sql_value(db, name, *args)
        assert str(error.value) == (
            f"{name}() argument {position} must be text, not {storage_class}"
        )
    if arity == 2:  # the first argument that is not text is named
        with pytest.raises(FunctionArgumentError, match=r"argument 1 must be text, not blob$"):
            sql_value(db, name, b"x", 1)


def test_fz_3_cast_compares_numbers_as_text(db):
    assert db.execute("select levenshtein_distance(cast(1234 as text), '1243')").fetchone() == (2,)


def test_fz_3_text_jellyfish_rejects_gives_null(db):
    rows = db.execute(
        "select match_rating_codex('O''Brien'), match_rating_codex('🌳'),"
        " match_rating_codex('OBrien'), match_rating_comparison('O''Brien', 'OBrien')"
    ).fetchone()
    assert rows == (None, None, "OBRN", None)


@pytest.fixture
def garden():
    """Plants whose ``name`` has no type affinity, so row 4 keeps its integer name."""
    db = datamill.Database(memory=True)
    db.execute("create table plants (id integer primary key, name, height integer)")
    db["plants"].insert_all(
        [
            {"id": 1, "name": "Fern", "height": 40},
            {"id": 2, "name": "Basil", "height": 25},
            {"id": 3, "name": "Tomato", "height": None},
            {"id": 4, "name": 4, "height": 30},
        ]
    )
    return db


def fetch_one_by_one(db, sql):
    cursor = db.execute(sql)
    return [cursor.fetchone() for _ in range(4)]


MESSAGE = "soundex() argument 1 must be text, not integer"
BAD_ROW_4 = "select id, soundex(name) as code from plants order by id"


def test_fz_4_every_way_through_datamill_raises_the_message(garden):
    """Rows 1-3 are fine; row 4's name is an integer, so the failure comes while fetching."""
    cursor = garden.execute(BAD_ROW_4)
    assert next(cursor) == (1, "F650")
    with pytest.raises(FunctionArgumentError, match=f"^{re.escape(MESSAGE)}$"):
        list(cursor)
    fetches = [
        lambda: garden.execute(BAD_ROW_4).fetchall(),
        lambda: garden.execute(BAD_ROW_4).fetchmany(10),
        lambda: fetch_one_by_one(garden, BAD_ROW_4),
        lambda: list(garden.query(BAD_ROW_4)),
        lambda: list(garden["plants"].rows_where(select="soundex(name)")),
        lambda: list(garden["plants"].rows_where("soundex(name) = 'B240'")),
        lambda: garden.executescript("create table codes as select soundex(name) as c from plants"),
        lambda: garden.execute_returning_dicts(BAD_ROW_4),
    ]
    for fetch in fetches:
        with pytest.raises(FunctionArgumentError) as error:
            fetch()
        assert str(error.value) == MESSAGE
        assert error.value.__suppress_context__  # no "during handling" noise
    assert "codes" not in garden.table_names()


def test_fz_4_executescript_inside_a_transaction(garden):
    garden.begin()
    with pytest.raises(FunctionArgumentError, match=f"^{re.escape(MESSAGE)}$"):
        garden.executescript("insert into plants (id, name) values (9, soundex(9));")
    garden.rollback()


def test_fz_4_search_raises_the_message(garden):
    garden["plants"].enable_fts(["name"])
    with pytest.raises(FunctionArgumentError, match=r"^soundex\(\) argument 1 must be text"):
        list(garden["plants"].search("Basil", where="soundex(height) is not null"))


def test_fz_4_handlers_for_sqlite_errors_still_match(garden):
    """L-FUNC-3: code catching sqlite3.OperationalError keeps working."""
    with pytest.raises(sqlite3.OperationalError):
        garden.execute(BAD_ROW_4).fetchall()


def test_fz_4_raw_connection_gets_sqlite_generic_message(garden):
    with pytest.raises(sqlite3.OperationalError) as error:
        garden.conn.execute(BAD_ROW_4).fetchall()
    assert type(error.value) is sqlite3.OperationalError
    assert str(error.value) == "user-defined function raised exception"
    # A later failure of a user's own function is not blamed on the leftover fuzzy error.
    garden.register_function(lambda: 1 / 0, name="boom")
    with pytest.raises(sqlite3.OperationalError) as error:
        garden.execute("select boom()")
    assert str(error.value) == "user-defined function raised exception"


def test_fz_4_a_failed_write_changes_nothing(garden):
    before = list(garden.query("select * from plants order by id"))
    with pytest.raises(FunctionArgumentError):
        garden.execute("update plants set name = soundex(name)")
    assert list(garden.query("select * from plants order by id")) == before


def test_fz_1_on_every_connection_and_deterministic(tmp_path):
    sources = [
        datamill.Database(memory=True),
        datamill.Database(memory_name="fuzzy_shared"),
        datamill.Database(tmp_path / "file.db"),
        datamill.Database(sqlite3.connect(":memory:")),
        datamill.Database(memory=True, execute_plugins=False),
        datamill.Database(memory=True, recursive_triggers=False),
    ]
    for db in sources:
        assert db.execute("select levenshtein_distance('Basil', 'Bazil')").fetchone() == (1,)
    db = sources[2]
    db["plants"].insert_all([{"name": "Basil"}, {"name": "Bazil"}, {"name": "Mint"}])
    # Only deterministic functions may appear in an index expression or a generated column.
    db.execute("create index plants_sound on plants (soundex(name))")
    db.execute(
        "alter table plants add column code text generated always as (metaphone(name)) virtual"
    )
    plan = db.execute(
        "explain query plan select name from plants where soundex(name) = 'B240'"
    ).fetchall()
    assert "plants_sound" in plan[0][-1]
    assert [
        r["name"] for r in db.query("select name from plants where soundex(name) = 'B240'")
    ] == [
        "Basil",
        "Bazil",
    ]


def test_fz_1_registration_runs_no_sql():
    traced = []
    datamill.Database(memory=True, tracer=lambda sql, params: traced.append(sql))
    assert traced == ["PRAGMA recursive_triggers=on;"]
    traced.clear()
    db = datamill.Database(
        memory=True, recursive_triggers=False, tracer=lambda sql, params: traced.append(sql)
    )
    assert traced == []
    assert db.execute("select soundex('Basil')").fetchone() == ("B240",)


def test_fz_1_register_function_replaces_without_replace(db):
    db.register_function(lambda s: "mine", name="soundex")
    db.register_function(lambda a, b: -1, name="levenshtein_distance", deterministic=True)
    assert db.execute("select soundex('Basil'), levenshtein_distance('a', 'b')").fetchone() == (
        "mine",
        -1,
    )
    # Now it is in the registry: registering again without replace=True is skipped.
    db.register_function(lambda s: "again", name="soundex")
    assert db.execute("select soundex('Basil')").fetchone() == ("mine",)


class FuzzyOverride:
    __name__ = "FuzzyOverride"

    def __init__(self):
        self.seen = []

    @datamill.hookimpl
    def prepare_connection(self, conn):
        self.seen.append(conn.execute("select soundex('Basil')").fetchone()[0])
        conn.create_function("soundex", 1, lambda s: "plugin")


def test_fz_1_registered_before_prepare_connection_which_replaces_them():
    plugin = FuzzyOverride()
    plugins.pm.register(plugin, name="fuzzy-override")
    try:
        db = datamill.Database(memory=True)
        assert plugin.seen == ["B240"]
        assert db.execute("select soundex('Basil')").fetchone() == ("plugin",)
        untouched = datamill.Database(memory=True, execute_plugins=False)
        assert untouched.execute("select soundex('Basil')").fetchone() == ("B240",)
    finally:
        plugins.pm.unregister(name="fuzzy-override")


def test_fz_5_register_on_a_plain_connection():
    conn = sqlite3.connect(":memory:")
    fuzzy.register(conn)
    assert conn.execute("select nysiis('Basil'), jaro_winkler('a', 'a')").fetchone() == (
        "BASAL",
        1.0,
    )
    with pytest.raises(sqlite3.OperationalError) as error:
        conn.execute("select soundex(1)")
    assert str(error.value) == "user-defined function raised exception"


def test_fz_4_missing_function_hint_only_when_jellyfish_is_missing(monkeypatch):
    message = "no such function: soundex"
    assert fuzzy.missing_function_hint(message) == message
    monkeypatch.setattr(fuzzy, "jellyfish", None)
    assert fuzzy.missing_function_hint(message) == (
        "no such function: soundex - install datamill[fuzzy] for the fuzzy matching functions"
    )
    assert fuzzy.missing_function_hint("no such function: JARO_WINKLER").endswith(
        " - install datamill[fuzzy] for the fuzzy matching functions"
    )
    for other in ["no such function: bogus", "no such table: soundex", "no such function: jaccard"]:
        assert fuzzy.missing_function_hint(other) == other
