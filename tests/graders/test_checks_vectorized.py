"""The vectorization check counts Python lines, so machine load cannot change it."""

from __future__ import annotations

import subprocess
import sys
from functools import partial

import numpy as np
import pytest

import dlnotes.activations
from graders.checks._vectorized import count_lines, loops_over_examples
from graders.checks.activations import SIGMOID, check_sigmoid
from graders.checks.basics import ROW_MEANS

LOOPS = "not vectorized"


def _exec(source: str, name: str):
    scope = {"np": np, "sigmoid": dlnotes.activations.sigmoid}
    exec(compile(source, f"<learner {name}>", "exec"), scope)
    return scope[name]


def test_line_counts_do_not_grow_with_m_for_vectorized_code():
    fn = _exec("def f(X):\n    s = X.sum(axis=1, keepdims=True)\n    return s / X.shape[1]\n", "f")
    counts = {m: count_lines(partial(fn, np.ones((3, m)))) for m in (1, 4, 40, 400)}
    assert set(counts.values()) == {2}  # the two lines of f


def test_library_code_is_not_counted():
    assert count_lines(partial(dlnotes.activations.sigmoid, np.ones((3, 50)))) == 0
    assert count_lines(partial(np.apply_along_axis, np.sum, 0, np.ones((3, 50)))) == 0


@pytest.mark.parametrize(
    "source",
    [
        "def sigmoid(Z):\n"
        "    return np.array([[1 / (1 + np.exp(-z)) for z in row] for row in Z])\n",
        "def sigmoid(Z):\n    return np.vectorize(lambda z: 1 / (1 + np.exp(-z)))(Z)\n",
        "def sigmoid(Z):\n"
        "    return np.apply_along_axis(lambda col: 1 / (1 + np.exp(-col)), 0, Z)\n",
        "def sigmoid(Z):\n"
        "    A = Z.copy()\n"
        "    for A_col in A.T:\n"
        "        A_col[:] = 1 / (1 + np.exp(-A_col))\n"
        "    return A\n",
    ],
    ids=["comprehension", "np.vectorize", "apply_along_axis", "loop over columns"],
)
def test_loops_in_disguise_are_flagged(source):
    with pytest.raises(AssertionError, match=LOOPS):
        SIGMOID.vectorization(_exec(source, "sigmoid"))


def test_a_loop_over_features_is_not_flagged():
    source = (
        "def row_means(X):\n"
        "    out = np.zeros((X.shape[0], 1))\n"
        "    for j in range(X.shape[0]):\n"
        "        out[j, 0] = X[j].mean()\n"
        "    return out\n"
    )
    ROW_MEANS.vectorization(_exec(source, "row_means"))


def test_a_branch_on_m_is_not_flagged():
    source = (
        "def sigmoid(Z):\n"
        "    if Z.shape[1] == 1:\n"
        "        Z = Z.copy()\n"
        "    E = np.exp(-np.abs(Z))\n"
        "    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))\n"
    )
    check_sigmoid(_exec(source, "sigmoid"))


def test_counts_are_the_same_on_a_busy_machine():
    fn = _exec("def sigmoid(Z):\n    return np.exp(-np.logaddexp(0, -Z))\n", "sigmoid")
    quiet = loops_over_examples(lambda m: fn(np.ones((3, m))))
    burn = "import time\nend = time.time() + 20\nwhile time.time() < end: pass"  # ends alone
    burners = [subprocess.Popen([sys.executable, "-c", burn]) for _ in range(3)]
    try:
        busy = [loops_over_examples(lambda m: fn(np.ones((3, m)))) for _ in range(5)]
        SIGMOID.vectorization(fn)
    finally:
        for process in burners:
            process.kill()
            process.wait()
    # 1 line of sigmoid + 1 of the lambda above, whatever m and the load
    assert quiet == (False, 2, 2) and all(b == quiet for b in busy)


def test_previous_trace_function_is_restored_even_when_the_function_raises():
    def tracer(frame, event, arg):
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        with pytest.raises(ZeroDivisionError):
            count_lines(lambda: _exec("def f():\n    return 1 / 0\n", "f")())
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)
