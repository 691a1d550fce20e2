"""CLI: C-SEARCH as amended by S-CLI, search-all, and the FTS set-up commands."""

from __future__ import annotations

import pytest
from cli_helpers import run

import datamill

from .conftest import PLANTS


@pytest.fixture
def garden(tmp_path):
    path = str(tmp_path / "garden.db")
    datamill.Database(path)["plants"].insert_all(PLANTS, pk="id")
    return path


def test_s_cli_3_examples(garden):
    assert run("enable-fts", garden, "plants", "name", "kind").exit_code == 0
    result = run("search", garden, "plants", "herb")
    assert result.output == (
        '[{"rowid": 2, "id": 2, "name": "Basil", "kind": "herb", "height": 25},\n'
        ' {"rowid": 4, "id": 4, "name": "Mint", "kind": "herb", "height": 30}]\n'
    )
    result = run("search", garden, "plants", 'herb"')
    assert result.exit_code == 1
    assert result.output == (
        "Error: Invalid full-text search query 'herb\"' for table 'plants': "
        "unterminated string - try again with --quote\n"
    )
    result = run("search", garden, "plants", "ba*", "--quote", "--rank", "--snippet")
    assert result.output == (
        '[{"rowid": 2, "id": 2, "name": "Basil", "kind": "herb", "height": 25, '
        '"rank": -0.8472978603872037, "snippet": "<b>Basil</b>"}]\n'
    )


def test_s_cli_4_search_all(garden):
    run("enable-fts", garden, "plants", "name", "kind")
    result = run("search-all", garden, "herb")
    assert result.output == (
        '[{"table": "plants", "rowid": 2, "rank": -1e-06, "snippet": "<b>herb</b>"},\n'
        ' {"table": "plants", "rowid": 4, "rank": -1e-06, "snippet": "<b>herb</b>"}]\n'
    )
    result = run("search-all", garden, "her*", "-t", "plants", "--limit", "1", "--csv")
    assert result.stdout_bytes == b"table,rowid,rank,snippet\r\nplants,2,-1e-06,<b>herb</b>\r\n"
    result = run("search-all", garden, "herb", "--no-snippet", "--nl", "--markers", "[", "]")
    assert result.output.splitlines()[0] == (
        '{"table": "plants", "rowid": 2, "rank": -1e-06, "snippet": null}'
    )
    result = run("search-all", garden, "herb", "-t", "nope")
    assert (result.exit_code, result.output) == (
        1,
        "Error: Table 'nope' is not configured for full-text search\n",
    )
    result = run("search-all", garden, "AND", "--raw")
    assert result.output == (
        "Error: Invalid full-text search query 'AND' for table 'plants': "
        'fts5: syntax error near "AND" - try again with --quote\n'
    )
    run("disable-fts", garden, "plants")
    result = run("search-all", garden, "herb")
    assert (result.exit_code, result.output) == (
        1,
        "Error: No tables in this database are configured for full-text search\n",
    )
    assert run("search-all", garden + ".missing", "herb").exit_code == 2


def test_c_search_sql_and_checks(garden):
    run("enable-fts", garden, "plants", "name", "kind")
    result = run("search", garden, "plants", "herb", "-c", "name", "--limit", "1", "--sql")
    assert result.output == (
        'with "original" as (\n    select\n        rowid,\n        "name"\n    from "plants"\n)\n'
        'select\n    "original"."name"\nfrom\n    "original"\n'
        '    join "plants_fts" on "original".rowid = "plants_fts".rowid\n'
        'where\n    "plants_fts" match :query\norder by\n    "plants_fts".rank\nlimit 1\n'
    )
    assert "snippet(" in run("search", garden, "plants", "x", "--snippet", "--sql").output
    result = run("search", garden, "plants", "herb", "-c", "nope")
    assert result.output == "Error: Table 'plants' has no column 'nope\n"
    assert run("search", garden, "nope", "herb").output == "Error: Table 'nope' does not exist\n"
    result = run("search", garden, "plants", "herb", "--k1", "2")
    assert result.output == (
        "Error: k1 and b can only be changed for FTS4 tables; "
        "FTS5's bm25() uses k1=1.2 and b=0.75\n"
    )
    result = run("search", garden, "plants", "herb", "-c", "name", "-t")
    assert result.output == "name\n------\nBasil\nMint\n"
    result = run("search", garden, "plants", "zzz", "-c", "name", "--rank", "--csv")
    assert result.stdout_bytes == b"name,rank\r\n"


