"""The build context (PUB-2): its files, modes and database copies, and nothing left on errors."""

import hashlib
import json
import os
import sqlite3

import pytest
from publish_helpers import TREES, listing, mode, publish, trees_db

from datamill.publish import DockerImage, PublishError, render_dockerfile, write_context
from datamill.publish import context as context_module


def image(*paths, **options) -> DockerImage:
    options.setdefault("version", "0.4.0")
    return DockerImage(tuple(str(p) for p in paths), **options)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_files_modes_and_content(trees, work):
    parks = trees_db(work / "parks.db", TREES[:3])
    (work / "site.json").write_text('{"title": "Street trees"}\n')
    built = image(trees, parks, metadata="site.json", tag="trees-site")
    context = write_context(built, "out")
    out = work / "out"
    assert context.directory == "out" and context.temporary is False
    assert context.files == (
        "Dockerfile",
        "requirements.txt",
        "metadata.json",
        "trees.db",
        "parks.db",
    )
    assert listing(out) == sorted(context.files)
    assert {name: mode(out / name) for name in context.files} == dict.fromkeys(context.files, 0o644)
    assert (out / "Dockerfile").read_text() == render_dockerfile(built)
    assert (out / "requirements.txt").read_text().splitlines()[1] == "datamill[serve]==0.4.0"
    assert (out / "metadata.json").read_bytes() == (work / "site.json").read_bytes()
    copied = sqlite3.connect(out / "parks.db")
    assert copied.execute("select id, species, dbh from trees order by id").fetchall() == [
        (row["id"], row["species"], row["dbh"]) for row in TREES[:3]
    ]
    assert context.warnings == ()


def test_files_are_0644_whatever_the_umask(trees, work):
    old = os.umask(0o077)
    try:
        write_context(image(trees), "out")
    finally:
        os.umask(old)
    assert {mode(p) for p in (work / "out").iterdir()} == {0o644}


def test_wal_content_is_copied_and_the_copy_uses_a_rollback_journal(work):
    source = work / "live.db"
    writer = sqlite3.connect(source)
    writer.execute("pragma journal_mode=wal")
    writer.execute("pragma wal_autocheckpoint=0")
    writer.execute("create table trees (id integer primary key, species text)")
    writer.executemany("insert into trees values (?, ?)", [(i, f"s{i}") for i in range(500)])
    writer.commit()
    writer.execute("insert into trees values (1000, 'uncommitted')")  # open transaction
    assert (work / "live.db-wal").stat().st_size > 0
    before = digest(source)
    try:
        write_context(image(source), "out")
    finally:
        writer.rollback()
    copy = work / "out" / "live.db"
    header = copy.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01"  # not WAL
    assert not (work / "out" / "live.db-wal").exists()
    assert not (work / "out" / "live.db-journal").exists()
    check = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    assert check.execute("pragma journal_mode").fetchone() == ("delete",)
    assert check.execute("select count(*), max(id) from trees").fetchone() == (500, 499)
    check.close()
    assert digest(source) == before  # the source is read, never written
    writer.close()


def test_metadata_warnings_are_returned(trees, work):
    (work / "m.json").write_text(json.dumps({"title": "T", "colour": "red"}))
    context = write_context(image(trees, metadata="m.json"), "out")
    assert context.warnings == ("Warning: m.json: unknown key colour ignored",)


def test_dev_version_warning(trees):
    context = write_context(image(trees, version="0.5.0.dev2"), "out")
    assert context.warnings == (
        "Warning: datamill 0.5.0.dev2 is not a released version; the image build can only "
        "install it from an index that has it",
    )


def test_temporary_context(trees, tmp_path):
    context = write_context(image(trees))
    assert context.temporary is True
    assert os.path.dirname(context.directory) == str(tmp_path / "tmp")
    assert os.path.basename(context.directory).startswith("datamill-publish-")
    assert sorted(os.listdir(context.directory)) == ["Dockerfile", "requirements.txt", "trees.db"]


# Every PUB-2 error: exit 1, one Error line, nothing on stdout, nothing left behind.


