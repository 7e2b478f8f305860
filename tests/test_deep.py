import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numeric_helpers import centred_difference

from dlnotes import deep
from dlnotes.deep import LayerCache, LinearCache

layer_dims_strategy = st.lists(st.integers(1, 5), min_size=2, max_size=5)


def network(seed, layer_dims, m):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1]))
        parameters[f"b{l}"] = rng.standard_normal((layer_dims[l], 1)) * 0.1
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(float)
    return parameters, X, Y


def test_two_layer_hand_worked():
    # x -> relu(2x - 1) -> sigmoid(3a - 1), one example, by hand
    parameters = {
        "W1": np.array([[2.0]]),
        "b1": np.array([[-1.0]]),
        "W2": np.array([[3.0]]),
        "b2": np.array([[-1.0]]),
    }
    X = np.array([[1.5]])
    AL, caches = deep.deep_forward(X, parameters)
    a1 = max(0.0, 2 * 1.5 - 1)
    a2 = 1 / (1 + math.exp(-(3 * a1 - 1)))
    assert AL[0, 0] == pytest.approx(a2)
    grads = deep.deep_backward(AL, np.array([[0]]), caches)
    assert sorted(grads) == ["dA0", "dA1", "dW1", "dW2", "db1", "db2"]
    # y = 0: dA2 = 1/(1 - a2), dZ2 = a2, dA1 = W2 dZ2, dZ1 = dA1 (a1 > 0), dA0 = W1 dZ1
    dz2 = a2
    dz1 = 3 * dz2
    assert grads["dW2"][0, 0] == pytest.approx(dz2 * a1)
    assert grads["db2"][0, 0] == pytest.approx(dz2)
    assert grads["dA1"][0, 0] == pytest.approx(3 * dz2)
    assert grads["dW1"][0, 0] == pytest.approx(dz1 * 1.5)
    assert grads["dA0"][0, 0] == pytest.approx(2 * dz1)


