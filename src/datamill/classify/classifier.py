"""A loaded classifier (CL-2, CL-5): the shared backbone plus a head, ImageNet's or a trained one.

``Classifier.predict`` is safe to call from many threads at once; each call decodes its own
image and runs its own forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datamill.classify import IMAGENET
from datamill.classify.backbone import imagenet_labels, load_backbone
from datamill.classify.limits import MAX_IMAGE_BYTES
from datamill.classify.model_file import load_model
from datamill.classify.network import EfficientNetLite0
from datamill.classify.preprocess import image_input


@dataclass(frozen=True, eq=False)
class Classifier:
    """Labels for images: ``name`` (``imagenet`` or the trained model's name) and ``labels``."""

    name: str
    labels: tuple[str, ...]
    weight: np.ndarray
    bias: np.ndarray
    backbone: EfficientNetLite0

    @classmethod
    def load(cls, model: str = IMAGENET) -> Classifier:
        """The ImageNet head for ``"imagenet"``, else the model file at path ``model``."""
        backbone = load_backbone()
        if model == IMAGENET:
            return cls(IMAGENET, imagenet_labels(), *backbone.classifier(), backbone)
        head = load_model(model)
        return cls(head.name, head.labels, head.weight, head.bias, backbone)

    def predict(
        self, data: bytes, top: int = 3, *, source: str = "image", max_bytes: int = MAX_IMAGE_BYTES
    ) -> list[dict]:
        """The ``top`` most probable labels of an encoded image, most probable first.

        Each prediction is ``{"label": str, "probability": float}``. ``source`` names the
        image in error messages; an image that cannot be used raises ``ImageError``.
        """
        probabilities = self.probabilities(image_input(data, source, max_bytes)[None])
        return self.best(probabilities[0], top)

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        """Softmax probabilities (float64, rows sum to 1) for preprocessed inputs (N, 224, 224, 3)."""
        return softmax(self.backbone.features(inputs) @ self.weight + self.bias)

    def best(self, probabilities: np.ndarray, top: int) -> list[dict]:
        """The ``top`` (at least 1) most probable labels of one row of probabilities."""
        if top < 1:
            raise ValueError("top must be at least 1")
        order = np.argsort(-probabilities, kind="stable")[:top]
        return [{"label": self.labels[i], "probability": float(probabilities[i])} for i in order]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float64."""
    shifted = np.asarray(logits, dtype=np.float64)
    shifted = shifted - shifted.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)
