"""The chapter 4 checks and ``predict`` (``graders.checks.deep``): their cases, numerical
witness, speed, diagnosis wording and tamper detection. Automatic mutants of every
exercise are in ``test_checks_mutation.py``; the reference, the nbgrader stub and the
catalogue's wrong and right implementations of every exercise in
``test_checks_catalogue.py``."""

from __future__ import annotations

import inspect
import time

import numpy as np
import pytest
from check_messages import failure_message

import dlnotes.activations
from dlnotes import deep
from graders.catalogue import RIGHT, Implementation, load
from graders.checks import Case, _models, get_spec
from graders.checks import deep as checks
from graders.exercises import EXERCISES

FUNCTIONS = tuple(e.function for e in EXERCISES if e.module == "deep")
CHAPTER_NAMES = (
    "linear_forward",
    "linear_activation_forward",
    "deep_forward",
    "linear_backward",
    "linear_activation_backward",
)


def free_names() -> dict:
    """What a chapter 4 solution cell may use: activations and the earlier exercises."""
    names = {n: f for n, f in vars(dlnotes.activations).items() if inspect.isfunction(f)}
    names.update({n: getattr(deep, n) for n in CHAPTER_NAMES})
    return names


def check_of(function: str):
    return getattr(checks, f"check_{function}")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_cases_from_fresh_seeds(function):
    """The trusted grader draws cases from fresh seeds: no seed may fail the reference."""
    spec = get_spec("deep", function)
    for seed in range(8):
        for case in spec.cases(seed=1000 + seed, hidden=True):
            spec.verify(spec.flatten(spec.call(getattr(deep, function), case)), case)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_fast_enough(function):
    check, fn = check_of(function), getattr(deep, function)

    def best_of_three(**kwargs) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            check(fn, **kwargs)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best_of_three() < 0.5
    assert best_of_three(hidden=True) < 2.0


def test_deep_backward_numerical_gradients_agree_with_the_reference():
    """The numerical witness (complex-step derivatives of the cost, and of every layer input
    for dA) agrees with the independently tested reference on every hidden case."""
    spec = get_spec("deep", "deep_backward")
    for case in spec.cases(hidden=True):
        AL, Y, caches = case.args
        expected = deep.deep_backward(AL, Y, caches)
        numerical = spec.numerical(case)
        assert set(numerical) == set(expected)
        for key, value in expected.items():
            np.testing.assert_allclose(numerical[key], value, rtol=1e-5, atol=1e-8, err_msg=key)


def test_hidden_cases_cover_deeper_and_shallower_networks_and_m_1():
    cases = get_spec("deep", "deep_backward").cases(hidden=True)
    depths = {len(c.args[2]) for c in cases}
    assert 1 in depths and max(depths) >= 4
    assert 1 in {c.m for c in cases}
    assert {c.args[1].dtype.name for c in cases} == {"float64", "int64", "bool", "uint8"}


def test_initializer_check_leaves_the_global_random_state_alone(capfd):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    checks.check_initialize_parameters_deep(deep.initialize_parameters_deep, hidden=True)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    source = (
        "def initialize_parameters_deep(layer_dims, *, rng):\n"
        "    np.random.seed(1)\n"
        "    return {k: v for l in range(1, len(layer_dims)) for k, v in (\n"
        "        (f'W{l}', rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01),\n"
        "        (f'b{l}', np.zeros((layer_dims[l], 1))))}\n"
    )
    fn = load(Implementation("initialize_parameters_deep", "seeds", source, None, "deep"), {})
    message = failure_message(checks.check_initialize_parameters_deep, fn)
    assert "global np.random state" in message
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # restored
    assert capfd.readouterr().err == ""


def test_initializer_accepts_a_different_order_of_random_calls():
    """Weights drawn last layer first differ from the reference's, and still pass."""
    source = next(i for i in RIGHT["deep.initialize_parameters_deep"] if "first" in i.name)
    fn = load(source, {})
    spec = get_spec("deep", "initialize_parameters_deep")
    case = spec.cases()[0]
    ours, theirs = spec.call(fn, case), spec.call(deep.initialize_parameters_deep, case)
    assert not np.array_equal(ours["first"]["W1"], theirs["first"]["W1"])
    spec.verify(spec.flatten(ours), case)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_trusted_seam_round_trip(function):
    """As the out-of-kernel grader does: call on a case rebuilt from plain data (no
    extra), flatten to plain float64 arrays, verify against the parent's case."""
    spec = get_spec("deep", function)
    for case in spec.cases(seed=77, hidden=True):
        sent = Case(case.name, case.args, m=case.m, hidden=True)
        flat = spec.flatten(spec.call(getattr(deep, function), sent))
        assert all(type(v) is np.ndarray and v.dtype == np.float64 for v in flat.values())
        spec.verify(flat, case)


def test_caches_may_be_lists_or_named_tuples():
    source = (
        "def linear_activation_forward(A_prev, W, b, activation):\n"
        "    Z, linear_cache = linear_forward(A_prev, W, b)\n"
        "    A = relu(Z) if activation == 'relu' else sigmoid(Z)\n"
        "    return A, [linear_cache, Z]\n"
    )
    impl = Implementation("linear_activation_forward", "list", source, None, "deep")
    checks.check_linear_activation_forward(load(impl, free_names()), hidden=True)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (deep, "deep_forward"),
        (_models, "deep_backward"),
        (np, "matmul"),
        (np.random, "get_state"),
    ],
)
def test_a_patched_reference_or_helper_is_detected(module, name, monkeypatch):
    monkeypatch.setattr(module, name, lambda *args, **kwargs: None)
    message = failure_message(checks.check_deep_backward, deep.deep_backward)
    assert "cannot check in this kernel" in message and name in message
