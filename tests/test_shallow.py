import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numeric_helpers import centred_difference

from dlnotes import shallow


def small_network(rng, n_x, n_h, m):
    parameters = {
        "W1": rng.standard_normal((n_h, n_x)),
        "b1": rng.standard_normal((n_h, 1)),
        "W2": rng.standard_normal((1, n_h)),
        "b2": rng.standard_normal((1, 1)),
    }
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return parameters, X, Y


def test_forward_hand_worked_one_unit():
    # one input, one hidden unit, one example: every step by hand
    parameters = {
        "W1": np.array([[2.0]]),
        "b1": np.array([[-1.0]]),
        "W2": np.array([[3.0]]),
        "b2": np.array([[0.5]]),
    }
    X = np.array([[1.5]])
    A2, cache = shallow.forward_propagation(X, parameters)
    z1 = 2.0 * 1.5 - 1.0
    a1 = math.tanh(z1)
    z2 = 3.0 * a1 + 0.5
    a2 = 1 / (1 + math.exp(-z2))
    assert set(cache) == {"Z1", "A1", "Z2", "A2"}
    assert cache["Z1"][0, 0] == pytest.approx(z1) and cache["A1"][0, 0] == pytest.approx(a1)
    assert cache["Z2"][0, 0] == pytest.approx(z2) and A2[0, 0] == pytest.approx(a2)
    # y = 1: dZ2 = a2 - 1, dW2 = dZ2 * a1, dZ1 = W2 dZ2 (1 - a1^2), dW1 = dZ1 x
    grads = shallow.backward_propagation(parameters, cache, X, np.array([[1]]))
    dz2 = a2 - 1
    dz1 = 3.0 * dz2 * (1 - a1**2)
    assert grads["dW2"][0, 0] == pytest.approx(dz2 * a1)
    assert grads["db2"][0, 0] == pytest.approx(dz2)
    assert grads["dW1"][0, 0] == pytest.approx(dz1 * 1.5)
    assert grads["db1"][0, 0] == pytest.approx(dz1)


@settings(max_examples=30, deadline=None)
@given(
    n_x=st.integers(1, 4),
    n_h=st.integers(1, 5),
    m=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_backward_matches_numerical_gradient(n_x, n_h, m, seed):
    parameters, X, Y = small_network(np.random.default_rng(seed), n_x, n_h, m)

    def cost():
        return shallow.compute_cost(shallow.forward_propagation(X, parameters)[0], Y)

    A2, cache = shallow.forward_propagation(X, parameters)
    grads = shallow.backward_propagation(parameters, cache, X, Y)
    assert set(grads) == {"dW1", "db1", "dW2", "db2"}
    for key, value in parameters.items():
        assert grads["d" + key].shape == value.shape
        np.testing.assert_allclose(
            grads["d" + key],
            centred_difference(cost, value),
            rtol=1e-5,
            atol=1e-8,
            err_msg="d" + key,
        )


def test_initialize_parameters_shapes_scale_and_determinism(global_rng_untouched):
    p1 = shallow.initialize_parameters(3, 50, 1, rng=np.random.default_rng(7))
    p2 = shallow.initialize_parameters(3, 50, 1, rng=np.random.default_rng(7))
    assert {k: v.shape for k, v in p1.items()} == {
        "W1": (50, 3),
        "b1": (50, 1),
        "W2": (1, 50),
        "b2": (1, 1),
    }
    assert not p1["b1"].any() and not p1["b2"].any()
    assert 0.005 < p1["W1"].std() < 0.02
    for key in p1:
        np.testing.assert_array_equal(p1[key], p2[key])


def test_inputs_are_not_modified_and_update_returns_a_new_dict():
    parameters, X, Y = small_network(np.random.default_rng(3), 2, 3, 4)
    saved = {k: v.copy() for k, v in parameters.items()}
    X0 = X.copy()
    A2, cache = shallow.forward_propagation(X, parameters)
    cache0 = {k: v.copy() for k, v in cache.items()}
    grads = shallow.backward_propagation(parameters, cache, X, Y)
    updated = shallow.update_parameters(parameters, grads, 0.1)
    assert updated is not parameters
    np.testing.assert_allclose(updated["W1"], saved["W1"] - 0.1 * grads["dW1"])
    for key in saved:
        np.testing.assert_array_equal(parameters[key], saved[key])
    for key in cache0:
        np.testing.assert_array_equal(cache[key], cache0[key])
    np.testing.assert_array_equal(X, X0)


def test_nn_model_learns_xor_like_data(global_rng_untouched):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(2, 200))
    Y = (X[0:1] * X[1:2] > 0).astype(float)  # not linearly separable
    parameters, costs = shallow.nn_model(
        X, Y, n_h=6, num_iterations=3000, learning_rate=1.2, rng=rng, record_every=500
    )
    assert len(costs) == 6 and costs[-1] < costs[0]
    assert np.mean(shallow.predict(parameters, X) == Y) > 0.9


def test_layer_sizes():
    assert shallow.layer_sizes(np.ones((5, 3)), np.ones((1, 3)), 4) == (5, 4, 1)


def test_errors_name_the_argument():
    parameters, X, Y = small_network(np.random.default_rng(0), 2, 3, 4)
    bad = dict(parameters, b1=np.zeros(3))
    with pytest.raises(ValueError, match=r"b1 has shape \(3,\), expected \(3, 1\): biases"):
        shallow.forward_propagation(X, bad)
    with pytest.raises(ValueError, match=r"W1 has shape \(3, 2\), expected \(\?, 5\)"):
        shallow.forward_propagation(np.ones((5, 4)), parameters)
    with pytest.raises(ValueError, match="parameters has keys"):
        shallow.forward_propagation(X, {"W1": parameters["W1"]})
