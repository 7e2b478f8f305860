"""The chapter 3 checks (``graders.checks.shallow``): their cases, numerical witness,
speed and diagnosis wording. The reference, the nbgrader stub and the catalogue's wrong
and right implementations of every exercise are tested in ``test_checks_catalogue.py``."""

from __future__ import annotations

import time

import numpy as np
import pytest
from check_messages import failure_message

from dlnotes import shallow
from graders.catalogue import Implementation, load
from graders.checks import Case, get_spec
from graders.checks import shallow as checks
from graders.exercises import EXERCISES

FUNCTIONS = tuple(e.function for e in EXERCISES if e.module == "shallow")


def check_of(function: str):
    return getattr(checks, f"check_{function}")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_fast_enough(function):
    check, fn = check_of(function), getattr(shallow, function)

    def best_of_three(**kwargs) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            check(fn, **kwargs)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best_of_three() < 0.5
    assert best_of_three(hidden=True) < 2.0


def test_numerical_gradients_agree_with_an_independent_formula():
    """The numerical witness, checked against gradients written out here by hand."""
    spec = get_spec("shallow", "backward_propagation")
    for case in spec.cases(hidden=True):
        parameters, cache, X, Y = case.args
        m, Y = X.shape[1], Y.astype(float)
        dZ2 = cache["A2"] - Y
        dZ1 = parameters["W2"].T @ dZ2 * (1 - np.tanh(cache["Z1"]) ** 2)
        numerical = spec.numerical(case)
        np.testing.assert_allclose(numerical["dW2"], dZ2 @ cache["A1"].T / m, atol=1e-8)
        np.testing.assert_allclose(numerical["db1"], dZ1.sum(1, keepdims=True) / m, atol=1e-8)
        np.testing.assert_allclose(numerical["dW1"], dZ1 @ X.T / m, atol=1e-8)


def test_cases_cover_small_m_and_every_label_dtype():
    cases = get_spec("shallow", "backward_propagation").cases(hidden=True)
    assert {c.m for c in cases} >= {1} and max(c.m for c in cases) >= 13
    assert {c.args[3].dtype.name for c in cases} == {"float64", "int64", "bool", "uint8"}
    assert any(c.args[2].shape[0] == c.args[0]["W1"].shape[0] for c in cases)  # square W1


def test_cases_are_deterministic_and_do_not_touch_global_random_state():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    spec = get_spec("shallow", "forward_propagation")
    first, second = spec.cases(hidden=True), spec.cases(hidden=True)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.args[0], b.args[0])
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_bool_labels_without_conversion_get_a_dtype_hint():
    source = (
        "def compute_cost(A2, Y):\n"
        "    m = Y.shape[1]\n"
        "    return float(np.sum(-Y * np.log(A2) - (1 - Y) * np.log(1 - A2)) / m)\n"

    )
    fn = load(Implementation("compute_cost", "no conversion", source, None, "shallow"), {})
    message = failure_message(checks.check_compute_cost, fn)
    assert "Y = Y.astype(float)" in message and "bool" in message


def test_a_cost_as_1x1_array_is_rejected_with_a_hint():
    source = "def compute_cost(A2, Y):\n    return np.array([[shallow.compute_cost(A2, Y)]])\n"
    fn = load(Implementation("compute_cost", "1x1", source, None, "shallow"), {"shallow": shallow})
    assert "shape (1, 1), expected a number: return a float" in failure_message(
        checks.check_compute_cost, fn
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_cases_from_fresh_seeds(function):
    """The trusted grader draws cases from fresh seeds: no seed may fail the reference."""
    spec = get_spec("shallow", function)
    for seed in range(8):
        for case in spec.cases(seed=2000 + seed, hidden=True):
            spec.verify(spec.flatten(spec.call(getattr(shallow, function), case)), case)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_trusted_seam_round_trip(function):
    """As the out-of-kernel grader does: call on a case rebuilt from plain data (no
    extra), flatten to plain float64 arrays, verify against the parent's case."""
    spec = get_spec("shallow", function)
    for case in spec.cases(seed=78, hidden=True):
        sent = Case(case.name, case.args, m=case.m, hidden=True)
        flat = spec.flatten(spec.call(getattr(shallow, function), sent))
        assert all(type(v) is np.ndarray and v.dtype == np.float64 for v in flat.values())
        spec.verify(flat, case)
