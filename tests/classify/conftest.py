"""Fixtures for the classify tests (classify.md CL-7): real photos from scikit-image, real
labelled digits from scikit-learn, a local HTTP server and a trained digits model."""

from __future__ import annotations

from pathlib import Path

import pytest
from classify_helpers import digits_folder
from cli_helpers import run
from track_helpers import Server


@pytest.fixture(scope="session")
def photos() -> Path:
    """scikit-image's bundled photographs (chelsea.png, coffee.png, rocket.jpg, ...)."""
    import skimage.data

    return Path(skimage.data.__file__).parent


@pytest.fixture(scope="session")
def classifier():
    from datamill.classify import load_classifier

    return load_classifier()


@pytest.fixture
def server(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def digits(tmp_path_factory) -> Path:
    """scikit-learn's 1,797 labelled 8×8 digits as upscaled PNGs named <label>_<n>.png."""
    return digits_folder(tmp_path_factory.mktemp("digits"))


@pytest.fixture(scope="session")
def digits_model(digits, tmp_path_factory):
    """The digits model trained once for the session: (model path, CLI result)."""
    model = tmp_path_factory.mktemp("models") / "digits.model"
    result = run("classify", "train", str(digits), "-o", str(model), "--label-regex", r"^(\d)_")
    assert result.exit_code == 0, result.stderr
    return model, result
