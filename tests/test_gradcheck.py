"""Tests for dlnotes.gradcheck: layouts, numerical gradients and the scalable check."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from dlnotes import deep
from dlnotes.gradcheck import (
    check_deep_gradients,
    dict_to_vector,
    gradient_check,
    gradients_to_vector,
    natural_key,
    numerical_gradient,
    relative_difference,
    vector_to_dict,
)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """On a loaded 2-core machine two BLAS threads stall each other: seconds instead of
    about 0.1 s for the big network, which says nothing about the check."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# --- layouts ---------------------------------------------------------------------------


def test_natural_order_puts_w10_after_w9_and_groups_layers():
    names = [f"{kind}{l}" for l in (10, 2, 9, 1) for kind in "bW"]
    assert sorted(names, key=natural_key) == [
        "W1", "b1", "W2", "b2", "W9", "b9", "W10", "b10",
    ]  # fmt: skip


def test_dict_to_vector_hand_worked():
    params = {"b2": [[9.0]], "W2": [[7.0, 8.0]], "b1": [[5.0], [6.0]], "W1": [[1, 2], [3, 4]]}
    theta, layout = dict_to_vector(params)
    assert theta.shape == (9, 1)
    assert theta.ravel().tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert layout == (("W1", (2, 2)), ("b1", (2, 1)), ("W2", (1, 2)), ("b2", (1, 1)))
    back = vector_to_dict(theta, layout)
    assert list(back) == ["W1", "b1", "W2", "b2"]
    assert back["W1"].tolist() == [[1, 2], [3, 4]]
    assert back["b2"].tolist() == [[9]]


def test_twelve_layers_keep_their_order():
    params = {f"W{l}": np.full((1, 1), float(l)) for l in range(1, 13)}
    theta, _ = dict_to_vector(params)
    assert theta.ravel().tolist() == list(range(1, 13))


@settings(max_examples=40, deadline=None)
@given(
    dims=st.lists(st.integers(1, 5), min_size=2, max_size=6),
    seed=st.integers(0, 2**32 - 1),
)
def test_vector_round_trip(dims, seed):
    rng = np.random.default_rng(seed)
    params = deep.initialize_parameters_deep(dims, rng=rng, scale=1.0)
    theta, layout = dict_to_vector(params)
    assert theta.shape == (sum(p.size for p in params.values()), 1)
    back = vector_to_dict(theta, layout)
    assert set(back) == set(params)
    for name in params:
        np.testing.assert_array_equal(back[name], params[name])
    back["W1"][...] = 0  # a copy: theta is untouched
    assert dict_to_vector(vector_to_dict(theta, layout))[0].tolist() == theta.tolist()


def test_vector_to_dict_rejects_wrong_size():
    _, layout = dict_to_vector({"W1": np.ones((2, 3))})
    with pytest.raises(ValueError, match="theta has 5 elements, expected 6"):
        vector_to_dict(np.ones(5), layout)


def test_gradients_to_vector_follows_the_parameter_layout():
    _, layout = dict_to_vector({"W1": np.ones((1, 2)), "b1": np.ones((1, 1))})
    grads = {"db1": [[3.0]], "dW1": [[1.0, 2.0]], "dA0": np.ones((2, 4))}
    assert gradients_to_vector(grads, layout).ravel().tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="grads has no db1"):
        gradients_to_vector({"dW1": [[1.0, 2.0]]}, layout)


# --- numerical gradient and relative difference --------------------------------------------


def test_numerical_gradient_of_a_cubic():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda z: float(np.sum(z**3)), x, eps=1e-6)
    assert grad.shape == (2, 2)
    np.testing.assert_allclose(grad, [[3.0, 12.0], [0.75, 27.0]], rtol=1e-8)
    assert x.tolist() == [[1.0, -2.0], [0.5, 3.0]]


def test_numerical_gradient_of_a_quadratic_form():
    # f(x) = x^T A x has gradient (A + A^T) x.
    A = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [4.0, 0.0, 1.0]])
    x = np.array([1.0, -1.0, 2.0])
    grad = numerical_gradient(lambda z: float(z @ A @ z), x)
    np.testing.assert_allclose(grad, (A + A.T) @ x, rtol=1e-6)


