r"""Chapter 2: logistic regression as a neural network with a single neuron.

Examples are columns: ``X`` has shape ``(n_x, m)``, labels ``Y`` shape ``(1, m)``.
The model is :math:`\hat{y} = \sigma(w^T x + b)` with ``w`` of shape ``(n_x, 1)`` and a
scalar ``b``; over all examples at once, :math:`A = \sigma(w^T X + b)`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlnotes._progress import iterations
from dlnotes._validation import as_float_array, as_labels, check_probabilities, check_shape
from dlnotes.activations import sigmoid
from dlnotes.cost import cross_entropy_cost

Array = NDArray[np.float64]


def initialize_with_zeros(dim: int) -> tuple[Array, float]:
    """Zero parameters: ``w`` of shape (dim, 1) and ``b = 0.0``.

    Zeros are fine here: with one neuron there is no symmetry to break.
    """
    if int(dim) != dim or dim < 1:
        raise ValueError(f"dim is {dim!r}, expected a positive integer (n_x)")
    return np.zeros((int(dim), 1)), 0.0


def forward(w: ArrayLike, b: float, X: ArrayLike) -> Array:
    r"""Forward pass :math:`A = \sigma(w^T X + b)`.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1)
    b : float
    X : ndarray of shape (n_x, m)

    Returns
    -------
    A : ndarray of shape (1, m)
        The predicted probabilities :math:`P(y = 1 \mid x)`.
    """
    w, b, X = _check_model_inputs(w, b, X)
    Z = w.T @ X + b  # (1, m)
    return sigmoid(Z)


def compute_cost(A: ArrayLike, Y: ArrayLike) -> float:
    r"""Cross-entropy cost :math:`J = \frac{1}{m}\sum_i \mathcal{L}(a^{(i)}, y^{(i)})`.

    .. math:: \mathcal{L}(a, y) = -[y \log a + (1 - y) \log(1 - a)]

    Parameters
    ----------
    A : ndarray of shape (1, m)
    Y : ndarray of shape (1, m), labels 0 or 1 of any numeric or bool dtype

    Returns
    -------
    cost : float
    """
    return cross_entropy_cost(A, Y, name="A")


def backward(X: ArrayLike, A: ArrayLike, Y: ArrayLike) -> dict[str, Array | float]:
    r"""Gradients of the cost for all m examples at once.

    .. math:: dZ = A - Y, \quad dw = \tfrac{1}{m} X\, dZ^T, \quad
              db = \tfrac{1}{m} \textstyle\sum_i dz^{(i)}

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    A : ndarray of shape (1, m), the output of ``forward``
    Y : ndarray of shape (1, m)

    Returns
    -------
    grads : dict
        ``"dw"``: ndarray of shape (n_x, 1); ``"db"``: float.
    """
    X = as_float_array("X", X)
    check_shape("X", X, (None, None), "examples are the columns of X")
    m = X.shape[1]
    A = as_float_array("A", A)
    check_shape("A", A, (1, m), "A comes from forward(w, b, X): one column per example")
    check_probabilities("A", A)
    Y = as_labels(Y, m)
    dZ = A - Y  # (1, m)
    dw = (X @ dZ.T) / m  # (n_x, 1)
    db = float(np.sum(dZ) / m)
    return {"dw": dw, "db": db}


def propagate(w: ArrayLike, b: float, X: ArrayLike, Y: ArrayLike) -> tuple[dict, float]:
    """One forward and backward pass: ``(grads, cost)``."""
    A = forward(w, b, X)
    return backward(X, A, Y), compute_cost(A, Y)


def optimize(
    w: ArrayLike,
    b: float,
    X: ArrayLike,
    Y: ArrayLike,
    num_iterations: int = 2000,
    learning_rate: float = 0.005,
    record_every: int = 100,
    *,
    progress: bool = False,
) -> tuple[dict, dict, list[float]]:
    r"""Gradient descent :math:`w := w - \alpha\, dw`, :math:`b := b - \alpha\, db`.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1), b : float
        Where descent starts (the parameters are not re-initialised here).
    X : ndarray of shape (n_x, m), Y : ndarray of shape (1, m)
    num_iterations : int, the number of steps
    learning_rate : float, :math:`\alpha`
    record_every : int
        Iteration ``i`` records its cost (the cost of the parameters *before* its step)
        when ``i % record_every == 0``: ``costs[0]`` is the cost at the start.

    Returns
    -------
    params : dict with ``"w"`` (n_x, 1) and ``"b"`` (float), after ``num_iterations`` steps
    grads : dict, the gradients of the last iteration (at the parameters before its step)
    costs : list of float, the cost every ``record_every`` iterations
    """
    w = as_float_array("w", w)
    b = float(b)
    costs = []
    grads = {}
    for i in iterations(num_iterations, progress=progress, desc="logistic regression"):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % record_every == 0:
            costs.append(cost)
    return {"w": w, "b": b}, grads, costs


def predict(w: ArrayLike, b: float, X: ArrayLike) -> Array:
    """Labels 0.0 or 1.0 of shape (1, m): 1 where :math:`P(y=1 \\mid x) > 0.5`."""
    return (forward(w, b, X) > 0.5).astype(np.float64)


def accuracy(Y_prediction: ArrayLike, Y: ArrayLike) -> float:
    """The fraction of examples whose predicted label equals the true label."""
    Y_prediction = as_labels(Y_prediction)
    return float(np.mean(Y_prediction == as_labels(Y, Y_prediction.shape[1])))


def model(
    X_train: ArrayLike,
    Y_train: ArrayLike,
    X_test: ArrayLike,
    Y_test: ArrayLike,
    num_iterations: int = 2000,
    learning_rate: float = 0.5,
    record_every: int = 100,
    *,
    progress: bool = False,
) -> dict:
    """Train logistic regression from zeros and report train and test accuracy.

    Returns
    -------
    result : dict
        ``w``, ``b``, ``costs``, ``Y_prediction_train``, ``Y_prediction_test``,
        ``train_accuracy``, ``test_accuracy``, ``learning_rate``, ``num_iterations``.
    """
    X_train = as_float_array("X_train", X_train)
    w, b = initialize_with_zeros(X_train.shape[0])
    params, _, costs = optimize(
        w, b, X_train, Y_train, num_iterations, learning_rate, record_every, progress=progress
    )
    w, b = params["w"], params["b"]
    Y_prediction_train = predict(w, b, X_train)
    Y_prediction_test = predict(w, b, X_test)
    return {
        "w": w,
        "b": b,
        "costs": costs,
        "Y_prediction_train": Y_prediction_train,
        "Y_prediction_test": Y_prediction_test,
        "train_accuracy": accuracy(Y_prediction_train, Y_train),
        "test_accuracy": accuracy(Y_prediction_test, Y_test),
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }


def _check_model_inputs(w, b, X) -> tuple[Array, float, Array]:
    X = as_float_array("X", X)
    check_shape("X", X, (None, None), "examples are the columns of X, shape (n_x, m)")
    w = as_float_array("w", w)
    check_shape("w", w, (X.shape[0], 1), "w is a column vector with one weight per feature")
    b_array = np.asarray(b, dtype=np.float64)
    if b_array.size != 1:
        raise ValueError(f"b has shape {b_array.shape}, expected a scalar: b is one number")
    return w, float(b_array.reshape(())), X
