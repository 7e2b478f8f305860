r"""The cross-entropy cost shared by every chapter.

.. math:: J = -\frac{1}{m} \sum_{i=1}^{m} \left[ y^{(i)} \log a^{(i)}
          + (1 - y^{(i)}) \log(1 - a^{(i)}) \right]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlnotes._validation import as_float_array, as_labels, check_probabilities, check_shape

# A sigmoid saturates to exactly 0.0 (for z < about -745) or 1.0 (z > about 37). Only
# those two values are moved, to the nearest floats inside (0, 1), so that log(a) and
# log(1 - a) stay finite while every other prediction's loss is exact.
SMALLEST = np.nextafter(0.0, 1.0)
LARGEST_BELOW_ONE = np.nextafter(1.0, 0.0)


def clip_probabilities(A: np.ndarray) -> np.ndarray:
    """``A`` with exact 0s and 1s moved just inside (0, 1); a new array."""
    return np.clip(A, SMALLEST, LARGEST_BELOW_ONE)


def cross_entropy_cost(A: ArrayLike, Y: ArrayLike, name: str = "A") -> float:
    """The cost of predictions ``A`` (shape (1, m)) for labels ``Y`` (shape (1, m)), a float.

    Every prediction in [0, 1] is valid (a saturated 0 or 1 costs about 744 if its label
    disagrees); anything else raises ``ValueError``.
    """
    A = as_float_array(name, A)
    check_shape(name, A, (1, None), "predictions are a row vector, one column per example")
    check_probabilities(name, A)
    Y = as_labels(Y, A.shape[1])
    A = clip_probabilities(A)
    m = A.shape[1]
    losses = Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)  # (1, m)
    return float(-np.sum(losses) / m)
