import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numeric_helpers import centred_difference

from dlnotes import logistic

# The notes' worked example: two features, three examples.
w = np.array([[1.0], [2.0]])
b = 2.0
X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
Y = np.array([[1, 0, 1]])


def loop_forward_cost_grads(w, b, X, Y):
    """The notes' `for i = 1 to m` version, in plain Python floats."""
    n_x, m = X.shape
    J, dw, db = 0.0, [0.0] * n_x, 0.0
    A = []
    for i in range(m):
        z = sum(w[j, 0] * X[j, i] for j in range(n_x)) + b
        a = 1.0 / (1.0 + math.exp(-z))
        y = float(Y[0, i])
        A.append(a)
        J += -(y * math.log(a) + (1 - y) * math.log(1 - a))
        dz = a - y
        for j in range(n_x):
            dw[j] += X[j, i] * dz
        db += dz
    return np.array([A]), J / m, np.array([dw]).T / m, db / m


def test_forward_cost_backward_hand_worked():
    A_loop, J_loop, dw_loop, db_loop = loop_forward_cost_grads(w, b, X, Y)
    A = logistic.forward(w, b, X)
    assert A.shape == (1, 3)
    np.testing.assert_allclose(A, A_loop, rtol=1e-14)
    # z = 9, 12, -5.4
    np.testing.assert_allclose(
        A, [[1 / (1 + math.exp(-9)), 1 / (1 + math.exp(-12)), 1 / (1 + math.exp(5.4))]], rtol=1e-14
    )
    cost = logistic.compute_cost(A, Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx(J_loop, rel=1e-12)
    grads = logistic.backward(X, A, Y)
    assert set(grads) == {"dw", "db"} and grads["dw"].shape == (2, 1)
    assert isinstance(grads["db"], float)
    np.testing.assert_allclose(grads["dw"], dw_loop, rtol=1e-12)
    assert grads["db"] == pytest.approx(db_loop, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(n_x=st.integers(1, 5), m=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_backward_matches_numerical_gradient(n_x, m, seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n_x, 1))
    b_box = np.array([rng.standard_normal()])
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)

    def cost():
        return logistic.compute_cost(logistic.forward(w, b_box[0], X), Y)

    grads = logistic.backward(X, logistic.forward(w, b_box[0], X), Y)
    np.testing.assert_allclose(grads["dw"], centred_difference(cost, w), rtol=1e-5, atol=1e-8)
    assert grads["db"] == pytest.approx(centred_difference(cost, b_box)[0], rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("dtype", [float, int, bool, np.uint8])
def test_label_dtypes_give_the_same_results(dtype):
    A = logistic.forward(w, b, X)
    labels = Y.astype(dtype)
    assert logistic.compute_cost(A, labels) == logistic.compute_cost(A, Y.astype(float))
    np.testing.assert_array_equal(
        logistic.backward(X, A, labels)["dw"], logistic.backward(X, A, Y.astype(float))["dw"]
    )


def test_cost_is_finite_when_predictions_are_exactly_0_or_1():
    A = np.array([[0.0, 1.0, 1.0, 0.0]])
    Y = np.array([[1, 0, 1, 0]])
    cost = logistic.compute_cost(A, Y)
    assert math.isfinite(cost) and cost > 10


def test_inputs_are_not_modified():
    w0, X0, Y0 = w.copy(), X.copy(), Y.copy()
    A = logistic.forward(w, b, X)
    A0 = A.copy()
    logistic.backward(X, A, Y)
    logistic.propagate(w, b, X, Y)
    logistic.optimize(w, b, X, Y, num_iterations=3)
    for got, want in [(w, w0), (X, X0), (Y, Y0), (A, A0)]:
        np.testing.assert_array_equal(got, want)


def test_training_learns_a_separable_problem():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2, 200))
    Y = (X[0:1] + 2 * X[1:2] > 0).astype(float)
    result = logistic.model(
        X[:, :150], Y[:, :150], X[:, 150:], Y[:, 150:], num_iterations=300, learning_rate=0.5
    )
    assert result["costs"][0] == pytest.approx(math.log(2))
    assert result["costs"][-1] < 0.2
    assert result["train_accuracy"] > 0.95 and result["test_accuracy"] > 0.9


def test_initialize_with_zeros():
    w0, b0 = logistic.initialize_with_zeros(3)
    assert w0.shape == (3, 1) and not w0.any() and b0 == 0.0 and isinstance(b0, float)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: logistic.forward(np.ones(2), 0.0, X), r"w has shape \(2,\), expected \(2, 1\)"),
        (
            lambda: logistic.forward(np.ones((3, 1)), 0.0, X),
            r"w has shape \(3, 1\), expected \(2, 1\)",
        ),
        (lambda: logistic.forward(w, np.ones(2), X), r"b has shape \(2,\), expected a scalar"),
        (
            lambda: logistic.compute_cost(np.ones(3) / 2, Y),
            r"A has shape \(3,\), expected \(1, \?\)",
        ),
        (
            lambda: logistic.compute_cost(np.ones((1, 3)) / 2, np.ones((1, 4))),
            r"Y has shape \(1, 4\), expected \(1, 3\)",
        ),
        (
            lambda: logistic.backward(X, np.ones((3, 1)) / 2, Y),
            r"A has shape \(3, 1\), expected \(1, 3\)",
        ),
        (lambda: logistic.initialize_with_zeros(0), "dim is 0, expected a positive integer"),
    ],
)
def test_errors_name_the_argument_and_the_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()
