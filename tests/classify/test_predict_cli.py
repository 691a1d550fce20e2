"""CL-2 ``datamill classify predict``: files, stdin and URLs; table and JSON output; and
CL-7's bad inputs, each one ``Error:`` line with exit status 1."""

from __future__ import annotations

import json
import re

import pytest
from classify_helpers import encoded, fails
from cli_helpers import run, run_process
from PIL import Image


def test_table_output_for_files(photos):
    result = run("classify", "predict", photos / "chelsea.png", photos / "coffee.png", "--top", "2")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["image", "label", "probability"]
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]
    chelsea, coffee = str(photos / "chelsea.png"), str(photos / "coffee.png")
    assert rows == [
        [chelsea, "tiger cat", "0.4082"],
        [chelsea, "Egyptian cat", "0.3404"],
        [coffee, "espresso", "0.9511"],
        [coffee, "cup", "0.0150"],
    ]
    assert result.stderr == ""


def test_json_output_one_object_per_image(photos):
    result = run("classify", "predict", "--json", photos / "coffee.png", "--top", "3")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["image"] == str(photos / "coffee.png")
    assert [p["label"] for p in record["predictions"]] == ["espresso", "cup", "consomme"]
    assert abs(record["predictions"][0]["probability"] - 0.9511) < 1e-4


def test_stdin(photos):
    data = (photos / "chelsea.png").read_bytes()
    record = json.loads(run("classify", "predict", "-", "--json", "--top", "1", input=data).stdout)
    assert record == {
        "image": "-",
        "predictions": [{"label": "tiger cat", "probability": pytest.approx(0.4082, abs=1e-4)}],
    }


def test_stdin_only_once():
    result = run("classify", "predict", "-", "-")
    assert result.exit_code == 2
    assert "Error: - (stdin) can be given only once" in result.stderr


def test_a_url(server, photos):
    url = server.serve("/cat.png", (photos / "chelsea.png").read_bytes())
    result = run("classify", "predict", url, "--json", "--top", "1", "--allow-private")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["predictions"][0]["label"] == "tiger cat"


def test_credentials_in_a_url_are_not_shown(server, photos):
    url = server.serve("/cat.png", (photos / "chelsea.png").read_bytes())
    secret = url.replace("http://", "http://ada:s3cret@")
    result = run("classify", "predict", secret, "--json", "--allow-private")
    assert json.loads(result.stdout)["image"] == url.replace("http://", "http://***@")
    assert "s3cret" not in result.stdout + result.stderr


def test_a_trained_model(digits_model, digits):
    model, _ = digits_model
    result = run("classify", "predict", digits / "7_17.png", "--model", model, "--json")
    assert result.exit_code == 0, result.stderr
    predictions = json.loads(result.stdout)["predictions"]
    assert predictions[0]["label"] == "7"
    assert len(predictions) == 3


def test_top_larger_than_the_labels_lists_them_all(digits_model, digits):
    model, _ = digits_model
    result = run("classify", "predict", digits / "3_3.png", "--model", model, "--top", "50")
    assert len(result.stdout.splitlines()) == 2 + 10


def test_top_must_be_positive():
    result = run("classify", "predict", "x.jpg", "--top", "0")
    assert result.exit_code == 2


@pytest.fixture
def bad_images(tmp_path, photos):
    (tmp_path / "notes.jpg").write_text("not a photo\n")
    rocket = (photos / "rocket.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(rocket[: len(rocket) // 3])
    (tmp_path / "dot.png").write_bytes(encoded(Image.new("RGB", (1, 1))))
    (tmp_path / "bad.model").write_bytes(b"SQLite format 3\0 but not really")
    return tmp_path


@pytest.mark.parametrize(
    "args, message",
    [
        (["notes.jpg"], "Error: notes.jpg is not an image (or not in a supported format)"),
        (["cut.jpg"], "Error: cut.jpg is truncated (the image data ends early)"),
        (["dot.png"], "Error: dot.png is too small to classify (1×1 pixels; the minimum is 16×16)"),
        (["missing.jpg"], "Error: Image file not found: missing.jpg"),
        (
            ["--model", "bad.model", "dot.png"],
            "Error: bad.model is not a datamill classifier (or was made by an incompatible "
            "version)",
        ),
        (["--model", "nowhere.model", "dot.png"], "Error: Model file not found: nowhere.model"),
        (
            ["ftp://example.org/cat.jpg"],
            "Error: ftp://example.org/cat.jpg: only http:// and https:// URLs can be fetched",
        ),
    ],
)
def test_bad_input(bad_images, monkeypatch, args, message):
    monkeypatch.chdir(bad_images)
    assert fails("classify", "predict", *args) == message


def test_a_url_that_404s(server):
    url = server.url("/missing.jpg")
    line = fails("classify", "predict", url, "--allow-private")
    assert line == f"Error: GET {url} returned HTTP 404 Not Found"


def test_a_url_to_a_private_address_is_refused_by_default(server, photos):
    url = server.serve("/cat.png", (photos / "chelsea.png").read_bytes())
    assert fails("classify", "predict", url) == "Error: Refusing to fetch a private address"
    assert server.requests == []
    localhost = url.replace("127.0.0.1", "localhost")
    assert fails("classify", "predict", localhost) == "Error: Refusing to fetch a private address"


def test_an_image_larger_than_the_20_mb_limit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("big.jpg", "wb") as file:
        file.truncate(20 * 1024 * 1024 + 1)
    line = fails("classify", "predict", "big.jpg")
    assert line == "Error: big.jpg is larger than the image size limit (20971520 bytes)"


def test_the_decompression_bomb_message_is_one_line(tmp_path):
    """In a fresh process, Pillow's own warning must not add lines of its own."""
    path = tmp_path / "huge.png"
    Image.new("1", (12000, 10000)).save(path)
    result = run_process("classify", "predict", path)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {path} has more than 40,000,000 pixels (12000×10000 pixels)\n"
    )
