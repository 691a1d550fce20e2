"""`datamill history` against real git repositories (track.md HI-1..HI-11, HI-FIX)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import pytest
from cli_helpers import run
from track_helpers import git

A = "station_id,name,docks\nS01,Harbour Gate,12\nS02,Mill Lane,8\n"
B = "station_id,name,docks\nS01,Harbour Gate,16\nS03,Quarry Road,15\n"
C = "station_id,name,docks\nS01,Harbour Gate,16\nS02,Mill Lane,9\nS03,Quarry Road,15\n"

HI5_SCHEMA = """CREATE TABLE "namespaces" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT
);
CREATE UNIQUE INDEX "idx_namespaces_name"
    ON "namespaces" ("name");
CREATE TABLE "commits" (
   "id" INTEGER PRIMARY KEY,
   "namespace" INTEGER REFERENCES "namespaces"("id"),
   "hash" TEXT,
   "commit_at" TEXT,
   "message" TEXT,
   "author_name" TEXT,
   "author_email" TEXT,
   "parent" TEXT
);
CREATE UNIQUE INDEX "idx_commits_namespace_hash"
    ON "commits" ("namespace", "hash");
CREATE TABLE "item" (
   "_id" INTEGER PRIMARY KEY,
   "_item_id" TEXT,
   "station_id" TEXT,
   "name" TEXT,
   "docks" TEXT,
   "_commit" INTEGER REFERENCES "commits"("id"),
   "_removed" INTEGER
);
CREATE UNIQUE INDEX "idx_item__item_id"
    ON "item" ("_item_id");
CREATE TABLE "item_version" (
   "_id" INTEGER PRIMARY KEY,
   "_item" INTEGER REFERENCES "item"("_id"),
   "_version" INTEGER,
   "_commit" INTEGER REFERENCES "commits"("id"),
   "_change" TEXT,
   "station_id" TEXT,
   "name" TEXT,
   "docks" TEXT,
   "_item_full_hash" TEXT
);
CREATE INDEX "idx_item_version__item"
    ON "item_version" ("_item");
CREATE TABLE "columns" (
   "id" INTEGER PRIMARY KEY,
   "namespace" INTEGER REFERENCES "namespaces"("id"),
   "name" TEXT
);
CREATE UNIQUE INDEX "idx_columns_namespace_name"
    ON "columns" ("namespace", "name");