def test_relative_difference_hand_worked():
    assert relative_difference([3.0, 0.0], [0.0, 4.0]) == pytest.approx(5 / 7)
    assert relative_difference([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_difference([1.0], [-1.0]) == 1.0


def test_course_check_on_a_small_network():
    # The course's per-coordinate check, built from the pieces, on a 3-layer network.
    rng = np.random.default_rng(3)
    params = deep.initialize_parameters_deep([4, 5, 3, 1], rng=rng, scale=1.0)
    X, Y = rng.standard_normal((4, 6)), (rng.random((1, 6)) > 0.5).astype(float)
    AL, caches = deep.deep_forward(X, params)
    grads = deep.deep_backward(AL, Y, caches)
    theta, layout = dict_to_vector(params)

    def cost(t):
        return deep.compute_cost(deep.deep_forward(X, vector_to_dict(t, layout))[0], Y)

    numerical = numerical_gradient(cost, theta)
    assert relative_difference(numerical, gradients_to_vector(grads, layout)) < 1e-6


# --- the directional check ----------------------------------------------------------------


def _quadratic():
    """J(W, b) = sum(W**2) + 3 * sum(b): gradients 2W and 3, derived by hand."""
    params = {"W1": np.array([[1.0, -2.0], [0.5, 4.0]]), "b1": np.array([[0.3], [-0.7]])}

    def cost(p):
        return float(np.sum(p["W1"] ** 2) + 3 * np.sum(p["b1"]))

    grads = {"dW1": 2 * params["W1"], "db1": np.full((2, 1), 3.0)}
    return cost, params, grads


def test_gradient_check_passes_a_hand_derived_gradient():
    cost, params, grads = _quadratic()
    result = gradient_check(cost, params, grads, rng=np.random.default_rng(0))
    assert result.passed, str(result)
    assert result.disagreeing == ()
    assert str(result).startswith("all 2 gradient arrays checked agree")


def test_gradient_check_names_a_wrong_array():
    cost, params, grads = _quadratic()
    grads["dW1"] = params["W1"]  # forgot the 2
    result = gradient_check(cost, params, grads, rng=np.random.default_rng(0))
    assert not result.passed
    assert result.disagreeing == ("dW1",)
    assert str(result).startswith("dW1 disagrees with the numerical gradient: relative")
    assert str(result).endswith("; db1 agrees")


def test_gradient_check_takes_scalar_parameters():
    # Logistic regression keeps b as a float: J = mean(log(1 + exp(-s * (w.x + b)))).
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((3, 20)), (rng.random((1, 20)) > 0.5).astype(float)
    sign = 1 - 2 * Y  # the cost from logits: exact, no log(1 - a)

    def cost(p):
        return float(np.mean(np.logaddexp(0, sign * (p["w"].T @ X + p["b"]))))

    params = {"w": rng.standard_normal((3, 1)), "b": 0.5}
    A = 1 / (1 + np.exp(-(params["w"].T @ X + params["b"])))
    grads = {"dw": X @ (A - Y).T / 20, "db": float(np.mean(A - Y))}  # the course's formulas
    assert gradient_check(cost, params, grads, rng=rng).passed
    result = gradient_check(cost, params, {**grads, "db": 2 * grads["db"]}, rng=rng)
    assert str(result).startswith("db disagrees") and str(result).endswith("; dw agrees")


def test_gradient_check_handles_relu_kinks():
    # J = sum(relu(w)) with every w_i within 1e-7 of 0: a step of 1e-6 crosses the kinks.
    w = np.array([[3e-8, -5e-8, 8e-8, -2e-8, 6e-8, -9e-8]])

    def cost(p):
        return float(np.sum(np.maximum(p["w"], 0.0)))

    right = {"dw": (w > 0).astype(float)}
    result = gradient_check(cost, {"w": w}, right, rng=np.random.default_rng(1), eps=1e-6)
    assert result.passed, str(result)
    assert sum(check.redraws for check in result.arrays) > 0  # the kinks were seen
    wrong = {"dw": np.ones_like(w)}  # the derivative of the identity, not of relu
    result = gradient_check(cost, {"w": w}, wrong, rng=np.random.default_rng(1), eps=1e-6)
    assert result.disagreeing == ("dw",)


def test_gradient_check_accepts_a_zero_gradient():
    # A dead layer: the cost does not depend on W2 at all.
    params = {"W1": np.array([[2.0]]), "W2": np.array([[1.0, 1.0]])}
    result = gradient_check(
        lambda p: float(p["W1"][0, 0] ** 2),
        params,
        {"dW1": np.array([[4.0]]), "dW2": np.zeros((1, 2))},
        rng=np.random.default_rng(0),
    )
    assert result.passed, str(result)


def test_gradient_check_errors():
    cost, params, grads = _quadratic()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="grads has no db1"):
        gradient_check(cost, params, {"dW1": grads["dW1"]}, rng=rng)
    with pytest.raises(ValueError, match=r"dW1 has shape \(2,\), expected \(2, 2\)"):
        gradient_check(cost, params, {**grads, "dW1": np.ones(2)}, rng=rng)
    with pytest.raises(ValueError, match="n_directions is 0"):
        gradient_check(cost, params, grads, rng=rng, n_directions=0)


def _network(dims, m, seed, scale):
    dims = [*dims, 1]  # one sigmoid output unit
    rng = np.random.default_rng(seed)
    params = deep.initialize_parameters_deep(dims, rng=rng, scale=scale)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return params, X, Y


def _plant_error(grads, key, rng):
    """Add a random error of about the gradient's own size (never zero) to one array."""
    grads = dict(grads)
    noise = rng.standard_normal(grads[key].shape)
    size = np.linalg.norm(grads[key]) + 0.1
    grads[key] = grads[key] + 0.5 * size * noise / np.linalg.norm(noise)
    return grads


@settings(max_examples=40, deadline=None)
@given(
    dims=st.lists(st.integers(1, 8), min_size=1, max_size=4),
    m=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([0.01, "he", 1.0]),
)
def test_reference_backward_always_passes(dims, m, seed, scale):
    params, X, Y = _network(dims, m, seed, scale)
    # Beyond |ZL| ~ 37 the sigmoid rounds to exactly 1.0, and AL is moved just below 1 so the
    # course's dAL = -(Y/AL - (1-Y)/(1-AL)) stays finite; its gradient is then inexact.
    _, caches = deep.deep_forward(X, params)
    assume(np.all(np.abs(caches[-1].Z) < 30))
    before = {name: value.copy() for name, value in params.items()}
    result = check_deep_gradients(params, X, Y, rng=np.random.default_rng(seed))
    assert result.passed, str(result)
    for name, value in before.items():
        np.testing.assert_array_equal(params[name], value)


@settings(max_examples=40, deadline=None)
@given(
    dims=st.lists(st.integers(1, 8), min_size=1, max_size=4),
    m=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_one_planted_error_is_named(dims, m, seed, data):
    params, X, Y = _network(dims, m, seed, "he")
    L = len(dims)
    key = data.draw(st.sampled_from([f"d{kind}{l}" for l in range(1, L + 1) for kind in "Wb"]))

    def planted_backward(AL, Y, caches):
        return _plant_error(deep.deep_backward(AL, Y, caches), key, np.random.default_rng(seed))

    result = check_deep_gradients(
        params, X, Y, rng=np.random.default_rng(seed + 1), backward=planted_backward
    )
    if key in result.unchecked:  # a degenerate network sitting exactly on a kink
        assert result.disagreeing == (), str(result)
    else:
        assert result.disagreeing == (key,), str(result)


def test_exact_corners_are_reported_not_failed():
    # One hidden unit fed by a dead unit with zero biases: Z2 is exactly 0 for every
    # example, a corner of the cost, so layers 1 and 2 cannot be checked.
    params = {
        "W1": np.array([[-1.0]]), "b1": np.zeros((1, 1)),
        "W2": np.array([[2.0]]), "b2": np.zeros((1, 1)),
        "W3": np.array([[3.0]]), "b3": np.zeros((1, 1)),
    }  # fmt: skip
    X, Y = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0]])
    result = check_deep_gradients(params, X, Y, rng=np.random.default_rng(0))
    assert result.passed
    # W2 multiplies an all-zero A1 and b1 moves only a dead unit: both still checked.
    assert result.unchecked == ("db2",)
    assert str(result).endswith("(db2 not checked: on or among ReLU kinks)")


