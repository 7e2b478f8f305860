"""Tamper resistance inside the kernel: exact types and seals checked at every boundary."""

from __future__ import annotations

import numpy as np
import pytest

import dlnotes.activations
import dlnotes.logistic
import graders.checks._diagnose
from graders.checks.activations import check_sigmoid
from graders.checks.basics import check_row_means
from graders.checks.logistic import check_backward, check_compute_cost


def wrong_sigmoid(Z):
    return 1 / (1 + np.exp(Z))


def _fails(check, fn, pattern: str) -> str:
    with pytest.raises(AssertionError, match=pattern) as info:
        check(fn)
    return str(info.value)


def test_patched_allclose_is_detected_and_fails(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    monkeypatch.setattr(np, "array_equal", lambda *args, **kwargs: True)
    _fails(check_sigmoid, wrong_sigmoid, r"numpy.allclose was replaced.*Restart the kernel")
    _fails(check_sigmoid, dlnotes.activations.sigmoid, r"numpy.allclose was replaced")


def test_patch_made_by_the_learners_function_is_detected():
    original = np.allclose

    def sneaky(Z):
        np.allclose = lambda *args, **kwargs: True
        return 1 / (1 + np.exp(Z))

    try:
        _fails(check_sigmoid, sneaky, r"numpy.allclose was replaced")
    finally:
        np.allclose = original


@pytest.mark.parametrize("name", ["max", "abs", "isfinite", "subtract", "all", "array"])
def test_any_numpy_function_the_checks_use_patched_by_the_learner_is_named(name):
    """The checks compute with plain ``np``: whichever numpy function a learner's code
    rebinds, the check refuses to judge instead of computing with it."""
    original = getattr(np, name)

    def sneaky(Z):
        setattr(np, name, lambda *args, **kwargs: 0)
        return original(1 / (1 + np.exp(-Z))) if name == "array" else 1 / (1 + np.exp(Z))

    try:
        _fails(check_sigmoid, sneaky, rf"numpy.{name} was replaced.*Restart the kernel")
    finally:
        setattr(np, name, original)


def test_patched_reference_is_detected(monkeypatch):
    monkeypatch.setattr(dlnotes.activations, "sigmoid", wrong_sigmoid)
    _fails(check_sigmoid, wrong_sigmoid, r"dlnotes.activations.sigmoid was replaced")


def test_patched_check_internals_are_detected(monkeypatch):
    monkeypatch.setattr(graders.checks._diagnose, "close", lambda *args, **kwargs: True)
    _fails(check_sigmoid, wrong_sigmoid, r"graders.checks._diagnose.close was replaced")


def test_patched_builtin_is_detected(monkeypatch):
    import builtins

    original = builtins.max  # a look-alike: learner code could make it lie

    monkeypatch.setattr(builtins, "max", lambda *args, **kwargs: original(*args, **kwargs))
    _fails(check_sigmoid, wrong_sigmoid, r"builtins.max was replaced")


class AlwaysEqual:
    """Claims to equal anything, has a shape, and converts to any array asked."""

    shape = (3, 5)
    dtype = np.dtype(float)

    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        return np.zeros(self.shape)


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)


def test_object_with_a_lying_eq_is_rejected():
    _fails(check_sigmoid, lambda Z: AlwaysEqual(), r"A is a AlwaysEqual, expected a numpy ndarray")


def test_ndarray_subclass_is_rejected_even_with_right_values():
    def subclassed(Z):
        return dlnotes.activations.sigmoid(Z).view(LyingArray)

    _fails(check_sigmoid, subclassed, r"ndarray subclass \(LyingArray\), not a plain numpy array")


def test_float_subclass_cost_is_rejected():
    class LyingFloat(float):
        def __eq__(self, other):
            return True

    lying = r"cost is a LyingFloat, expected a float"
    _fails(check_compute_cost, lambda A, Y: LyingFloat(0.0), lying)


def test_non_float_arrays_are_rejected():
    def as_object(Z):
        return dlnotes.activations.sigmoid(Z).astype(object)

    def as_float32(X):
        return X.mean(axis=1, keepdims=True).astype(np.float32)

    _fails(check_sigmoid, as_object, r"A has dtype object, expected float64")
    _fails(check_row_means, as_float32, r"mu has dtype float32, expected float64")


def test_dict_subclass_result_is_rejected():
    class Grads(dict):
        pass

    def backward(X, A, Y):
        return Grads(dlnotes.logistic.backward(X, A, Y))

    _fails(check_backward, backward, r"grads is a Grads, expected a dict")
