"""Transfer learning (CL-3): a logistic-regression head on the frozen backbone's features.

1. Find the images under a folder and label them, by folder name or by a regex on file names.
2. Split them: per label, a deterministic share (``valid_pct``, rounded) is held out for
   validation, chosen by a hash of the seed and each file's content, so every label is in
   both parts and a given image stays on its side whatever else is added.
3. Extract each image's pooled features, reusing those cached by content hash.
4. Fit the head on the training part, measure the error rate and confusion on the other.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from datamill.classify import logistic
from datamill.classify.backbone import load_backbone
from datamill.classify.errors import ClassifyError, TrainingError
from datamill.classify.feature_cache import FeatureCache
from datamill.classify.limits import MAX_SOURCE_BYTES
from datamill.classify.model_file import TrainedHead, save_model
from datamill.classify.parallel import map_in_threads
from datamill.classify.preprocess import image_input
from datamill.classify.sources import read_source

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"})
DEFAULT_L2 = 1e-3


@dataclass(frozen=True)
class LabelledImage:
    path: Path
    name: str  # relative to the training folder, with forward slashes
    label: str


@dataclass
class TrainingReport:
    """What ``train`` did: sizes, the validation error rate and confusion, and failures."""

    labels: tuple[str, ...]
    train_count: int
    valid_count: int
    error_rate: float
    confusion: list[list[int]]  # [actual][predicted] over the validation images
    iterations: int
    converged: bool
    cached: int
    extracted: int
    failures: list[str] = field(default_factory=list)  # why each unreadable image was left out


def find_images(directory: str | Path, label_regex: str | None = None) -> list[LabelledImage]:
    """Every image file under ``directory`` (hidden ones excepted), sorted, with its label."""
    root = Path(directory)
    pattern = re.compile(label_regex) if label_regex is not None else None
    images = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for file in sorted(files):
            if file.startswith(".") or Path(file).suffix.lower() not in IMAGE_SUFFIXES:
                continue
            path = Path(folder) / file
            name = path.relative_to(root).as_posix()
            images.append(LabelledImage(path, name, _label(name, pattern)))
    return images


def _label(name: str, pattern: re.Pattern | None) -> str:
    parts = name.split("/")
    if pattern is None:
        if len(parts) < 2:
            raise TrainingError(
                f"{name} is not inside a label folder (with --label-from folder, "
                "each image's folder name is its label)"
            )
        return parts[-2]
    match = pattern.search(parts[-1])
    if match is None or not match.group(1):
        raise TrainingError(f"--label-regex {pattern.pattern!r} finds no label in {name}")
    return match.group(1)


def split(
    images: list[LabelledImage], hashes: dict[Path, str], valid_pct: float, seed: int
) -> tuple[list[LabelledImage], list[LabelledImage]]:
    """Training and validation images: a stratified, deterministic split (checked)."""
    if not images:
        raise TrainingError("no images to train on")
    by_label: dict[str, list[LabelledImage]] = {}
    for image in images:
        by_label.setdefault(image.label, []).append(image)
    if len(by_label) < 2:
        raise TrainingError(f"training needs at least 2 labels; found 1 ({next(iter(by_label))!r})")
    train, valid = [], []
    for label, members in sorted(by_label.items()):
        count = len(members)
        held_out = math.floor(count * valid_pct + 0.5)
        if held_out == 0 or held_out == count:
            side = "validation" if held_out == 0 else "training"
            raise TrainingError(
                f"label {label!r} has no {side} image ({count} image{'s' * (count != 1)} "
                f"with --valid-pct {valid_pct:g})"
            )
        ranked = sorted(members, key=lambda image: (_rank(seed, hashes[image.path]), image.name))
        valid.extend(ranked[:held_out])
        train.extend(ranked[held_out:])
    return train, valid


def _rank(seed: int, content_hash: str) -> str:
    return hashlib.sha256(f"{seed}:{content_hash}".encode()).hexdigest()


def train(
    directory: str | Path,
    output: str | Path,
    *,
    label_regex: str | None = None,
    valid_pct: float = 0.2,
    seed: int = 42,
    l2: float = DEFAULT_L2,
    cache_path: str | Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TrainingReport:
    """Train a head on the images under ``directory`` and write the model to ``output``.

    Features are cached in ``cache_path`` (default: ``<output>.features.db``). Images that
    cannot be read are left out and listed in the report's ``failures``.
    """
    output = Path(output)
    if not output.parent.is_dir():
        raise ClassifyError(f"Cannot write {output}: its folder does not exist")
    if output.is_dir():
        raise ClassifyError(f"Cannot write {output}: it is a folder")
    images = find_images(directory, label_regex)
    hashes = {image.path: _file_hash(image.path) for image in images}
    split(images, hashes, valid_pct, seed)  # fail before the slow part
    cache_path = Path(cache_path) if cache_path is not None else Path(f"{output}.features.db")
    with FeatureCache(cache_path) as cache:
        features, failures, cached = _features(Path(directory), images, hashes, cache, on_progress)
    readable = [image for image in images if image.path in features]
    train_part, valid_part = split(readable, hashes, valid_pct, seed)
    labels = tuple(sorted({image.label for image in readable}))
    index = {label: i for i, label in enumerate(labels)}

    def arrays(part):
        x = np.stack([features[image.path] for image in part])
        return x, np.array([index[image.label] for image in part])

    x_train, y_train = arrays(train_part)
    fitted = logistic.fit(x_train, y_train, len(labels), l2)
    x_valid, y_valid = arrays(valid_part)
    predicted = np.argmax(x_valid @ fitted.weight + fitted.bias, axis=1)
    confusion = [[0] * len(labels) for _ in labels]
    for actual, guess in zip(y_valid, predicted):
        confusion[actual][guess] += 1
    errors = int((predicted != y_valid).sum())
    report = TrainingReport(
        labels=labels,
        train_count=len(train_part),
        valid_count=len(valid_part),
        error_rate=errors / len(valid_part),
        confusion=confusion,
        iterations=fitted.iterations,
        converged=fitted.converged,
        cached=cached,
        extracted=len(features) - cached,
        failures=failures,
    )
    summary = {
        "images": len(readable),
        "train": report.train_count,
        "valid": report.valid_count,
        "valid_pct": valid_pct,
        "seed": seed,
        "l2": l2,
        "labelled_by": f"regex {label_regex}" if label_regex is not None else "folder",
        "per_label": dict(sorted(Counter(image.label for image in readable).items())),
        "error_rate": report.error_rate,
        "confusion": confusion,
        "iterations": fitted.iterations,
        "converged": fitted.converged,
    }
    name = output.stem
    save_model(output, TrainedHead(name, labels, fitted.weight, fitted.bias, summary))
    return report


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        raise ClassifyError(f"{path}: {error.strerror}") from None
    return digest.hexdigest()


def _features(root: Path, images, hashes, cache, on_progress):
    """Pooled features by path: cached ones looked up, the others computed and cached."""
    known = cache.get_many({hashes[image.path] for image in images})
    features = {
        image.path: known[hashes[image.path]] for image in images if hashes[image.path] in known
    }
    todo = [image for image in images if image.path not in features]
    cached = len(features)
    failures: list[str] = []
    backbone = load_backbone()
    total = len(images)

    def extract(image: LabelledImage) -> np.ndarray | ClassifyError:
        try:
            data = read_source(image.name, base=root)
            return backbone.features(image_input(data, image.name, MAX_SOURCE_BYTES)[None])[0]
        except ClassifyError as error:
            return error

    done = cached
    if on_progress:
        on_progress(done, total)
    pending: dict[str, np.ndarray] = {}
    for image, result in zip(todo, map_in_threads(extract, todo)):
        done += 1
        if isinstance(result, ClassifyError):
            failures.append(str(result))
        else:
            features[image.path] = result
            pending[hashes[image.path]] = result
            if len(pending) >= 64:
                cache.put_many(pending)
                pending = {}
        if on_progress:
            on_progress(done, total)
    cache.put_many(pending)
    return features, failures, cached
