"""dlnotes.cost and the predictions' range: every probability in [0, 1] is exact, nothing
outside it is accepted."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import deep, logistic, shallow
from dlnotes.cost import clip_probabilities, cross_entropy_cost


def test_hand_worked_cost():
    # losses -log(0.8), -log(1 - 0.4), and a saturated right prediction of each class (0)
    A = np.array([[0.8, 0.4, 1.0, 0.0]])
    Y = np.array([[1, 0, 1, 0]])
    assert cross_entropy_cost(A, Y) == pytest.approx((-math.log(0.8) - math.log(0.6)) / 4)


@pytest.mark.parametrize("a", [1e-20, 1e-100, 1e-300, 1e-310, 5e-324])
def test_confident_wrong_predictions_cost_exactly_minus_log_a(a):
    # no clipping inside (0, 1): a clip to [1e-15, ...] would give -log(1e-15) = 34.5
    assert cross_entropy_cost(np.array([[a]]), np.array([[1]])) == pytest.approx(-math.log(a))
    assert cross_entropy_cost(np.array([[a]]), np.array([[0]])) == pytest.approx(a, abs=1e-16)


def test_a_saturated_wrong_prediction_costs_the_largest_finite_loss():
    assert cross_entropy_cost(np.array([[0.0]]), np.array([[1]])) == pytest.approx(744.44, 1e-4)
    assert cross_entropy_cost(np.array([[1.0]]), np.array([[0]])) == pytest.approx(36.74, 1e-3)


@given(st.floats(0.0, 1.0))
def test_clipping_moves_only_exact_zeros_and_ones(a):
    clipped = clip_probabilities(np.array([a]))[0]
    assert 0.0 < clipped < 1.0
    assert clipped == a or a in (0.0, 1.0)


@pytest.mark.parametrize("bad", [-0.2, 1.5, np.nan, -np.inf])
@pytest.mark.parametrize(
    "call",
    [
        lambda A: logistic.compute_cost(A, np.array([[1, 0]])),
        lambda A: shallow.compute_cost(A, np.array([[1, 0]])),
        lambda A: deep.compute_cost(A, np.array([[1, 0]])),
        lambda A: logistic.backward(np.ones((3, 2)), A, np.array([[1, 0]])),
    ],
)
def test_predictions_outside_0_1_are_refused(call, bad):
    A = np.array([[0.5, bad]])
    with pytest.raises(ValueError, match=r"holds .* outside \[0, 1\]: A\w* must be predicted "
                                         r"probabilities.*was Z.*passed instead"):
        call(A)


def test_backward_passes_refuse_out_of_range_predictions_by_name():
    X = np.ones((2, 2))
    parameters = {"W1": np.ones((3, 2)), "b1": np.zeros((3, 1)),
                  "W2": np.ones((1, 3)), "b2": np.zeros((1, 1))}
    _, cache = shallow.forward_propagation(X, parameters)
    cache = {**cache, "A2": np.array([[0.5, -0.1]])}
    with pytest.raises(ValueError, match=r"cache\['A2'\] holds -0\.1, outside \[0, 1\]"):
        shallow.backward_propagation(parameters, cache, X, np.array([[1, 0]]))
    AL, caches = deep.deep_forward(X, parameters)
    with pytest.raises(ValueError, match=r"AL holds 1\.2, outside \[0, 1\]"):
        deep.deep_backward(np.array([[0.5, 1.2]]), np.array([[1, 0]]), caches)
