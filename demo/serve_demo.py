"""Build the databases ``datamill serve`` explores in the demo, then print the command.

build/demo/trees.db: the sample trees, searchable (qSpecies, qAddress), with an index on
qSpecies and the caretakers in their own table. build/demo/trees-history.db: the history of the
sample file's two versions, from demo/track_history.py. Nothing is left running.
"""

from __future__ import annotations

import pathlib
import shlex
import shutil
import sys

from track_history import HERE, VERSIONS, datamill_cli
from track_history import main as build_history

OUT = HERE.parent / "build" / "demo"


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    trees = OUT / "trees.db"
    print("== serve: the sample database and its history, for the browser")
    for args in [
        ["insert", str(trees), "trees", str(VERSIONS[0]), "--csv", "--pk", "TreeID"],
        ["extract", str(trees), "trees", "qCaretaker", "--table", "caretakers"],
        ["enable-fts", str(trees), "trees", "qSpecies", "qAddress", "--create-triggers"],
        ["create-index", str(trees), "trees", "qSpecies"],
    ]:
        datamill_cli(*args, cwd=OUT)
    history = build_history(OUT / "track")
    shutil.move(str(history), OUT / "trees-history.db")
    shutil.rmtree(OUT / "track")
    datamill = pathlib.Path(sys.executable).with_name("datamill")
    command = [str(datamill), "serve", str(trees), str(OUT / "trees-history.db")]
    cwd = pathlib.Path.cwd()
    shown = [
        str(pathlib.Path(part).relative_to(cwd)) if part.startswith(str(cwd)) else part
        for part in command
    ]
    print(
        "\nExplore them in a browser (Ctrl-C stops the server):\n\n    " + shlex.join(shown) + "\n"
    )


if __name__ == "__main__":
    main()