CREATE TABLE "item_changed" (
   "item_version" INTEGER REFERENCES "item_version"("_id"),
   "column" INTEGER REFERENCES "columns"("id"),
   PRIMARY KEY ("item_version", "column")
);"""


def commit_versions(repo, versions, path="stations.csv", start_minute=0):
    """Commit each content as a new version of ``path`` with pinned dates; returns hashes."""
    repo.mkdir(exist_ok=True)
    if not (repo / ".git").exists():
        git(repo, "init", "-q", "-b", "main")
    hashes = []
    for offset, text in enumerate(versions):
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode() if isinstance(text, str) else text)
        git(repo, "add", path)
        stamp = f"2024-05-02T06:{start_minute + offset:02d}:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", f"v{start_minute + offset}"],
            cwd=repo, env=env, check=True,
        )  # fmt: skip
        hashes.append(git(repo, "rev-parse", "HEAD").strip())
    return hashes


def rows(db_path, sql):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def history(db, *args):
    return run("history", str(db), *args)


@pytest.fixture
def depot(tmp_path):
    repo = tmp_path / "depot"
    hashes = commit_versions(repo, [A, B, C])
    return repo, hashes


def snapshot_tables(db_path, namespace="item"):
    tables = ["namespaces", "commits", "columns", namespace, f"{namespace}_version"]
    out = {name: rows(db_path, f'select * from "{name}" order by 1') for name in tables}
    out["changed"] = rows(
        db_path, f'select * from "{namespace}_changed" order by item_version, "column"'
    )
    return out


# HI-11: the worked example, exactly
def test_worked_example(depot, tmp_path):
    repo, (a, b, c) = depot
    db = tmp_path / "depot.db"
    result = history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert rows(db, "select _id, substr(_item_id, 1, 8), station_id, name, docks, _commit, "
                "_removed from item") == [
        (1, "b3f5cf87", "S01", "Harbour Gate", "16", 2, 0),
        (2, "aeba68b8", "S02", "Mill Lane", "9", 3, 0),
        (3, "814df588", "S03", "Quarry Road", "15", 2, 0),
    ]  # fmt: skip
    assert rows(db, "select _id, _item, _version, _commit, _change, station_id, name, docks "
                "from item_version order by _id") == [
        (1, 1, 1, 1, "added", "S01", "Harbour Gate", "12"),
        (2, 2, 1, 1, "added", "S02", "Mill Lane", "8"),
        (3, 1, 2, 2, "changed", None, None, "16"),
        (4, 3, 1, 2, "added", "S03", "Quarry Road", "15"),
        (5, 2, 2, 2, "removed", None, None, None),
        (6, 2, 3, 3, "readded", "S02", "Mill Lane", "9"),
    ]  # fmt: skip
    changed = rows(
        db,
        "select item_version, group_concat(name, ',') from (select item_version, "
        "columns.name from item_changed join columns on columns.id = "
        "item_changed.column order by item_version, columns.id) group by item_version",
    )
    everything = "station_id,name,docks"
    assert changed == [(1, everything), (2, everything), (3, "docks"), (4, everything),
                       (6, everything)]  # fmt: skip
    assert rows(db, "select _item_full_hash is null from item_version where _id = 5") == [(1,)]
    assert rows(db, "select * from commits") == [
        (1, 1, a, "2024-05-02T06:00:00+00:00", "v0", "Ada Tracker", "ada@example.org", None),
        (2, 1, b, "2024-05-02T06:01:00+00:00", "v1", "Ada Tracker", "ada@example.org", a),
        (3, 1, c, "2024-05-02T06:02:00+00:00", "v2", "Ada Tracker", "ada@example.org", b),
    ]
    schema = "\n".join(
        sql + ";" for (sql,) in rows(db, "select sql from sqlite_master where type != 'view'"
                                     " and sql is not null")
    )  # fmt: skip
    assert schema == HI5_SCHEMA
    assert rows(db, "select _change, docks, _changed_columns from item_version_detail "
                "where _item = 2 order by _version") == [
        ("added", "8", '["station_id","name","docks"]'),
        ("removed", None, "[]"),
        ("readded", "9", '["station_id","name","docks"]'),
    ]  # fmt: skip


def test_incremental_run_equals_full_run(depot, tmp_path):
    repo, _ = depot
    full = tmp_path / "full.db"
    history(full, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    partial_repo = tmp_path / "partial"
    commit_versions(partial_repo, [A, B])
    db = tmp_path / "inc.db"
    assert history(db, "stations.csv", "--repo", str(partial_repo), "--id", "station_id",
                   "--csv").exit_code == 0  # fmt: skip
    # the same commits (same dates and content give the same hashes), then one more
    commit_versions(partial_repo, [C], start_minute=2)
    again = history(db, "stations.csv", "--repo", str(partial_repo), "--id", "station_id", "--csv")
    assert again.exit_code == 0, again.stderr
    assert snapshot_tables(db) == snapshot_tables(full)
    rerun = history(db, "stations.csv", "--repo", str(partial_repo), "--id", "station_id", "--csv")
    assert rerun.exit_code == 0
    assert snapshot_tables(db) == snapshot_tables(full)


def test_rewritten_history_is_detected(depot, tmp_path):
    repo, (a, b, c) = depot
    db = tmp_path / "h.db"
    history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    git(repo, "reset", "-q", "--hard", b)
    commit_versions(repo, ["station_id,name,docks\nS09,New,1\n"], start_minute=30)
    result = history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    assert (result.exit_code, result.stderr) == (1, (
        f"Error: Commit {c} (last processed) is not in the history of main; "
        "rebuild the database or use a new --namespace\n"
    ))  # fmt: skip


SLOW_CONVERT = "time.sleep(0.1) or json.loads(content)"


@pytest.mark.parametrize("wal", [False, True])
def test_kill_mid_import_then_rerun(tmp_path, wal):
    repo = tmp_path / "big"
    versions = []
    for number in range(12):
        versions.append(json.dumps([
            {"id": i, "value": (i * 7 + number) % 13, "name": f"n{i}"}
            for i in range(number, 400 + number * 5) if (i + number) % 17
        ]))  # fmt: skip
    commit_versions(repo, versions, path="data.json")
    args = ["data.json", "--repo", str(repo), "--id", "id", "--convert", SLOW_CONVERT,
            "--import", "time", "--silent"] + (["--wal"] if wal else [])  # fmt: skip
    reference = tmp_path / "reference.db"
    assert history(reference, *args).exit_code == 0
    db = tmp_path / "killed.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "datamill", "history", str(db), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    done = 0
    while time.monotonic() < deadline and done < 4:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db, timeout=0.1) as conn:
                done = conn.execute("select count(*) from commits").fetchone()[0]
        except sqlite3.Error:
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        recorded = conn.execute("select count(*) from commits").fetchone()[0]
        versions_at = conn.execute("select count(distinct _commit) from item_version").fetchone()
    assert 4 <= recorded < 12
    assert versions_at[0] == recorded  # every recorded commit is complete
    assert history(db, *args).exit_code == 0
    assert snapshot_tables(db) == snapshot_tables(reference)


def test_without_id_keeps_every_row(depot, tmp_path):
    repo, _ = depot
    db = tmp_path / "plain.db"
    assert history(db, "stations.csv", "--repo", str(repo), "--csv").exit_code == 0
    assert rows(db, "select sql from sqlite_master where name = 'item'") == [(
        'CREATE TABLE "item" (\n   "station_id" TEXT,\n   "name" TEXT,\n   "docks" TEXT,\n'
        '   "_commit" INTEGER REFERENCES "commits"("id")\n)',
    )]  # fmt: skip
    assert rows(db, "select _commit, count(*) from item group by 1") == [(1, 2), (2, 2), (3, 3)]
    assert rows(db, "select name from sqlite_master where name like 'item_%'") == []


def test_namespace_json_types_nested_values_and_new_columns(tmp_path):
    repo = tmp_path / "repo"
    v1 = json.dumps([{"id": 1, "n": 2.5, "tags": {"b": 1, "a": "é"}}])
    v2 = json.dumps([{"id": 1, "n": 2.5, "tags": {"a": "é", "b": 2}, "extra": "x"}])
    commit_versions(repo, [v1, v2], path="feed.json")
    db = tmp_path / "t.db"
    result = history(db, "feed.json", "--repo", str(repo), "--id", "id", "-n", "trees")
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select sql from sqlite_master where name = 'trees'")[0][0] == (
        'CREATE TABLE "trees" (\n   "_id" INTEGER PRIMARY KEY,\n   "_item_id" TEXT,\n'
        '   "id" INTEGER,\n   "n" REAL,\n   "tags" TEXT,\n'
        '   "_commit" INTEGER REFERENCES "commits"("id"),\n   "_removed" INTEGER\n'
        ', "extra" TEXT)'
    )
    assert rows(db, "select id, n, tags, extra from trees") == [(1, 2.5, '{"a": "é", "b": 2}', "x")]
    assert rows(db, "select _version, _change, id, tags, extra from trees_version") == [
        (1, "added", 1, '{"a": "é", "b": 1}', None),
        (2, "changed", None, '{"a": "é", "b": 2}', "x"),
    ]
    names = {name for (name,) in rows(db, "select name from sqlite_master")}
    assert {"trees_version", "trees_changed", "trees_version_detail"} <= names


@pytest.mark.parametrize("namespace", ["my-ns", "two words", 'say "hi"', "select"])
def test_namespace_that_is_not_a_plain_identifier(depot, tmp_path, namespace):
    # HI-5: -n only prefixes table names; the view must quote names SQL cannot take bare.
    repo, _ = depot
    db = tmp_path / "odd.db"
    result = history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    result = history(
        db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv", "-n", namespace
    )
    assert result.exit_code == 0, result.stderr
    view = '"' + f"{namespace}_version_detail".replace('"', '""') + '"'
    detail = rows(db, f"select _commit_hash, _change from {view}")
    assert detail == rows(db, 'select _commit_hash, _change from "item_version_detail"')
    assert len(detail) > 3


def test_detect_types_full_versions_ignore_and_reserved_names(tmp_path):
    repo = tmp_path / "repo"
    commit_versions(repo, [
        "id,_id,zip,size,note,secret\n1,a,02134,3,x,s\n2,b,02135,,y,t\n",
        "id,_id,zip,size,note,secret\n1,a,02134,4,x,u\n2,b,02135,,y,t\n",
    ], path="d.csv")  # fmt: skip
    db = tmp_path / "t.db"
    result = history(db, "d.csv", "--repo", str(repo), "--id", "id", "--csv", "--detect-types",
                     "--full-versions", "--ignore", "secret")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    columns = rows(db, "select name, type from pragma_table_info('item')")
    assert columns[2:7] == [("id", "INTEGER"), ("_id_", "TEXT"), ("zip", "TEXT"),
                            ("size", "INTEGER"), ("note", "TEXT")]  # fmt: skip
    assert rows(db, "select id, _id_, zip, size from item order by _id") == [
        (1, "a", "02134", 4),
        (2, "b", "02135", None),
    ]
    assert rows(
        db, "select _version, id, _id_, zip, size, note from item_version where _item = 1"
    ) == [(1, 1, "a", "02134", 3, "x"), (2, 1, "a", "02134", 4, "x")]
    assert rows(
        db,
        "select columns.name from item_changed join columns on "
        "columns.id = item_changed.column where item_version = 3",
    ) == [("size",)]


def test_start_skip_and_branch_fallback(tmp_path):
    repo = tmp_path / "repo"
    hashes = commit_versions(repo, [A, B, "station_id,name\nbroken,row,here\n", C])
    git(repo, "branch", "-m", "main", "trunk")
    db = tmp_path / "t.db"
    bad = history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    assert bad.exit_code == 1
    assert bad.stderr == (
        f"Error: Commit {hashes[2]}: stations.csv, line 2: expected 2 fields, found 3; "
        f"use --skip {hashes[2]} to skip this commit\n"
    )
    assert rows(db, "select count(*) from commits") == [(2,)]  # earlier commits stay
    ok = history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv",
                 "--skip", hashes[2][:9])  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    assert rows(db, "select hash from commits order by id") == [
        (hashes[0],),
        (hashes[1],),
        (hashes[3],),
    ]
    later = tmp_path / "later.db"
    args = ["stations.csv", "--repo", str(repo), "--id", "station_id", "--csv",
            "--branch", "trunk", "--skip", hashes[2]]  # fmt: skip
    assert history(later, *args, "--start-after", hashes[0][:7]).exit_code == 0
    assert rows(later, "select hash from commits order by id") == [(hashes[1],), (hashes[3],)]
    at = tmp_path / "at.db"
    assert history(at, *args, "--start-at", hashes[3]).exit_code == 0
    assert rows(at, "select hash from commits") == [(hashes[3],)]


def test_file_only_in_history_and_deleted_commits(tmp_path):
    repo = tmp_path / "repo"
    hashes = commit_versions(repo, [A, B])
    git(repo, "rm", "-q", "stations.csv")
    git(repo, "commit", "-qm", "gone")
    db = tmp_path / "t.db"
    result = history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select hash from commits order by id") == [(h,) for h in hashes]


def test_empty_version_changes_nothing(tmp_path):
    repo = tmp_path / "repo"
    commit_versions(repo, [A, "  \n", "station_id,name,docks\n", A])
    db = tmp_path / "t.db"
    assert history(db, "stations.csv", "--repo", str(repo), "--id", "station_id",
                   "--csv").exit_code == 0  # fmt: skip
    assert rows(db, "select count(*) from commits") == [(4,)]
    assert rows(db, "select count(*), max(_version) from item_version") == [(2, 1)]


@pytest.mark.parametrize(
    "versions, extra, message",
    [
        ([A], ["--id", "stn"], 'Commit {0}: --id column "stn" is missing from 2 of 2 rows (first: row 1)'),
        (["station_id,name\nS01,a\nS01,b\n"], ["--id", "station_id"],
         'Commit {0}: duplicate --id value station_id="S01" (rows 1 and 2); use --ignore-duplicate-ids to keep the first'),
    ],
)  # fmt: skip
def test_id_errors(tmp_path, versions, extra, message):
    repo = tmp_path / "repo"
    hashes = commit_versions(repo, versions)
    db = tmp_path / "t.db"
    result = history(db, "stations.csv", "--repo", str(repo), "--csv", *extra)
    assert (result.exit_code, result.stderr) == (1, "Error: " + message.format(*hashes) + "\n")
    assert rows(db, "select name from sqlite_master") == []  # the one commit rolled back


def test_ignore_missing_and_duplicate_ids(tmp_path):
    repo = tmp_path / "repo"
    data = json.dumps([{"id": 1, "v": "a"}, {"v": "b"}, {"id": 1, "v": "c"}, {"v": "d"}])
    (sha,) = commit_versions(repo, [data], path="d.json")
    db = tmp_path / "t.db"
    result = history(db, "d.json", "--repo", str(repo), "--id", "id",
                     "--ignore-missing-ids", "--ignore-duplicate-ids")  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr == f"Warning: Commit {sha}: 2 rows without --id columns skipped\n"
    assert rows(db, "select id, v from item") == [(1, "a")]


def test_convert_errors_and_nl_format(tmp_path):
    repo = tmp_path / "repo"
    (sha,) = commit_versions(repo, ['{"id": 1}\n{"id": 2}\n'], path="d.jsonl")
    db = tmp_path / "t.db"
    raised = history(db, "d.jsonl", "--repo", str(repo), "--id", "id", "--convert",
                     "int('x')")  # fmt: skip
    assert raised.stderr == (
        f"Error: Commit {sha}: --convert raised ValueError: invalid literal for int() with "
        f"base 10: 'x'; use --skip {sha} to skip this commit\n"
    )
    not_dict = history(db, "d.jsonl", "--repo", str(repo), "--id", "id", "--convert",
                       "[{'id': 1}, {'id': 2}, [3]]")  # fmt: skip
    assert (
        not_dict.stderr == f"Error: Commit {sha}: row 3 from --convert is not a dict (got list)\n"
    )
    ok = history(db, "d.jsonl", "--repo", str(repo), "--id", "id", "--format", "nl")
    assert ok.exit_code == 0, ok.stderr
    assert rows(db, "select id from item") == [(1,), (2,)]


def test_repository_errors(tmp_path, depot):
    repo, hashes = depot
    db = tmp_path / "t.db"
    plain = tmp_path / "plain"
    plain.mkdir()
    cases = [
        (["--repo", str(tmp_path / "nope")], f"Not a git repository: {tmp_path / 'nope'}"),
        (["--repo", str(plain)], f"Not a git repository: {plain}"),
        (["--repo", str(repo), "--branch", "dev"], f'Branch "dev" not found in {repo}'),
        (["--repo", str(repo), "--start-at", "0000000"],
         "--start-at 0000000 does not match a commit that changed stations.csv"),
        (["--repo", str(repo), "--csv", "--convert", "x"], "Cannot use both --csv and --convert"),
        (["--repo", str(repo), "--encoding", "latin-1"], "--encoding requires --csv or --dialect"),
        (["--repo", str(repo), "--start-at", "a", "--start-after", "b"],
         "Cannot use --start-at and --start-after at the same time"),
        (["--repo", str(repo), "--format", "csv", "--csv"],
         "Cannot combine --format with --csv, --dialect or --convert"),
    ]  # fmt: skip
    for args, message in cases:
        result = history(db, "stations.csv", *args)
        assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n"), args
    never = history(db, "other.csv", "--repo", str(repo))
    assert never.stderr == "Error: other.csv has no commits on branch main\n"


def test_ambiguous_prefix(tmp_path):
    repo = tmp_path / "repo"
    hashes = commit_versions(repo, [A + f"S{i:02d},x,1\n" for i in range(3, 40)])
    by_first = {}
    for sha in hashes:
        by_first.setdefault(sha[0], []).append(sha)
    prefix = next(key for key, shas in by_first.items() if len(shas) > 1)
    result = history(tmp_path / "t.db", "stations.csv", "--repo", str(repo), "--csv",
                     "--skip", prefix)  # fmt: skip
    assert result.stderr == f"Error: --skip {prefix} matches more than one commit\n"


def test_clone_url_failure(tmp_path):
    result = history(tmp_path / "t.db", "x.csv", "--repo", "http://127.0.0.1:9/nothing.git")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Could not clone http://127.0.0.1:9/nothing.git: ")


@pytest.mark.skipif(shutil.which("git-history") is None and not os.path.exists(
    os.path.join(os.path.dirname(sys.executable), "git-history")
), reason="git-history 0.8 is not installed (make bench-deps)")  # fmt: skip
def test_continue_git_history_08_database(tmp_path):
    repo = tmp_path / "depot"
    partial = commit_versions(repo, [A, B])
    db = tmp_path / "gh.db"
    tool = shutil.which("git-history") or os.path.join(
        os.path.dirname(sys.executable), "git-history"
    )
    subprocess.run([tool, "file", str(db), "stations.csv", "--id", "station_id", "--csv",
                    "--silent"], cwd=repo, check=True, capture_output=True)  # fmt: skip
    commit_versions(repo, [C], start_minute=2)
    result = history(db, "stations.csv", "--repo", str(repo), "--id", "station_id", "--csv")
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select hash, message, parent from commits order by id") == [
        (partial[0], "v0", None), (partial[1], "v1", partial[0]),
        (git(repo, "rev-parse", "HEAD").strip(), "v2", partial[1]),
    ]  # fmt: skip
    assert rows(db, "select station_id, _removed from item order by station_id") == [
        ("S01", 0),
        ("S02", 0),
        ("S03", 0),
    ]
    assert rows(db, "select _version, _change, docks from item_version where _item = "
                "(select _id from item where station_id = 'S02') order by _version") == [
        (1, "added", "8"), (2, "readded", "9")
    ]  # fmt: skip


@pytest.mark.parametrize(
    "path, body, extra, message",
    [
        ("d.csv", "a,b,a\n1,2,3\n", ["--csv"], 'd.csv, line 1: duplicate column name "a" (columns 1 and 3)'),
        ("d.csv", 'a,b\n1,"open\n', ["--csv"], "d.csv, line 2: unterminated quoted field"),
        ("d.csv", "a,b\n1,\x002\n", ["--csv"], "d.csv, line 2: NUL byte in input; is this really a CSV file?"),
        ("d.csv", '[{"a": 1}]', ["--csv"], "d.csv: looks like JSON; use --format json or --format nl"),
        ("d.csv", b"a\n\xe9\n", ["--csv"], "d.csv, line 2: cannot decode byte 0xe9 at offset 2 as utf-8; use --encoding, e.g. --encoding latin-1"),
        ("d.json", '[{"a": 1}, {"a": }]', [], "d.json, line 1, column 18: invalid JSON: Expecting value"),
        ("d.json", '{"a": 1}', [], "d.json: expected a JSON array of objects, found object"),
        ("d.json", '[{"a": 1}, "x"]', [], "d.json: element 2 is not an object (found string)"),
        ("d.json", '[{"a": 1, "a": 2}]', [], 'd.json: element 1 has duplicate key "a"'),
        ("d.jsonl", '{"a": 1}\n[2]\n', ["--format", "nl"], "d.jsonl, line 2: expected a JSON object, found array"),
        ("d.jsonl", '{"a": 1, "a": 1}\n', ["--format", "nl"], 'd.jsonl, line 1: duplicate key "a"'),
    ],
)  # fmt: skip
def test_unparseable_versions_use_dfval_messages(tmp_path, path, body, extra, message):
    repo = tmp_path / "repo"
    (sha,) = commit_versions(repo, [body], path=path)
    result = history(tmp_path / "t.db", path, "--repo", str(repo), *extra)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Commit {sha}: {message}; use --skip {sha} to skip this commit\n"
    )  # fmt: skip


def test_latin1_encoding_and_tsv_dialect(tmp_path):
    repo = tmp_path / "repo"
    commit_versions(repo, ["id\tname\n1\tcaf\xe9\n".encode("latin-1")], path="d.tsv")
    db = tmp_path / "t.db"
    args = ["d.tsv", "--repo", str(repo), "--id", "id", "--dialect", "excel-tab"]
    assert history(db, *args, "--encoding", "latin-1").exit_code == 0
    assert rows(db, "select id, name from item") == [("1", "café")]


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_clone_over_http_and_remove_the_clone(depot, tmp_path, monkeypatch):
    repo, hashes = depot
    served = tmp_path / "served"
    served.mkdir()
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(repo), str(served / "depot.git")], check=True
    )
    git(served / "depot.git", "update-server-info")
    handler = functools.partial(QuietFiles, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True).start()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/depot.git"
        db = tmp_path / "t.db"
        result = history(db, "stations.csv", "--repo", url, "--id", "station_id", "--csv")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select hash from commits order by id") == [(h,) for h in hashes]
    assert list(scratch.iterdir()) == []


# HI-2, G-4: an unknown --encoding is a usage error before git or the database is touched
@pytest.mark.parametrize("csv_flag", [["--csv"], []])
def test_unknown_encoding_is_a_usage_error(depot, tmp_path, csv_flag):
    repo, _ = depot
    db = tmp_path / "t.db"
    result = history(db, "stations.csv", "--repo", str(repo), *csv_flag, "--encoding", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: datamill history [OPTIONS] DATABASE FILEPATH\n")
    assert result.stderr.endswith(
        "\n\nError: Invalid value for '--encoding': unknown encoding 'nope'\n"
    )
    assert not db.exists()


# HI-10: CSV read as JSON (the git-history default) says what to do instead of blaming a commit
@pytest.mark.parametrize(
    "path, body, extra, advice",
    [
        ("stations.csv", A, [], "use --csv"),
        ("stations.txt", A, [], "use --csv"),
        ("stations.csv", A, ["--format", "json"], "use --format csv"),
        ("stations.csv", A, ["--format", "nl"], "use --format csv"),
        ("codes.csv", "code\n01\n", [], "use --csv"),
    ],
)  # fmt: skip
def test_csv_read_as_json_suggests_csv(tmp_path, path, body, extra, advice):
    repo = tmp_path / "repo"
    (sha,) = commit_versions(repo, [body], path=path)
    db = tmp_path / "t.db"
    result = history(db, path, "--repo", str(repo), *extra)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Commit {sha}: {path}, line 1, column ")
    assert result.stderr.endswith(f"; the file looks like CSV; {advice}\n")
    assert "--skip" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert rows(db, "select name from sqlite_master") == []
    assert history(db, path, "--repo", str(repo), "--csv").exit_code == 0


def test_broken_json_still_suggests_skip(tmp_path):
    repo = tmp_path / "repo"
    (sha,) = commit_versions(repo, ['[{"id": 1},\n{"id": 2,}]'], path="d.json")
    result = history(tmp_path / "t.db", "d.json", "--repo", str(repo))
    assert result.stderr == (
        f"Error: Commit {sha}: d.json, line 2, column 10: invalid JSON: Expecting property name "
        f"enclosed in double quotes; use --skip {sha} to skip this commit\n"
    )


def test_convert_and_import_errors_are_one_line(depot, tmp_path):
    repo, _ = depot
    db = tmp_path / "t.db"
    syntax = history(db, "stations.csv", "--repo", str(repo), "--convert", "def (")
    assert (syntax.exit_code, syntax.stderr) == (
        1,
        "Error: --convert is not valid Python: invalid syntax\n",
    )
    missing = history(db, "stations.csv", "--repo", str(repo), "--convert", "[]",
                      "--import", "datamill_no_such_module")  # fmt: skip
    assert (missing.exit_code, missing.stderr) == (
        1,
        "Error: Could not import datamill_no_such_module: No module named 'datamill_no_such_module'\n",
    )
    assert not db.exists()
