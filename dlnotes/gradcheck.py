r"""Gradient checking: compare backpropagation with two-sided numerical differences.

Examples are columns (``X`` of shape ``(n_x, m)``); parameters and gradients are dicts
keyed ``"W1", "b1", ...`` and ``"dW1", "db1", ...``. The check, as in the notes:

1. put every parameter into one column vector :math:`\theta` (:func:`dict_to_vector`), and
   backpropagation's gradients into :math:`d\theta` in the same order (:func:`gradients_to_vector`);
2. approximate each partial derivative by a two-sided difference (:func:`numerical_gradient`),
   :math:`d\theta_{approx}[i] = (J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)) /
   2\varepsilon`;
3. compare by the relative difference :math:`\lVert d\theta_{approx} - d\theta \rVert_2 /
   (\lVert d\theta_{approx} \rVert_2 + \lVert d\theta \rVert_2)` (:func:`relative_difference`):
   about ``1e-7`` or below is right, ``1e-3`` or above is a bug.

Step 2 costs two cost evaluations per parameter; :func:`gradient_check` checks a few random
directions per array instead, so that it scales (its machinery: :mod:`dlnotes.gradcheck_scale`).

>>> J = lambda theta: float(np.sum(theta**2))  # dJ/dtheta = 2 theta
>>> theta, layout = dict_to_vector({"W1": [[1.0, 2.0]], "b1": [[3.0]]})
>>> numerical = numerical_gradient(J, theta)  # (3, 1), like theta
>>> relative_difference(numerical, 2 * theta) < 1e-7
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from dlnotes.gradcheck_scale import GradientCheckResult

Array = NDArray[np.float64]
Layout = tuple[tuple[str, tuple[int, ...]], ...]
"""``((name, shape), ...)`` in vector order, derived from a parameter dict."""


def natural_key(name: str) -> tuple[tuple[int, ...], str]:
    """Sort key grouping names by their numbers first: W1, b1, W2, b2, ..., W9, W10.

    >>> sorted(["b10", "W10", "W2", "b1", "W1"], key=natural_key)
    ['W1', 'b1', 'W2', 'W10', 'b10']
    """
    numbers = tuple(int(digits) for digits in re.findall(r"\d+", name))
    return numbers, re.sub(r"\d+", "", name)


def dict_to_vector(parameters: Mapping[str, ArrayLike]) -> tuple[Array, Layout]:
    """Stack every array of a dict into one column vector theta.

    Parameters
    ----------
    parameters : dict of str to ndarray, e.g. ``"W1"`` (n1, n0), ``"b1"`` (n1, 1); or scalars

    Returns
    -------
    theta : ndarray of shape (n_params, 1)
        The arrays raveled in the order of :func:`natural_key` (W1, b1, W2, b2, ...).
    layout : tuple of (name, shape)
        What :func:`vector_to_dict` needs to undo the stacking.
    """
    names = sorted(parameters, key=natural_key)
    arrays = [np.asarray(parameters[name], dtype=np.float64) for name in names]
    layout = tuple((name, array.shape) for name, array in zip(names, arrays, strict=True))
    if not arrays:
        return np.zeros((0, 1)), layout
    theta = np.concatenate([array.ravel() for array in arrays]).reshape(-1, 1)
    return theta, layout


def vector_to_dict(theta: ArrayLike, layout: Layout) -> dict[str, Array]:
    """Undo :func:`dict_to_vector`: split theta back into named arrays.

    Parameters
    ----------
    theta : ndarray with n_params elements (a column or a flat vector)
    layout : tuple of (name, shape), as returned by :func:`dict_to_vector`

    Returns
    -------
    parameters : dict of str to ndarray, each a copy with the shape given by ``layout``
    """
    flat = np.asarray(theta, dtype=np.float64).ravel()
    sizes = [int(np.prod(shape, dtype=np.int64)) for _, shape in layout]
    if flat.size != sum(sizes):
        raise ValueError(
            f"theta has {flat.size} elements, expected {sum(sizes)}: was it built with this layout?"
        )
    parameters, start = {}, 0
    for (name, shape), size in zip(layout, sizes, strict=True):
        parameters[name] = flat[start : start + size].reshape(shape).copy()
        start += size
    return parameters


def gradients_to_vector(grads: Mapping[str, ArrayLike], layout: Layout) -> Array:
    """Stack ``grads["d" + name]`` in the order of a parameter layout.

    Returns
    -------
    dtheta : ndarray of shape (n_params, 1), aligned with ``theta`` of the same layout
    """
    missing = [f"d{name}" for name, _ in layout if f"d{name}" not in grads]
    if missing:
        raise ValueError(f"grads has no {', '.join(missing)}: one gradient per parameter")
    for name, shape in layout:
        if np.shape(grads[f"d{name}"]) != shape:
            raise ValueError(
                f"d{name} has shape {np.shape(grads[f'd{name}'])}, expected {shape}: "
                f"a gradient has the shape of its parameter {name}"
            )
    return dict_to_vector({name: grads[f"d{name}"] for name, _ in layout})[0]


def numerical_gradient(f: Callable[[Array], float], x: ArrayLike, eps: float = 1e-7) -> Array:
    r"""Centred differences, one coordinate at a time.

    .. math:: g_i = \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}

    Parameters
    ----------
    f : callable, ``f(x) -> float`` for an ndarray shaped like ``x``
    x : ndarray of any shape (not modified)
    eps : float, the step: ``1e-7`` balances truncation and roundoff in float64

    Returns
    -------
    grad : ndarray of the shape of ``x``
    """
    x = np.array(x, dtype=np.float64)  # a private copy, perturbed in place
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        saved = flat_x[i]
        flat_x[i] = saved + eps
        plus = float(f(x))
        flat_x[i] = saved - eps
        minus = float(f(x))
        flat_x[i] = saved
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_difference(a: ArrayLike, b: ArrayLike) -> float:
    r"""The course's :math:`\lVert a - b \rVert_2 / (\lVert a \rVert_2 + \lVert b \rVert_2)`.

    0 when both are zero; at most 1 otherwise. Below about ``1e-7`` for a correct
    per-coordinate check in float64.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def gradient_check(cost, parameters, grads, *, rng, **options) -> GradientCheckResult:
    r"""The check for a big network: a few random directions per array, not every coordinate.

    For a unit direction :math:`v` shaped like one parameter array :math:`P`,
    :math:`(J(P + \varepsilon v) - J(P - \varepsilon v)) / 2\varepsilon \approx \langle dP, v
    \rangle`. ``cost(parameters) -> float``; ``rng`` draws the directions; the result names the
    arrays that disagree. Options: :func:`dlnotes.gradcheck_scale.gradient_check`.
    """
    from dlnotes import gradcheck_scale  # deferred: the machinery builds on this module

    return gradcheck_scale.gradient_check(cost, parameters, grads, rng=rng, **options)


def check_deep_gradients(parameters, X, Y, *, rng, backward=None, **options):
    """:func:`gradient_check` of ``backward(AL, Y, caches)`` (default: the reference's) on
    the L-layer network of :mod:`dlnotes.deep`; see :mod:`dlnotes.gradcheck_scale`."""
    from dlnotes import gradcheck_scale

    return gradcheck_scale.check_deep_gradients(
        parameters, X, Y, rng=rng, backward=backward, **options
    )
