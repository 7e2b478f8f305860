"""dlnotes.notebook.reuse: chapter 5 trains with the learner's chapter-4 functions where
they pass their checks, the course's otherwise, and says which, without ever crashing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlnotes import deep, notebook
from graders.checks.deep import check_deep_model

NAMES = ("initialize_parameters_deep", "deep_forward", "deep_model")

SETUP = """\
import numpy as np
from dlnotes.activations import relu, sigmoid
from dlnotes.deep import deep_backward, linear_activation_forward, update_parameters
import warnings, sys
print("setup output that must not show")
"""

INITIALIZE = """\
def initialize_parameters_deep(layer_dims, *, rng):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
"""

FORWARD = """\
def deep_forward(X, parameters):
    caches, A = [], X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        activation = "sigmoid" if l == L else "relu"
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        caches.append(cache)
    return A, caches
"""

MODEL = """\
def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
    costs = []
    for i in range(num_iterations):
        AL, caches = deep_forward(X, parameters)
        if i % record_every == 0:
            m = Y.shape[1]
            costs.append(float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m))
        grads = deep_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, {rate})
    return parameters, costs
"""


RAISES = "def deep_model(X, Y, parameters, *args, **kwargs):\n    raise ValueError('x')\n"


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    """A saved notebook with cells (grade_id, source); "setup" and solution cells only
    are run by reuse, so a "demo" cell (not a solution) must be ignored."""
    def cell(grade_id, source):
        meta = {"grade_id": grade_id, "solution": grade_id not in ("setup", "demo"),
                "grade": False, "locked": grade_id == "setup", "schema_version": 3}
        return {"cell_type": "code", "execution_count": None, "metadata": {"nbgrader": meta},
                "outputs": [], "source": source}
    nb = {"cells": [cell(g, s) for g, s in cells], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _workspace(tmp_path: Path, monkeypatch, cells) -> None:
    """The workspace layout: 04_deep/04_deep.ipynb beside 05_application/, cwd the latter."""
    _notebook(tmp_path / "04_deep" / "04_deep.ipynb", cells)
    (tmp_path / "05_application").mkdir()
    monkeypatch.chdir(tmp_path / "05_application")


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.setattr(notebook, "FAST", False)


def _reuse():
    return notebook.reuse("04_deep", "deep", NAMES)


def test_passing_functions_are_the_learners(tmp_path, monkeypatch, capsys):
    _workspace(tmp_path, monkeypatch, [
        ("setup", SETUP), ("initialize_parameters_deep", INITIALIZE),
        ("deep_forward", FORWARD), ("deep_model", MODEL.format(rate="learning_rate")),
        ("demo", "raise RuntimeError('a demonstration cell must not run')"),
    ])
    functions = _reuse()
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.splitlines() == [
        f"From {Path('..') / '04_deep' / '04_deep.ipynb'}:",
        *(f"  {name}: yours (passes its check)" for name in NAMES),
    ]
    for name, fn in zip(NAMES, functions, strict=True):
        assert fn is not getattr(deep, name) and fn.__name__ == name
        assert fn.__module__ == "__learner__"


def test_a_wrong_function_gives_the_reference_and_says_why(tmp_path, monkeypatch, capsys):
    wrong = MODEL.format(rate="2 * learning_rate")  # the learning rate applied twice
    _workspace(tmp_path, monkeypatch, [
        ("setup", SETUP), ("initialize_parameters_deep", INITIALIZE),
        ("deep_forward", FORWARD), ("deep_model", wrong),
    ])
    functions = _reuse()
    out = capsys.readouterr()
    assert out.err == ""
    assert functions[2] is deep.deep_model
    assert functions[1] is not deep.deep_forward  # the others are still the learner's
    # The printed reason is the first line of what the check itself says about it.
    namespace = {}
    exec(SETUP + FORWARD + wrong, namespace)
    with pytest.raises(AssertionError) as failure:
        check_deep_model(namespace["deep_model"])
    reason = str(failure.value).splitlines()[0].split("; rerun this case")[0]
    capsys.readouterr()
    assert f"  deep_model: the course's (yours does not pass: {reason})" in out.out.splitlines()


def test_undefined_and_raising_cells(tmp_path, monkeypatch, capsys):
    _workspace(tmp_path, monkeypatch, [
        ("setup", SETUP),
        ("initialize_parameters_deep", "raise NotImplementedError()"),  # as released
        ("deep_forward", FORWARD + "\nimport warnings\nwarnings.warn('careful')\n"
                                   "print(1 / np.zeros(1))\n"),
        ("deep_model", RAISES),
    ])
    functions = _reuse()
    out = capsys.readouterr()
    assert out.err == ""
    lines = out.out.splitlines()
    undefined = "the course's (your notebook does not define it)"
    assert lines[1] == f"  initialize_parameters_deep: {undefined}"
    assert lines[2] == "  deep_forward: yours (passes its check)"
    assert lines[3].startswith("  deep_model: the course's (yours does not pass: ")
    assert "ValueError" in lines[3] and len(lines) == 4
    assert functions[0] is deep.initialize_parameters_deep
    assert functions[2] is deep.deep_model


def test_missing_notebook_means_the_references_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert _reuse() == tuple(getattr(deep, n) for n in NAMES)
    out = capsys.readouterr()
    assert out.err == "" and len(out.out.splitlines()) == 1
    assert "04_deep.ipynb was not found" in out.out


def test_same_folder_layout(tmp_path, monkeypatch, capsys):
    _notebook(tmp_path / "04_deep.ipynb", [("setup", SETUP), ("deep_forward", FORWARD)])
    monkeypatch.chdir(tmp_path)
    functions = _reuse()
    assert functions[1] is not deep.deep_forward
    assert "From 04_deep.ipynb:" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["{not json", '{"cells": 3}', ""])
def test_broken_notebook_means_the_references_in_one_line(tmp_path, monkeypatch, capsys,
                                                          content):
    (tmp_path / "04_deep").mkdir()
    (tmp_path / "04_deep" / "04_deep.ipynb").write_text(content)
    (tmp_path / "05_application").mkdir()
    monkeypatch.chdir(tmp_path / "05_application")
    assert _reuse() == tuple(getattr(deep, n) for n in NAMES)
    out = capsys.readouterr()
    assert out.err == "" and len(out.out.splitlines()) == 1
    assert out.out.startswith("The course's deep functions:") and "could not be read" in out.out


def test_while_grading_nothing_is_read(tmp_path, monkeypatch, capsys):
    _workspace(tmp_path, monkeypatch, [("setup", "raise SystemExit('must not run')")])
    monkeypatch.setattr(notebook, "FAST", True)
    monkeypatch.setattr(notebook, "_run_solutions", lambda path: pytest.fail("read"))
    assert _reuse() == tuple(getattr(deep, n) for n in NAMES)
    out = capsys.readouterr()
    assert out.err == "" and len(out.out.splitlines()) == 1 and "being graded" in out.out
