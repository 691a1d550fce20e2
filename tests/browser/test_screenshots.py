"""SV-E2E-4: every screenshot the scenarios took exists, is at least 5 KB and is not blank."""

from __future__ import annotations

import pytest

from browser.screens import TAKEN


def test_screenshots_are_real_pictures():
    if not TAKEN:
        pytest.skip("no scenario ran in this session")
    image_module = pytest.importorskip("PIL.Image")
    for path in TAKEN:
        assert path.exists(), path
        assert path.stat().st_size >= 5 * 1024, path
        with image_module.open(path) as image:
            low, high = zip(*image.convert("RGB").getextrema())
        assert low != high, f"{path} is a single colour"
