"""Chapter 1: numpy shapes. Examples are columns: ``X`` has shape ``(n, m)``."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlnotes._validation import as_float_array, check_shape


def row_means(X: ArrayLike) -> NDArray[np.float64]:
    r"""The mean of each row, as a column vector: :math:`\mu_j = \frac{1}{m}\sum_i X_{j,i}`.

    Parameters
    ----------
    X : ndarray of shape (n, m)

    Returns
    -------
    mu : ndarray of shape (n, 1)
        A column vector, not the rank-1 shape ``(n,)`` that ``X.mean(axis=1)`` gives.
    """
    X = as_float_array("X", X)
    check_shape("X", X, (None, None), "use a 2-D array, one column per example")
    return np.mean(X, axis=1, keepdims=True)  # (n, 1)
