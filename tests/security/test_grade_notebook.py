"""Hostile and broken submissions graded by ``grade_notebook``: each scores exactly what
it deserves, and nothing outside the sandbox changes.

A function "deserves" its points when the code the learner wrote for it computes the right
values; a cell that hangs, crashes or ends the process loses its own exercise and those that
call its function (``deserved``), as under nbgrader. Every
test also checks that the instructor's notebooks, the gradebook and another student's
submission are byte-for-byte unchanged and that no process an attack started survives.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, field

import pytest
from security_course import (
    CHAPTER,
    MAX_SCORE,
    POINTS,
    WRONG,
    deserved,
    points,
    processes_with,
    solution_source,
)

from graders.paths import NOTEBOOKS_DIR, REPO_ROOT
from graders.trusted import SandboxUnavailableError, grade_notebook, sandbox

TIME_LIMIT = 6.0
ALL = tuple(POINTS)


@dataclass
class Attack:
    """Solution cells to replace (``@NAME@`` placeholders are filled per test), the
    functions whose points are deserved, and a regex for the failing diagnoses."""

    name: str
    cells: dict[str, str]
    passing: tuple[str, ...]
    diagnosis: str = ""
    files: dict[str, str] = field(default_factory=dict)  # shipped beside the notebook


def right(function: str, before: str = "", after: str = "") -> str:
    return f"{before}\n{solution_source(function)}\n{after}\n"


def wrong(function: str, before: str = "") -> str:
    return f"{before}\n{WRONG[function]}"


PATCH_EVERYTHING = """
import numpy, graders.checks._core as core, graders.checks._diagnose as diagnose
numpy.allclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
numpy.isclose = lambda *a, **k: numpy.ones(numpy.shape(a[0]), bool)
core.close = diagnose.close = lambda *a, **k: True
core.Spec.verify = lambda self, flat, case: (0.0, None)
"""

LIAR = """
class Liar:
    def __eq__(self, other): return True
    def __array__(self, *a, **k): return numpy.zeros((1, 1))
    shape = property(lambda self: (1, 1))
import numpy
def forward(w, b, X):
    return Liar()
"""

SUBCLASS = """
class Always(np.ndarray):
    def __eq__(self, other): return np.ones(self.shape, bool)
    def __array_ufunc__(self, *a, **k): return np.zeros(1)
def forward(w, b, X):
    return np.zeros((1, X.shape[1])).view(Always)
"""

READ_REFERENCE = """
import importlib.util, inspect, dlnotes.logistic as reference
def backward(X, A, Y):
    for path in ("@REPO@/dlnotes/logistic.py", reference.__file__):
        try:
            spec = importlib.util.spec_from_file_location("stolen", path)
            stolen = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(stolen)
            return stolen.backward(X, A, Y)
        except Exception:
            pass
    namespace = {}
    exec(inspect.getsource(reference), namespace)
    return namespace["backward"](X, A, Y)
"""

READ_SOURCES = """
import json
def backward(X, A, Y):
    for path in ("@SOURCE@", "@REPO_SOURCE@"):
        try:
            cells = json.load(open(path))["cells"]
        except OSError:
            continue
        for cell in cells:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == "backward":
                namespace = {"np": np}
                exec("".join(cell["source"]), namespace)
                return namespace["backward"](X, A, Y)
    from graders.catalogue import RIGHT
    namespace = {"np": np}
    exec(RIGHT["logistic.backward"][0].source, namespace)
    return namespace["backward"](X, A, Y)
"""

WRITE_EVERYTHING = """
import sqlite3, os
def spoil_gradebook():
    db = sqlite3.connect("@GRADEBOOK@")
    db.execute("UPDATE grade SET points = 99")
    db.commit()
for attempt in (
    spoil_gradebook,
    lambda: open("@OTHER@", "w").write("{}"),
    lambda: open("@SOURCE@", "a").write(" "),
    lambda: open("@REPO_SOURCE@", "a").write(" "),
    lambda: os.remove("@GRADEBOOK@"),
):
    try:
        attempt()
    except Exception:
        pass
