"""L2-regularised logistic regression over sparse named features (Newton steps, conjugate gradients).

Features are dicts name -> value; weights come back as a dict name -> weight, ready to write as TSV.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Sequence

import numpy as np


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit_logistic(rows: Sequence[dict[str, float]], ys: Sequence[float], l2: float = 1.0, min_count: int = 1,
                 keep: Callable[[str], bool] = lambda name: True,
                 sample_weight: Sequence[float] | None = None) -> dict[str, float]:
    """Weights of the features seen in at least `min_count` rows (and that `keep` accepts)."""
    counts = Counter(k for f in rows for k in f)
    names = sorted(k for k, n in counts.items() if n >= min_count and keep(k))
    column = {k: i for i, k in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for i, f in enumerate(rows):
        for k, v in f.items():
            j = column.get(k)
            if j is not None:
                x[i, j] = v
    y = np.asarray(ys, dtype=float)
    sw = np.ones(len(rows)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    w = np.zeros(len(names))
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (sw * (p - y)) + l2 * w
        if np.abs(gradient).max() < 1e-5:
            break
        curvature = sw * p * (1 - p)
        w -= conjugate_gradient(lambda v: x.T @ (curvature * (x @ v)) + l2 * v, gradient)
    return {k: float(v) for k, v in zip(names, w)}


def conjugate_gradient(hessian_times, b: np.ndarray, iterations: int = 100, tol: float = 1e-8) -> np.ndarray:
    """Solves H v = b for a symmetric positive-definite H given only as v -> H v."""
    v = np.zeros_like(b)
    r = b.copy()
    d = r.copy()
    rr = r @ r
    for _ in range(iterations):
        hd = hessian_times(d)
        alpha = rr / (d @ hd)
        v += alpha * d
        r -= alpha * hd
        new_rr = r @ r
        if new_rr < tol:
            break
        d = r + (new_rr / rr) * d
        rr = new_rr
    return v
