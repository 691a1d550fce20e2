"""Where the browser tests keep their screenshots, and which ones this session took (SV-E2E-4)."""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
#: Every screenshot taken in this session, checked by test_screenshots.py.
TAKEN: list[Path] = []
