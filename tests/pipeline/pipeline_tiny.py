"""Tiny nbgrader source notebooks for the pipeline tests (independent of the real chapters).

Chapters 1 and 2 with every exercise of ``graders.exercises`` but little else: the
catalogue's right implementation as the solution, a plain ``assert`` with a fixed diagnosis
as the visible check (``CHECKS``; an exercise without one asserts that its function
exists), and a hidden test holding a marker that must never reach feedback.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.catalogue import RIGHT
from graders.exercises import chapter_exercises

HIDDEN_MARKER = "HIDDEN_MARKER_7319"

# key -> visible check (a plain assert with its diagnosis); the solutions are the
# catalogue's first right implementation, so the trusted re-run agrees with them.
CHECKS = {
    "01_numpy": {
        "activations.sigmoid": (
            "assert abs(float(sigmoid(np.array(2.0))) - 0.8807970779778823) < 1e-12, "
            "'sigmoid(2) is wrong: check the sign of the exponent'"
        ),
        "activations.sigmoid_derivative": (
            "assert abs(float(sigmoid_derivative(np.array(0.0))) - 0.25) < 1e-12, "
            "'sigmoid_derivative(0) is not 0.25: use s * (1 - s)'"
        ),
        "basics.row_means": (
            "assert np.array_equal(row_means(np.array([[1.0, 3.0], [2.0, 6.0]])), [[2.0], [4.0]]), "
            "'row_means is wrong: average along axis=1 with keepdims=True'"
        ),
    },
    "02_logistic": {
        "logistic.forward": (
            "assert forward(np.zeros((2, 1)), 0.0, np.ones((2, 3))).shape == (1, 3), "
            "'forward returns the wrong shape: use w.T @ X'"
        ),
        "logistic.compute_cost": (
            "assert abs(compute_cost(np.full((1, 2), 0.5), np.ones((1, 2))) - np.log(2)) < 1e-12, "
            "'compute_cost is wrong: average the cross-entropy over m'"
        ),
        "logistic.backward": (
            "assert np.allclose("
            "backward(np.ones((2, 2)), np.ones((1, 2)), np.zeros((1, 2)))['dw'], 1), "
            "'dw is wrong: divide by m'"
        ),
    },
}
SETUP = {
    "01_numpy": "import os\nimport numpy as np\n"
                "print('NBGRADER_EXECUTION =', os.environ.get('NBGRADER_EXECUTION'))",
    "02_logistic": "import numpy as np\nfrom dlnotes.activations import sigmoid",
}
CHAPTERS = ("01_numpy", "02_logistic")


def visible_check(exercise) -> str:
    found = {key: check for checks in CHECKS.values() for key, check in checks.items()}
    name = exercise.function
    return found.get(exercise.key, f"assert callable({name}), '{name} is not defined'")


def solution_cell(function: str, body: str) -> nbformat.NotebookNode:
    lines = body.splitlines()
    source = "\n".join(
        [lines[0], "    ### BEGIN SOLUTION", *lines[1:], "    ### END SOLUTION"]
    )
    return new_code_cell(
        source,
        metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                               "grade_id": function, "schema_version": 3}},
    )


def test_cell(function: str, check: str, points: int) -> nbformat.NotebookNode:
    source = "\n".join([
        check,
        f"print('{function} ok')",
        "### BEGIN HIDDEN TESTS",
        f"{HIDDEN_MARKER} = 1.0",
        f"assert {HIDDEN_MARKER} == 1.0, 'hidden {function} case failed'",
        "### END HIDDEN TESTS",
    ])
    return new_code_cell(
        source,
        metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                               "grade_id": f"test_{function}", "points": points,
                               "schema_version": 3}},
    )


def write_notebooks(folder: Path) -> Path:
    """Write ``folder/<chapter>/<chapter>.ipynb`` for the tiny chapters; return folder."""
    for chapter in CHAPTERS:
        cells = [
            new_markdown_cell(f"# {chapter} (tiny test chapter)"),
            new_code_cell(
                SETUP[chapter],
                metadata={"nbgrader": {"grade": False, "solution": False, "locked": True,
                                       "grade_id": "setup", "schema_version": 3}},
            ),
        ]
        for exercise in chapter_exercises(chapter):
            body = RIGHT[exercise.key][0].source.strip()
            cells += [solution_cell(exercise.function, body),
                      test_cell(exercise.function, visible_check(exercise), exercise.points)]
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        })
        (folder / chapter).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / chapter / f"{chapter}.ipynb")
    return folder
