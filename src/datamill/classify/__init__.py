"""Image classification (classify.md): an ImageNet-pretrained EfficientNet-Lite0 run with
numpy, transfer learning of new labels, and labelling the images a table points at.

Importing this package needs nothing beyond datamill; :func:`load_classifier` needs the
``classify`` extra (numpy, Pillow, threadpoolctl and the weights package) and raises
:class:`MissingExtraError` without it. For an HTTP API::

    classifier = load_classifier("imagenet")          # or the path of a trained model
    data = fetch_image(url, timeout=API_FETCH_TIMEOUT, max_bytes=MAX_IMAGE_BYTES)
    predictions = classifier.predict(data, top=3, source="image")
    # [{"label": "tabby, tabby cat", "probability": 0.61}, ...]; thread-safe

Every failure is a :class:`ClassifyError` whose message is what a user should read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datamill.classify.errors import (
    ClassifyError,
    FetchError,
    ImageError,
    MissingExtraError,
    ModelError,
    PrivateAddressError,
    TrainingError,
)
from datamill.classify.extra import require_extra
from datamill.classify.fetch import fetch_image
from datamill.classify.limits import (
    API_FETCH_TIMEOUT,
    FETCH_TIMEOUT,
    MAX_IMAGE_BYTES,
    MAX_PIXELS,
    MAX_SOURCE_BYTES,
)

if TYPE_CHECKING:
    from datamill.classify.classifier import Classifier

IMAGENET = "imagenet"


def load_classifier(model: str = IMAGENET) -> Classifier:
    """The ImageNet classifier for ``"imagenet"``, else the trained model file ``model``."""
    require_extra()
    from datamill.classify.classifier import Classifier

    return Classifier.load(model)


__all__ = [
    "API_FETCH_TIMEOUT",
    "FETCH_TIMEOUT",
    "IMAGENET",
    "MAX_IMAGE_BYTES",
    "MAX_PIXELS",
    "MAX_SOURCE_BYTES",
    "ClassifyError",
    "FetchError",
    "ImageError",
    "MissingExtraError",
    "ModelError",
    "PrivateAddressError",
    "TrainingError",
    "fetch_image",
    "load_classifier",
    "require_extra",
]
