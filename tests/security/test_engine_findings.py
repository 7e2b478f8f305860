"""Regression tests for what the security review of grading found (issue 11), one each.

Every finding is attacked through the grading engine (``grade_notebook``) or through
``dlcourse autograde``; the expected points are what the learner's own code deserves.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from security_course import (
    CHAPTER,
    MAX_SCORE,
    POINTS,
    WRONG,
    calls,
    deserved,
    points,
    solution_source,
)

from graders.paths import NOTEBOOKS_DIR
from graders.trusted import grade_notebook

TIME_LIMIT = 8.0


def grade_ids(notebook: dict) -> list[str | None]:
    return [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in notebook["cells"]]


def submit_chapter(tmp_path: Path, chapter: str, answers: dict[str, str],
                   added: list[tuple[str, str]] = ()) -> Path:
    """The chapter's source notebook with ``answers`` in its solution cells and ``added``
    code cells inserted after the named cell."""
    notebook = json.loads((NOTEBOOKS_DIR / chapter / f"{chapter}.ipynb").read_text())
    for cell, gid in zip(notebook["cells"], grade_ids(notebook), strict=True):
        if gid in answers:
            cell["source"] = answers[gid]
    for after, source in reversed(list(added)):
        at = grade_ids(notebook).index(after) + 1
        notebook["cells"].insert(at, {"cell_type": "code", "metadata": {}, "source": source,
                                      "outputs": [], "execution_count": None})
    path = tmp_path / f"{chapter}.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def grade(path: Path, chapter: str = CHAPTER, **kwargs):
    return grade_notebook(path, chapter, time_limit=kwargs.pop("time_limit", TIME_LIMIT),
                          **kwargs)


# --- high: nothing in the sandbox computes an answer (one-to-three-line wrappers) ------
WRAPPERS = [
    ("01_numpy", "sigmoid_derivative", "from dlnotes.activations import sigmoid_backward\n"
     "def sigmoid_derivative(Z):\n    return sigmoid_backward(np.ones_like(Z), Z)\n"),
    ("01_numpy", "sigmoid", "import graders.checks.activations as checks\n"
     "def sigmoid(Z):\n    return checks.SIGMOID.reference(Z)\n"),
    ("01_numpy", "row_means", "from graders.checks import get_spec\n"
     "def row_means(X):\n    return get_spec('basics', 'row_means').reference(X)\n"),
    ("02_logistic", "compute_cost", "from dlnotes.cost import cross_entropy_cost\n"
     "def compute_cost(A, Y):\n    return cross_entropy_cost(A, Y)\n"),
    ("02_logistic", "forward", "from graders.catalogue import RIGHT\n"
     "exec(RIGHT['logistic.forward'][0].source)\n"),
    ("02_logistic", "backward", "from graders.checks._gradients import numerical_gradients\n"
     "def backward(X, A, Y):\n    return numerical_gradients(X, A, Y)\n"),
    ("03_shallow", "compute_cost", "from dlnotes.logistic import compute_cost\n"),
    ("03_shallow", "relu_backward", "from graders.checks import get_spec\n"
     "relu_backward = get_spec('activations', 'relu_backward').reference\n"),
    ("04_deep", "compute_cost", "from dlnotes import logistic\n"
     "def compute_cost(AL, Y):\n    return logistic.compute_cost(AL, Y)\n"),
    ("04_deep", "update_parameters", "from dlnotes.shallow import update_parameters\n"),
    ("04_deep", "deep_backward", "import dlnotes.deep as d\ndeep_backward = d.deep_backward\n"),
    ("05_application", "predict", "from dlnotes.deep import predict\n"),
]


@pytest.mark.parametrize(("chapter", "function", "source"), WRAPPERS,
                         ids=[f"{c}.{f}" for c, f, _ in WRAPPERS])
def test_a_wrapper_around_graders_or_reference_code_scores_nothing(tmp_path, chapter, function,
                                                                   source):
    result = grade(submit_chapter(tmp_path, chapter, {function: source}), chapter)
    assert result.status == "graded", result.message
    wrapped = result.by_function()[function]
    assert wrapped.points == 0 and wrapped.diagnosis, wrapped
    assert result.tampering == []


# --- medium: a forged report cannot blame the instructor's setup -----------------------
FORGE = """
import json, os
fake = json.dumps({"step": "cell:0:setup", "error": {"type": "ImportError",
                   "message": "the instructor's setup cell failed", "args": None,
                   "builtin": True, "line": None}, "stdout": "", "records": {}}).encode()
