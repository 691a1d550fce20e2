"""CL-1, CL-7: the ImageNet head on real photographs shipped by scikit-image.

A cat is a cat and an espresso an espresso only if the network, its weights and the
preprocessing they were trained with all agree.
"""

from __future__ import annotations

import numpy as np
import pytest
from classify_helpers import CATS, COFFEE

from datamill.classify.backbone import imagenet_labels
from datamill.classify.preprocess import image_input

ROCKETS = {657, 744, 812}  # missile, projectile, space shuttle: ImageNet has no "rocket"


def top(classifier, data: bytes, n: int = 3) -> list[tuple[int, float]]:
    labels = imagenet_labels()
    return [(labels.index(p["label"]), p["probability"]) for p in classifier.predict(data, top=n)]


def test_chelsea_is_a_cat(classifier, photos):
    (best, probability), *_ = top(classifier, (photos / "chelsea.png").read_bytes())
    assert best in CATS
    assert probability > 0.3


def test_coffee_is_an_espresso_or_a_cup(classifier, photos):
    predictions = top(classifier, (photos / "coffee.png").read_bytes())
    assert {index for index, _ in predictions} & COFFEE
    assert predictions[0][1] > 0.3


def test_the_rocket_and_the_motorcycle(classifier, photos):
    (rocket, _), *_ = top(classifier, (photos / "rocket.jpg").read_bytes())
    assert rocket in ROCKETS
    (motorcycle, probability), *_ = top(classifier, (photos / "motorcycle_left.png").read_bytes())
    assert imagenet_labels()[motorcycle] in ("moped", "motor scooter, scooter")
    assert probability > 0.3


def test_probabilities_are_a_softmax_that_sums_to_one(classifier, photos):
    data = (photos / "coffee.png").read_bytes()
    everything = classifier.predict(data, top=1000)
    assert len(everything) == 1000
    assert abs(sum(p["probability"] for p in everything) - 1) <= 1e-6
    values = [p["probability"] for p in everything]
    assert values == sorted(values, reverse=True)
    assert classifier.predict(data, top=2) == everything[:2]


@pytest.mark.parametrize("photo, expected", [("chelsea.png", CATS), ("coffee.png", COFFEE)])
def test_the_documented_preprocessing_beats_the_usual_alternatives(
    classifier, photos, photo, expected
):
    """EfficientNet-Lite's (v - 127) / 128 in RGB order, not ImageNet's mean/std nor BGR."""
    ours = image_input((photos / photo).read_bytes(), photo)
    pixels = ours * 128 + 127
    mean = np.array([0.485, 0.456, 0.406]) * 255
    std = np.array([0.229, 0.224, 0.225]) * 255
    alternatives = {"bgr": ours[..., ::-1], "imagenet": (pixels - mean) / std}

    def mass(image):
        return classifier.probabilities(np.asarray(image, np.float32)[None])[0][
            sorted(expected)
        ].sum()

    documented = mass(ours)
    assert documented > 0.9
    for name, image in alternatives.items():
        assert documented > mass(image) + 0.02, name


def test_features_are_deterministic_and_batch_independent(classifier, photos):
    first = image_input((photos / "chelsea.png").read_bytes(), "chelsea")
    second = image_input((photos / "coffee.png").read_bytes(), "coffee")
    one = classifier.backbone.features(first[None])
    again = classifier.backbone.features(first[None])
    both = classifier.backbone.features(np.stack([first, second]))
    assert one.shape == (1, 1280)
    assert np.array_equal(one, again)
    assert np.allclose(both[0], one[0], atol=1e-5)
    assert (one >= 0).all() and (one <= 6).all()  # pooled ReLU6 activations


def test_concurrent_predictions_agree_with_sequential_ones(classifier, photos):
    from concurrent.futures import ThreadPoolExecutor

    images = [(photos / name).read_bytes() for name in ("chelsea.png", "coffee.png")] * 4
    sequential = [classifier.predict(data) for data in images]
    with ThreadPoolExecutor(4) as pool:
        concurrent = list(pool.map(classifier.predict, images))
    assert concurrent == sequential