def test_learner_style_mistake_is_named():
    # db without the 1/m: the classic mistake, in every layer.
    params, X, Y = _network([5, 16, 12], 10, seed=7, scale="he")

    def backward(AL, Y, caches):
        grads = deep.deep_backward(AL, Y, caches)
        return {k: v * 10 if k.startswith("db") else v for k, v in grads.items()}

    result = check_deep_gradients(params, X, Y, rng=np.random.default_rng(0), backward=backward)
    assert result.unchecked == ()
    assert result.disagreeing == ("db1", "db2", "db3")


def test_big_network_is_checked_fast_and_a_planted_error_named():
    dims, m = [12288, 20, 7, 5, 1], 209
    rng = np.random.default_rng(2026)
    params = deep.initialize_parameters_deep(dims, rng=rng, scale="he")
    X = rng.random((dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    n_params = 12288 * 20 + 20 + 20 * 7 + 7 + 7 * 5 + 5 + 5 + 1
    assert sum(p.size for p in params.values()) == n_params == 245_973
    # With zero biases, an example for which all 7 units of layer 2 are dead has
    # Z3 = b3 = 0 exactly: a corner that every change of b3 crosses.
    _, caches = deep.deep_forward(X, params)
    dead_columns = np.all(caches[1].Z < 0, axis=0).any()
    expected_unchecked = ("db3",) if dead_columns else ()

    start = time.perf_counter()
    result = check_deep_gradients(params, X, Y, rng=np.random.default_rng(0))
    elapsed = time.perf_counter() - start
    assert result.passed, str(result)
    assert result.unchecked == expected_unchecked
    assert elapsed < 5.0  # a generous bound on a loaded machine; typically about 0.1 s

    def planted(AL, Y, caches):
        grads = deep.deep_backward(AL, Y, caches)
        return {**grads, "dW2": grads["dW2"] * 1.41}

    result = check_deep_gradients(params, X, Y, rng=np.random.default_rng(1), backward=planted)
    assert result.disagreeing == ("dW2",)
    assert str(result).startswith("dW2 disagrees with the numerical gradient: relative")
    agreeing = [f"d{k}{l}" for l in range(1, 5) for k in "Wb" if f"d{k}{l}" != "dW2"]
    agreeing = [name for name in agreeing if name not in expected_unchecked]
    assert f"; {', '.join(agreeing)} agree" in str(result)


def test_the_notes_initialisation_still_catches_a_dw1_error():
    # With W = randn * 0.01 the derivatives along dW1 are about 1e-8, near the cost's
    # roundoff at the default step: the check must lengthen its step to see the error.
    rng = np.random.default_rng(5)
    params = deep.initialize_parameters_deep([12288, 20, 7, 5, 1], rng=rng, scale=0.01)
    X, Y = rng.random((12288, 209)), (rng.random((1, 209)) > 0.5).astype(float)

    def planted(AL, Y, caches):
        grads = deep.deep_backward(AL, Y, caches)
        return {**grads, "dW1": grads["dW1"] * 1.41}

    right = check_deep_gradients(params, X, Y, rng=np.random.default_rng(0))
    wrong = check_deep_gradients(params, X, Y, rng=np.random.default_rng(0), backward=planted)
    assert right.passed, str(right)
    assert wrong.disagreeing == ("dW1",), str(wrong)


def test_global_rng_untouched():
    state = np.random.get_state()[1].copy()
    params, X, Y = _network([3, 2], 4, seed=0, scale="he")
    check_deep_gradients(params, X, Y, rng=np.random.default_rng(0))
    assert np.array_equal(np.random.get_state()[1], state)
