"""The track/history demo: commit two versions of the sample file, then query every row's story.

Runs ``datamill track`` twice in a temporary git repository (the sample trees, then the next
version), shows ``git log``, builds the history database with ``datamill history`` and queries it.
"""

from __future__ import annotations

import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile

import datamill

HERE = pathlib.Path(__file__).parent
VERSIONS = [HERE / "data" / "trees.csv", HERE / "data" / "trees-next.csv"]


def datamill_cli(*args: str, cwd: pathlib.Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "datamill", *args], cwd=cwd, capture_output=True, text=True
    )
    print(f"$ datamill {shlex.join(args)}\n{result.stdout}{result.stderr}", end="")
    result.check_returncode()


def main(workdir: pathlib.Path | None = None) -> pathlib.Path:
    """Run the demo in ``workdir`` (default: a new temporary folder); returns the history db."""
    workdir = workdir or pathlib.Path(tempfile.mkdtemp(prefix="datamill-track-demo-"))
    repo = workdir / "depot"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    feed = workdir / "published.csv"
    print(f"== track: {feed.name} committed into {repo} only when it changes")
    for version in [VERSIONS[0], VERSIONS[0], VERSIONS[1]]:
        shutil.copyfile(version, feed)
        datamill_cli(
            "track", str(feed), "--path", "trees.csv", "--key", "TreeID",
            "--author", "datamill demo <demo@example.org>", "--message-max-lines", "12",
            cwd=repo,
        )  # fmt: skip
    log = subprocess.run(
        ["git", "log", "--format=%h %s%n%b", "--", "trees.csv"],
        cwd=repo, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    print(f"\n$ git log --format='%h %s%n%b'\n{log}")
    db_path = workdir / "trees-history.db"
    print("== history: every tree's versions")
    datamill_cli("history", str(db_path), "trees.csv", "--id", "TreeID", "--csv", cwd=repo)
    db = datamill.Database(db_path)
    for row in db.query(
        "select commits.message as commit_title, _change, count(*) as n from item_version "
        "join commits on commits.id = item_version._commit group by 1, 2 order by commits.id, 2"
    ):
        title = row["commit_title"].splitlines()[0]
        print(f"  {row['n']:>4} {row['_change']:<8} in {title}")
    story = db.execute(
        "select _item from item_version where _change = 'changed' order by _id limit 1"
    ).fetchone()
    if story:
        print("One tree's story (item_version_detail):")
        for row in db.query(
            "select _version, _change, _changed_columns from item_version_detail "
            "where _item = ? order by _version",
            [story[0]],
        ):
            print(f"  v{row['_version']} {row['_change']:<8} {row['_changed_columns']}")
    db.close()
    return db_path


if __name__ == "__main__":
    main()
