"""Tests for dlnotes.gradcheck_scale: the directional check that scales to big networks.

Hand-derived gradients (quadratics, relu, logistic regression), the reference network with
planted and realistic mistakes, kinks, corners and roundoff, and the pieces (the deep cost,
the corner masks) against independent computations.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from dlnotes import deep
from dlnotes.gradcheck_scale import (
    _DeepCost,
    _off_the_corners,
    check_deep_gradients,
    gradient_check,
)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """On a loaded 2-core machine two BLAS threads stall each other: seconds instead of
    about 0.1 s for the big network, which says nothing about the check."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


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


# --- realistic mistakes in an L-layer backward, and right ones written differently ---------
#
# [4, 4, 4, 1]: W2 is square, so that a transposed dW2 or a forgotten transpose in
# dA_prev = W^T dZ keeps its shape and only the numbers tell.


def _backward_written_per_example(AL, Y, caches):
    """The notes' formulas, one example at a time (no dlnotes code), averaged at the end."""
    m, L = Y.shape[1], len(caches)
    grads = {}
    for l, cache in enumerate(caches, start=1):
        grads[f"dW{l}"] = np.zeros_like(cache.linear_cache.W)
        grads[f"db{l}"] = np.zeros_like(cache.linear_cache.b)
    for i in range(m):
        dz = AL[:, i : i + 1] - Y[:, i : i + 1]  # sigmoid and cross-entropy together
        for l in range(L, 0, -1):
            A_prev, W, _ = caches[l - 1].linear_cache
            grads[f"dW{l}"] += dz @ A_prev[:, i : i + 1].T / m
            grads[f"db{l}"] += dz / m
            if l > 1:
                dz = (W.T @ dz) * (caches[l - 2].Z[:, i : i + 1] > 0)
    return grads


def _with_mistake(mistake):
    def backward(AL, Y, caches):
        if mistake == "sign":  # dAL = Y/AL - (1-Y)/(1-AL): every gradient flips
            return {k: -v for k, v in deep.deep_backward(AL, Y, caches).items()}
        grads = _backward_written_per_example(AL, Y, caches)
        m = Y.shape[1]
        if mistake == "dW3 without 1/m":
            grads["dW3"] = grads["dW3"] * m
        if mistake == "transposed dW2":
            grads["dW2"] = grads["dW2"].T
        return grads

    return backward


def _square_network(seed):
    rng = np.random.default_rng(seed)
    params = deep.initialize_parameters_deep([4, 4, 4, 1], rng=rng, scale="he")
    for l in (1, 2, 3):  # nonzero biases: no Z exactly 0, so no corner to leave out
        params[f"b{l}"] = 0.1 * rng.standard_normal(params[f"b{l}"].shape)
    X = rng.standard_normal((4, 10))
    Y = (rng.random((1, 10)) > 0.5).astype(float)
    return params, X, Y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_backward_written_differently_passes(seed):
    params, X, Y = _square_network(seed)
    result = check_deep_gradients(
        params, X, Y, rng=np.random.default_rng(seed), backward=_backward_written_per_example
    )
    assert result.passed, str(result)
    assert result.unchecked == ()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("mistake", "named"),
    [
        ("sign", ("dW1", "db1", "dW2", "db2", "dW3", "db3")),
        ("dW3 without 1/m", ("dW3",)),
        ("transposed dW2", ("dW2",)),
    ],
)
def test_a_realistic_mistake_is_named(seed, mistake, named):
    params, X, Y = _square_network(seed)
    result = check_deep_gradients(
        params, X, Y, rng=np.random.default_rng(seed), backward=_with_mistake(mistake)
    )
    assert result.unchecked == ()
    assert result.disagreeing == named, str(result)


def test_a_forgotten_transpose_in_da_prev_is_named_below_it():
    # dA_prev = W dZ instead of W^T dZ (the notes' erratum): layer 3 stays right, the
    # layers it feeds are wrong.
    params, X, Y = _square_network(3)

    def backward(AL, Y, caches):
        m, grads = Y.shape[1], {}
        dZ = AL - Y
        for l in range(len(caches), 0, -1):
            A_prev, W, _ = caches[l - 1].linear_cache
            grads[f"dW{l}"] = dZ @ A_prev.T / m
            grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
            if l > 1:
                dA_prev = W @ dZ if W.shape[0] == W.shape[1] else W.T @ dZ
                dZ = dA_prev * (caches[l - 2].Z > 0)
        return grads

    result = check_deep_gradients(params, X, Y, rng=np.random.default_rng(0), backward=backward)
    assert result.disagreeing == ("dW1", "db1"), str(result)


def test_the_same_generator_gives_the_same_report():
    params, X, Y = _square_network(4)
    first = check_deep_gradients(params, X, Y, rng=np.random.default_rng(9))
    second = check_deep_gradients(params, X, Y, rng=np.random.default_rng(9))
    assert first == second and str(first) == str(second)


# --- the pieces ------------------------------------------------------------------------------


def _cross_entropy(params, X, Y):
    """The cost written out directly, independently of dlnotes."""
    A = X
    L = len(params) // 2
    for l in range(1, L):
        A = np.maximum(params[f"W{l}"] @ A + params[f"b{l}"], 0.0)
    AL = 1 / (1 + np.exp(-(params[f"W{L}"] @ A + params[f"b{L}"])))
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def test_the_deep_cost_is_the_cross_entropy_whichever_layer_changes():
    params, X, Y = _square_network(5)
    _, caches = deep.deep_forward(X, params)
    cost = _DeepCost(deep, params, [cache.linear_cache.A_prev for cache in caches], Y)
    assert cost(dict(params)) == pytest.approx(_cross_entropy(params, X, Y), rel=1e-12)
    for name in ("W1", "b2", "W3"):  # a new array for one parameter, the others shared
        changed = {**params, name: params[name] + 0.3}
        assert cost(changed) == pytest.approx(_cross_entropy(changed, X, Y), rel=1e-12)


def test_corner_masks_hand_worked():
    # Layer 1 (2 units, 2 examples): Z1[0, 0] == 0 exactly, a corner. b1[0] moves it, and so
    # does W1[0, k] where X[k, 0] != 0, i.e. k = 1 only (X[0, 0] = 0).
    X = np.array([[0.0, 1.0], [2.0, 1.0]])
    params = {
        "W1": np.array([[1.0, 0.5], [1.0, 1.0]]), "b1": np.array([[-1.0], [0.0]]),
        "W2": np.array([[1.0, -1.0]]), "b2": np.array([[0.5]]),
    }  # fmt: skip
    _, caches = deep.deep_forward(X, params)
    assert caches[0].Z[0, 0] == 0.0
    masks = _off_the_corners(caches)
    assert masks["b1"].tolist() == [[False], [True]]
    assert masks["W1"].tolist() == [[True, False], [True, True]]
    assert set(masks) == {"W1", "b1"}  # the sigmoid output layer is smooth
