"""CL-3 ``datamill classify train``: transfer learning on real labelled digits, the feature
cache, the deterministic split, the model file, and every refusal."""

from __future__ import annotations

import re
import sqlite3

import pytest
from classify_helpers import fails
from cli_helpers import run
from PIL import Image, ImageOps

from datamill.classify.errors import ModelError
from datamill.classify.model_file import load_model


def error_rate(stdout: str) -> float:
    return float(re.search(r"^error rate: (\d\.\d{4}) ", stdout, re.M).group(1))


def test_digits_validation_error_is_at_most_ten_percent(digits_model):
    model, result = digits_model
    assert error_rate(result.stdout) <= 0.10
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Trained on 1438 images, validated on 359 (10 labels; features: 1797 extracted, 0 cached)"
    )
    header = lines.index("confusion (rows: actual label, columns: predicted label):")
    table = lines[header + 1 :]
    assert table[0].split() == [str(d) for d in range(10)]
    rows = [line.split() for line in table[2:12]]
    assert [row[0] for row in rows] == [str(d) for d in range(10)]
    counts = [[int(n) for n in row[1:]] for row in rows]
    assert sum(map(sum, counts)) == 359
    wrong = sum(n for i, row in enumerate(counts) for j, n in enumerate(row) if i != j)
    assert wrong / 359 == pytest.approx(error_rate(result.stdout), abs=1e-4)
    assert lines[-1] == f"Model written to {model}"


def test_the_model_is_small_and_self_describing(digits_model):
    model, _ = digits_model
    assert model.stat().st_size <= 100 * 1024
    head = load_model(model)
    assert head.labels == tuple(str(d) for d in range(10))
    assert head.weight.shape == (1280, 10)
    assert head.summary["train"] == 1438 and head.summary["valid"] == 359
    assert head.summary["seed"] == 42 and head.summary["converged"]
    assert head.summary["per_label"]["0"] == 178
    with sqlite3.connect(model) as conn:
        meta = dict(conn.execute("select key, value from meta"))
    assert meta["format"] == "datamill-classifier"
    assert meta["backbone"].startswith("efficientnet-lite0 sha256:579344248a93e230")
    assert "(value - 127) / 128" in meta["preprocessing"]


def test_a_second_run_uses_the_cache_and_writes_the_same_model(digits_model, digits):
    model, first = digits_model
    before = model.read_bytes()
    again = run("classify", "train", digits, "-o", model, "--label-regex", r"^(\d)_")
    assert again.exit_code == 0
    assert "features: 0 extracted, 1797 cached" in again.stdout
    assert again.stdout == first.stdout.replace(
        "1797 extracted, 0 cached", "0 extracted, 1797 cached"
    )
    assert model.read_bytes() == before


def test_another_seed_gives_another_split(digits_model, digits, tmp_path):
    model, first = digits_model
    other = tmp_path / "other.model"
    cache = f"{model}.features.db"
    (tmp_path / "other.model.features.db").write_bytes(open(cache, "rb").read())
    result = run(
        "classify", "train", digits, "-o", other, "--label-regex", r"^(\d)_", "--seed", "7"
    )
    assert result.exit_code == 0
    assert "0 extracted, 1797 cached" in result.stdout
    assert error_rate(result.stdout) <= 0.10
    assert other.read_bytes() != model.read_bytes()


@pytest.fixture
def pets(tmp_path, photos):
    """A tiny two-label folder: cats/ and coffee/, five variations of each photo."""
    root = tmp_path / "pets"
    for label, photo in (("cats", "chelsea.png"), ("coffee", "coffee.png")):
        (root / label).mkdir(parents=True)
        image = Image.open(photos / photo).convert("RGB")
        for n in range(5):
            variant = ImageOps.mirror(image) if n % 2 else image
            variant = variant.crop((n * 8, n * 6, variant.width - n * 4, variant.height - n * 3))
            variant.save(root / label / f"{label}{n}.jpg", quality=90)
    return root


