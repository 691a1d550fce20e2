"""CL-4 ``datamill classify table``: label the images a table points at, per-batch
transactions, resumable, failures counted and named, not fatal."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from classify_helpers import fails
from cli_helpers import run

from datamill import Database
from datamill.classify.table import classify_table


@pytest.fixture
def album(tmp_path, photos):
    """album.db beside images/: files, a BLOB, a missing file, a NULL and an empty value."""
    images = tmp_path / "images"
    images.mkdir()
    shutil.copy(photos / "chelsea.png", images / "cat.png")
    shutil.copy(photos / "coffee.png", images / "coffee.png")
    db = Database(tmp_path / "album.db")
    db["photos"].insert_all(
        [
            {"id": 1, "path": "images/cat.png"},
            {"id": 2, "path": "images/coffee.png"},
            {"id": 3, "path": "images/missing.png"},
            {"id": 4, "path": None},
            {"id": 5, "path": (photos / "coffee.png").read_bytes()},
            {"id": 6, "path": ""},
        ],
        pk="id",
    )
    db.close()
    return tmp_path / "album.db"


def rows(path, *columns):
    with sqlite3.connect(path) as conn:
        return conn.execute(f"select id, {', '.join(columns)} from photos order by id").fetchall()


def test_labels_files_and_blobs_and_reports_the_rest(album):
    result = run("classify", "table", album, "photos", "path")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "2 rows without an image skipped\n"
        "1 image could not be labelled: row 3: Image file not found: images/missing.png\n"
    )
    labelled = rows(album, "label", "round(probability, 4)")
    assert labelled == [
        (1, "tiger cat", 0.4082),
        (2, "espresso", 0.9511),
        (3, None, None),
        (4, None, None),
        (5, "espresso", 0.9511),
        (6, None, None),
    ]
    with sqlite3.connect(album) as conn:
        types = {row[1]: row[2] for row in conn.execute("pragma table_info(photos)")}
    assert types["label"] == "TEXT" and types["probability"] == "REAL"


def test_rerunning_resumes_and_retries_only_the_failures(album, server, photos):
    url = server.serve("/cat.png", (photos / "chelsea.png").read_bytes())
    with sqlite3.connect(album) as conn:
        conn.execute("insert into photos values (7, ?)", [url])
    first = run("classify", "table", album, "photos", "path", "--allow-private")
    assert first.exit_code == 0
    assert rows(album, "label")[-1] == (7, "tiger cat")
    assert len(server.requests) == 1
    (album.parent / "images" / "missing.png").write_bytes(
        (album.parent / "images" / "cat.png").read_bytes()
    )
    second = run("classify", "table", album, "photos", "path", "--allow-private")
    assert second.exit_code == 0
    assert second.stderr == "2 rows without an image skipped\n"
    assert rows(album, "label")[2] == (3, "tiger cat")
    assert len(server.requests) == 1  # row 7 already had its label


def test_custom_columns_and_top_two_as_json(album):
    result = run(
        "classify",
        "table",
        album,
        "photos",
        "path",
        "--top",
        "2",
        "--label-column",
        "guess",
        "--probability-column",
        "confidence",
    )
    assert result.exit_code == 0
    (_, guess, confidence) = rows(album, "guess", "confidence")[0]
    assert json.loads(guess) == ["tiger cat", "Egyptian cat"]
    assert [round(p, 4) for p in json.loads(confidence)] == [0.4082, 0.3404]


def test_a_url_to_a_private_address_is_a_counted_failure(album, server, photos):
    url = server.serve("/cat.png", (photos / "chelsea.png").read_bytes())
    with sqlite3.connect(album) as conn:
        conn.execute("insert into photos values (7, ?)", [url])
    result = run("classify", "table", album, "photos", "path")
    assert result.exit_code == 0
    assert "row 7: Refusing to fetch a private address" in result.stderr
    assert server.requests == []


def test_each_batch_is_its_own_transaction(album, monkeypatch, classifier):
    calls = []
    real = type(classifier).predict

    def predict(self, data, top=3, **kwargs):
        calls.append(kwargs["source"])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, data, top, **kwargs)

    monkeypatch.setattr(type(classifier), "predict", predict)
    db = Database(album)
    with pytest.raises(KeyboardInterrupt):
        classify_table(db, "photos", "path", classifier, batch_size=2)
    db.close()
    # The first batch (rows 1 and 2) was committed; the interrupted one was not.
    assert [label for _, label in rows(album, "label")] == [
        "tiger cat",
        "espresso",
        None,
        None,
        None,
        None,
    ]


def test_every_image_failing_is_an_error_and_changes_nothing(tmp_path):
    path = tmp_path / "broken.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table photos (id integer primary key, path text)")
        conn.executemany("insert into photos values (?, ?)", [(1, "a.png"), (2, "b.png")])
    before = path.read_bytes()
    line = fails("classify", "table", path, "photos", "path")
    assert line == (
        "Error: every image failed: 2 images could not be labelled: "
        "row 1: Image file not found: a.png; row 2: Image file not found: b.png"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope", "path"], "Error: Table nope does not exist"),
        (["photos", "nope"], "Error: Table photos has no column nope"),
        (
            ["photos", "path", "--label-column", "path"],
            "Error: the image, label and probability columns must be different",
        ),
        (
            ["keyed", "path"],
            "Error: Table keyed has no rowid (WITHOUT ROWID tables are not supported)",
        ),
        (["photos", "path", "--model", "nope.model"], "Error: Model file not found: nope.model"),
    ],
)
def test_bad_arguments(album, monkeypatch, args, message):
    with sqlite3.connect(album) as conn:
        conn.execute("create table keyed (id text primary key, path text) without rowid")
    before = album.read_bytes()
    monkeypatch.chdir(album.parent)
    assert fails("classify", "table", album, *args) == message
    assert album.read_bytes() == before


def test_the_database_must_exist(tmp_path):
    result = run("classify", "table", tmp_path / "nope.db", "photos", "path")
    assert result.exit_code == 2
