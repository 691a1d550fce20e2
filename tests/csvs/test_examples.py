"""CS-11: the spec's examples, exactly."""

from __future__ import annotations

from cli.cli_helpers import ok_stdout as datamill

from .conftest import ok, rows


def test_plain_load_detects_types_and_keeps_leading_zeros(run, votes):
    ok(run("votes.csv", "votes.db"))
    assert datamill("schema", "votes.db", "votes") == (
        'CREATE TABLE "votes" (\n'
        '   "precinct" TEXT,\n'
        '   "county" TEXT,\n'
        '   "party" TEXT,\n'
        '   "candidate" TEXT,\n'
        '   "votes" INTEGER,\n'
        '   "reported" TEXT\n'
        ")\n"
    )


def test_lookups_dates_key_and_index(run, votes):
    ok(
        run(
            *("votes.csv", "votes2.db", "-c", "county", "-c", "party:Party:name"),
            *("-d", "reported", "-pk", "precinct", "-i", "candidate", "--no-fulltext-fks"),
        )
    )
    assert datamill("schema", "votes2.db", "votes") == (
        'CREATE TABLE "votes" (\n'
        '   "precinct" TEXT PRIMARY KEY,\n'
        '   "county" INTEGER REFERENCES "county"("id"),\n'
        '   "party" INTEGER REFERENCES "Party"("id"),\n'
        '   "candidate" TEXT,\n'
        '   "votes" INTEGER,\n'
        '   "reported" TEXT\n'
        ")\n"
    )
    assert datamill("rows", "votes2.db", "votes", "--nl") == (
        '{"precinct": "0101", "county": 1, "party": 1, "candidate": "Ada Lane", "votes": 51,'
        ' "reported": "2024-03-04"}\n'
        '{"precinct": "0102", "county": 1, "party": 2, "candidate": "Bo Reyes", "votes": null,'
        ' "reported": "2024-03-04"}\n'
        '{"precinct": "0201", "county": 2, "party": 1, "candidate": "Ada Lane", "votes": 7,'
        ' "reported": "2024-03-05"}\n'
    )
    indexes = rows("votes2.db", "select name, tbl_name from sqlite_master where type = 'index'")
    assert sorted(indexes) == [
        ("idx_Party_name", "Party"),
        ("idx_county_value", "county"),
        ("idx_votes_candidate", "votes"),
        ("idx_votes_county", "votes"),
        ("idx_votes_party", "votes"),
        ("sqlite_autoindex_votes_1", "votes"),
    ]
    unique = rows("votes2.db", "select name from pragma_index_list('county') where \"unique\"")
    assert unique == [("idx_county_value",)]
    assert not [t for t in rows("votes2.db", "select name from sqlite_master") if "fts" in t[0]]


def test_full_text_search_indexes_extracted_values(run, votes):
    ok(run("votes.csv", "votes3.db", "-c", "party", "-f", "candidate", "-f", "party",
           "--no-fulltext-fks"))  # fmt: skip
    assert datamill("schema", "votes3.db", "votes_fts") == (
        'CREATE VIRTUAL TABLE "votes_fts" USING FTS5 (\n'
        '    "candidate", "party",\n'
        '    content="votes"\n'
        ")\n"
    )
    sql = (
        "select precinct from votes where rowid in "
        "(select rowid from votes_fts where votes_fts match 'rep')"
    )
    assert datamill("votes3.db", sql, "--csv") == "precinct\r\n0101\r\n0201\r\n"  # CSV: CRLF


def test_ragged_line_is_an_error_and_leaves_no_database(run, tmp_path):
    (tmp_path / "rag.csv").write_text("a,b\n1,2\n3,4,5\n")
    result = run("rag.csv", "rag.db")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: rag.csv, line 3: expected 2 fields, found 3 - use --skip-errors to skip such lines\n"
    )
    assert not (tmp_path / "rag.db").exists()
