"""The seam the trusted grader reuses (cases, call, flatten, verify) and the check's output."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import dlnotes.activations
import dlnotes.logistic
from graders.checks import CheckFailure, get_spec
from graders.checks.activations import check_sigmoid
from graders.checks.basics import check_row_means
from graders.checks.logistic import check_backward
from graders.trusted import wire


def _plain(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype != object
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return type(value) in (int, float, str, bool)


def test_get_spec_finds_every_function_and_rejects_unknown_ones(graded_function):
    spec = get_spec(*graded_function)
    assert (spec.module, spec.function) == graded_function
    with pytest.raises(KeyError):
        get_spec(graded_function[0], "no_such_function")


def _sent(value) -> bytes:
    """``value`` as the grading engine sends it to the sandbox (JSON tree + array blob)."""
    tree, blob = wire.dumps(value)
    return tree + b"|" + blob


def test_cases_are_plain_seeded_and_include_one_example(graded_function):
    spec = get_spec(*graded_function)
    visible, hidden = spec.cases(7, hidden=False), spec.cases(7, hidden=True)
    for case in hidden:  # plain data: it crosses to the sandbox and back unchanged
        assert _plain(case.extra)
        tree, blob = wire.dumps(list(case.args))
        assert _sent(wire.loads(tree, blob)) == _sent(list(case.args))
    assert len(visible) >= 3 and len(hidden) > len(visible)
    assert [c.hidden for c in hidden] == [False] * len(visible) + [True] * (
        len(hidden) - len(visible)
    )
    assert any(c.m == 1 for c in hidden)
    again, other = spec.cases(7, hidden=True), spec.cases(8, hidden=True)
    assert [_sent(list(c.args)) for c in again] == [_sent(list(c.args)) for c in hidden]
    assert _sent(list(other[0].args)) != _sent(list(hidden[0].args))


@pytest.mark.parametrize("function", ["compute_cost", "backward"])
def test_label_dtypes_cover_float_int_bool_uint8(function):
    cases = get_spec("logistic", function).cases(hidden=False)
    assert {str(c.args[-1].dtype) for c in cases} == {"float64", "int64", "bool", "uint8"}


def test_trusted_round_trip_through_the_wire(graded_function):
    """What the grading engine does: plain inputs out, the result back, verified here; a
    result changed on the way fails."""
    spec = get_spec(*graded_function)

    def through_the_wire(*args, **kwargs):  # each call's inputs and result cross
        args, kwargs = wire.loads(*wire.dumps([list(args), kwargs]), named=True)
        return wire.loads(*wire.dumps(spec.reference(*args, **kwargs)), named=True)

    for case in spec.cases(3, hidden=True):
        back = spec.flatten(spec.call(through_the_wire, case))
        rel, _ = spec.verify(back, case)
        assert rel < 1e-12
        nudged = {k: v + 1e-3 for k, v in back.items()}
        with pytest.raises(CheckFailure):
            spec.verify(nudged, case)


def test_call_uses_copies_and_reports_a_modified_input():
    spec = get_spec("activations", "relu_backward")
    case = spec.cases(hidden=False)[0]
    before = [a.copy() for a in case.args]

    def in_place(dA, Z):
        dA[Z <= 0] = 0
        return dA

    with pytest.raises(CheckFailure, match="modified its input dA in place"):
        spec.call(in_place, case)
    assert all(np.array_equal(a, b) for a, b in zip(case.args, before, strict=True))


def test_success_is_one_short_line(capfd):
    check_sigmoid(dlnotes.activations.sigmoid)
    check_backward(dlnotes.logistic.backward)
    out, err = capfd.readouterr()
    sigmoid_line, backward_line = out.splitlines()
    assert re.fullmatch(r"✓ sigmoid: 5 cases \(max rel\. diff [0-9e.+-]+\)", sigmoid_line)
    assert re.fullmatch(
        r"✓ backward: 5 cases, matches the reference \(max rel\. diff [0-9e.+-]+\) and "
        r"numerical gradients \(max rel\. diff [0-9e.+-]+\)",
        backward_line,
    )
    assert len(backward_line) < 120 and err == ""


def test_nothing_reaches_stderr_whatever_the_learner_does(capfd):
    def noisy(Z):
        warnings.warn("a learner's warning", stacklevel=1)
        print("to stderr", file=sys.stderr)
        return 1 / (1 + np.exp(-Z))  # overflows for large negative Z

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any escaping warning would raise here
        with pytest.raises(AssertionError, match="overflowed"):
            check_sigmoid(noisy)
    assert capfd.readouterr().err == ""


def _nudge(module: str, function: str, limit_m: int, delta: float):
    """The reference, except for cases with more than ``limit_m`` examples."""
    reference = getattr(getattr(dlnotes, module), function)

    def fn(*args):
        out = reference(*args)
        if args[0].shape[1] > limit_m:
            out = out.copy()
            out[0, 0] += delta
        return out

    return fn


def test_fallback_names_the_worst_element_and_hides_hidden_expected_values():
    visible = _nudge("activations", "sigmoid", 4, 0.25)
    with pytest.raises(AssertionError) as info:
        check_sigmoid(visible)
    message = str(info.value)
    assert re.search(r"A is wrong at index \(0, 0\): got [-0-9.e]+, expected [-0-9.e]+", message)
    hidden_only = _nudge("activations", "sigmoid", 7, 0.25)
    check_sigmoid(hidden_only)  # the visible cases have m <= 7
    with pytest.raises(AssertionError) as info:
        check_sigmoid(hidden_only, hidden=True)
    message = str(info.value)
    assert "hidden case" in message and "got" in message and "expected 0" not in message
    assert not re.search(r"expected -?[0-9]", message)


def test_fallback_says_which_gradients_agree():
    def backward(X, A, Y):
        grads = dlnotes.logistic.backward(X, A, Y)
        grads["dw"] = grads["dw"] + np.linspace(0, 0.1, grads["dw"].size).reshape(-1, 1)
        return grads

    with pytest.raises(AssertionError, match=r"agree with the reference: db; differ: dw"):
        check_backward(backward)


def test_the_learners_own_assert_and_exit_are_explained():
    def asserts(X):
        mu = X.mean(axis=1)
        assert mu.shape == (X.shape[0], 1), f"mu has shape {mu.shape}"
        return mu

    def exits(X):
        raise SystemExit(0)

    with pytest.raises(AssertionError, match=r"an assert in row_means failed: mu has shape"):
        check_row_means(asserts)
    with pytest.raises(AssertionError, match=r"row_means called exit\(\)"):
        check_row_means(exits)


def test_a_non_function_is_reported():
    with pytest.raises(AssertionError, match="expected a function, got None"):
        check_sigmoid(None)


@pytest.mark.parametrize("hidden, limit", [(False, 0.5), (True, 2.0)])
def test_each_check_is_fast(graded_function, helpers, hidden, limit):
    check = helpers.check_of(*graded_function)
    reference = helpers.reference(*graded_function)
    best = min(helpers.timed(lambda: check(reference, hidden=hidden)) for _ in range(3))
    assert best < limit


def test_checks_import_only_numpy_dlnotes_and_the_standard_library():
    code = (
        "import sys, sysconfig, numpy, dlnotes.activations, dlnotes.basics, dlnotes.logistic\n"
        "before = set(sys.modules)\n"
        "import graders.checks.activations, graders.checks.basics, graders.checks.logistic\n"
        "allowed = (sysconfig.get_paths()['stdlib'], *numpy.__path__, *dlnotes.__path__)\n"
        "new = set(sys.modules) - before\n"
        "files = {getattr(sys.modules[m], '__file__', None) or '' for m in new}\n"
        "print(sorted(f for f in files if f and not f.startswith(allowed)\n"
        "             and '/graders/' not in f))\n"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]" and out.stderr == ""
