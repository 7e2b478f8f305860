r"""Activation functions ``g(Z)`` and their backward passes ``dZ = dA * g'(Z)``.

Examples are columns, but every function here works elementwise on an array of any
shape. Each ``*_backward(dA, Z)`` takes the gradient of the cost with respect to the
activation ``A = g(Z)`` and returns the gradient with respect to ``Z``, same shape.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlnotes._validation import as_float_array, check_same_shape

Array = NDArray[np.float64]


def sigmoid(Z: ArrayLike) -> Array:
    r"""Sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, elementwise.

    Parameters
    ----------
    Z : array_like of any shape

    Returns
    -------
    A : ndarray of the shape of Z, values in [0, 1]
    """
    Z = as_float_array("Z", Z)
    # e^{-|z|} never overflows; for z < 0 use the equal form e^{z} / (1 + e^{z}).
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))


def sigmoid_derivative(Z: ArrayLike) -> Array:
    r"""Derivative :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, elementwise."""
    s = sigmoid(Z)
    return s * (1.0 - s)


def sigmoid_backward(dA: ArrayLike, Z: ArrayLike) -> Array:
    r""":math:`dZ = dA \cdot \sigma(Z)(1 - \sigma(Z))`; dA and Z have the same shape."""
    dA, Z = _pair(dA, Z)
    return dA * sigmoid_derivative(Z)


def relu(Z: ArrayLike) -> Array:
    r"""Rectified linear unit :math:`\max(0, z)`, elementwise."""
    return np.maximum(0.0, as_float_array("Z", Z))


def relu_backward(dA: ArrayLike, Z: ArrayLike) -> Array:
    r""":math:`dZ = dA` where :math:`z > 0`, else 0 (the derivative at 0 is taken as 0)."""
    dA, Z = _pair(dA, Z)
    return np.where(Z > 0, dA, 0.0)


def tanh(Z: ArrayLike) -> Array:
    r"""Hyperbolic tangent :math:`(e^z - e^{-z}) / (e^z + e^{-z})`, elementwise."""
    return np.tanh(as_float_array("Z", Z))


def tanh_backward(dA: ArrayLike, Z: ArrayLike) -> Array:
    r""":math:`dZ = dA \cdot (1 - \tanh^2(Z))`, i.e. :math:`1 - a^2` with :math:`a = \tanh z`."""
    dA, Z = _pair(dA, Z)
    A = np.tanh(Z)
    return dA * (1.0 - A**2)


def leaky_relu(Z: ArrayLike, slope: float = 0.01) -> Array:
    r"""Leaky ReLU :math:`\max(\text{slope}\cdot z, z)`, elementwise (``0 < slope < 1``)."""
    Z = as_float_array("Z", Z)
    return np.where(Z > 0, Z, slope * Z)


def leaky_relu_backward(dA: ArrayLike, Z: ArrayLike, slope: float = 0.01) -> Array:
    r""":math:`dZ = dA` where :math:`z > 0`, else :math:`\text{slope} \cdot dA`."""
    dA, Z = _pair(dA, Z)
    return np.where(Z > 0, dA, slope * dA)


def _pair(dA: ArrayLike, Z: ArrayLike) -> tuple[Array, Array]:
    dA = as_float_array("dA", dA)
    Z = as_float_array("Z", Z)
    check_same_shape("dA", dA, "Z", Z)
    return dA, Z


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_backward),
    "relu": (relu, relu_backward),
    "tanh": (tanh, tanh_backward),
    "leaky_relu": (leaky_relu, leaky_relu_backward),
}
"""Name -> (forward, backward), for layers that take the activation by name."""


def get_activation(name: str):
    """The ``(forward, backward)`` pair of an activation given by name."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"activation is {name!r}, expected one of {', '.join(map(repr, ACTIVATIONS))}"
        ) from None
