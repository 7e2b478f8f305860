"""Tests for dlnotes.gradcheck, the lesson: layouts, the numerical gradient, the relative
difference, and the per-coordinate check they make, on gradients derived by hand.

The machinery behind ``gradient_check`` is tested in ``tests/test_gradcheck_scale.py``.
"""

from __future__ import annotations

import doctest
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes import deep, gradcheck, gradcheck_scale
from dlnotes.gradcheck import (
    dict_to_vector,
    gradients_to_vector,
    natural_key,
    numerical_gradient,
    relative_difference,
    vector_to_dict,
)


def test_the_module_docstring_examples_run():
    result = doctest.testmod(gradcheck)
    assert result.attempted >= 5 and result.failed == 0


def test_the_lesson_imports_without_the_machinery():
    code = "import sys, dlnotes.gradcheck; print('dlnotes.gradcheck_scale' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


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


def test_gradients_to_vector_rejects_a_gradient_of_the_wrong_shape():
    _, layout = dict_to_vector({"W1": np.ones((2, 3)), "b1": np.ones((2, 1))})
    grads = {"dW1": np.ones((3, 2)), "db1": np.ones((2, 1))}
    with pytest.raises(ValueError, match=r"dW1 has shape \(3, 2\), expected \(2, 3\): a grad"):
        gradients_to_vector(grads, layout)


# --- the per-coordinate check on a 2-layer tanh network, derived by hand --------------------
#
# J = mean(log(1 + exp(-s * Z2))) with s = 2Y - 1 is the cross-entropy of A2 = sigmoid(Z2),
# computed from the logits (no log(1 - a) to lose digits). Backward, as in the notes:
# dZ2 = A2 - Y, dW2 = dZ2 A1^T / m, db2 = sum(dZ2) / m, dZ1 = W2^T dZ2 * (1 - A1^2),
# dW1 = dZ1 X^T / m, db1 = sum(dZ1) / m. n_x = n_h = 3, so that a transposed dW1 fits.


def _tanh_net(seed):
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.standard_normal((3, 3)), "b1": rng.standard_normal((3, 1)),
        "W2": rng.standard_normal((1, 3)), "b2": rng.standard_normal((1, 1)),
    }  # fmt: skip
    X, Y = rng.standard_normal((3, 8)), (rng.random((1, 8)) > 0.5).astype(float)
    return params, X, Y


def _tanh_cost(params, X, Y):
    A1 = np.tanh(params["W1"] @ X + params["b1"])  # (3, m)
    Z2 = params["W2"] @ A1 + params["b2"]  # (1, m)
    return float(np.mean(np.logaddexp(0.0, (1 - 2 * Y) * Z2)))


def _tanh_backward(params, X, Y, mistake=None):
    m = X.shape[1]
    A1 = np.tanh(params["W1"] @ X + params["b1"])
    A2 = 1 / (1 + np.exp(-(params["W2"] @ A1 + params["b2"])))
    dZ2 = Y - A2 if mistake == "sign" else A2 - Y  # (1, m)
    dZ1 = params["W2"].T @ dZ2 * (1 - A1**2)  # (3, m)
    dW1 = dZ1 @ X.T / m
    grads = {
        "dW2": dZ2 @ A1.T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
        "dW1": dW1.T if mistake == "transposed dW1" else dW1,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / (1 if mistake == "db1 without 1/m" else m),
    }  # fmt: skip
    return grads


def _tanh_backward_per_example(params, X, Y):
    """The same gradients written differently: one example at a time, averaged at the end."""
    m = X.shape[1]
    total = {f"d{name}": np.zeros_like(value) for name, value in params.items()}
    for x, y in zip(X.T, Y.T, strict=True):
        a1 = np.tanh(params["W1"] @ x + params["b1"][:, 0])  # (3,)
        a2 = 1 / (1 + np.exp(-(params["W2"][0] @ a1 + params["b2"][0, 0])))
        dz1 = params["W2"][0] * (a2 - y[0]) * (1 - a1**2)  # (3,)
        total["dW2"] += (a2 - y[0]) * a1[None, :]
        total["db2"] += a2 - y[0]
        total["dW1"] += np.outer(dz1, x)
        total["db1"] += dz1[:, None]
    return {name: value / m for name, value in total.items()}


def _course_check(params, X, Y, grads):
    """The notes' check: the relative difference over theta, and per array."""
    theta, layout = dict_to_vector(params)
    numerical = numerical_gradient(lambda t: _tanh_cost(vector_to_dict(t, layout), X, Y), theta)
    overall = relative_difference(numerical, gradients_to_vector(grads, layout))
    by_array = {
        f"d{name}": relative_difference(value, grads[f"d{name}"])
        for name, value in vector_to_dict(numerical, layout).items()
    }
    return overall, by_array


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_course_check_accepts_right_gradients_however_written(seed):
    params, X, Y = _tanh_net(seed)
    for grads in (_tanh_backward(params, X, Y), _tanh_backward_per_example(params, X, Y)):
        overall, by_array = _course_check(params, X, Y, grads)
        assert overall < 1e-7, by_array
        assert max(by_array.values()) < 1e-7, by_array


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("mistake", "wrong"),
    [
        ("sign", {"dW1", "db1", "dW2", "db2"}),
        ("db1 without 1/m", {"db1"}),
        ("transposed dW1", {"dW1"}),
    ],
)
def test_course_check_rejects_a_realistic_wrong_backward(seed, mistake, wrong):
    params, X, Y = _tanh_net(seed)
    overall, by_array = _course_check(params, X, Y, _tanh_backward(params, X, Y, mistake))
    assert overall > 1e-3, by_array
    assert {name for name, value in by_array.items() if value > 1e-3} == wrong, by_array
    assert all(value < 1e-7 for name, value in by_array.items() if name not in wrong), by_array
    # Worked out by hand: ||g - c g|| / (||g|| + ||c g||) = |1 - c| / (1 + |c|).
    if mistake == "sign":  # c = -1
        assert min(by_array.values()) == pytest.approx(1.0, rel=1e-7)
    if mistake == "db1 without 1/m":  # c = m = 8
        assert by_array["db1"] == pytest.approx(7 / 9, rel=1e-7)


# --- the entry points to the scalable check ------------------------------------------------


def test_gradient_check_is_the_scalable_check():
    params, X, Y = _tanh_net(0)
    grads = _tanh_backward(params, X, Y)
    ours = gradcheck.gradient_check(
        lambda p: _tanh_cost(p, X, Y), params, grads, rng=np.random.default_rng(5), n_directions=3
    )
    theirs = gradcheck_scale.gradient_check(
        lambda p: _tanh_cost(p, X, Y), params, grads, rng=np.random.default_rng(5), n_directions=3
    )
    assert ours == theirs and ours.passed, str(ours)
    wrong = _tanh_backward(params, X, Y, "transposed dW1")
    result = gradcheck.gradient_check(
        lambda p: _tanh_cost(p, X, Y), params, wrong, rng=np.random.default_rng(5)
    )
    assert result.disagreeing == ("dW1",), str(result)


def test_check_deep_gradients_is_the_scalable_deep_check():
    rng = np.random.default_rng(8)
    params = deep.initialize_parameters_deep([3, 4, 1], rng=rng, scale="he")
    X, Y = rng.standard_normal((3, 5)), (rng.random((1, 5)) > 0.5).astype(float)
    ours = gradcheck.check_deep_gradients(params, X, Y, rng=np.random.default_rng(0))
    theirs = gradcheck_scale.check_deep_gradients(params, X, Y, rng=np.random.default_rng(0))
    assert ours == theirs and ours.passed, str(ours)