"""

HOLD_LOCK = """
import sqlite3, threading
try:
    held = sqlite3.connect("@GRADEBOOK@", timeout=0, check_same_thread=False)
    held.execute("BEGIN EXCLUSIVE")
except Exception:
    pass
"""

LEAVE_PROCESSES = """
import os, subprocess
subprocess.Popen(["sleep", "@MARKER@"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "@MARKER@"])
    os._exit(0)
"""

FORK_BOMB = """
import os
def forward(w, b, X):
    while True:
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "@MARKER@"])
"""

NOISY = """
import sys, warnings
print("debugging to stderr", file=sys.stderr)
warnings.warn("a warning at import")
np.log(np.zeros(1))  # RuntimeWarning: divide by zero
"""

ATTACKS = [
    Attack("correct", {}, ALL),
    Attack("all wrong", dict(WRONG), deserved(*WRONG), r"case"),
    Attack("one wrong", {"forward": WRONG["forward"]}, deserved("forward")),
    Attack("syntax error", {"backward": "def backward(X, A, Y)\n    return 1\n"},
           deserved("backward"), "SyntaxError"),
    Attack("exception", {"backward": "def backward(X, A, Y):\n    raise ValueError('oops')\n"},
           deserved("backward"), "ValueError"),
    Attack("infinite loop in a cell", {"forward": right("forward", after="while True: pass")},
           deserved("forward"), "time limit"),
    Attack("infinite loop ignoring SIGINT",
           {"forward": "import signal\ndef forward(w, b, X):\n"
                       "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n"
                       "        pass\n"},
           deserved("forward"), "time limit"),
    Attack("memory bomb",
           {"forward": "def forward(w, b, X):\n    hog = []\n    while True:\n"
                       "        hog.append(np.ones(10**7))\n"},
           deserved("forward"), "MemoryError|time limit"),  # slow paging: either
    Attack("fork bomb", {"forward": FORK_BOMB}, deserved("forward"), "forward"),
    Attack("sys.exit after the answer",
           {"backward": right("backward", after="import sys\nsys.exit(0)")}, ALL),
    Attack("os._exit", {"backward": right("backward", after="import os\nos._exit(0)")},
           deserved("backward"), "ended the grading process"),
    Attack("IPython exit()", {"compute_cost": right("compute_cost", after="exit()")}, ALL),
    Attack("200k lines of output",
           {"forward": right("forward", after="for i in range(200_000):\n    print(i)")}, ALL),
    Attack("patched numpy and checks",
           {"forward": wrong("forward", PATCH_EVERYTHING)}, deserved("forward")),
    Attack("input transformer blanking later cells",
           {"forward": wrong("forward", "get_ipython().input_transformers_post.append("
                                        "lambda lines: [])")},
           deserved("forward")),
    Attack("showtraceback and excepthook hidden",
           {"backward": "import sys\nget_ipython().showtraceback = lambda *a, **k: None\n"
                        "sys.excepthook = lambda *a: None\n"
                        "def backward(X, A, Y):\n    raise ValueError('hidden')\n"},
           deserved("backward"), "ValueError"),
    Attack("__eq__ always True", {"forward": LIAR}, deserved("forward"), "Liar"),
    Attack("ndarray subclass", {"forward": SUBCLASS}, deserved("forward"), "subclass"),
    Attack("shipped numpy.py, right answers", {}, ALL,
           files={"numpy.py": "allclose = lambda *a, **k: True\nraise SystemExit('fake')\n"}),
    Attack("shipped numpy.py, wrong answer", {"forward": WRONG["forward"]},
           deserved("forward"),
           files={"numpy.py": "allclose = lambda *a, **k: True\n"}),
    Attack("importing the reference",
           {"forward": "from dlnotes.logistic import forward\n",
            "compute_cost": "from dlnotes.cost import cross_entropy_cost\n"
                            "def compute_cost(A, Y):\n    return cross_entropy_cost(A, Y)\n"},
           deserved("forward", "compute_cost"), "not available while grading"),
    Attack("reading the reference", {"backward": READ_REFERENCE}, deserved("backward")),
    Attack("reading the source notebooks and the catalogue", {"backward": READ_SOURCES},
           deserved("backward"), "ModuleNotFoundError"),
    Attack("writing the gradebook and others' files",
           {"forward": wrong("forward", WRITE_EVERYTHING)}, deserved("forward")),
    Attack("holding a lock on the gradebook",
           {"forward": right("forward", before=HOLD_LOCK)}, ALL),
    Attack("a process left running",
           {"forward": right("forward", before=LEAVE_PROCESSES)}, ALL),
    Attack("correct code writing to stderr and warning",
           {"forward": right("forward", before=NOISY),
            "compute_cost": right("compute_cost", before=NOISY)}, ALL),
]


def fill(source: str, course, marker: str) -> str:
    values = {
        "@REPO@": str(REPO_ROOT),
        "@SOURCE@": str(course.source),
        "@REPO_SOURCE@": str(NOTEBOOKS_DIR / CHAPTER / f"{CHAPTER}.ipynb"),
        "@GRADEBOOK@": str(course.gradebook),
        "@OTHER@": str(course.other),
        "@MARKER@": marker,
    }
    for key, value in values.items():
        source = source.replace(key, value)
    return source


def grade(course, path, **kwargs):
    return grade_notebook(path, CHAPTER, source_notebook=course.source,
                          time_limit=TIME_LIMIT, **kwargs)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_scores_what_it_deserves(attack: Attack, course, marker):
    before = course.fingerprint()
    path = course.submit({k: fill(v, course, marker) for k, v in attack.cells.items()})
    for name, text in attack.files.items():
        (path.parent / name).write_text(text)

    result = grade(course, path)

    assert result.status == "graded", result.message
    assert result.sandbox == "bwrap"
    assert result.max_score == MAX_SCORE
    got = {e.function: e.points for e in result.exercises}
    assert got == {f: (POINTS[f] if f in attack.passing else 0) for f in POINTS}, [
        (e.function, e.diagnosis) for e in result.exercises
    ]
    assert result.score == points(*attack.passing)
    for exercise in result.exercises:
        assert exercise.passed == (exercise.function in attack.passing)
        assert (exercise.diagnosis is None) == exercise.passed
        if exercise.function in attack.cells and not exercise.passed and attack.diagnosis:
            assert re.search(attack.diagnosis, exercise.diagnosis), exercise.diagnosis
    assert course.fingerprint() == before
    assert processes_with(f"sleep {marker}") == []


def test_a_held_lock_does_not_outlive_grading(course):
    path = course.submit({"forward": fill(right("forward", before=HOLD_LOCK), course, "")})
    grade(course, path)
    with sqlite3.connect(course.gradebook, timeout=0) as db:  # raises if still locked
        db.execute("UPDATE grade SET points = 7")
    db.close()


def test_deleted_solution_cell_loses_only_its_exercise(course):
    def delete_backward(notebook):
        notebook["cells"] = [c for c in notebook["cells"]
                             if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                             != "backward"]

    result = grade(course, course.submit(edit=delete_backward))
    assert result.score == points(*deserved("backward"))
    assert "not defined" in result.by_function()["backward"].diagnosis


def test_edited_locked_cells_do_not_matter(course):
    """The learner's setup and test cells are ignored: the instructor's setup runs."""

    def edit(notebook):
        for cell in notebook["cells"]:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            if gid == "setup":
                cell["source"] = "np = None\nsigmoid = None\n"
            elif gid.startswith("test_"):
                cell["source"] = "pass\n"

    result = grade(course, course.submit(edit=edit))
    assert result.score == MAX_SCORE


@pytest.mark.parametrize(("duplicate", "passing"), [
    (None, ALL),
    (WRONG["backward"], deserved("backward")),
])
def test_duplicated_cell_runs_in_notebook_order(course, duplicate, passing):
    """Like the kernel: every copy runs, the last definition is the one graded."""

    def edit(notebook):
        cells = notebook["cells"]
        index = next(i for i, c in enumerate(cells)
                     if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "backward")
        copy = json.loads(json.dumps(cells[index]))
        if duplicate is not None:
            copy["source"] = duplicate
        cells.insert(index + 1, copy)

    assert grade(course, course.submit(edit=edit)).score == points(*passing)


def test_retyped_solution_cell_is_not_run(course):
    def edit(notebook):
        for cell in notebook["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "forward":
                cell["cell_type"] = "markdown"
                cell.pop("outputs", None)
                cell.pop("execution_count", None)

    result = grade(course, course.submit(edit=edit))
    assert result.score == points(*deserved("forward"))


@pytest.mark.parametrize("raw", [b"{ not json", b"[]", b'{"cells": 3}', b"\xff\xfe" * 10])
def test_corrupted_notebook_is_ungradable(course, raw):
    result = grade(course, course.submit(raw=raw))
    assert result.status == "ungradable"
    assert result.score == 0 and result.max_score == MAX_SCORE
    assert result.message and all(e.diagnosis.startswith("not graded") for e in result.exercises)


def test_notebook_of_another_chapter_is_ungradable(course):
    path = course.root / "submitted" / "mallory" / CHAPTER / f"{CHAPTER}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_bytes((NOTEBOOKS_DIR / "03_shallow" / "03_shallow.ipynb").read_bytes())
    result = grade(course, path)
    assert result.status == "ungradable"
    assert result.score == 0
    assert "03_shallow" in result.message


def test_seed_is_recorded_and_fresh(course):
    path = course.submit()
    first, second = grade(course, path), grade(course, path)
    assert first.seed != second.seed
    again = grade(course, path, seed=first.seed)
    assert again.seed == first.seed and again.score == MAX_SCORE


def test_refuses_without_bwrap_unless_weak_mode_is_allowed(course, tmp_path, monkeypatch):
    tools = tmp_path / "bin"  # prlimit but no bwrap on PATH
    tools.mkdir()
    (tools / "prlimit").symlink_to("/usr/bin/prlimit")
    monkeypatch.setenv("PATH", str(tools))
    sandbox.bwrap_problem.cache_clear()
    try:
        with pytest.raises(SandboxUnavailableError, match="bwrap"):
            grade(course, course.submit())
        result = grade(course, course.submit(), allow_weak_sandbox=True)
    finally:
        sandbox.bwrap_problem.cache_clear()
    assert result.sandbox == "weak"
    assert "WEAK" in result.message
    assert result.score == MAX_SCORE


def test_overhead_per_notebook_is_small(course):
    path = course.submit()
    grade(course, path)  # first call builds the overlay and imports IPython's transformer
    start = time.perf_counter()
    for _ in range(3):
        assert grade(course, path).score == MAX_SCORE
    # The 0.5 s target holds on an idle machine (about 0.2 s of CPU per notebook); this
    # bound only catches regressions such as importing matplotlib in the child (seconds).
    assert (time.perf_counter() - start) / 3 < 3.0


def test_a_failure_that_may_be_a_callees_names_the_callee_first(course):
    """optimize runs the learner's own forward: when forward fails its check, optimize's
    diagnosis says to fix forward first (the callees are read from the worked answers)."""
    result = grade(course, course.submit({"forward": WRONG["forward"]}))
    why = {e.function: e.diagnosis for e in result.exercises}
    first = "Fix forward first: {} is meant to call it, and it fails its own check"
    for function in ("optimize", "predict", "model"):  # their answers call forward
        assert why[function].endswith(first.format(function)), why[function]
    assert "Fix" not in why["forward"]

    from graders.catalogue import WRONG as CATALOGUE

    wrong_optimize = CATALOGUE["logistic.optimize"][0].source
    result = grade(course, course.submit({"optimize": wrong_optimize}))
    why = {e.function: e.diagnosis for e in result.exercises}
    assert "Fix" not in why["optimize"]  # its callees pass: its failure is its own
    assert why["model"].endswith(
        "Fix optimize first: model is meant to call it, and it fails its own check")
    assert why["predict"] is None

    # an exercise not written yet is not told to fix its callees; it is a first cause
    result = grade(course, course.submit({"forward": WRONG["forward"], "optimize": "x = 1\n"}))
    why = {e.function: e.diagnosis for e in result.exercises}
    assert why["optimize"].startswith("optimize is not defined") and "Fix" not in why["optimize"]
    assert why["model"].endswith("Fix forward and optimize first: model is meant to call "
                                 "them, and they fail their own checks"), why["model"]