for fd in range(3, 12):
    try:
        os.write(fd, b"D %d 0\\n" % len(fake) + fake)
        os.write(fd, b"E\\n")
    except OSError:
        pass
"""


def test_a_forged_setup_failure_is_learner_output(course):
    """The child's pipe is learner-writable: a forged 'setup failed' frame costs only the
    forger, who still gets a graded result with their own wrong answers' diagnoses."""
    path = course.submit({"forward": WRONG["forward"] + FORGE})
    result = grade(path, source_notebook=course.source)
    assert result.status == "graded", result.message
    assert result.score <= points("compute_cost", "backward")
    assert "instructor" not in result.by_function()["forward"].diagnosis


# --- medium: learner text never becomes a diagnosis ----------------------------------
def test_learner_text_is_quoted_short_and_clean(course):
    raising = ("def forward(w, b, X):\n    raise ValueError('\\x1b[2J\\x1b[1;1H please award "
               "full marks by hand ' + 'A' * 3_000_000)\n")
    fake_failure = ("class CheckFailure(Exception):\n    pass\n"
                    "def compute_cost(A, Y):\n    raise CheckFailure('✓ compute_cost: all good')\n")
    result = grade(course.submit({"forward": raising, "compute_cost": fake_failure}),
                   source_notebook=course.source)
    forward, cost = result.by_function()["forward"], result.by_function()["compute_cost"]
    assert forward.points == cost.points == 0
    assert re.match(r"forward, case .*: forward raised ValueError: ", forward.diagnosis)
    assert len(forward.diagnosis) <= 500 and "\x1b" not in forward.diagnosis
    assert re.match(r"compute_cost, case .*: compute_cost raised CheckFailure: ", cost.diagnosis)


# --- medium: time is bounded per submission, not per cell ---------------------------
def test_slow_cells_add_up_to_the_submission_limit_not_past_it(tmp_path):
    slow = [("forward", "import time\ntime.sleep(2.5)")] * 6
    path = submit_chapter(tmp_path, CHAPTER, {}, slow)
    start = time.monotonic()
    result = grade(path, time_limit=6.0)
    assert time.monotonic() - start < 6.0 + 4.0
    assert result.status == "graded"
    assert 0 <= result.score < MAX_SCORE  # what ran after the budget gets nothing


# --- low: a malformed return value fails its own exercise and its callers only -------
ODD_RESULTS = {
    "a generator": "def forward(w, b, X):\n    return (x for x in range(3))\n",
    "an object array": "def forward(w, b, X):\n    return np.array([object()] * X.shape[1])\n",
    "deep nesting": "def forward(w, b, X):\n    v = []\n    for _ in range(5000):\n"
                    "        v = [v]\n    return v\n",
    "a hostile class": "class Bad:\n    def __repr__(self): raise RuntimeError('no')\n"
                       "    def __eq__(self, o): return True\n"
                       "def forward(w, b, X):\n    return Bad()\n",
    "a huge list": "def forward(w, b, X):\n    return list(range(10**6))\n",
}


@pytest.mark.parametrize("source", ODD_RESULTS.values(), ids=list(ODD_RESULTS))
def test_an_odd_return_value_fails_only_its_exercise_and_callers(course, source):
    result = grade(course.submit({"forward": source}), source_notebook=course.source)
    assert result.status == "graded"
    assert result.by_function()["forward"].points == 0
    assert result.by_function()["forward"].diagnosis
    assert result.score == points(*deserved("forward"))
    assert result.tampering == []


# --- low: an unknown grade_id is just a learner cell -------------------------------
def test_a_cell_with_an_unknown_grade_id_changes_nothing(course):
    def add_bogus(notebook):
        notebook["cells"].insert(3, {
            "cell_type": "code", "outputs": [], "execution_count": None, "source": "x = 1",
            "metadata": {"nbgrader": {"grade": True, "grade_id": "bogus_123", "points": 50,
                                      "solution": False, "locked": False,
                                      "schema_version": 3}}})

    result = grade(course.submit(edit=add_bogus), source_notebook=course.source)
    assert result.score == result.max_score == MAX_SCORE


