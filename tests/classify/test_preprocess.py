"""CL-1 preprocessing and CL-7's awkward images: what becomes RGB, what is refused."""

from __future__ import annotations

import numpy as np
import pytest
from classify_helpers import CATS, encoded
from PIL import Image

from datamill.classify.backbone import imagenet_labels
from datamill.classify.errors import ImageError
from datamill.classify.limits import MAX_PIXELS
from datamill.classify.preprocess import image_input, load_image


def test_input_shape_channel_order_and_normalisation():
    red = Image.new("RGB", (300, 200), (255, 0, 127))
    array = image_input(encoded(red), "red.png")
    assert array.shape == (224, 224, 3) and array.dtype == np.float32
    assert np.allclose(array[..., 0], (255 - 127) / 128)
    assert np.allclose(array[..., 1], -127 / 128)
    assert np.allclose(array[..., 2], 0)


def test_centre_crop_keeps_87_5_percent_of_the_short_side():
    """A 400×256 image: the crop is 224×224 at (88, 16); everything outside it is ignored."""
    image = Image.new("RGB", (400, 256), (255, 0, 0))
    image.paste((0, 0, 255), (88, 16, 88 + 224, 16 + 224))
    array = image_input(encoded(image), "framed.png")
    assert np.allclose(array[..., 0], -127 / 128)
    assert np.allclose(array[..., 2], 1.0)
    # The blue square one pixel further right: the crop's first column is red.
    image = Image.new("RGB", (400, 256), (255, 0, 0))
    image.paste((0, 0, 255), (89, 16, 89 + 224, 16 + 224))
    shifted = image_input(encoded(image), "shifted.png")
    assert np.allclose(shifted[:, 0, 0], 1.0)
    assert np.allclose(shifted[:, 1:, 0], -127 / 128)


def top_label(classifier, data: bytes) -> tuple[int, float]:
    best = classifier.predict(data, top=1)[0]
    return imagenet_labels().index(best["label"]), best["probability"]


def test_a_cmyk_jpeg_is_converted_and_still_a_cat(classifier, photos):
    cmyk = Image.open(photos / "chelsea.png").convert("CMYK")
    assert load_image(encoded(cmyk, "JPEG"), "cmyk.jpg").mode == "RGB"
    assert top_label(classifier, encoded(cmyk, "JPEG", quality=95))[0] in CATS


def test_a_grayscale_image_is_classified_as_its_gray_rgb_copy(classifier, photos):
    gray = Image.open(photos / "chelsea.png").convert("L")
    as_rgb = Image.merge("RGB", [gray, gray, gray])
    assert classifier.predict(encoded(gray)) == classifier.predict(encoded(as_rgb))


def test_transparency_is_composited_onto_white(classifier, photos):
    """A fully transparent cat is a white picture, whatever its hidden RGB values."""
    hidden = Image.open(photos / "chelsea.png").convert("RGBA")
    hidden.putalpha(0)
    white = Image.new("RGB", hidden.size, (255, 255, 255))
    assert classifier.predict(encoded(hidden)) == classifier.predict(encoded(white))
    half = Image.open(photos / "chelsea.png").convert("RGBA")
    half.putalpha(200)
    assert top_label(classifier, encoded(half))[0] in CATS


def test_exif_orientation_is_applied(classifier, photos):
    upright = Image.open(photos / "chelsea.png")
    lying = upright.transpose(Image.Transpose.ROTATE_90)  # stored turned a quarter left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    tagged = encoded(lying, "PNG", exif=exif)
    assert classifier.predict(tagged) == classifier.predict(encoded(upright))


def test_sixteen_bit_images_are_scaled_not_clipped():
    deep = Image.fromarray(np.full((64, 64), 65535, dtype=np.uint16))
    image = load_image(encoded(deep), "deep.png")
    assert image.mode == "RGB" and image.getpixel((0, 0)) == (255, 255, 255)
    mid = Image.fromarray(np.full((64, 64), 32896, dtype=np.uint16))
    assert load_image(encoded(mid), "mid.png").getpixel((0, 0)) == (128, 128, 128)


@pytest.mark.parametrize(
    "data, message",
    [
        (
            b"just some text, not a photo\n",
            "notes.jpg is not an image (or not in a supported format)",
        ),
        (b"", "notes.jpg is not an image (or not in a supported format)"),
        (b"%PDF-1.4 a pdf", "notes.jpg is not an image (or not in a supported format)"),
    ],
)
def test_what_is_not_an_image(data, message):
    with pytest.raises(ImageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_image(data, "notes.jpg")


def test_a_truncated_jpeg(photos):
    data = (photos / "rocket.jpg").read_bytes()
    with pytest.raises(ImageError, match=r"^cut\.jpg is truncated \(the image data ends early\)$"):
        load_image(data[: len(data) // 3], "cut.jpg")


def test_a_one_pixel_image():
    with pytest.raises(ImageError, match=r"^dot\.png is too small to classify \(1×1 pixels; "):
        load_image(encoded(Image.new("RGB", (1, 1))), "dot.png")


def test_too_many_bytes_is_refused_before_decoding():
    with pytest.raises(
        ImageError, match=r"^big\.png is larger than the image size limit \(1000 bytes\)$"
    ):
        load_image(b"\x89PNG" + b"\0" * 1000, "big.png", max_bytes=1000)


def test_a_decompression_bomb_is_refused_from_its_header():
    bomb = Image.new("1", (8000, 6000))  # 48 megapixels in a few kilobytes
    data = encoded(bomb)
    assert len(data) < 100_000
    with pytest.raises(ImageError, match=r"^bomb\.png has more than 40,000,000 pixels \(8000×6000"):
        load_image(data, "bomb.png")
    assert 8000 * 6000 > MAX_PIXELS
    huge = Image.new("1", (15000, 15000))  # above Pillow's own limit (an error) too
    with pytest.raises(ImageError, match="more than 40,000,000 pixels"):
        load_image(encoded(huge), "huge.png")


def test_large_jpegs_are_decoded_at_a_reduced_scale_with_the_same_result(classifier, photos):
    """A 4× photo decodes through the JPEG draft mode and still gives the same classes."""
    cat = Image.open(photos / "chelsea.png")
    big = cat.resize((cat.width * 4, cat.height * 4), Image.Resampling.BICUBIC)
    small_top = classifier.predict(encoded(cat, "JPEG", quality=95), top=3)
    big_top = classifier.predict(encoded(big, "JPEG", quality=95), top=3)
    assert [p["label"] for p in big_top][:1] == [p["label"] for p in small_top][:1]
    image = load_image(encoded(big, "JPEG"), "big.jpg")
    assert image.size[1] < big.height  # decoded at half or quarter scale
    assert min(image.size) * 224 // 256 >= 224
