"""L2-regularised logistic regression over sparse named features (Newton steps, conjugate gradients).

Features are dicts name -> value; weights come back as a dict name -> weight, ready to write as TSV.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Sequence

import numpy as np


def bucket(n: int, edges: Sequence[int]) -> str:
    """A count as a feature value: the first edge it does not pass, or ">last"."""
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit_logistic(rows: Sequence[dict[str, float]], ys: Sequence[float], l2: float = 1.0, min_count: int = 1,
                 keep: Callable[[str], bool] = lambda name: True,
                 sample_weight: Sequence[float] | None = None) -> dict[str, float]:
    """Weights of the features seen in at least `min_count` rows (and that `keep` accepts)."""
    counts = Counter(k for f in rows for k in f)
    names = sorted(k for k, n in counts.items() if n >= min_count and keep(k))
    column = {k: i for i, k in enumerate(names)}
    # the design matrix as coordinate lists: rows hold a few dozen of many thousand features
    r_idx, c_idx, vals = [], [], []
    for i, f in enumerate(rows):
        for k, v in f.items():
            j = column.get(k)
            if j is not None:
                r_idx.append(i)
                c_idx.append(j)
                vals.append(v)
    ri, ci, xv = np.asarray(r_idx, dtype=np.int64), np.asarray(c_idx, dtype=np.int64), np.asarray(vals, dtype=float)
    n, m = len(rows), len(names)

    def x_dot(w: np.ndarray) -> np.ndarray:
        return np.bincount(ri, weights=xv * w[ci], minlength=n)

    def xt_dot(r: np.ndarray) -> np.ndarray:
        return np.bincount(ci, weights=xv * r[ri], minlength=m)

    y = np.asarray(ys, dtype=float)
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    w = np.zeros(m)
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-x_dot(w)))
        gradient = xt_dot(sw * (p - y)) + l2 * w
        if np.abs(gradient).max() < 1e-5:
            break
        curvature = sw * p * (1 - p)
        w -= conjugate_gradient(lambda v: xt_dot(curvature * x_dot(v)) + l2 * v, gradient)
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
