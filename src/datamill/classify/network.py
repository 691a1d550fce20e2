"""EfficientNet-Lite0 inference in numpy (CL-1), from the weights of a PyTorch state dict.

The layer names are those of the ``efficientnet_lite_pytorch`` port of the TensorFlow
EfficientNet-Lite checkpoints. What the weights do not say, and this module does:

- the stages: (repeats, kernel, stride, expansion, output channels) as in :data:`STAGES`;
  a block adds its input back when it keeps the shape (the repeats of a stage);
- convolutions pad like TensorFlow's ``SAME``: a stride-2 layer on an even size puts the
  extra row and column at the bottom and right;
- batch normalisation with epsilon 1e-3, folded into the convolution weights at load time;
- ReLU6 after the stem, every expansion and depthwise convolution, and the head; none after
  a block's projection; global average pooling, then the 1,000-way linear classifier.

Tensors are NHWC float32 so that a 1×1 convolution is one matrix product.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

#: Per stage: (repeats, kernel size, stride of the first block, expansion, output channels).
STAGES = (
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
)
STEM_CHANNELS = 32
FEATURES = 1280
CLASSES = 1000
BN_EPSILON = 1e-3
INPUT_SIZE = 224


class WeightsError(ValueError):
    """The state dict does not hold EfficientNet-Lite0 weights."""


@dataclass(frozen=True)
class _Conv:
    """A convolution with its batch normalisation folded in: ``weight`` is laid out for NHWC."""

    weight: np.ndarray
    bias: np.ndarray


@dataclass(frozen=True)
class _Block:
    expand: _Conv | None
    depthwise: _Conv
    project: _Conv
    kernel: int
    stride: int
    residual: bool


class EfficientNetLite0:
    """The backbone: pooled ``features`` (1,280 wide) and the ImageNet ``classifier``.

    Instances are immutable and safe to share between threads.
    """

    def __init__(self, state: Mapping[str, np.ndarray]) -> None:
        weights = _Weights(state)
        stem = weights.folded("_conv_stem", "_bn0")
        # (out, in, kh, kw) -> rows ordered (kh, kw, in) to match the patches of _stem_conv
        self._stem = _Conv(
            np.ascontiguousarray(stem.weight.transpose(2, 3, 1, 0).reshape(-1, STEM_CHANNELS)),
            stem.bias,
        )
        self._blocks = tuple(weights.blocks())
        self._head = weights.pointwise("_conv_head", "_bn1")
        self._fc = _Conv(
            np.ascontiguousarray(weights.tensor("_fc.weight", (CLASSES, FEATURES)).T, np.float32),
            weights.tensor("_fc.bias", (CLASSES,)).astype(np.float32),
        )

    def features(self, images: np.ndarray) -> np.ndarray:
        """Pooled features, shape (N, 1280), of preprocessed images of shape (N, 224, 224, 3)."""
        x = self._stem_conv(np.asarray(images, dtype=np.float32))
        for block in self._blocks:
            x = _run_block(block, x)
        x = _pointwise(x, self._head, relu6=True)
        return x.mean(axis=(1, 2))

    def classifier(self) -> tuple[np.ndarray, np.ndarray]:
        """The ImageNet classifier: logits are ``features @ weight + bias`` (1280×1000, 1000)."""
        return self._fc.weight, self._fc.bias

    def _stem_conv(self, x: np.ndarray) -> np.ndarray:
        """3×3 stride-2 convolution of the RGB input, as a product with its 27-wide patches."""
        padded, out_h, out_w = _same_padding(x, 3, 2)
        n, channels = x.shape[0], x.shape[3]
        patches = np.empty((n, out_h, out_w, 3, 3, channels), dtype=np.float32)
        for i in range(3):
            for j in range(3):
                patches[:, :, :, i, j, :] = padded[:, i : i + 2 * out_h : 2, j : j + 2 * out_w : 2]
        y = patches.reshape(-1, 9 * channels) @ self._stem.weight
        y += self._stem.bias
        np.clip(y, 0.0, 6.0, out=y)
        return y.reshape(n, out_h, out_w, STEM_CHANNELS)


class _Weights:
    """The state dict, checked against the architecture and folded for inference."""

    def __init__(self, state: Mapping[str, np.ndarray]) -> None:
        self.state = state

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        value = self.state.get(name)
        if value is None:
            raise WeightsError(f"the weights have no {name}")
        if tuple(value.shape) != shape:
            raise WeightsError(f"{name} has shape {tuple(value.shape)}, expected {shape}")
        return value

    def folded(self, conv: str, bn: str) -> _Conv:
        """A convolution's weight (PyTorch layout) and bias with batch norm ``bn`` folded in."""
        weight = self.state.get(f"{conv}.weight")
        if weight is None or weight.ndim != 4:
            raise WeightsError(f"the weights have no 4-d {conv}.weight")
        out = weight.shape[0]
        gamma, beta, mean, var = (
            self.tensor(f"{bn}.{part}", (out,)).astype(np.float64)
            for part in ("weight", "bias", "running_mean", "running_var")
        )
        scale = gamma / np.sqrt(var + BN_EPSILON)
        folded = weight.astype(np.float64) * scale[:, None, None, None]
        return _Conv(folded.astype(np.float32), (beta - mean * scale).astype(np.float32))

    def pointwise(self, conv: str, bn: str, shape: tuple[int, int] | None = None) -> _Conv:
        """A folded 1×1 convolution as an (in, out) matrix, checked against ``shape``."""
        folded = self.folded(conv, bn)
        matrix = np.ascontiguousarray(folded.weight[:, :, 0, 0].T)
        if folded.weight.shape[2:] != (1, 1) or (shape and matrix.shape != shape):
            raise WeightsError(f"{conv} does not match the architecture")
        return _Conv(matrix, folded.bias)

    def blocks(self):
        """The 16 blocks of :data:`STAGES`, in order."""
        channels = STEM_CHANNELS
        index = 0
        for repeats, kernel, stride, expansion, out_channels in STAGES:
            for repeat in range(repeats):
                name = f"_blocks.{index}"
                wide = channels * expansion
                expand = None
                if expansion != 1:
                    expand = self.pointwise(
                        f"{name}._expand_conv", f"{name}._bn0", (channels, wide)
                    )
                depthwise = self.folded(f"{name}._depthwise_conv", f"{name}._bn1")
                if depthwise.weight.shape != (wide, 1, kernel, kernel):
                    raise WeightsError(f"{name}._depthwise_conv does not match the architecture")
                yield _Block(
                    expand=expand,
                    # (C, 1, k, k) -> (k, k, C): one weight per channel for each tap
                    depthwise=_Conv(
                        np.ascontiguousarray(depthwise.weight[:, 0].transpose(1, 2, 0)),
                        depthwise.bias,
                    ),
                    project=self.pointwise(
                        f"{name}._project_conv", f"{name}._bn2", (wide, out_channels)
                    ),
                    kernel=kernel,
                    stride=stride if repeat == 0 else 1,
                    residual=repeat > 0,
                )
                channels = out_channels
                index += 1


