"""Every CS-2 option with csvs-to-sqlite 1.3.1's meaning (CS-2, CS-4, CS-7, CS-8, CS-10)."""

from __future__ import annotations

import pytest

from .conftest import VOTES, ok, rows, schema, tables, types, write


def test_separator_and_tab_text(run, tmp_path):
    write(tmp_path / "semi.csv", "a;b\n1;x y\n")
    write(tmp_path / "tabs.csv", "a\tb\n2\tz\n")
    ok(run("-s", ";", "semi.csv", "semi.db"))
    ok(run("-s", "\\t", "tabs.csv", "tabs.db"))
    assert rows("semi.db", "select a, b from semi") == [(1, "x y")]
    assert rows("tabs.db", "select a, b from tabs") == [(2, "z")]


@pytest.mark.parametrize("quoting", ["0", "1", "2"])
def test_quoting_0_to_2_is_standard_csv(run, tmp_path, quoting):
    write(tmp_path / "q.csv", 'a,b\n"1,5","say ""hi"""\n')
    ok(run("-q", quoting, "q.csv", "q.db"))
    assert rows("q.db", "select a, b from q") == [("1,5", 'say "hi"')]


def test_quoting_3_makes_quotes_data(run, tmp_path):
    write(tmp_path / "q.csv", 'a,b\n"1",x"y\n')
    ok(run("-q", "3", "q.csv", "q.db"))
    assert rows("q.db", "select a, b from q") == [('"1"', 'x"y')]


def test_skip_errors_drops_long_lines_with_warnings(run, tmp_path):
    lines = ["a,b", "1,2"] + ["3,4,5"] * 22 + ["6"]
    write(tmp_path / "rag.csv", "\n".join(lines) + "\n")
    result = ok(run("--skip-errors", "rag.csv", "rag.db"))
    warnings = result.stderr.splitlines()
    assert warnings[0] == "Warning: rag.csv, line 3: expected 2 fields, found 3 - skipped"
    assert warnings[19] == "Warning: rag.csv, line 22: expected 2 fields, found 3 - skipped"
    assert warnings[20:] == ["Warning: rag.csv: 2 more lines skipped"]
    assert rows("rag.db", "select a, b from rag") == [(1, 2), (6, None)]


def test_replace_tables_drops_table_and_fts_but_keeps_lookups(run, votes, tmp_path):
    ok(run("votes.csv", "v.db", "-c", "county", "-f", "candidate"))
    write(tmp_path / "votes.csv", "precinct,county\n9,Ormsby\n")
    ok(run("votes.csv", "v.db", "-c", "county", "--replace-tables"))
    assert rows("v.db", "select precinct, county from votes") == [(9, 3)]
    assert rows("v.db", "select id, value from county") == [
        (1, "Clark"),
        (2, "Lyon"),
        (3, "Ormsby"),
    ]
    assert "votes_fts" not in tables("v.db")


def test_existing_table_is_appended_to_and_its_fts_kept_current(run, votes, tmp_path):
    ok(run("votes.csv", "v.db", "-f", "candidate"))
    write(tmp_path / "more" / "votes.csv", "precinct,candidate,votes\n0301,Di Moss,x\n")
    result = ok(run("more/votes.csv", "v.db", "-f", "party"))
    assert types("v.db", "votes")["votes"] == "INTEGER"  # schema unchanged
    assert rows("v.db", "select precinct, votes, typeof(votes) from votes where rowid = 4") == [
        ("0301", "x", "text")
    ]
    assert rows("v.db", "select rowid from votes_fts where votes_fts match 'moss'") == [(4,)]
    assert result.stderr == ""


def test_one_table_gets_the_union_of_columns(run, tmp_path):
    write(tmp_path / "a.csv", "x,y\n1,2\n")
    write(tmp_path / "b.csv", "y,z\n3,4\n")
    ok(run("-t", "all", "--filename-column", "src", "a.csv", "b.csv", "one.db"))
    assert list(types("one.db", "all")) == ["x", "y", "src", "z"]
    assert rows("one.db", "select x, y, z, src from [all]") == [
        (1, 2, None, "a"),
        (None, 3, 4, "b"),
    ]


def test_extract_column_forms_and_shared_lookups(run, tmp_path):
    write(tmp_path / "a.csv", "home,away,price\nLions,Bears,1.50\nBears,Owls,\n")
    ok(run("a.csv", "g.db", "-c", "home:Team:name", "-c", "away:Team:name", "-c", "price"))
    assert rows("g.db", "select id, name from Team") == [(1, "Lions"), (2, "Bears"), (3, "Owls")]
    assert rows("g.db", "select home, away, price from a") == [(1, 2, 1), (2, 3, None)]
    assert rows("g.db", "select id, value from price") == [(1, "1.50")]  # text, never a number
    assert rows("g.db", "select rowid from Team_name_fts where Team_name_fts match 'owls'") == [
        (3,)
    ]
    assert 'content="Team"' in schema("g.db", "Team_name_fts")


def test_existing_lookup_rows_keep_their_ids(run, votes, tmp_path):
    ok(run("votes.csv", "v.db", "-c", "county"))
    write(tmp_path / "more.csv", "county\nNye\nLyon\n")
    ok(run("more.csv", "v.db", "-c", "county"))
    assert rows("v.db", "select county from more") == [(3,), (2,)]
    assert rows("v.db", "select count(*) from county_value_fts") == [(3,)]


