r"""The cross-entropy cost shared by every chapter.

.. math:: J = -\frac{1}{m} \sum_{i=1}^{m} \left[ y^{(i)} \log a^{(i)}
          + (1 - y^{(i)}) \log(1 - a^{(i)}) \right]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlnotes._validation import as_float_array, as_labels, check_shape

# Predictions are kept this far from 0 and 1 so that log() and 1/a stay finite when a
# sigmoid saturates to exactly 0.0 or 1.0 in float64.
EPSILON = 1e-15


def clip_probabilities(A: np.ndarray) -> np.ndarray:
    return np.clip(A, EPSILON, 1.0 - EPSILON)


def cross_entropy_cost(A: ArrayLike, Y: ArrayLike, name: str = "A") -> float:
    """The cost of predictions ``A`` (shape (1, m)) for labels ``Y`` (shape (1, m)), a float."""
    A = as_float_array(name, A)
    check_shape(name, A, (1, None), "predictions are a row vector, one column per example")
    Y = as_labels(Y, A.shape[1])
    A = clip_probabilities(A)
    m = A.shape[1]
    losses = Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)  # (1, m)
    return float(-np.sum(losses) / m)