def _run_block(block: _Block, x: np.ndarray) -> np.ndarray:
    """One mobile inverted bottleneck: expand (1×1), depthwise (k×k), project (1×1)."""
    y = x if block.expand is None else _pointwise(x, block.expand, relu6=True)
    y = _depthwise(y, block.depthwise, block.kernel, block.stride)
    y = _pointwise(y, block.project, relu6=False)
    if block.residual:
        y += x
    return y


def _pointwise(x: np.ndarray, conv: _Conv, relu6: bool) -> np.ndarray:
    n, h, w, c = x.shape
    y = x.reshape(-1, c) @ conv.weight
    y += conv.bias
    if relu6:
        np.clip(y, 0.0, 6.0, out=y)
    return y.reshape(n, h, w, -1)


def _same_padding(x: np.ndarray, kernel: int, stride: int) -> tuple[np.ndarray, int, int]:
    """``x`` zero-padded as TensorFlow's ``SAME`` does, and the output height and width."""
    n, h, w, c = x.shape
    out_h, out_w = -(-h // stride), -(-w // stride)
    pad_h = max((out_h - 1) * stride + kernel - h, 0)
    pad_w = max((out_w - 1) * stride + kernel - w, 0)
    top, left = pad_h // 2, pad_w // 2
    padded = np.zeros((n, h + pad_h, w + pad_w, c), dtype=np.float32)
    padded[:, top : top + h, left : left + w] = x
    return padded, out_h, out_w


#: Below this many channels a loop over the kernel taps beats einsum's short inner loop.
TAP_LOOP_CHANNELS = 64


def _depthwise(x: np.ndarray, conv: _Conv, kernel: int, stride: int) -> np.ndarray:
    """Depthwise k×k convolution (one filter per channel), bias and ReLU6."""
    padded, out_h, out_w = _same_padding(x, kernel, stride)
    if x.shape[3] >= TAP_LOOP_CHANNELS:
        windows = np.lib.stride_tricks.sliding_window_view(padded, (kernel, kernel), axis=(1, 2))
        windows = windows[:, : stride * out_h : stride, : stride * out_w : stride]
        y = np.einsum("nhwcij,ijc->nhwc", windows, conv.weight)
    else:
        y = np.empty((x.shape[0], out_h, out_w, x.shape[3]), dtype=np.float32)
        term = np.empty_like(y)
        for i in range(kernel):
            for j in range(kernel):
                tap = padded[:, i : i + stride * out_h : stride, j : j + stride * out_w : stride]
                if i == 0 and j == 0:
                    np.multiply(tap, conv.weight[i, j], out=y)
                else:
                    np.multiply(tap, conv.weight[i, j], out=term)
                    y += term
    y += conv.bias
    np.clip(y, 0.0, 6.0, out=y)
    return y
