"""CL-3's head: L2-regularised multinomial logistic regression, fitted to convergence."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from datamill.classify import logistic


def problem(seed=0, n=500, d=40, k=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=d) + rng.normal(size=d)
    truth = rng.normal(size=(d, k))
    y = np.argmax((x - x.mean(0)) / x.std(0) @ truth + rng.normal(size=(n, k)) * 2, axis=1)
    return x, y, k


def test_reaches_the_same_optimum_as_scikit_learn():
    x, y, k = problem()
    l2 = 0.01
    fit = logistic.fit(x, y, k, l2)
    assert fit.converged and fit.iterations < logistic.MAX_ITERATIONS
    z = (x - x.mean(0)) / x.std(0)
    # scikit-learn minimises sum(CE) + ||W||² / (2C): the same optimum for C = 1 / (l2 n)
    reference = LogisticRegression(C=1 / (l2 * len(x)), tol=1e-12, max_iter=10_000).fit(z, y)
    ours = x @ fit.weight + fit.bias
    theirs = z @ reference.coef_.T + reference.intercept_
    ours -= ours.mean(axis=1, keepdims=True)  # logits are defined up to a constant per row
    theirs -= theirs.mean(axis=1, keepdims=True)
    assert np.abs(ours - theirs).max() < 1e-3
    assert (np.argmax(ours, 1) == reference.predict(z)).all()


def test_deterministic_and_handles_constant_features():
    x, y, k = problem(seed=1)
    x[:, 3] = 2.5  # a dead feature
    first = logistic.fit(x, y, k, 1e-3)
    second = logistic.fit(x.copy(), y.copy(), k, 1e-3)
    assert np.array_equal(first.weight, second.weight)
    assert np.array_equal(first.bias, second.bias)
    assert np.isfinite(first.weight).all()
    assert (first.weight[3] == 0).all()


def test_a_stronger_penalty_gives_smaller_weights():
    x, y, k = problem(seed=2)
    weak = logistic.fit(x, y, k, 1e-4)
    strong = logistic.fit(x, y, k, 1.0)
    assert (
        np.abs(strong.weight * x.std(0)[:, None]).sum()
        < np.abs(weak.weight * x.std(0)[:, None]).sum()
    )
    assert weak.loss < strong.loss