def test_labels_from_folders_and_the_cache_keyed_by_content(pets, tmp_path):
    model = tmp_path / "pets.model"
    first = run("classify", "train", pets, "-o", model)
    assert first.exit_code == 0, first.stderr
    assert "Trained on 8 images, validated on 2 (2 labels; features: 10 extracted" in first.stdout
    assert error_rate(first.stdout) == 0.0
    assert load_model(model).labels == ("cats", "coffee")
    # A renamed file is the same image; an edited one is new.
    (pets / "cats" / "cats0.jpg").rename(pets / "cats" / "renamed.jpg")
    edited = Image.open(pets / "coffee" / "coffee1.jpg").rotate(3)
    edited.save(pets / "coffee" / "coffee1.jpg")
    second = run("classify", "train", pets, "-o", model)
    assert "features: 1 extracted, 9 cached" in second.stdout


def test_unreadable_images_are_left_out_and_listed(pets, tmp_path):
    (pets / "cats" / "broken.jpg").write_text("not a picture")
    result = run("classify", "train", pets, "-o", tmp_path / "pets.model")
    assert result.exit_code == 0
    assert result.stderr == (
        "Left out 1 unreadable image: cats/broken.jpg is not an image "
        "(or not in a supported format)\n"
    )
    assert "Trained on 8 images, validated on 2" in result.stdout


def test_label_regex_on_file_names(pets, tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    for path in pets.rglob("*.jpg"):
        (flat / f"{path.parent.name}_{path.name}").write_bytes(path.read_bytes())
    model = tmp_path / "flat.model"
    result = run("classify", "train", flat, "-o", model, "--label-regex", r"^([a-z]+)_")
    assert result.exit_code == 0, result.stderr
    assert load_model(model).labels == ("cats", "coffee")


@pytest.mark.parametrize(
    "layout, args, message",
    [
        ({}, [], "Error: no images to train on"),
        (
            {"cats": 5},
            [],
            "Error: training needs at least 2 labels; found 1 ('cats')",
        ),
        (
            {"cats": 5, "dogs": 2},
            [],
            "Error: label 'dogs' has no validation image (2 images with --valid-pct 0.2)",
        ),
        (
            {"cats": 5, "dogs": 2},
            ["--valid-pct", "0.9"],
            "Error: label 'cats' has no training image (5 images with --valid-pct 0.9)",
        ),
        (
            {"": 1, "cats": 3},
            [],
            "Error: image0.png is not inside a label folder (with --label-from folder, each "
            "image's folder name is its label)",
        ),
        (
            {"cats": 3},
            ["--label-regex", r"^(\d)_"],
            r"Error: --label-regex '^(\\d)_' finds no label in cats/image0.png",
        ),
    ],
)
def test_refusals_before_any_work(tmp_path, layout, args, message):
    root = tmp_path / "images"
    root.mkdir()
    for label, count in layout.items():
        (root / label).mkdir(exist_ok=True)
        for n in range(count):
            (root / label / f"image{n}.png").write_bytes(b"never read")
    model = tmp_path / "m.model"
    assert fails("classify", "train", root, "-o", model, *args) == message
    assert not model.exists()
    assert not (tmp_path / "m.model.features.db").exists()


def test_usage_errors(tmp_path):
    for args, expected in [
        (["--label-regex", "no group"], "needs a group: the first group is the label"),
        (["--label-regex", "(unclosed"], "not a valid regular expression"),
        (["--label-regex", "(x)", "--label-from", "folder"], "cannot be used with"),
        (["--label-from", "name"], "--label-from name needs --label-regex"),
        (["--valid-pct", "1"], "--valid-pct"),
    ]:
        result = run("classify", "train", tmp_path, "-o", tmp_path / "m.model", *args)
        assert result.exit_code == 2, args
        assert expected in result.stderr, (args, result.stderr)


def test_the_output_folder_must_exist(pets, tmp_path):
    line = fails("classify", "train", pets, "-o", tmp_path / "nowhere" / "m.model")
    assert (
        line == f"Error: Cannot write {tmp_path / 'nowhere' / 'm.model'}: its folder does not exist"
    )


def test_incompatible_model_files_are_refused(digits_model, tmp_path):
    model, _ = digits_model
    copy = tmp_path / "old.model"
    copy.write_bytes(model.read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute("update meta set value = '0' where key = 'format_version'")
    with pytest.raises(ModelError, match="is not a datamill classifier"):
        load_model(copy)
    text = tmp_path / "notes.model"
    text.write_text("hello")
    with pytest.raises(ModelError, match="is not a datamill classifier"):
        load_model(text)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table meta (key, value)")
    with pytest.raises(ModelError, match="is not a datamill classifier"):
        load_model(other)
