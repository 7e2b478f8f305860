r"""The cross-entropy cost shared by every chapter.

.. math:: J = -\frac{1}{m} \sum_{i=1}^{m} \left[ y^{(i)} \log a^{(i)}
          + (1 - y^{(i)}) \log(1 - a^{(i)}) \right]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlnotes._validation import as_float_array, as_labels, check_shape

# A sigmoid saturates to exactly 0.0 or 1.0 in float64 (for |z| > ~37 towards 1). Only
# those two values are moved, to the nearest float inside (0, 1), so that log(a), 1/a and
# 1/(1 - a) stay finite while every other prediction, and so every gradient, is exact.
SMALLEST = np.finfo(np.float64).tiny
LARGEST_BELOW_ONE = np.nextafter(1.0, 0.0)


def clip_probabilities(A: np.ndarray) -> np.ndarray:
    """``A`` with exact 0s and 1s moved just inside (0, 1); a new array."""
    return np.clip(A, SMALLEST, LARGEST_BELOW_ONE)


def cross_entropy_cost(A: ArrayLike, Y: ArrayLike, name: str = "A") -> float:
    """The cost of predictions ``A`` (shape (1, m)) for labels ``Y`` (shape (1, m)), a float."""
    A = as_float_array(name, A)
    check_shape(name, A, (1, None), "predictions are a row vector, one column per example")
    Y = as_labels(Y, A.shape[1])
    A = clip_probabilities(A)
    m = A.shape[1]
    losses = Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)  # (1, m)
    return float(-np.sum(losses) / m)
