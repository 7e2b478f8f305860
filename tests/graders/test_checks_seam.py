"""The seam the trusted grader reuses (cases, call, flatten, verify) and the check's output."""

from __future__ import annotations

import json
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


def _plain(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype != object
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return type(value) in (int, float, str, bool)


def test_get_spec_finds_every_function_and_rejects_unknown_ones(ch12_function):
    spec = get_spec(*ch12_function)
    assert (spec.module, spec.function) == ch12_function
    with pytest.raises(KeyError):
        get_spec(ch12_function[0], "no_such_function")


def test_every_exercise_of_chapters_1_to_3_activations_has_its_check(helpers):
    """The exercise table names graders.checks.<module>.check_<function>; it must resolve."""
    from graders.exercises import EXERCISES

    mine = [e for e in EXERCISES if e.module in ("activations", "basics", "logistic")]
    assert sorted((e.module, e.function) for e in mine) == sorted(helpers.my_functions)
    for exercise in mine:
        module_name, _, name = exercise.check_name.rpartition(".")
        check = getattr(__import__(module_name, fromlist=["_"]), name)
        assert callable(check) and check.__name__ == name


def test_cases_are_plain_seeded_and_include_one_example(ch12_function):
    spec = get_spec(*ch12_function)
    visible, hidden = spec.cases(7, hidden=False), spec.cases(7, hidden=True)
    assert all(_plain(c.args) and _plain(c.extra) for c in hidden)
    assert len(visible) >= 4 and len(hidden) > len(visible)
    assert [c.hidden for c in hidden] == [False] * len(visible) + [True] * (
        len(hidden) - len(visible)
    )
    assert any(c.m == 1 for c in visible) and any(c.m == 1 for c in hidden if c.hidden)
    again, other = spec.cases(7, hidden=True), spec.cases(8, hidden=True)
    for a, b in zip(hidden, again, strict=True):
        assert all(np.array_equal(x, y) for x, y in zip(a.args, b.args, strict=True))
    first = next(a for a in hidden[0].args if isinstance(a, np.ndarray))
    assert not np.array_equal(first, next(a for a in other[0].args if isinstance(a, np.ndarray)))


@pytest.mark.parametrize("function", ["compute_cost", "backward"])
def test_label_dtypes_cover_float_int_bool_uint8(function):
    cases = get_spec("logistic", function).cases(hidden=False)
    assert {str(c.args[-1].dtype) for c in cases} == {"float64", "int64", "bool", "uint8"}


def test_trusted_round_trip_through_npz_and_json(ch12_function, tmp_path):
    """What the out-of-kernel grader does: plain inputs out, plain arrays back, verify."""
    spec = get_spec(*ch12_function)
    fn = getattr(getattr(dlnotes, ch12_function[0]), ch12_function[1])
    for i, case in enumerate(spec.cases(3, hidden=True)):
        arrays = {f"a{j}": a for j, a in enumerate(case.args) if isinstance(a, np.ndarray)}
        others = {f"a{j}": a for j, a in enumerate(case.args) if not isinstance(a, np.ndarray)}
        np.savez(tmp_path / f"in{i}.npz", **arrays)
        (tmp_path / f"in{i}.json").write_text(json.dumps(others))
        loaded = dict(np.load(tmp_path / f"in{i}.npz", allow_pickle=False))
        loaded.update(json.loads((tmp_path / f"in{i}.json").read_text()))
        args = tuple(loaded[f"a{j}"] for j in range(len(case.args)))
        flat = spec.flatten(fn(*args))
        np.savez(tmp_path / f"out{i}.npz", **flat)
        back = dict(np.load(tmp_path / f"out{i}.npz", allow_pickle=False))
        rel, _ = spec.verify(back, case)
        assert rel < 1e-12
        back = {k: v + 1e-3 for k, v in back.items()}
        with pytest.raises(CheckFailure):
            spec.verify(back, case)


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
def test_each_check_is_fast(ch12_function, helpers, hidden, limit):
    check = helpers.check_of(*ch12_function)
    reference = helpers.reference(*ch12_function)
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
