r"""Mistake models of the network chapters (``shallow``, ``deep``), and their pieces.

Forward and backward passes with one step done the way a learner might get it wrong (a
sigmoid where tanh belongs, ``1 - A`` as the tanh derivative, ...): a wrong answer that
matches a model is named by it; nothing else is guessed. Also the cost from the output's
``Z``, in a form numerical gradients (:mod:`graders.checks._gradients`, the independent
witness for backward functions) can differentiate, and labels of every dtype.

Examples are columns: ``X`` has shape ``(n_x, m)``, ``Y`` ``(1, m)``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from graders.checks import _gradients
from graders.checks._gradients import softplus
from graders.checks._tamper import seal

_tanh = np.tanh
_log = np.log

_matmul = np.matmul
_sigmoid = _gradients.sigmoid


# --- activations and their derivatives, by name ----------------------------------------

# Real or complex (see _gradients): the mistake models and the numerical gradients share them.
ACTIVATIONS: dict[str, Callable] = {
    "sigmoid": _sigmoid,
    "tanh": _gradients.tanh,
    "relu": _gradients.relu,
    "leaky_relu": _gradients.leaky_relu,
    "identity": lambda Z: Z,
}

# g'(Z) written the right way and in the ways learners get it wrong.
DERIVATIVES: dict[str, Callable] = {
    "sigmoid": lambda Z: _sigmoid(Z) * (1.0 - _sigmoid(Z)),
    "tanh": lambda Z: 1.0 - _tanh(Z) ** 2,
    "relu": lambda Z: (Z > 0).astype(float),
    "none": lambda Z: Z * 0.0 + 1.0,
    "tanh as 1 - A": lambda Z: 1.0 - _tanh(Z),
    "tanh as A (1 - A)": lambda Z: _tanh(Z) * (1.0 - _tanh(Z)),
    "sigmoid as s * (1 - Z)": lambda Z: _sigmoid(Z) * (1.0 - Z),
    "sigmoid at A": lambda Z: DERIVATIVES["sigmoid"](_sigmoid(Z)),
}


# --- the cost from the output's Z ------------------------------------------------------


def cross_entropy_of_logits(Z, Y):
    """The cost of ``A = sigmoid(Z)``, ``-(1/m) sum(y log a + (1 - y) log(1 - a))``,
    computed from ``Z`` as ``(1/m) sum(y softplus(-z) + (1 - y) softplus(z))``.

    ``log(1 - a)`` for ``a`` near 1 would lose digits that this form keeps. ``Z`` may be
    complex (a complex-step nudge): the cost is then complex too, and its imaginary part
    carries the derivative.
    """
    m = Z.shape[1]
    return np.sum(Y * softplus(-Z) + (1.0 - Y) * softplus(Z)) / m


# --- the shallow network and its mistake models -----------------------------------------


def shallow_forward(
    X, p: dict, hidden="tanh", output="sigmoid", bias1=True, bias2=True, late_bias=()
):
    """``{"Z1", "A1", "Z2", "A2"}`` of the 2-layer network, optionally with one mistake;
    the layers in ``late_bias`` add their bias after the activation, ``g(W A) + b``."""
    b1, b2 = (p["b1"] if bias1 else 0.0), (p["b2"] if bias2 else 0.0)
    Z1 = _matmul(p["W1"], X) + (0.0 if 1 in late_bias else b1)
    A1 = ACTIVATIONS[hidden](Z1) + (b1 if 1 in late_bias else 0.0)
    Z2 = _matmul(p["W2"], A1) + (0.0 if 2 in late_bias else b2)
    A2 = ACTIVATIONS[output](Z2) + (b2 if 2 in late_bias else 0.0)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def shallow_backward(p: dict, cache: dict, X, Y, derivative="tanh", dW2_input="A1"):
    """``{"dW1", "db1", "dW2", "db2"}``, optionally with one mistake (the derivative
    used for the hidden layer, or ``Z1`` where ``A1`` belongs in ``dW2``)."""
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = _matmul(dZ2, cache[dW2_input].T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = _matmul(p["W2"].T, dZ2) * DERIVATIVES[derivative](cache["Z1"])
    dW1 = _matmul(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


# --- the deep network and its mistake models --------------------------------------------


def layer_forward(A_prev, W, b, activation: str):
    """``(A, Z)`` of one layer, ``Z = W A_prev + b``."""
    Z = _matmul(W, A_prev) + b
    return ACTIVATIONS[activation](Z), Z


def deep_forward(X, p: dict, hidden="relu", output="sigmoid", start: int = 1):
    """``(AL, [(A_prev, W, b, Z), ...])`` from layer ``start`` (fed ``X``) to the last."""
    L = len(p) // 2
    A, layers = X, []
    for l in range(start, L + 1):
        W, b = p[f"W{l}"], p[f"b{l}"]
        A_prev = A
        A, Z = layer_forward(A_prev, W, b, output if l == L else hidden)
        layers.append((A_prev, W, b, Z))
    return A, layers


def linear_backward(dZ, A_prev, W):
    """``(dA_prev, dW, db)`` of ``Z = W A_prev + b``, the course's scaling."""
    m = A_prev.shape[1]
    return _matmul(W.T, dZ), _matmul(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def deep_backward(AL, Y, layers, hidden="relu", output="sigmoid", dAL=None):
    """The grads dict of ``deep_backward`` from ``layers`` (as :func:`deep_forward`
    returns them), optionally with one mistake: the derivative of the hidden or output
    layers, or another ``dAL``."""
    L = len(layers)
    dA = -(Y / AL - (1.0 - Y) / (1.0 - AL)) if dAL is None else dAL
    grads = {}
    for l in range(L, 0, -1):
        A_prev, W, _, Z = layers[l - 1]
        dZ = dA * DERIVATIVES[output if l == L else hidden](Z)
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, A_prev, W)
        grads[f"dA{l - 1}"] = dA
    return grads


# --- labels ----------------------------------------------------------------------------


def labels(rng: np.random.Generator, m: int, dtype: str):
    """0/1 labels ``(1, m)`` of the given dtype, both classes present when m > 1."""
    Y = rng.integers(0, 2, size=(1, m))
    if m > 1:
        Y[0, :2] = (0, 1)
        rng.shuffle(Y[0])
    return Y.astype(dtype)


def as_float(Y):
    return np.asarray(Y, dtype=np.float64)


seal(sys.modules[__name__])