def test_no_index_fks_and_no_fulltext_fks(run, votes):
    ok(run("votes.csv", "v.db", "-c", "county", "--no-index-fks", "--no-fulltext-fks"))
    indexes = rows("v.db", "select name from sqlite_master where type = 'index'")
    assert indexes == [("idx_county_value",)]
    assert not [t for t in tables("v.db") if "fts" in t]


def test_compound_primary_key_and_index(run, votes):
    ok(run("votes.csv", "v.db", "-pk", "precinct", "-pk", "party", "-i", "county,party"))
    assert 'PRIMARY KEY ("precinct", "party")' in schema("v.db", "votes")
    assert schema("v.db", "idx_votes_county_party") == (
        'CREATE INDEX "idx_votes_county_party"\n    ON "votes" ("county", "party")'
    )


def test_existing_index_of_that_name_is_kept(run, votes, tmp_path):
    ok(run("votes.csv", "v.db", "-i", "county"))
    rows_sql = "select sql from sqlite_master where name = 'idx_votes_county'"
    before = rows("v.db", rows_sql)
    ok(run("votes.csv", "v.db", "-i", "county"))
    assert rows("v.db", rows_sql) == before
    assert rows("v.db", "select count(*) from votes") == [(6,)]


def test_shape_keeps_renames_and_types(run, tmp_path):
    write(tmp_path / "z.csv", "zip,name,code,extra\n00601,Adj,007,x\n")
    ok(run("z.csv", "z.db", "--shape", "code:num(INTEGER), zip(text),name:label"))
    assert schema("z.db", "z") == (
        'CREATE TABLE "z" (\n   "zip" TEXT,\n   "label" TEXT,\n   "num" INTEGER\n)'
    )
    assert rows("z.db", "select zip, label, num from z") == [("00601", "Adj", 7)]


def test_fixed_columns_follow_filename_column_in_groups(run, votes):
    ok(
        run(
            "votes.csv",
            "v.db",
            "--fixed-column-float",
            "ratio",
            "0.5",
            "--fixed-column-int",
            "year",
            "2024",
            "--fixed-column",
            "state",
            "NV",
            "--filename-column",
            "file",
        )
    )
    assert list(types("v.db", "votes"))[6:] == ["file", "state", "year", "ratio"]
    assert list(types("v.db", "votes").values())[6:] == ["TEXT", "TEXT", "INTEGER", "REAL"]
    assert rows("v.db", "select distinct file, state, year, ratio from votes") == [
        ("votes", "NV", 2024, 0.5)
    ]


def test_added_column_named_like_a_csv_column_replaces_its_values(run, votes):
    ok(run("votes.csv", "v.db", "--fixed-column", "county", "Washoe"))
    assert list(types("v.db", "votes"))[:2] == ["precinct", "county"]
    assert rows("v.db", "select distinct county from votes") == [("Washoe",)]


def test_just_strings(run, votes):
    ok(run("votes.csv", "v.db", "--just-strings", "--fixed-column-int", "n", "1"))
    assert set(list(types("v.db", "votes").values())[:6]) == {"TEXT"}
    assert types("v.db", "votes")["n"] == "INTEGER"
    assert rows("v.db", "select votes from votes") == [("51",), (None,), ("7",)]


def test_encoding_option(run, tmp_path):
    write(tmp_path / "lat.csv", "name\nJos\xe9\n", encoding="latin-1")
    result = ok(run("--encoding", "latin-1", "lat.csv", "l.db"))
    assert result.stderr == ""
    assert rows("l.db", "select name from lat") == [("José",)]


def test_invalid_utf8_is_read_as_latin1_with_a_warning(run, tmp_path):
    write(tmp_path / "lat.csv", "name\nJos\xe9\n", encoding="latin-1")
    result = ok(run("lat.csv", "l.db"))
    assert result.stderr == "Warning: lat.csv is not valid UTF-8; it was read as latin-1\n"
    assert rows("l.db", "select name from lat") == [("José",)]


def test_summary_on_a_terminal_unless_silent(run, votes, monkeypatch):
    monkeypatch.setattr("datamill.cli.csvs._on_terminal", lambda: True)
    assert ok(run("votes.csv", "v.db")).stderr == "Created v.db from 1 CSV file\n"
    assert ok(run("votes.csv", "votes.csv", "v.db")).stderr == "Added 2 CSV files to v.db\n"
    assert ok(run("--silent", "votes.csv", "v.db")).stderr == ""


def test_summary_not_printed_when_stderr_is_not_a_terminal(run, votes):
    assert ok(run("votes.csv", "v.db")).stderr == ""


def test_dbname_without_a_dot_gets_db_suffix(run, votes, tmp_path):
    ok(run("votes.csv", "out"))
    assert rows(tmp_path / "out.db", "select count(*) from votes") == [(3,)]


def test_votes_fixture_is_the_spec_text():
    assert VOTES.splitlines()[3] == '0201,Lyon,REP,Ada Lane,7,"March 5, 2024"'


def test_shape_numeric_declares_numeric(run, tmp_path):
    """CS-4: ``(numeric)`` is one of the --shape types."""
    (tmp_path / "n.csv").write_text("a,b\n1,2.50\n2,3\n")
    result = run("n.csv", "n.db", "--shape", "a,b:bb(numeric)")
    assert result.exit_code == 0, result.output
    assert types("n.db", "n") == {"a": "INTEGER", "bb": "NUMERIC"}
    assert rows("n.db", "select bb, typeof(bb) from n") == [(2.5, "real"), (3, "integer")]
