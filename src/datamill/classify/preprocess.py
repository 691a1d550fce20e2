"""From image bytes to the network's input (CL-1), refusing what cannot be a photo.

The recipe is the one the TensorFlow EfficientNet-Lite checkpoints were trained and
evaluated with (these weights are a port of them):

1. decode, apply the EXIF orientation, and make the image RGB: grayscale, palette and CMYK
   images are converted, and transparency is composited onto white;
2. centre crop: a square of side ``floor(224 / (224 + 32) * min(width, height))`` (87.5% of
   the short side), its top-left corner at ``((width - side + 1) // 2, (height - side + 1) // 2)``;
3. resize the crop to 224×224 with bicubic interpolation;
4. RGB channel order, each value ``(v - 127) / 128`` (EfficientNet-Lite's ``MEAN_RGB = 127``,
   ``STDDEV_RGB = 128``, not the usual ImageNet mean and standard deviation).

CL-7's known photos tell the recipes apart: with ImageNet's mean and standard deviation the
tabby cat and the espresso lose confidence to their neighbours, and with BGR order or without
the normalisation the predictions are wrong.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import (
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    ImageOps,
    JpegImagePlugin,
    MpoImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    UnidentifiedImageError,
    WebPImagePlugin,
)

from datamill.classify.errors import ImageError, too_large
from datamill.classify.limits import MAX_IMAGE_BYTES, MAX_PIXELS, MIN_SIDE
from datamill.classify.network import INPUT_SIZE

CROP_PADDING = 32
MEAN = 127.0
STD = 128.0
#: Decoders tried, in Pillow's names: photographs and the common web formats, nothing else
#: (JPEG includes the multi-picture JPEGs of cameras). Importing their plugins registers them
#: without loading every other one.
PLUGINS = (
    JpegImagePlugin,
    MpoImagePlugin,
    PngImagePlugin,
    GifImagePlugin,
    WebPImagePlugin,
    BmpImagePlugin,
    TiffImagePlugin,
)
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")

# Images above Pillow's own pixel limit are refused by MAX_PIXELS before they are decoded;
# its warning for them would only add a second, multi-line message.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)


def load_image(data: bytes, name: str, max_bytes: int = MAX_IMAGE_BYTES) -> Image.Image:
    """Decode ``data`` into an RGB image; ``name`` is the source as shown in messages.

    Raises :class:`ImageError` for anything that is not a usable image: too many bytes or
    pixels (checked before decoding), an unknown format, truncated data, or too few pixels.
    """
    if len(data) > max_bytes:
        raise too_large(name, max_bytes)
    image: Image.Image
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise ImageError(f"{name} is not an image (or not in a supported format)") from None
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, None) from None
    except (OSError, ValueError, SyntaxError) as error:
        raise ImageError(f"{name} is not a readable image: {error}") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(name, (width, height))
    if min(width, height) < MIN_SIDE:
        raise ImageError(
            f"{name} is too small to classify ({width}×{height} pixels; "
            f"the minimum is {MIN_SIDE}×{MIN_SIDE})"
        )
    try:
        _draft(image)
        image.load()
        image = ImageOps.exif_transpose(image)
        return _to_rgb(image)
    except OSError as error:
        if "truncated" in str(error):
            raise ImageError(f"{name} is truncated (the image data ends early)") from None
        raise ImageError(f"{name} is not a readable image: {error}") from None
    except (ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageError(f"{name} is not a readable image: {error}") from None


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> ImageError:
    pixels = f" ({size[0]}×{size[1]} pixels)" if size else ""
    return ImageError(f"{name} has more than {MAX_PIXELS:,} pixels{pixels}")


def _draft(image: Image.Image) -> None:
    """Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while keeping the crop ≥ 224."""
    if image.format not in ("JPEG", "MPO") or image.mode not in ("RGB", "L"):
        return
    width, height = image.size
    needed = INPUT_SIZE + CROP_PADDING  # the short side at which the crop is exactly 224
    short = min(width, height)
    if short > 2 * needed:
        image.draft(image.mode, (width * needed // short + 1, height * needed // short + 1))


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        scaled = np.asarray(image, dtype=np.float32) / 257.0
        return Image.fromarray(scaled.round().astype(np.uint8), "L").convert("RGB")
    if image.mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0
        return Image.fromarray(scaled.round().astype(np.uint8), "L").convert("RGB")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def centre_crop(image: Image.Image) -> Image.Image:
    """The 224×224 RGB image the network sees: steps 2 and 3 of the recipe."""
    width, height = image.size
    side = int(INPUT_SIZE / (INPUT_SIZE + CROP_PADDING) * min(width, height))
    side = max(side, 1)
    left = (width - side + 1) // 2
    top = (height - side + 1) // 2
    return image.resize(
        (INPUT_SIZE, INPUT_SIZE),
        Image.Resampling.BICUBIC,
        box=(left, top, left + side, top + side),
    )


def to_input(image: Image.Image) -> np.ndarray:
    """The network input for an RGB image: float32 array of shape (224, 224, 3)."""
    array = np.asarray(centre_crop(image), dtype=np.float32)
    array -= MEAN
    array /= STD
    return array


def image_input(data: bytes, name: str, max_bytes: int = MAX_IMAGE_BYTES) -> np.ndarray:
    """``load_image`` then ``to_input``."""
    return to_input(load_image(data, name, max_bytes))
