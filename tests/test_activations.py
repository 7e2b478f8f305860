import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numeric_helpers import centred_difference

from dlnotes import activations as act

shapes = st.tuples(st.integers(1, 5), st.integers(1, 6))


def test_sigmoid_hand_worked():
    Z = np.array([[0.0, math.log(3.0), -math.log(3.0)]])
    np.testing.assert_allclose(act.sigmoid(Z), [[0.5, 0.75, 0.25]], rtol=1e-15)


@pytest.mark.parametrize("z", [1e4, -1e4, 745.0, -745.0, 40.0, -40.0])
def test_sigmoid_is_finite_and_silent_for_large_inputs(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = act.sigmoid(np.array([[z]]))
    assert np.isfinite(s).all() and 0.0 <= s[0, 0] <= 1.0
    assert s[0, 0] == pytest.approx(1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0)


def test_sigmoid_accepts_scalars_and_lists():
    assert act.sigmoid(0) == 0.5
    np.testing.assert_allclose(act.sigmoid([0.0, 0.0]), [0.5, 0.5])


def test_sigmoid_derivative_hand_worked():
    # sigma(ln 3) = 3/4, so sigma' = 3/4 * 1/4
    assert act.sigmoid_derivative(np.array([math.log(3.0)]))[0] == pytest.approx(3 / 16)
    assert act.sigmoid_derivative(0.0) == pytest.approx(0.25)


def test_relu_tanh_leaky_hand_worked():
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(act.relu(Z), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(act.leaky_relu(Z), [[-0.02, 0.0, 3.0]])
    np.testing.assert_allclose(act.leaky_relu(Z, slope=0.1), [[-0.2, 0.0, 3.0]])
    np.testing.assert_allclose(act.tanh(Z), [[math.tanh(-2.0), 0.0, math.tanh(3.0)]])


def test_backward_hand_worked():
    dA = np.array([[2.0, 2.0, 2.0]])
    Z = np.array([[-1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(act.relu_backward(dA, Z), [[0.0, 0.0, 2.0]])
    np.testing.assert_allclose(act.leaky_relu_backward(dA, Z), [[0.02, 0.02, 2.0]])
    t = math.tanh(1.0)
    np.testing.assert_allclose(act.tanh_backward(dA, Z), [[2 * (1 - t * t), 2.0, 2 * (1 - t * t)]])
    np.testing.assert_allclose(act.sigmoid_backward(dA, np.zeros((1, 3))), [[0.5, 0.5, 0.5]])


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh", "leaky_relu"])
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_backward_matches_numerical_gradient(name, shape, seed):
    rng = np.random.default_rng(seed)
    forward, backward = act.ACTIVATIONS[name]
    Z = rng.uniform(-3, 3, size=shape)
    Z[np.abs(Z) < 1e-3] = 0.5  # keep away from the kink of relu and leaky relu
    dA = rng.standard_normal(shape)
    # J = sum(dA * g(Z)) has dJ/dZ = dA * g'(Z), which is what backward returns.
    numeric = centred_difference(lambda: float(np.sum(dA * forward(Z))), Z)
    np.testing.assert_allclose(backward(dA, Z), numeric, rtol=1e-6, atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_sigmoid_derivative_matches_numerical_gradient(shape, seed):
    Z = np.random.default_rng(seed).uniform(-5, 5, size=shape)
    numeric = centred_difference(lambda: float(np.sum(act.sigmoid(Z))), Z)
    np.testing.assert_allclose(act.sigmoid_derivative(Z), numeric, rtol=1e-6, atol=1e-9)


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="activation is 'softmax', expected one of"):
        act.get_activation("softmax")


def test_backward_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match=r"dA has shape \(1, 3\), expected \(3, 1\)"):
        act.relu_backward(np.ones((1, 3)), np.ones((3, 1)))


def test_inputs_are_not_modified():
    Z = np.array([[-1.0, 2.0]])
    dA = np.array([[3.0, 4.0]])
    for forward, backward in act.ACTIVATIONS.values():
        forward(Z)
        backward(dA, Z)
    np.testing.assert_array_equal(Z, [[-1.0, 2.0]])
    np.testing.assert_array_equal(dA, [[3.0, 4.0]])
