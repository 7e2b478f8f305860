"""What a kernel-side failure message adds: how to rerun the failing visible case
(``case=``), and the learner's own line when their function raised. Neither reaches the
trusted grader's path (``spec.call``), and a hidden case stays anonymous."""

from __future__ import annotations

import re

import numpy as np
import pytest
from check_messages import failure_message

from graders.catalogue import Implementation, load
from graders.checks import CheckFailure, get_spec
from graders.checks.deep import training
from graders.checks.logistic import check_compute_cost

COST = get_spec("logistic", "compute_cost")


def learner(source: str, name: str = "compute_cost"):
    """The function defined by ``source``, with its lines in linecache under a file name of
    its own (as IPython gives each cell)."""
    label = f"test {hash(source)}"
    return load(Implementation(name, label, source, None, "logistic"), {})


SUM_MISSING = learner("""\
def compute_cost(A, Y):
    m = A.shape[1]
    return float(-(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
""")
WITHOUT_1_OVER_M = learner("""\
def compute_cost(A, Y):
    A = np.clip(A, 1e-15, 1 - 1e-15)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
""")


def test_a_visible_failure_says_how_to_rerun_it_and_the_rerun_reproduces_it(capsys):
    message = failure_message(check_compute_cost, WITHOUT_1_OVER_M)
    rerun = re.search(r"rerun this case: (check_compute_cost\(compute_cost, case='[^']+'\))$",
                      message)
    assert rerun, message
    again = failure_message(
        lambda fn, **kw: eval(rerun.group(1), {"check_compute_cost": check_compute_cost,
                                               "compute_cost": fn}), WITHOUT_1_OVER_M)
    assert again == message


def test_case_runs_only_that_visible_case(capsys):
    names = [case.name for case in COST.cases()]
    assert len(set(names)) == len(names)  # names identify the visible cases
    looping = learner("""\
def compute_cost(A, Y):
    total = 0.0
    for i in range(A.shape[1]):
        a = min(max(A[0, i], 1e-15), 1 - 1e-15)
        total -= Y[0, i] * np.log(a) + (1 - Y[0, i]) * np.log(1 - a)
    return float(total / A.shape[1])
""")
    assert "not vectorized" in failure_message(check_compute_cost, looping)
    check_compute_cost(looping, case=names[0])  # one case, no vectorization check
    assert capsys.readouterr().out == f"✓ compute_cost: case {names[0]!r} (rel. diff 0)\n"


def test_case_names_only_visible_cases():
    with pytest.raises(ValueError, match=r"no case 'm = 99'; its cases are 'm = 5, Y float64'"):
        check_compute_cost(WITHOUT_1_OVER_M, case="m = 99")
    with pytest.raises(ValueError, match="hidden cases cannot be chosen"):
        check_compute_cost(WITHOUT_1_OVER_M, case=COST.cases()[0].name, hidden=True)


def test_every_spec_names_its_visible_cases_uniquely():
    from graders.exercises import EXERCISES

    for exercise in EXERCISES:
        names = [c.name for c in get_spec(exercise.module, exercise.function).cases()]
        assert len(set(names)) == len(names), (exercise.function, names)


def test_a_hidden_failure_has_no_rerun_hint_and_no_expected_value():
    wrong_when_large = learner("""\
def compute_cost(A, Y):
    A = np.clip(A, 1e-15, 1 - 1e-15)
    cost = float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    return cost * 1.5 if A.shape[1] > 24 else cost
""")
    check_compute_cost(wrong_when_large)  # every visible case passes
    message = failure_message(check_compute_cost, wrong_when_large, hidden=True)
    assert message.startswith("compute_cost, hidden case ")
    assert "rerun" not in message and "case=" not in message and "expected" not in message


def test_the_learner_line_that_raised_is_quoted():
    message = failure_message(check_compute_cost, SUM_MISSING)
    assert re.search(r"float\(\) converts one number.*; raised at your line 3: return "
                     r"float\(-\(Y \* np\.log\(A\) \+ \(1 - Y\) \* np\.log\(1 - A\)\) / m\); "
                     r"rerun this case", message), message


def test_the_quoted_line_is_the_learners_not_numpys_and_is_cleaned_and_bounded():
    # np.sum(..., axis=2) raises inside numpy's own Python code: the learner's line is
    # the one that called it; tabs and runs of spaces collapse; a long line is cut.
    long_call = learner(
        "def compute_cost(A, Y):\n"
        "    return float(np.sum(\tY  *  np.log(A), axis=2) + " + "0.0 + " * 40 + "0.0)\n"
    )
    message = failure_message(check_compute_cost, long_call)
    line = re.search(r"raised at your (line \d+: .*?); rerun", message).group(1)
    assert line.startswith("line 2: return float(np.sum( Y * np.log(A), axis=2) + 0.0 +")
    assert line.endswith("...") and len(line) <= len("line 2: ") + 100
    assert "\t" not in message and "numpy" not in line


def test_without_source_text_no_line_is_quoted():
    namespace: dict = {"np": np}
    exec(compile("""\
def compute_cost(A, Y):
    return float(-(Y * np.log(A)) / A.shape[1])
""", "<no source>", "exec"), namespace)
    message = failure_message(check_compute_cost, namespace["compute_cost"])
    assert "float() converts one number" in message and "raised at your" not in message


def test_the_trusted_path_quotes_no_source_and_no_rerun():
    case = COST.cases()[0]
    with pytest.raises(CheckFailure) as failure:
        COST.call(SUM_MISSING, case)
    assert "float() converts one number" in str(failure.value)
    assert "raised at your" not in str(failure.value) and "rerun" not in str(failure.value)


def test_math_and_float_get_their_own_hint():
    math_cost = learner("""\
def compute_cost(A, Y):
    import math
    return -np.mean(Y * math.log(A) + (1 - Y) * math.log(1 - A))
""")
    message = failure_message(check_compute_cost, math_cost)
    assert "math.exp / math.log work on single numbers" in message
    assert "float() converts" not in message


def test_predict_reruns_by_case_too(capsys):
    name = training.PREDICT.cases()[-1].name
    from dlnotes.deep import predict

    training.check_predict(predict, case=name)
    assert capsys.readouterr().out.startswith(f"✓ predict: case {name!r}")
