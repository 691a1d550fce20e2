"""History databases for the SV-HIST data-layer tests.

``build_history`` runs the real ``datamill history`` over real git commits; ``git_history_08``
writes by hand the layout git-history 0.8 leaves for track.md HI-11 (no ``_change``, no
``_removed``, no removal versions, commits without message).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from cli_helpers import run

# HI-11: commits A, B and C of stations.csv.
HI11 = [
    "station_id,name,docks\nS01,Harbour Gate,12\nS02,Mill Lane,8\n",
    "station_id,name,docks\nS01,Harbour Gate,16\nS03,Quarry Road,15\n",
    "station_id,name,docks\nS01,Harbour Gate,16\nS02,Mill Lane,9\nS03,Quarry Road,15\n",
]
IDENTITY = {"GIT_AUTHOR_NAME": "Ada Tracker", "GIT_AUTHOR_EMAIL": "ada@example.org"}


def commit_files(repo: Path, versions: list[str], path: str, messages: list[str]) -> list[str]:
    """Commit each text as the next version of ``path``, with pinned dates; returns hashes."""
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    hashes = []
    for minute, (text, message) in enumerate(zip(versions, messages)):
        (repo / path).write_text(text, encoding="utf-8")
        stamp = f"2024-05-02T06:{minute:02d}:00+00:00"
        env = {
            **os.environ,
            **IDENTITY,
            "GIT_COMMITTER_NAME": IDENTITY["GIT_AUTHOR_NAME"],
            "GIT_COMMITTER_EMAIL": IDENTITY["GIT_AUTHOR_EMAIL"],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        for args in (["add", path], ["commit", "-q", "--allow-empty", "-m", message]):
            subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
        hashes.append(
            subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
            ).stdout.strip()
        )
    return hashes


def build_history(
    db: Path, repo: Path, versions: list[str], *options: str, path: str = "stations.csv"
) -> list[str]:
    """Commit ``versions`` to ``repo`` and run ``datamill history db path --repo repo *options``."""
    messages = [f"Version {n}\n\nBody line of version {n}." for n in range(1, len(versions) + 1)]
    hashes = commit_files(repo, versions, path, messages)
    result = run("history", db, path, "--repo", repo, "--silent", *options)
    assert result.exit_code == 0, (result.output, result.exception)
    return hashes


def open_read_only(db: Path) -> sqlite3.Connection:
    """As the server opens databases (SV-SEC-1): ``mode=ro`` and ``query_only``."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("pragma query_only = 1")
    return conn


GIT_HISTORY_08_SQL = """
CREATE TABLE [namespaces] ([id] INTEGER PRIMARY KEY, [name] TEXT);
CREATE UNIQUE INDEX [idx_namespaces_name] ON [namespaces] ([name]);
CREATE TABLE [commits] (
   [id] INTEGER PRIMARY KEY, [namespace] INTEGER REFERENCES [namespaces]([id]),
   [hash] TEXT, [commit_at] TEXT
);
CREATE UNIQUE INDEX [idx_commits_namespace_hash] ON [commits] ([namespace], [hash]);
CREATE TABLE [item] (
   [_id] INTEGER PRIMARY KEY, [_item_id] TEXT, [station_id] TEXT, [name] TEXT, [docks] TEXT,
   [_commit] INTEGER
);
CREATE UNIQUE INDEX [idx_item__item_id] ON [item] ([_item_id]);
CREATE TABLE [item_version] (
   [_id] INTEGER PRIMARY KEY, [_item] INTEGER REFERENCES [item]([_id]), [_version] INTEGER,
   [_commit] INTEGER REFERENCES [commits]([id]), [station_id] TEXT, [name] TEXT, [docks] TEXT,
   [_item_full_hash] TEXT
);
CREATE INDEX [idx_item_version__item] ON [item_version] ([_item]);
CREATE TABLE [columns] (
   [id] INTEGER PRIMARY KEY, [namespace] INTEGER REFERENCES [namespaces]([id]), [name] TEXT
);
CREATE UNIQUE INDEX [idx_columns_namespace_name] ON [columns] ([namespace], [name]);
CREATE TABLE [item_changed] (
   [item_version] INTEGER REFERENCES [item_version]([_id]),
   [column] INTEGER REFERENCES [columns]([id]),
   PRIMARY KEY ([item_version], [column])
);
INSERT INTO namespaces VALUES (1, 'item');
INSERT INTO commits VALUES
  (1, 1, 'abcdef0111111111111111111111111111111111', '2024-05-02T06:00:00+00:00'),
  (2, 1, 'abcdef0222222222222222222222222222222222', '2024-05-02T06:01:00+00:00'),
  (3, 1, 'c0ffee3333333333333333333333333333333333', '2024-05-02T06:02:00+00:00');
INSERT INTO item VALUES
  (1, 'b3f5', 'S01', 'Harbour Gate', '16', 2),
  (2, 'aeba', 'S02', 'Mill Lane', '9', 3),
  (3, '814d', 'S03', 'Quarry Road', '15', 2);
INSERT INTO item_version VALUES
  (1, 1, 1, 1, 'S01', 'Harbour Gate', '12', 'h1'),
  (2, 2, 1, 1, 'S02', 'Mill Lane', '8', 'h2'),
  (3, 1, 2, 2, NULL, NULL, '16', 'h3'),
  (4, 3, 1, 2, 'S03', 'Quarry Road', '15', 'h4'),
  (5, 2, 2, 3, NULL, NULL, '9', 'h5');
INSERT INTO columns VALUES (1, 1, 'station_id'), (2, 1, 'name'), (3, 1, 'docks');
INSERT INTO item_changed VALUES (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 3),
  (4, 1), (4, 2), (4, 3), (5, 3);
"""


def git_history_08(db: Path, changed_table: bool = True) -> None:
    """The HI-11 history as git-history 0.8 writes it (S02's return is a version 2)."""
    with sqlite3.connect(db) as conn:
        conn.executescript(GIT_HISTORY_08_SQL)
        if not changed_table:
            conn.execute("drop table item_changed")
    conn.close()
