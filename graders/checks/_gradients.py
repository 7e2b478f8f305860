r"""Numerical gradients by the complex step: the checks' independent witness for backward
functions.

For a real function ``f`` that is analytic at ``x``,
``f(x + ih) = f(x) + ih f'(x) - h^2 f''(x) / 2 - ...``, so ``f'(x) = Im f(x + ih) / h``
up to ``h^2 f'''(x) / 6``. Nothing is subtracted, so no rounding error is divided by the
step: with ``h = 1e-20`` the derivative is exact to rounding (about 1e-15 relative) for
every element, however small. Centred differences ``(f(x + h) - f(x - h)) / 2h`` are not:
with ``h = 1e-6`` they carry an absolute error of about ``1e-16 |f| / 1e-6 = 1e-10 |f|``,
which for a gradient element below 1e-4 exceeded the checks' tolerance and failed the
reference itself on some fresh seeds.

What is differentiated must accept complex arrays and stay analytic: choose branches by
the real part (which the step leaves alone), never with ``np.abs``, ``np.maximum`` or
``np.logaddexp`` of a complex number. The activations below are written so; on real
arrays they give the usual values, and at a ReLU kink they give the derivative of the
branch that ``Z``'s sign selects (inputs stay away from ``Z = 0``, where it is a
convention).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from graders.checks._tamper import seal

STEP = 1e-20  # any h << 1e-8 makes the h^2 term vanish; 1e-20 is the usual choice

_real = np.real
_where = np.where
_exp = np.exp
_log1p = np.log1p
_tanh = np.tanh


def numerical_gradient(f: Callable[[], complex], x: np.ndarray) -> np.ndarray:
    """``Im f() / h`` with each element of the complex array ``x`` nudged by ``ih`` in
    turn: the gradient of ``f`` with respect to ``x``, a float array of ``x``'s shape.

    ``f`` reads ``x``; each element is nudged in place and restored.
    """
    if x.dtype.kind != "c":  # a real x would drop the nudge and give zeros
        raise TypeError(f"x has dtype {x.dtype}: nudge a complex copy, as_complex(x)")
    grad = np.empty_like(x, dtype=np.float64)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + 1j * STEP
        out[i] = f().imag / STEP
        flat[i] = old
    return grad


def derivative(g: Callable[[np.ndarray], np.ndarray], Z: np.ndarray) -> np.ndarray:
    """``g'(Z)`` at every entry of ``Z``, for an elementwise ``g``."""
    return np.divide(g(np.add(Z, 1j * STEP)).imag, STEP)


def as_complex(a) -> np.ndarray:
    """A complex copy of ``a`` to nudge (the cases' arrays stay untouched)."""
    return np.array(a, dtype=complex)


# --- analytic forms of the functions differentiated ------------------------------------


def sigmoid(Z):
    """``1 / (1 + e^(-Z))``, only ever exponentiating a non-positive real part."""
    positive = _real(Z) >= 0
    E = _exp(_where(positive, -Z, Z))
    return _where(positive, 1.0 / (1.0 + E), E / (1.0 + E))


def softplus(Z):
    """``log(1 + e^Z)`` without overflow: ``max(Z, 0) + log(1 + e^(-|Z|))``."""
    positive = _real(Z) > 0
    return _log1p(_exp(_where(positive, -Z, Z))) + _where(positive, Z, 0.0)


def relu(Z):
    return _where(_real(Z) > 0, Z, 0.0)


def leaky_relu(Z):
    return _where(_real(Z) > 0, Z, 0.01 * Z)


def tanh(Z):
    return _tanh(Z)


seal(sys.modules[__name__])
