"""Multinomial logistic regression with an L2 penalty, fitted by L-BFGS (CL-3).

The objective is the mean cross-entropy plus ``l2 / 2 * ||W||²`` (the bias is not penalised),
over standardised features; it is smooth and strictly convex, so L-BFGS converges to its
unique minimum. Everything is float64 numpy: the same data give the same weights.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

MEMORY = 10
MAX_ITERATIONS = 2000
TOLERANCE = 1e-6  # on the largest absolute gradient component
ARMIJO = 1e-4


@dataclass(frozen=True)
class Fit:
    """Weights over the raw features: ``logits = features @ weight + bias``."""

    weight: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    iterations: int
    converged: bool
    loss: float


def fit(features: np.ndarray, targets: np.ndarray, classes: int, l2: float) -> Fit:
    """Fit ``classes``-way logistic regression to ``features`` (n, d) and ``targets`` (n,)."""
    x = np.asarray(features, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-12] = 1.0  # a constant feature carries nothing; leave it at zero
    z = (x - mean) / scale
    onehot = np.zeros((len(z), classes))
    onehot[np.arange(len(z)), targets] = 1.0
    d = z.shape[1]

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        weight = params[: d * classes].reshape(d, classes)
        bias = params[d * classes :]
        logits = z @ weight + bias
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1, keepdims=True))
        log_p = logits - log_norm
        loss = -(onehot * log_p).sum() / len(z) + 0.5 * l2 * float((weight**2).sum())
        residual = (np.exp(log_p) - onehot) / len(z)
        grad_weight = z.T @ residual + l2 * weight
        grad_bias = residual.sum(axis=0)
        return loss, np.concatenate([grad_weight.ravel(), grad_bias])

    params, iterations, converged, loss = _lbfgs(objective, np.zeros(d * classes + classes))
    weight = params[: d * classes].reshape(d, classes)
    bias = params[d * classes :]
    # Fold the standardisation in: (x - mean) / scale @ W + b == x @ W' + b'
    raw_weight = weight / scale[:, None]
    raw_bias = bias - (mean / scale) @ weight
    return Fit(raw_weight, raw_bias, iterations, converged, loss)


def _lbfgs(objective, params: np.ndarray) -> tuple[np.ndarray, int, bool, float]:
    """Minimise ``objective`` (returns value and gradient) from ``params``."""
    loss, grad = objective(params)
    history: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=MEMORY)
    for iteration in range(1, MAX_ITERATIONS + 1):
        if np.abs(grad).max() < TOLERANCE:
            return params, iteration - 1, True, loss
        direction = _two_loop(grad, history)
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            history.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0
        while True:
            candidate = params + step * direction
            new_loss, new_grad = objective(candidate)
            if new_loss <= loss + ARMIJO * step * slope or step < 1e-20:
                break
            step *= 0.5
        s, y = candidate - params, new_grad - grad
        curvature = float(s @ y)
        if curvature > 1e-12:
            history.append((s, y, 1.0 / curvature))
        if loss - new_loss <= 1e-16 * max(1.0, abs(loss)) and step < 1e-20:
            return candidate, iteration, False, new_loss
        params, loss, grad = candidate, new_loss, new_grad
    return params, MAX_ITERATIONS, bool(np.abs(grad).max() < TOLERANCE), loss


def _two_loop(grad: np.ndarray, history) -> np.ndarray:
    """The L-BFGS direction: minus the inverse-Hessian estimate times the gradient."""
    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(history):
        alpha = rho * float(s @ q)
        q -= alpha * y
        alphas.append(alpha)
    if history:
        s, y, _ = history[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y, rho), alpha in zip(history, reversed(alphas)):
        beta = rho * float(y @ q)
        q += (alpha - beta) * s
    return -q
