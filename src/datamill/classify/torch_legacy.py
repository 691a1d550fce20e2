"""Read a PyTorch state dict saved in the legacy (non-zip) format, without importing torch.

The file is a sequence of pickles followed by raw storages:

1. the magic number ``0x1950a86a20f9469cfc6c``, 2. the protocol version ``1001``,
3. a dict describing the writer (byte order, type sizes), 4. the state dict itself, whose
tensors refer to their storages through persistent ids
``("storage", <StorageType>, key, location, numel, view_metadata)``, 5. the list of storage
keys in the order their data follows, 6. for each key, the element count as a little-endian
int64 and then the elements.

Unpickling runs with an allow-list: an ``OrderedDict``, the tensor rebuild function and the
storage types below are the only globals resolved, so a crafted file cannot run code.
"""

from __future__ import annotations

import collections
import pickle
import struct
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

#: Storage classes a state dict may name, and the numpy element type of each.
STORAGE_DTYPES: dict[str, np.dtype] = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class TorchFormatError(ValueError):
    """The file is not a legacy PyTorch state dict this reader understands."""


@dataclass(frozen=True)
class _StorageType:
    dtype: np.dtype


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: np.dtype
    numel: int


@dataclass(frozen=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]


def _rebuild_tensor_v2(storage, storage_offset, size, stride, *_ignored) -> _TensorRef:
    """Stands in for ``torch._utils._rebuild_tensor_v2``: remembers where the tensor lies."""
    if not isinstance(storage, _StorageRef):
        raise TorchFormatError("a tensor does not refer to a storage")
    return _TensorRef(storage, int(storage_offset), tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    """Resolves only the globals a plain state dict needs; anything else is refused."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(STORAGE_DTYPES[name])
        raise TorchFormatError(f"refusing to load {module}.{name} from a weights file")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise TorchFormatError("unexpected persistent id in a weights file")
        _, storage_type, key, _location, numel = pid[:5]
        if not isinstance(storage_type, _StorageType):
            raise TorchFormatError("a storage has an unknown type")
        if len(pid) > 5 and pid[5] is not None:
            raise TorchFormatError("storage views are not supported")
        return _StorageRef(str(key), storage_type.dtype, int(numel))


def _load_pickle(stream: BinaryIO):
    try:
        return _Unpickler(stream).load()
    except TorchFormatError:
        raise
    except Exception as error:  # pickle raises many types on malformed input
        raise TorchFormatError(f"not a PyTorch weights file ({error})") from None


def read_state_dict(stream: BinaryIO) -> dict[str, np.ndarray]:
    """Every tensor of the state dict in ``stream``, as read-only numpy arrays by name."""
    if _load_pickle(stream) != MAGIC_NUMBER:
        raise TorchFormatError("not a legacy PyTorch weights file (bad magic number)")
    if _load_pickle(stream) != PROTOCOL_VERSION:
        raise TorchFormatError("unsupported PyTorch serialisation protocol")
    sys_info = _load_pickle(stream)
    if not isinstance(sys_info, dict) or not sys_info.get("little_endian", False):
        raise TorchFormatError("only little-endian weights files are supported")
    state = _load_pickle(stream)
    keys = _load_pickle(stream)
    if not isinstance(state, dict) or not isinstance(keys, list):
        raise TorchFormatError("the file does not hold a state dict")
    storages = {ref.storage.key: ref.storage for ref in state.values() if _is_tensor(ref)}
    data: dict[str, np.ndarray] = {}
    for key in keys:
        ref = storages.get(str(key))
        (numel,) = struct.unpack("<q", _read_exactly(stream, 8))
        if ref is None or numel != ref.numel:
            raise TorchFormatError(f"storage {key} does not match the state dict")
        raw = _read_exactly(stream, numel * ref.dtype.itemsize)
        data[ref.key] = np.frombuffer(raw, dtype=ref.dtype)
    return {name: _view(name, ref, data) for name, ref in state.items() if _is_tensor(ref)}


def _is_tensor(value) -> bool:
    return isinstance(value, _TensorRef)


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    raw = stream.read(size)
    if len(raw) != size:
        raise TorchFormatError("the weights file is truncated")
    return raw


def _view(name: str, ref: _TensorRef, data: dict[str, np.ndarray]) -> np.ndarray:
    """The tensor as an array with its own shape and strides over its storage."""
    storage = data.get(ref.storage.key)
    if storage is None:
        raise TorchFormatError(f"{name}: its storage is missing")
    last = ref.offset + sum((n - 1) * s for n, s in zip(ref.shape, ref.strides) if n)
    if ref.offset < 0 or any(s < 0 for s in ref.strides) or last >= max(storage.size, 1):
        raise TorchFormatError(f"{name}: shape and strides fall outside its storage")
    itemsize = storage.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[ref.offset :],
        shape=ref.shape,
        strides=tuple(s * itemsize for s in ref.strides),
        writeable=False,
    )
    return view