def test_c_search_ranking_options_on_fts4(garden):
    run("enable-fts", garden, "plants", "name", "kind", "--fts4", "--create-triggers")
    result = run(
        "search", garden, "plants", "herb", "--ranking", "bm25", "--weight", "kind", "2",
        "--rank", "--snippet-column", "kind", "--markers", "[", "]", "--offset", "1",
        "--arrays",
    )  # fmt: skip
    assert result.output == '[[4, 4, "Mint", "herb", 30, -1.375e-06, "[herb]"]]\n'
    result = run("search", garden, "plants", "herb", "--highlight", "name")
    assert result.output == (
        "Error: highlight needs an FTS5 table; 'plants_fts' is FTS4 (use snippet)\n"
    )
    result = run("search", garden, "plants", "AND")
    assert result.output == (
        "Error: Invalid full-text search query 'AND' for table 'plants': "
        "malformed MATCH expression: [AND] - try again with --quote\n"
    )


def test_c_enable_populate_rebuild_disable_optimize(garden):
    result = run("enable-fts", garden, "plants", "name", "--fts4", "--fts5")
    assert (result.exit_code, result.output) == (0, "Can only use one of --fts4 or --fts5\n")
    assert datamill.Database(garden)["plants"].detect_fts() is None
    assert run("enable-fts", garden, "nope", "name").output == "Error: no such table: nope\n"
    result = run("populate-fts", garden, "plants", "name")
    assert result.output == "Error: no such table: plants_fts\n"
    run("enable-fts", garden, "plants", "name", "--tokenize", "porter", "--create-triggers")
    result = run("enable-fts", garden, "plants", "name")
    assert result.output == 'Error: table "plants_fts" already exists\n'
    assert run("enable-fts", garden, "plants", "name", "kind", "--replace").exit_code == 0
    assert run("populate-fts", garden, "plants", "name", "kind").exit_code == 0
    result = run("populate-fts", garden, "plants", "name")
    assert result.output == (
        "Error: Columns ['name'] do not match the columns of full-text search table 'plants_fts'\n"
    )
    assert run("rebuild-fts", garden).exit_code == 0
    assert run("rebuild-fts", garden, "plants", "plants_fts").exit_code == 0
    assert run("rebuild-fts", garden, "nope").output == "Error: no such table: nope\n"
    assert run("optimize", garden).exit_code == 0
    assert run("optimize", garden, "plants", "--no-vacuum").exit_code == 0
    assert run("search", garden, "plants", "mint", "-c", "name").output == '[{"name": "Mint"}]\n'
    assert run("disable-fts", garden, "plants").exit_code == 0
    assert run("disable-fts", garden, "nope").exit_code == 0
    assert datamill.Database(garden).table_names() == ["plants"]
    assert run("optimize", garden + ".missing").exit_code == 2


@pytest.mark.parametrize("version", ["--fts4", "--fts5"])
def test_enable_fts_names_a_missing_column(garden, version):
    """Issue 11: a renamed column gave only "SQL logic error"; nothing is created."""
    result = run("enable-fts", garden, "plants", "name", "qSpecies", version)
    assert (result.exit_code, result.output) == (
        1,
        "Error: Table plants has no column named qSpecies\n",
    )
    assert datamill.Database(garden).table_names() == ["plants"]
    assert run("enable-fts", garden, "plants", "NAME", version).exit_code == 0  # any case


@pytest.mark.parametrize(
    "args",
    [
        ("enable-fts", "herbs", "name"),
        ("enable-fts", "herbs", "name", "--create-triggers"),
        ("populate-fts", "herbs", "name"),
        ("rebuild-fts", "herbs"),
        ("rebuild-fts", "plants_fts", "herbs"),
        ("disable-fts", "herbs"),
    ],
)
def test_fts_commands_on_a_view(garden, args):
    # L-ACC-1, issue 11 §3.9: a view named as TABLE is reported as a view, nothing changes.
    datamill.Database(garden).create_view("herbs", "select * from plants where kind = 'herb'")
    run("enable-fts", garden, "plants", "name")
    schema = datamill.Database(garden).schema
    result = run(args[0], garden, *args[1:])
    assert (result.exit_code, result.output) == (1, "Error: Table herbs is actually a view\n")
    assert datamill.Database(garden).schema == schema


def test_g_10_every_command_has_the_ranking_functions(garden):
    run("enable-fts", garden, "plants", "name", "kind", "--fts4")
    result = run("search", garden, "plants", "herb", "-o", "rank_score(matchinfo(plants_fts))")
    assert result.exit_code == 0, result.output