def fails_leaving_nothing(tmp_path, work, *args):
    before = listing(work)
    result = publish("docker", "--no-build", *args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert listing(work) == before
    assert listing(tmp_path / "tmp") == []
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    return lines[0]


@pytest.mark.parametrize(
    "name", ["my trees.db", "träd.db", "a+b.db", "Dockerfile", "requirements.txt",
             "metadata.json", "compose.yaml", ".dockerignore", "DOCKERFILE"],
)  # fmt: skip
@pytest.mark.parametrize("output", [None, "out", "empty"])
def test_unusable_file_name(tmp_path, work, name, output):
    trees_db(work / name)
    trees_db(work / "ok.db")
    (work / "empty").mkdir()
    args = ["ok.db", name] + (["--output-dir", output] if output else [])
    message = fails_leaving_nothing(tmp_path, work, *args)
    assert (
        message
        == f'Error: Database file name "{name}" cannot be used in a Dockerfile; rename the file'
    )


def test_two_databases_with_one_name(tmp_path, work):
    (work / "a").mkdir()
    (work / "b").mkdir()
    trees_db(work / "a" / "trees.db")
    trees_db(work / "b" / "trees.db")
    message = fails_leaving_nothing(
        tmp_path, work, "a/trees.db", "b/trees.db", "--output-dir", "out"
    )
    assert message == "Error: Two databases are named trees.db"
    message = fails_leaving_nothing(tmp_path, work, "a/trees.db", "a/trees.db")
    assert message == "Error: Two databases are named trees.db"


@pytest.mark.parametrize("output", [None, "out", "empty"])
def test_not_a_sqlite_database(tmp_path, work, trees, output):
    (work / "notes.db").write_text("just some text, long enough to not be a database header\n" * 5)
    (work / "empty").mkdir()
    args = ["trees.db", "notes.db"] + (["--output-dir", output] if output else [])
    message = fails_leaving_nothing(tmp_path, work, *args)
    assert message == "Error: notes.db is not a SQLite database"


def test_output_directory_not_empty(tmp_path, work, trees):
    (work / "out").mkdir()
    (work / "out" / "keep.txt").write_text("mine")
    message = fails_leaving_nothing(tmp_path, work, "trees.db", "--output-dir", "out")
    assert message == "Error: Output directory out is not empty"
    assert (work / "out" / "keep.txt").read_text() == "mine"


def test_output_directory_is_a_file(tmp_path, work, trees):
    (work / "out").write_text("a file")
    message = fails_leaving_nothing(tmp_path, work, "trees.db", "--output-dir", "out")
    assert message == "Error: Output directory out is not a directory"


def test_output_directory_parent_missing(tmp_path, work, trees):
    message = fails_leaving_nothing(tmp_path, work, "trees.db", "--output-dir", "no/such/dir")
    assert message == "Error: Cannot create output directory no/such/dir: No such file or directory"


def test_invalid_metadata(tmp_path, work, trees):
    (work / "m.json").write_text('{"title": 3}')
    message = fails_leaving_nothing(tmp_path, work, "trees.db", "--metadata", "m.json")
    assert message.startswith("Error: Invalid metadata in m.json: ")
    message = fails_leaving_nothing(tmp_path, work, "trees.db", "--metadata", "missing.json")
    assert message == "Error: Invalid metadata in missing.json: No such file or directory"


@pytest.mark.parametrize("output", [None, "out", "empty"])
@pytest.mark.parametrize(
    "failure", [sqlite3.OperationalError("disk I/O error"), KeyboardInterrupt()]
)
def test_a_failure_while_writing_removes_what_was_written(
    tmp_path, work, trees, monkeypatch, output, failure
):
    trees_db(work / "parks.db")
    (work / "empty").mkdir()
    real = context_module.copy_database
    copies = []

    def copy_then_fail(source, target):
        copies.append(target)
        if len(copies) == 2:
            open(target + "-journal", "wb").close()  # what a half-done write leaves
            raise failure
        real(source, target)

    monkeypatch.setattr(context_module, "copy_database", copy_then_fail)
    before = listing(work)
    with (
        pytest.raises(type(failure))
        if isinstance(failure, KeyboardInterrupt)
        else pytest.raises(
            PublishError, match=r"^Cannot write the build context in .*: disk I/O error$"
        )
    ):
        write_context(image("trees.db", "parks.db"), output)
    assert len(copies) == 2
    assert listing(work) == before
    assert listing(tmp_path / "tmp") == []
