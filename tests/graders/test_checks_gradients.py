"""The checks' numerical witness (``graders.checks._gradients``): complex-step derivatives,
exact to rounding even where they are tiny, and analytic forms that equal the usual ones."""

from __future__ import annotations

import numpy as np
import pytest

from graders.checks import _gradients as g

Z = np.concatenate([np.linspace(-40.0, 40.0, 801), [-1e-3, 1e-3, 700.0, -700.0]])
E = np.exp(-np.abs(Z))
SIGMOID = np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))  # no 1 - s: nothing cancels


def test_derivatives_are_exact_to_rounding_even_where_tiny():
    exact = {
        "sigmoid": E / (1.0 + E) ** 2,
        "tanh": 4.0 * E**2 / (1.0 + E**2) ** 2,
        "softplus": SIGMOID,
    }
    for name, derivative in exact.items():
        got = g.derivative(getattr(g, name), Z)
        np.testing.assert_allclose(got, derivative, rtol=1e-13, atol=1e-300, err_msg=name)
    np.testing.assert_array_equal(g.derivative(g.relu, Z), (Z > 0).astype(float))
    np.testing.assert_array_equal(g.derivative(g.leaky_relu, Z), np.where(Z > 0, 1.0, 0.01))


def test_on_real_arrays_the_forms_give_the_usual_values_without_warnings():
    np.testing.assert_allclose(g.softplus(Z), np.logaddexp(0.0, Z), rtol=1e-15, atol=1e-300)
    np.testing.assert_array_equal(g.relu(Z), np.maximum(Z, 0.0))
    assert g.sigmoid(np.array([-800.0, 0.0, 800.0])).tolist() == [0.0, 0.5, 1.0]


def test_gradient_of_a_cost_whose_gradient_is_tiny():
    """Centred differences with h = 1e-6 are off by about 1e-10 here; the complex step
    is not."""
    w = g.as_complex([[3.0], [-2.0]])
    X = np.array([[4.0, -5.0, 6.0], [-3.0, 4.0, -5.0]])
    Y = np.array([[1.0, 0.0, 1.0]])

    def cost():
        Z = w.T @ X  # (1, 3): z = 18, -23, 28, all confidently right
        return np.mean(Y * g.softplus(-Z) + (1 - Y) * g.softplus(Z))

    Z = w.real.T @ X
    exact = X @ np.where(Y == 1, -1.0 / (1.0 + np.exp(Z)), 1.0 / (1.0 + np.exp(-Z))).T / 3
    assert np.all(np.abs(exact) < 1e-7)
    np.testing.assert_allclose(g.numerical_gradient(cost, w), exact, rtol=1e-12, atol=0)
    assert np.array_equal(w.imag, np.zeros((2, 1)))  # every nudge undone


def test_a_real_array_cannot_be_nudged():
    x = np.ones((2, 2))
    with pytest.raises(TypeError, match="as_complex"):
        g.numerical_gradient(lambda: np.sum(x), x)
