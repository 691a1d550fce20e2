"""The image classifier behind ``/-/classify`` (classify.md CL-5): the loaded model, the
threads inference runs on, and the few recent images the HTML form shows.

Inference never runs on the event loop: ``predict`` runs on a pool of one thread per CPU
(numpy and Pillow release the GIL, so requests are served in parallel up to that number).
URL fetches, which mostly wait on the network, run on the event loop's default executor so
that a slow server cannot hold a CPU thread.
"""

from __future__ import annotations

import asyncio
import functools
import io
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from datamill.classify import API_FETCH_TIMEOUT, MAX_IMAGE_BYTES, fetch_image, load_classifier
from datamill.classify.parallel import cpu_count

if TYPE_CHECKING:
    from datamill.classify.classifier import Classifier

__all__ = ["ClassifyService", "UPLOAD_OVERHEAD", "UPLOAD_LIMIT"]

#: Room for the multipart boundaries, part headers and the form's small fields.
UPLOAD_OVERHEAD = 64 * 1024
#: The largest request body ``POST /-/classify`` reads; more is refused while reading.
UPLOAD_LIMIT = MAX_IMAGE_BYTES + UPLOAD_OVERHEAD
#: How many images the HTML form keeps for showing its results (each about 20 KB).
KEPT_IMAGES = 32


class ClassifyService:
    """A loaded classifier with its threads; ``model`` describes it in every API answer."""

    def __init__(self, classifier: Classifier | str, allow_private: bool = False) -> None:
        if isinstance(classifier, str):
            classifier = load_classifier(classifier)
        self.classifier = classifier
        self.allow_private = allow_private
        self.model = {"name": classifier.name, "labels": len(classifier.labels)}
        self.pool = ThreadPoolExecutor(cpu_count(), thread_name_prefix="datamill-classify")
        self.images = KeptImages(KEPT_IMAGES)

    async def fetch(self, url: str) -> bytes:
        """The image at ``url`` within CL-5's time and size limits (``FetchError``)."""
        loop = asyncio.get_running_loop()
        fetch = functools.partial(
            fetch_image,
            url,
            timeout=API_FETCH_TIMEOUT,
            max_bytes=MAX_IMAGE_BYTES,
            allow_private=self.allow_private,
        )
        return await loop.run_in_executor(None, fetch)

    async def predict(
        self, data: bytes, top: int, source: str, keep_image: bool = False
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The ``top`` predictions for ``data`` (``ImageError`` names it ``source``), and
        with ``keep_image`` the key of the 224×224 view of it the network saw."""
        loop = asyncio.get_running_loop()
        work = functools.partial(self._predict, data, top, source, keep_image)
        return await loop.run_in_executor(self.pool, work)

    def _predict(
        self, data: bytes, top: int, source: str, keep_image: bool
    ) -> tuple[list[dict[str, Any]], str | None]:
        predictions = self.classifier.predict(data, top, source=source, max_bytes=MAX_IMAGE_BYTES)
        if not keep_image:
            return predictions, None
        from datamill.classify.preprocess import centre_crop, load_image

        buffer = io.BytesIO()
        centre_crop(load_image(data, source)).save(buffer, "JPEG", quality=85)
        return predictions, self.images.add(buffer.getvalue())

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class KeptImages:
    """The last ``size`` JPEGs, each under a random key that cannot be guessed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, jpeg: bytes) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._images[key] = jpeg
            while len(self._images) > self.size:
                self._images.popitem(last=False)
        return key

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._images.get(key)
