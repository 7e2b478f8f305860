r"""Chapter 3: a shallow network with one hidden layer (tanh) and a sigmoid output.

Examples are columns: ``X`` has shape ``(n_x, m)``, ``Y`` shape ``(1, m)``. Layer 1 has
``n_h`` hidden units and layer 2 a single output unit:

.. math::
    Z^{[1]} = W^{[1]} X + b^{[1]}, \quad A^{[1]} = \tanh(Z^{[1]}), \quad
    Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, \quad A^{[2]} = \sigma(Z^{[2]})

=========  ============  =========  ============
parameter  shape         gradient   shape
=========  ============  =========  ============
W1         (n_h, n_x)    dW1        (n_h, n_x)
b1         (n_h, 1)      db1        (n_h, 1)
W2         (n_y, n_h)    dW2        (n_y, n_h)
b2         (n_y, 1)      db2        (n_y, 1)
=========  ============  =========  ============
"""

from __future__ import annotations

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
from dlnotes.activations import sigmoid
from dlnotes.cost import cross_entropy_cost

Array = NDArray[np.float64]


def layer_sizes(X: ArrayLike, Y: ArrayLike, n_h: int = 4) -> tuple[int, int, int]:
    """The sizes ``(n_x, n_h, n_y)`` of the input, hidden and output layers."""
    X = as_float_array("X", X)
    check_shape("X", X, (None, None), "examples are the columns of X")
    Y = np.asarray(Y)
    check_shape("Y", Y, (None, X.shape[1]), "Y has one column per example, like X")
    return X.shape[0], int(n_h), Y.shape[0]


def initialize_parameters(n_x: int, n_h: int, n_y: int, *, rng: np.random.Generator) -> dict:
    """Small random weights (``randn * 0.01``) and zero biases.

    Random weights break the symmetry between hidden units (with zeros every hidden unit
    would compute the same function forever); small ones keep tanh and sigmoid away from
    their flat, saturated ends where gradients vanish.

    Returns
    -------
    parameters : dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (n_y, n_h), ``b2`` (n_y, 1).
    """
    return {
        "W1": rng.standard_normal((n_h, n_x)) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def forward_propagation(X: ArrayLike, parameters: dict) -> tuple[Array, dict[str, Array]]:
    r"""Forward pass: tanh hidden layer, sigmoid output.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    parameters : dict with ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (1, n_h), ``b2`` (1, 1)

    Returns
    -------
    A2 : ndarray of shape (1, m)
    cache : dict with ``Z1``, ``A1`` (n_h, m) and ``Z2``, ``A2`` (1, m)
    """
    X, W1, b1, W2, b2 = _check_inputs(X, parameters)
    Z1 = W1 @ X + b1  # (n_h, m)
    A1 = np.tanh(Z1)  # (n_h, m)
    Z2 = W2 @ A1 + b2  # (1, m)
    A2 = sigmoid(Z2)  # (1, m)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2: ArrayLike, Y: ArrayLike) -> float:
    r"""Cross-entropy cost of the output ``A2`` (1, m) against labels ``Y`` (1, m), a float."""
    return cross_entropy_cost(A2, Y, name="A2")


def backward_propagation(parameters: dict, cache: dict, X: ArrayLike, Y: ArrayLike) -> dict:
    r"""Backward pass of the 2-layer network.

    .. math::
        dZ^{[2]} = A^{[2]} - Y, \quad dW^{[2]} = \tfrac{1}{m} dZ^{[2]} A^{[1]T}, \quad
        db^{[2]} = \tfrac{1}{m} \textstyle\sum_{axis=1} dZ^{[2]}, \\
        dZ^{[1]} = W^{[2]T} dZ^{[2]} * (1 - A^{[1]2}), \quad
        dW^{[1]} = \tfrac{1}{m} dZ^{[1]} X^T, \quad
        db^{[1]} = \tfrac{1}{m} \textstyle\sum_{axis=1} dZ^{[1]}

    Parameters
    ----------
    parameters : dict, as for ``forward_propagation``
    cache : dict from ``forward_propagation`` (``A1`` and ``A2`` are used)
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    grads : dict with ``dW1``, ``db1``, ``dW2``, ``db2``, each the shape of its parameter
    """
    X, _, _, W2, _ = _check_inputs(X, parameters)
    m = X.shape[1]
    Y = as_labels(Y, m)
    A1 = as_float_array("cache['A1']", cache["A1"])
    A2 = as_float_array("cache['A2']", cache["A2"])
    check_shape("cache['A1']", A1, (W2.shape[1], m), "A1 has one column per example")
    check_shape("cache['A2']", A2, (1, m), "A2 has one column per example")
    check_probabilities("cache['A2']", A2)

    dZ2 = A2 - Y  # (1, m)
    dW2 = (dZ2 @ A1.T) / m  # (1, n_h)
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m  # (1, 1)
    dZ1 = (W2.T @ dZ2) * (1.0 - A1**2)  # (n_h, m); tanh'(Z1) = 1 - A1^2
    dW1 = (dZ1 @ X.T) / m  # (n_h, n_x)
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m  # (n_h, 1)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters: dict, grads: dict, learning_rate: float = 1.2) -> dict:
    r"""One step of gradient descent :math:`\theta := \theta - \alpha\, d\theta`, as a new dict."""
    check_parameters(parameters, L=2)
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def nn_model(
    X: ArrayLike,
    Y: ArrayLike,
    n_h: int,
    num_iterations: int = 10000,
    learning_rate: float = 1.2,
    *,
    rng: np.random.Generator,
    record_every: int = 1000,
    progress: bool = False,
) -> tuple[dict, list[float]]:
    """Train the 2-layer network by gradient descent.

    Returns
    -------
    parameters : dict, the trained parameters
    costs : list of float, the cost every ``record_every`` iterations
    """
    n_x, n_h, n_y = layer_sizes(X, Y, n_h)
    parameters = initialize_parameters(n_x, n_h, n_y, rng=rng)
    costs = []
    for i in iterations(num_iterations, progress=progress, desc="2-layer network"):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % record_every == 0:
            costs.append(compute_cost(A2, Y))
    return parameters, costs


def predict(parameters: dict, X: ArrayLike) -> Array:
    """Labels 0.0 or 1.0 of shape (1, m): 1 where the network's output is above 0.5."""
    A2, _ = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(np.float64)


def _check_inputs(X, parameters) -> tuple[Array, Array, Array, Array, Array]:
    X = as_float_array("X", X)
    check_shape("X", X, (None, None), "examples are the columns of X, shape (n_x, m)")
    check_parameters(parameters, L=2)
    W1, b1, W2, b2 = (as_float_array(k, parameters[k]) for k in ("W1", "b1", "W2", "b2"))
    check_shape("W1", W1, (None, X.shape[0]), "W1 has one column per input feature")
    return X, W1, b1, W2, b2
