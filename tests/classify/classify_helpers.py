"""Helpers for the classify tests: the CLI, images made to order, the digits as files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from cli_helpers import run
from PIL import Image

CATS = {281, 282, 285}  # tabby, tiger cat, Egyptian cat
COFFEE = {967, 968}  # espresso, cup


def fails(*args: str, input: bytes | str | None = None) -> str:
    """Run a command that must fail with one ``Error:`` line; return that line."""
    result = run(*args, input=input)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def encoded(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def digits_folder(folder: Path) -> Path:
    """Write scikit-learn's digits as 64×64 dark-on-white PNGs: <label>_<n>.png."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    for n, (pixels, label) in enumerate(zip(digits.images, digits.target)):
        gray = (255 - pixels * 255 / 16).round().astype(np.uint8)
        image = Image.fromarray(gray, "L").resize((64, 64), Image.Resampling.BILINEAR)
        image.save(folder / f"{label}_{n}.png")
    return folder