@settings(max_examples=40, deadline=None)
@given(layer_dims=layer_dims_strategy, m=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
@example(layer_dims=[4, 2, 1], m=4, seed=286346382)  # failed with the cost taken from AL
@example(layer_dims=[2, 1, 4, 5, 1], m=1, seed=64389)  # AL = 1 - 1e-13: see below
def test_deep_backward_matches_numerical_gradient(layer_dims, m, seed):
    layer_dims[-1] = 1
    parameters, X, Y = network(seed, layer_dims, m)

    def cost():
        # The same cost as deep.compute_cost, evaluated from the last layer's Z: from AL,
        # 1 - AL loses digits when AL is near 1, and the centred difference divides that
        # rounding by 2 eps (it failed about 1 case in 300 by 1e-4 relative).
        Z = deep.deep_forward(X, parameters)[1][-1].Z
        return float(np.mean(np.logaddexp(0.0, Z) - Y * Z))

    AL, caches = deep.deep_forward(X, parameters)
    if np.all(np.minimum(AL, 1 - AL) > 1e-8):  # nearer 0 or 1, the cost from AL loses digits
        assert cost() == pytest.approx(deep.compute_cost(AL, Y), rel=1e-9)
    grads = deep.deep_backward(AL, Y, caches)
    L = len(layer_dims) - 1
    expected_keys = {f"d{k}{l}" for l in range(1, L + 1) for k in "Wb"}
    assert set(grads) == expected_keys | {f"dA{l}" for l in range(L)}
    for key, value in parameters.items():
        np.testing.assert_allclose(
            grads["d" + key],
            centred_difference(cost, value),
            rtol=1e-4,
            atol=1e-7,
            err_msg="d" + key,
        )
    # The course's dA has no 1/m: dA0 = m * dJ/dX.
    np.testing.assert_allclose(grads["dA0"], m * centred_difference(cost, X), rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu"])
def test_linear_activation_backward_matches_numerical_gradient(activation):
    rng = np.random.default_rng(5)
    A_prev, W, b = (
        rng.standard_normal((3, 4)),
        rng.standard_normal((2, 3)),
        rng.standard_normal((2, 1)),
    )
    dA = rng.standard_normal((2, 4))

    def cost():  # dJ/dA = dA / m, so the gradients match the course's convention
        A, _ = deep.linear_activation_forward(A_prev, W, b, activation)
        return float(np.sum(dA * A)) / 4

    _, cache = deep.linear_activation_forward(A_prev, W, b, activation)
    dA_prev, dW, db = deep.linear_activation_backward(dA, cache, activation)
    np.testing.assert_allclose(dW, centred_difference(cost, W), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(db, centred_difference(cost, b), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(dA_prev, 4 * centred_difference(cost, A_prev), rtol=1e-5, atol=1e-8)


def test_caches_are_immutable_named_tuples_that_unpack_like_the_course():
    parameters, X, _ = network(0, [3, 2, 1], 4)
    Z, linear_cache = deep.linear_forward(X, parameters["W1"], parameters["b1"])
    A_prev, W, b = linear_cache
    assert isinstance(linear_cache, LinearCache) and A_prev is linear_cache.A_prev
    A, layer_cache = deep.linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
    lc, Z1 = layer_cache
    assert isinstance(layer_cache, LayerCache) and Z1 is layer_cache.Z
    np.testing.assert_array_equal(Z1, Z)
    with pytest.raises(AttributeError):
        layer_cache.Z = None


def test_initialize_parameters_deep(global_rng_untouched):
    dims = [12288, 20, 7, 5, 1]
    p = deep.initialize_parameters_deep(dims, rng=np.random.default_rng(1))
    assert sorted(p) == sorted(f"{k}{l}" for l in range(1, 5) for k in "Wb")
    for l in range(1, 5):
        assert p[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert p[f"b{l}"].shape == (dims[l], 1) and not p[f"b{l}"].any()
    assert p["W1"].std() == pytest.approx(0.01, rel=0.02)
    again = deep.initialize_parameters_deep(dims, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(p["W3"], again["W3"])
    he = deep.initialize_parameters_deep([400, 300, 1], rng=np.random.default_rng(2), scale="he")
    assert he["W1"].std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)


def test_update_parameters_returns_a_new_dict_and_uses_the_learning_rate():
    parameters, X, Y = network(2, [3, 4, 1], 5)
    saved = {k: v.copy() for k, v in parameters.items()}
    AL, caches = deep.deep_forward(X, parameters)
    grads = deep.deep_backward(AL, Y, caches)
    updated = deep.update_parameters(parameters, grads, 0.3)
    for key in parameters:
        np.testing.assert_array_equal(parameters[key], saved[key])
        np.testing.assert_allclose(updated[key], saved[key] - 0.3 * grads["d" + key])


def test_nothing_is_modified_by_forward_and_backward():
    parameters, X, Y = network(4, [4, 3, 2, 1], 6)
    saved = {k: v.copy() for k, v in parameters.items()}
    X0, Y0 = X.copy(), Y.copy()
    AL, caches = deep.deep_forward(X, parameters)
    AL0 = AL.copy()
    Zs = [c.Z.copy() for c in caches]
    deep.deep_backward(AL, Y, caches)
    np.testing.assert_array_equal(AL, AL0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    for key in saved:
        np.testing.assert_array_equal(parameters[key], saved[key])
    for cache, Z in zip(caches, Zs, strict=True):
        np.testing.assert_array_equal(cache.Z, Z)


@pytest.mark.parametrize("dtype", [float, int, bool, np.uint8])
def test_label_dtypes(dtype):
    parameters, X, Y = network(6, [3, 2, 1], 5)
    AL, caches = deep.deep_forward(X, parameters)
    reference = deep.deep_backward(AL, Y, caches)
    other = deep.deep_backward(AL, Y.astype(dtype), caches)
    for key in reference:
        np.testing.assert_array_equal(other[key], reference[key])
    assert deep.compute_cost(AL, Y.astype(dtype)) == deep.compute_cost(AL, Y)


def test_saturated_output_stays_finite_and_silent():
    parameters = {
        "W1": np.array([[100.0]]),
        "b1": np.zeros((1, 1)),
        "W2": np.array([[100.0]]),
        "b2": np.zeros((1, 1)),
    }
    X = np.array([[5.0, -5.0]])
    AL, caches = deep.deep_forward(X, parameters)
    assert AL[0, 0] == 1.0  # saturated exactly
    grads = deep.deep_backward(AL, np.array([[0, 1]]), caches)
    assert all(np.isfinite(g).all() for g in grads.values())
    assert math.isfinite(deep.compute_cost(AL, np.array([[0, 1]])))


def test_deep_model_learns(global_rng_untouched):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(2, 300))
    Y = (np.sum(X**2, axis=0, keepdims=True) < 0.5).astype(float)
    start = deep.initialize_parameters_deep([2, 8, 4, 1], rng=rng, scale="he")
    parameters, costs = deep.deep_model(
        X, Y, start, learning_rate=0.5, num_iterations=2000, record_every=100
    )
    assert len(costs) == 20 and costs[-1] < 0.5 * costs[0]
    assert costs[0] == deep.compute_cost(deep.deep_forward(X, start)[0], Y)  # the start's cost
    assert np.mean(deep.predict(parameters, X) == Y) > 0.9


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: deep.linear_forward(np.ones((3, 2)), np.ones((4, 3)), np.ones(4)),
            r"b has shape \(4,\), expected \(4, 1\): biases are column vectors",
        ),
        (
            lambda: deep.linear_forward(np.ones((3, 2)), np.ones((3, 4)), np.ones((3, 1))),
            r"W has shape \(3, 4\), expected \(\?, 3\)",
        ),
        (
            lambda: deep.linear_activation_forward(
                np.ones((1, 1)), np.ones((1, 1)), np.ones((1, 1)), "softplus"
            ),
            "activation is 'softplus'",
        ),
        (
            lambda: deep.initialize_parameters_deep([3], rng=np.random.default_rng()),
            "layer_dims is",
        ),
        (
            lambda: deep.deep_forward(np.ones((2, 3)), {"W1": np.ones((1, 2))}),
            "parameters has keys",
        ),
        (
            lambda: deep.deep_forward(
                np.ones((5, 3)), {"W1": np.ones((1, 2)), "b1": np.ones((1, 1))}
            ),
            r"X has shape \(5, 3\), expected \(2, \?\)",
        ),
        (
            lambda: deep.compute_cost(np.ones((1, 3)) / 2, np.ones((3, 1))),
            r"Y has shape \(3, 1\), expected \(1, 3\)",
        ),
    ],
)
def test_errors_name_the_argument_and_the_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_confidently_wrong_prediction_keeps_its_full_gradient():
    # AL = sigmoid(-50) ~ 2e-22 with Y = 1: dZ2 = AL - Y = -1 exactly, though AL is tiny.
    parameters = {
        "W1": np.array([[1.0]]),
        "b1": np.zeros((1, 1)),
        "W2": np.array([[-1.0]]),
        "b2": np.zeros((1, 1)),
    }
    X = np.array([[50.0]])
    AL, caches = deep.deep_forward(X, parameters)
    grads = deep.deep_backward(AL, np.array([[1]]), caches)
    assert grads["db2"][0, 0] == pytest.approx(-1.0)
    assert grads["dW2"][0, 0] == pytest.approx(-50.0)


@pytest.mark.parametrize(
    ("z", "y"),
    [(-40.0, 1), (-700.0, 1), (-800.0, 1), (40.0, 0), (800.0, 0), (-800.0, 0), (800.0, 1)],
)
def test_output_gradient_is_exact_for_every_probability(z, y):
    """AL = sigmoid(z) from about 4e-18 to exactly 0 or 1: dZ2 = AL - Y, so db2 = AL - Y,
    checked against the centred difference of the cost evaluated stably from Z2."""
    parameters = {
        "W1": np.array([[1.0]]),
        "b1": np.array([[1.0]]),
        "W2": np.array([[1.0]]),
        "b2": np.array([[z - 2.0]]),  # Z2 = relu(1 + 1) + b2 = z
    }
    X, Y = np.array([[1.0]]), np.array([[y]])
    AL, caches = deep.deep_forward(X, parameters)
    grads = deep.deep_backward(AL, Y, caches)

    def cost():  # log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0: no log of AL
        _, layers = deep.deep_forward(X, parameters)
        Z2 = layers[-1].Z[0, 0]
        return np.logaddexp(0.0, -Z2) if y else np.logaddexp(0.0, Z2)

    numerical = centred_difference(cost, parameters["b2"])
    assert np.all(np.isfinite(list(grads.values())[0]))
    assert grads["db2"][0, 0] == pytest.approx(float(AL[0, 0] - y), abs=1e-15)
    assert grads["db2"] == pytest.approx(numerical, abs=1e-6)


def test_clipping_at_1e_15_would_lose_the_gradient():
    """The notebooks' former instruction, clip AL to [1e-15, 1 - 1e-15], on AL ~ 4e-18 with
    Y = 1: its db is about -0.004 where the truth (and dlnotes) is -1."""
    parameters = {"W1": np.array([[1.0]]), "b1": np.array([[1.0]]),
                  "W2": np.array([[1.0]]), "b2": np.array([[-42.0]])}
    X, Y = np.array([[1.0]]), np.array([[1.0]])
    AL, caches = deep.deep_forward(X, parameters)
    clipped = np.clip(AL, 1e-15, 1 - 1e-15)
    dAL = -(Y / clipped - (1 - Y) / (1 - clipped))
    _, _, db_clipped = deep.linear_activation_backward(dAL, caches[1], "sigmoid")
    assert abs(db_clipped[0, 0]) < 0.01
    assert deep.deep_backward(AL, Y, caches)["db2"][0, 0] == pytest.approx(-1.0)
