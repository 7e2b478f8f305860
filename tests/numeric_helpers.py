"""An independent numerical gradient for the reference tests (not dlnotes.gradcheck)."""

from __future__ import annotations

import numpy as np


def centred_difference(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """dJ/dx by centred differences, where ``f()`` computes J reading the array ``x``.

    ``x`` is perturbed in place, one coordinate at a time, and restored.
    """
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        plus = f()
        x[index] = saved - eps
        minus = f()
        x[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad
