"""Help texts are datamill's own words, not sqlite-utils' (G-1).

Every command help (and each of its paragraphs) and every option help of ``datamill`` is
compared with all the help text of sqlite-utils' CLI, after renaming the program and
ignoring whitespace. A shared string longer than 20 characters fails, except the texts the
spec itself quotes.
"""

import re

import click
import pytest

from datamill.cli import cli

sqlite_utils_cli = pytest.importorskip("sqlite_utils.cli")

MIN_LENGTH = 20
#: Strings quoted by the spec, which must stay exactly as written there.
SPEC_QUOTED = {
    "Commands for interacting with a SQLite database",  # G-1
}
#: click's own texts for its built-in options, which neither tool wrote.
CLICK_DEFAULTS = {"Show the version and exit.", "Show this message and exit."}


def normalise(text):
    text = text.replace("\b", " ").replace("sqlite-utils", "datamill")
    return " ".join(text.replace("sqlite_utils", "datamill").split())


def pieces(text):
    """The whole text and each of its paragraphs, normalised, if long enough to matter."""
    if not text:
        return set()
    parts = [text, *re.split(r"\n\s*\n", text)]
    return {p for p in map(normalise, parts) if len(p) > MIN_LENGTH}


def help_texts(command):
    """``(where, text)`` for a command's help, short help and option helps."""
    yield "help", command.help
    yield "short help", command.short_help
    for param in command.params:
        if isinstance(param, click.Option):
            yield "/".join(param.opts), param.help


def commands(group):
    yield "(root)", group
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        yield name, group.get_command(ctx, name)


PEER_TEXTS = set().union(
    *(
        pieces(text)
        for _, command in commands(sqlite_utils_cli.cli)
        for _, text in help_texts(command)
    )
)


def test_normalise_and_pieces_find_copies():
    assert pieces("Run VACUUM against the sqlite-utils database\n\nsqlite-utils   vacuum x") == {
        "Run VACUUM against the datamill database datamill vacuum x",
        "Run VACUUM against the datamill database",
    }
    assert "Output newline-delimited JSON" in PEER_TEXTS


@pytest.mark.parametrize("name", [name for name, _ in commands(cli)])
def test_help_is_our_own(name):
    command = dict(commands(cli))[name]
    copied = [
        f"{name} {where}: {piece!r}"
        for where, text in help_texts(command)
        for piece in pieces(text)
        if piece in PEER_TEXTS and piece not in SPEC_QUOTED | CLICK_DEFAULTS
    ]
    assert copied == []
