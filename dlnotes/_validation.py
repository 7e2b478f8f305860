"""Input validation shared by the public entry points.

Errors teach: each names the argument, the shape it got, the shape expected and the
likely mistake.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def as_float_array(name: str, value) -> np.ndarray:
    """``value`` as a float64 ndarray (no copy when it already is one)."""
    if isinstance(value, Mapping) or value is None:
        raise TypeError(f"{name} must be a numpy array, got {type(value).__name__}")
    array = np.asarray(value, dtype=np.float64)
    return array


def check_shape(name: str, array: np.ndarray, expected: tuple, hint: str = "") -> None:
    """Raise ``ValueError`` unless ``array.shape`` matches ``expected`` (None = any size)."""
    ok = array.ndim == len(expected) and all(
        want is None or got == want for got, want in zip(array.shape, expected, strict=True)
    )
    if not ok:
        shown = "(" + ", ".join("?" if e is None else str(e) for e in expected)
        shown += ",)" if len(expected) == 1 else ")"
        message = f"{name} has shape {array.shape}, expected {shown}"
        raise ValueError(f"{message}: {hint}" if hint else message)


def check_same_shape(name: str, array: np.ndarray, other_name: str, other: np.ndarray) -> None:
    if array.shape != other.shape:
        raise ValueError(
            f"{name} has shape {array.shape}, expected {other.shape} (the shape of "
            f"{other_name}): a gradient has the shape of what it differentiates"
        )


def check_probabilities(name: str, A: np.ndarray) -> None:
    """Raise ``ValueError`` unless every entry of ``A`` is a probability in [0, 1]."""
    outside = ~((A >= 0.0) & (A <= 1.0))  # NaN is outside too
    if np.any(outside):
        bad = float(A[outside].flat[0])
        raise ValueError(
            f"{name} holds {bad:g}, outside [0, 1]: {name} must be predicted probabilities, "
            "the output of a sigmoid (was Z, the value before the sigmoid, passed instead?)"
        )


def as_labels(Y, m: int | None = None) -> np.ndarray:
    """Labels of any numeric or bool dtype as a float64 row vector ``(1, m)``."""
    Y = np.asarray(Y)
    if Y.dtype == np.bool_ or np.issubdtype(Y.dtype, np.integer):
        Y = Y.astype(np.float64)
    Y = as_float_array("Y", Y)
    check_shape("Y", Y, (1, m), "labels are a row vector, one column per example")
    return Y


def check_parameters(parameters: Mapping, L: int | None = None) -> int:
    """Check a ``{"W1", "b1", ..., "WL", "bL"}`` dict and return L (the number of layers)."""
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict, got {type(parameters).__name__}")
    if L is None:
        L = len(parameters) // 2
    expected = {f"{kind}{l}" for l in range(1, L + 1) for kind in ("W", "b")}
    if set(parameters) != expected or L < 1:
        raise ValueError(
            f"parameters has keys {sorted(parameters)}, expected W1, b1, ..., W{L}, b{L}"
        )
    for l in range(1, L + 1):
        W = np.asarray(parameters[f"W{l}"])
        b = np.asarray(parameters[f"b{l}"])
        check_shape(f"W{l}", W, (None, None), "weights are matrices of shape (n[l], n[l-1])")
        check_shape(f"b{l}", b, (W.shape[0], 1), "biases are column vectors")
        if l > 1:
            n_prev = np.asarray(parameters[f"W{l - 1}"]).shape[0]
            check_shape(f"W{l}", W, (W.shape[0], n_prev), f"W{l} must take the {n_prev} "
                        f"outputs of layer {l - 1}")
    return L
