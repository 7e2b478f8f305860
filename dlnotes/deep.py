r"""Chapter 4: an L-layer network, step by step.

Examples are columns: ``X = A[0]`` has shape ``(n[0], m)``, ``Y`` shape ``(1, m)``.
Layer ``l`` (1 <= l <= L) has ``W[l]`` of shape ``(n[l], n[l-1])``, ``b[l]`` of shape
``(n[l], 1)``, and computes

.. math:: Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad A^{[l]} = g^{[l]}(Z^{[l]})

with ReLU for the hidden layers and a sigmoid for the output, :math:`\hat{Y} = A^{[L]}`.
Each forward step returns a cache that its backward step reads; the backward pass
never recomputes the forward one.

=========  =================  =============  =================
forward    shape              backward       shape
=========  =================  =============  =================
W[l]       (n[l], n[l-1])     dW[l]          (n[l], n[l-1])
b[l]       (n[l], 1)          db[l]          (n[l], 1)
Z[l]       (n[l], m)          dZ[l]          (n[l], m)
A[l]       (n[l], m)          dA[l]          (n[l], m)
=========  =================  =============  =================
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlnotes._progress import iterations
from dlnotes._validation import (
    as_float_array,
    as_labels,
    check_parameters,
    check_probabilities,
    check_shape,
)
from dlnotes.activations import get_activation
from dlnotes.cost import cross_entropy_cost

Array = NDArray[np.float64]


class LinearCache(NamedTuple):
    """What ``linear_forward`` saves for ``linear_backward``: ``A_prev, W, b = cache``."""

    A_prev: Array  # (n[l-1], m)
    W: Array  # (n[l], n[l-1])
    b: Array  # (n[l], 1)


class LayerCache(NamedTuple):
    """What a layer saves for its backward pass: ``linear_cache, Z = cache``."""

    linear_cache: LinearCache
    Z: Array  # (n[l], m)


# --- initialization -----------------------------------------------------------------


def initialize_parameters_deep(
    layer_dims: list[int], *, rng: np.random.Generator, scale: float | str = 0.01
) -> dict[str, Array]:
    r"""Random weights and zero biases for an L-layer network.

    Parameters
    ----------
    layer_dims : list of int, ``[n[0], n[1], ..., n[L]]`` (``n[0] = n_x``)
    rng : numpy.random.Generator
    scale : float or {"he", "xavier"}
        The weights are ``randn(n[l], n[l-1]) * scale``, as in the notes (0.01); "he" uses
        :math:`\sqrt{2 / n^{[l-1]}}`, which keeps ReLU activations from shrinking layer
        after layer in a deep network, and "xavier" :math:`\sqrt{1 / n^{[l-1]}}`.

    Returns
    -------
    parameters : dict with ``W1 .. WL`` of shape (n[l], n[l-1]) and ``b1 .. bL`` (n[l], 1)
    """
    layer_dims = [int(n) for n in layer_dims]
    if len(layer_dims) < 2 or min(layer_dims) < 1:
        raise ValueError(
            f"layer_dims is {layer_dims}, expected at least two positive sizes [n_x, ..., n_y]"
        )
    parameters = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * _weight_scale(scale, n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def _weight_scale(scale: float | str, n_prev: int) -> float:
    if scale == "he":
        return np.sqrt(2.0 / n_prev)
    if scale == "xavier":
        return np.sqrt(1.0 / n_prev)
    if isinstance(scale, str):
        raise ValueError(f"scale is {scale!r}, expected a number, 'he' or 'xavier'")
    return float(scale)


# --- forward ------------------------------------------------------------------------


def linear_forward(A_prev: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[Array, LinearCache]:
    r"""The linear part of a layer: :math:`Z = W A_{prev} + b`.

    Parameters
    ----------
    A_prev : ndarray of shape (n_prev, m)
    W : ndarray of shape (n, n_prev)
    b : ndarray of shape (n, 1)

    Returns
    -------
    Z : ndarray of shape (n, m)
    cache : LinearCache(A_prev, W, b)
    """
    A_prev = as_float_array("A_prev", A_prev)
    W = as_float_array("W", W)
    b = as_float_array("b", b)
    check_shape("A_prev", A_prev, (None, None), "activations have one column per example")
    check_shape("W", W, (None, A_prev.shape[0]), "W has one column per unit of the layer below")
    check_shape("b", b, (W.shape[0], 1), "biases are column vectors, one row per unit")
    Z = W @ A_prev + b  # (n, m)
    return Z, LinearCache(A_prev, W, b)


def linear_activation_forward(
    A_prev: ArrayLike, W: ArrayLike, b: ArrayLike, activation: str
) -> tuple[Array, LayerCache]:
    r"""One layer: :math:`A = g(W A_{prev} + b)` with ``activation`` "relu" or "sigmoid".

    Returns
    -------
    A : ndarray of shape (n, m)
    cache : LayerCache(linear_cache, Z)
    """
    g, _ = get_activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    return g(Z), LayerCache(linear_cache, Z)


def deep_forward(X: ArrayLike, parameters: dict) -> tuple[Array, list[LayerCache]]:
    """Forward pass through L layers: ReLU for layers 1..L-1, sigmoid for layer L.

    Parameters
    ----------
    X : ndarray of shape (n[0], m)
    parameters : dict with ``W1, b1, ..., WL, bL``

    Returns
    -------
    AL : ndarray of shape (n[L], m), the predictions
    caches : list of L LayerCache, ``caches[l - 1]`` for layer l
    """
    L = check_parameters(parameters)
    A = as_float_array("X", X)
    check_shape("X", A, (parameters["W1"].shape[1], None), "examples are the columns of X")
    caches = []
    for l in range(1, L + 1):
        activation = "sigmoid" if l == L else "relu"
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], activation
        )
        caches.append(cache)
    return A, caches


def compute_cost(AL: ArrayLike, Y: ArrayLike) -> float:
    """Cross-entropy cost of the predictions ``AL`` (1, m) for labels ``Y`` (1, m), a float."""
    return cross_entropy_cost(AL, Y, name="AL")


# --- backward -----------------------------------------------------------------------


def linear_backward(dZ: ArrayLike, cache: LinearCache) -> tuple[Array, Array, Array]:
    r"""Backward through :math:`Z = W A_{prev} + b`.

    .. math:: dW = \tfrac{1}{m} dZ\, A_{prev}^T, \quad
              db = \tfrac{1}{m} \textstyle\sum_{axis=1} dZ, \quad dA_{prev} = W^T dZ

    ``dA_prev`` has no ``1/m``: the cost's ``1/m`` is already inside ``dZ``'s use in
    ``dW`` and ``db``, and ``dA_prev`` is passed on per example.

    Parameters
    ----------
    dZ : ndarray of shape (n, m)
    cache : LinearCache(A_prev, W, b) from ``linear_forward``

    Returns
    -------
    dA_prev : ndarray of shape (n_prev, m)
    dW : ndarray of shape (n, n_prev)
    db : ndarray of shape (n, 1)
    """
    A_prev, W, _ = cache
    dZ = as_float_array("dZ", dZ)
    check_shape("dZ", dZ, (W.shape[0], A_prev.shape[1]), "dZ has the shape of Z")
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m  # (n, n_prev)
    db = np.sum(dZ, axis=1, keepdims=True) / m  # (n, 1)
    dA_prev = W.T @ dZ  # (n_prev, m)
    return dA_prev, dW, db


def linear_activation_backward(
    dA: ArrayLike, cache: LayerCache, activation: str
) -> tuple[Array, Array, Array]:
    r"""Backward through one layer: :math:`dZ = dA * g'(Z)`, then ``linear_backward``.

    Returns
    -------
    dA_prev : ndarray of shape (n_prev, m)
    dW : ndarray of shape (n, n_prev)
    db : ndarray of shape (n, 1)
    """
    _, g_backward = get_activation(activation)
    linear_cache, Z = cache
    dZ = g_backward(dA, Z)  # (n, m)
    return linear_backward(dZ, linear_cache)


def deep_backward(AL: ArrayLike, Y: ArrayLike, caches: list[LayerCache]) -> dict[str, Array]:
    r"""Backward pass through L layers, starting from
    :math:`dA^{[L]} = -\left(\frac{Y}{A^{[L]}} - \frac{1 - Y}{1 - A^{[L]}}\right)`, whose
    product with the sigmoid's derivative is :math:`dZ^{[L]} = A^{[L]} - Y`.

    Parameters
    ----------
    AL : ndarray of shape (1, m), the output of ``deep_forward``, values in [0, 1]
    Y : ndarray of shape (1, m)
    caches : list of L LayerCache from ``deep_forward``

    Returns
    -------
    grads : dict with ``dA0 .. dA{L-1}`` (n[l], m), ``dW1 .. dWL`` and ``db1 .. dbL``
    """
    AL = as_float_array("AL", AL)
    check_shape("AL", AL, (1, None), "AL is a row vector of predictions")
    check_probabilities("AL", AL)
    Y = as_labels(Y, AL.shape[1])
    L = len(caches)
    # The sigmoid layer's dZ[L] = dA[L] * AL (1 - AL) simplifies to AL - Y: exact and
    # finite for every AL in [0, 1], where dA[L] itself is infinite at a saturated 0 or 1
    # (and clipping AL would change the gradient of every confident prediction).
    linear_cache, _ = caches[L - 1]
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, linear_cache)
    grads[f"dA{L - 1}"] = dA  # (n[L-1], m)
    for l in range(L - 1, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], "relu"
        )
        grads[f"dA{l - 1}"] = dA
    return grads


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict[str, Array]:
    r"""Gradient descent :math:`W^{[l]} := W^{[l]} - \alpha\, dW^{[l]}` (likewise b).

    Returns a new dict; ``parameters`` is left unchanged.
    """
    check_parameters(parameters)
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


# --- training -----------------------------------------------------------------------


def deep_model(
    X: ArrayLike,
    Y: ArrayLike,
    parameters: dict,
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    record_every: int = 100,
    *,
    progress: bool = False,
) -> tuple[dict, list[float]]:
    r"""Train an L-layer network from ``parameters`` by full-batch gradient descent.

    Each iteration ``i`` runs ``deep_forward``, ``deep_backward`` and
    :math:`W^{[l]} := W^{[l]} - \alpha\, dW^{[l]}` (likewise b), and continues from the
    parameters the previous one left. The cost of iteration ``i``'s forward pass, the
    parameters *before* its update, is recorded when ``i % record_every == 0``: ``costs[0]``
    is the cost of the start.

    Parameters
    ----------
    X : ndarray of shape (n[0], m)
    Y : ndarray of shape (1, m), labels 0 or 1
    parameters : dict with ``W1, b1, ..., WL, bL``, the start (from
        ``initialize_parameters_deep``); left unchanged
    learning_rate : float, :math:`\alpha`
    num_iterations : int, the number of gradient-descent steps
    record_every : int

    Returns
    -------
    parameters : dict, the parameters after ``num_iterations`` steps
    costs : list of float, the costs of iterations 0, record_every, 2 record_every, ...
        (``ceil(num_iterations / record_every)`` of them)
    """
    L = check_parameters(parameters)
    costs = []
    for i in iterations(num_iterations, progress=progress, desc=f"{L}-layer"):
        AL, caches = deep_forward(X, parameters)
        if i % record_every == 0:
            costs.append(compute_cost(AL, Y))
        grads = deep_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


def predict(parameters: dict, X: ArrayLike) -> Array:
    """Labels 0.0 or 1.0 of shape (1, m): 1 where the network's output is above 0.5."""
    AL, _ = deep_forward(X, parameters)
    return (AL > 0.5).astype(np.float64)