# --- tampering is reported from the one execution ----------------------------------
def test_a_test_cell_that_prints_a_pass_it_did_not_earn_is_reported(course):
    fake = WRONG["forward"] + ("\ndef check_forward(fn, hidden=False):\n"
                               "    print('✓ forward: 5 cases (max rel. diff 0)')\n")
    result = grade(course.submit({"forward": fake}), source_notebook=course.source)
    assert result.tampering == ["forward"]
    assert result.by_function()["forward"].points == 0
    honest = grade(course.submit({"forward": WRONG["forward"]}), source_notebook=course.source)
    assert honest.tampering == []


def test_points_are_as_the_function_stood_at_its_test_cell(tmp_path):
    """A scratch cell after the test cell that redefines the function does not cost its
    own exercise, as under nbgrader (the later exercises that call it run the new one); a
    fix made only after the test cell does not count either."""
    later_wrong = [("test_forward", WRONG["forward"])]
    assert grade(submit_chapter(tmp_path, CHAPTER, {}, later_wrong)).score == (
        MAX_SCORE - sum(POINTS[f] for f in POINTS if "forward" in calls(f))
    )
    later_right = [("test_forward", solution_source("forward"))]
    path = submit_chapter(tmp_path, CHAPTER, {"forward": WRONG["forward"]}, later_right)
    assert grade(path).score == MAX_SCORE - POINTS["forward"]


def test_helpers_imports_and_constants_in_cells_of_their_own(tmp_path):
    added = [("setup", "import math\nHALF = 0.5"),
             ("setup", "def logistic_of(z):\n    return 1 / (1 + np.exp(-z))")]
    answers = {"forward": "def forward(w, b, X):\n    return logistic_of(w.T @ X + b)\n",
               "compute_cost": "def compute_cost(A, Y):\n    m = Y.shape[1]\n"
                               "    A = np.clip(A, 1e-300, 1 - 1e-16)\n"
                               "    return float(-(Y @ np.log(A).T + (1 - Y) @ np.log(1 - A).T)"
                               "[0, 0] / m)\n"}
    result = grade(submit_chapter(tmp_path, CHAPTER, answers, added))
    assert result.score == MAX_SCORE, [(e.function, e.diagnosis) for e in result.exercises]


def test_magics_run_as_in_a_kernel(tmp_path):
    answers = {"forward": "%%time\ndef forward(w, b, X):\n    return sigmoid(np.dot(w.T, X) + b)\n"}
    added = [("setup", "%matplotlib inline\n!echo hello"),
             ("forward", "%timeit -n 1 -r 1 forward(np.zeros((2, 1)), 0.0, np.ones((2, 3)))")]
    result = grade(submit_chapter(tmp_path, CHAPTER, answers, added))
    assert result.score == MAX_SCORE, [(e.function, e.diagnosis) for e in result.exercises]


def test_a_cell_that_raises_does_not_stop_the_next_ones(tmp_path):
    added = [("setup", "raise RuntimeError('a scratch cell that fails')")]
    result = grade(submit_chapter(tmp_path, CHAPTER, {}, added))
    assert result.score == MAX_SCORE
    assert any(re.match("RuntimeError", c.error) for c in result.cells)


def test_nothing_a_child_leaves_reaches_the_next_submission(tmp_path):
    """Files in the sandbox's /tmp, /dev/shm and job folder, processes: all gone before
    the next child of the same warm sandbox starts."""
    from graders.trusted import Grader

    leave = ("import os, subprocess\nopen('/tmp/left', 'w').write('x')\n"
             "open('/dev/shm/left', 'w').write('x')\nopen('left', 'w').write('x')\n"
             "subprocess.Popen(['sleep', '300'], start_new_session=True)\n")
    look = ("import os, glob\nprint('seen:', [p for p in ('/tmp/left', '/dev/shm/left', 'left')"
            " if os.path.exists(p)], len([p for p in glob.glob('/proc/[0-9]*/cmdline')"
            " if b'sleep' in open(p, 'rb').read()]))\n")
    with Grader() as grader:
        first = submit_chapter(tmp_path, CHAPTER, {}, [("setup", leave)])
        assert grader.grade(first, CHAPTER).score == MAX_SCORE
        (tmp_path / "second").mkdir()
        second = submit_chapter(tmp_path / "second", CHAPTER, {}, [("setup", look)])
        result = grader.grade(second, CHAPTER)
    printed = [c.stdout for c in result.cells if c.stdout.startswith("seen:")]
    assert printed == ["seen: [] 0\n"], [c for c in result.cells if "seen" in c.stdout]
