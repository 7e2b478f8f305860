"""The committed chapter notebooks: built from their sources, clean, with valid nbgrader
metadata and a graded cell for every exercise of the curriculum."""

from __future__ import annotations

import importlib.util
import re

import nbformat
import pytest
from notebook_course import (
    cells_by_grade_id,
    nbgrader_meta,
    notebook_file,
    read_notebook,
    ruff_check,
)

from graders.exercises import CHAPTERS, EXERCISES, chapter_exercises
from graders.paths import NOTEBOOKS_DIR

# The curriculum (shared/curriculum.md), item by item: every item marked "exercise" and the
# function that grades it. Written out here from the curriculum's text, independently of
# graders/exercises.py, so a dropped exercise shows up as a failure.
CURRICULUM_EXERCISES = {
    "01_numpy": {
        "sigmoid, numerically stable": "sigmoid",
        "sigmoid derivative": "sigmoid_derivative",
        "produce the column-vector shape": "row_means",
    },
    "02_logistic": {
        "cost J(w, b)": "compute_cost",
        "vectorized forward": "forward",
        "vectorized backward": "backward",
        # "Gradient descent ...; training, prediction" (graded since issue 15):
        "gradient descent: the zero start": "initialize_with_zeros",
        "gradient descent: the loop": "optimize",
        "prediction": "predict",
        "training": "model",
    },
    "03_shallow": {
        "tanh derivative": "tanh_backward",
        "ReLU derivative": "relu_backward",
        "leaky ReLU derivative": "leaky_relu_backward",
        "forward propagation": "forward_propagation",
        "cost": "compute_cost",
        "backward propagation": "backward_propagation",
        # Issue 15 point 1: the training code of every chapter that trains is graded.
        "random initialization": "initialize_parameters",
        "training: update": "update_parameters",
        "training: the model": "nn_model",
        "training: prediction": "predict",
    },
    "04_deep": {
        "initialization for L layers": "initialize_parameters_deep",
        "forward: linear_forward": "linear_forward",
        "forward: linear_activation_forward": "linear_activation_forward",
        "forward: L-layer forward": "deep_forward",
        "cost": "compute_cost",
        "backward: linear part": "linear_backward",
        "backward: one layer": "linear_activation_backward",
        "backward: L-layer backward": "deep_backward",
        "update": "update_parameters",
        "the L-layer model (issue 15: the training loop)": "deep_model",
    },
    "05_application": {
        # Issue 15 point 3: the learner flattens and scales the images.
        "flatten and scale the images (issue 15)": "flatten_images",
        "predictions of the trained network": "predict",
    },
}


def _load_build():
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOKS_DIR / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_committed_notebook_is_its_source_built(chapter):
    build = _load_build()
    assert notebook_file(chapter).read_text() == build.render(chapter), (
        f"run: python notebooks/build.py {chapter}"
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_is_clean_and_valid(chapter):
    nb = read_notebook(notebook_file(chapter))
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "outputs committed"
    graded = [nbgrader_meta(c) for c in nb.cells if nbgrader_meta(c)]
    ids = [meta["grade_id"] for meta in graded]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids: {ids}"
    for meta in graded:
        assert meta["schema_version"] == 3
        if meta["grade"]:
            assert meta["points"] > 0 and meta["locked"], meta
    setup = cells_by_grade_id(nb)["setup"]
    assert nbgrader_meta(setup)["locked"] and not nbgrader_meta(setup)["solution"]
    assert "np.random.default_rng(" in setup.source
    assert nb.cells.index(setup) == 1, "the setup cell comes right after the title"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_setup_cell_holds_only_imports_and_the_rng(chapter):
    """The first code cell a learner reads: imports and the seeded rng, no grading plumbing
    (that lives in dlnotes.notebook)."""
    setup = cells_by_grade_id(read_notebook(notebook_file(chapter)))["setup"].source
    for line in setup.splitlines():
        stripped = line.strip()
        ok = (not stripped or stripped.startswith(("import ", "from ", ")"))
              or re.fullmatch(r"check_\w+,", stripped)
              or stripped == "rng = np.random.default_rng(2017)")
        assert ok, f"{chapter}'s setup cell holds more than imports and rng: {line!r}"
    assert "NBGRADER_EXECUTION" not in setup and "from dlnotes.notebook import" in setup


def test_notebook_helper_imports_without_matplotlib(monkeypatch):
    """dlnotes.notebook imports matplotlib only inside show(): the grading sandbox, where
    matplotlib is a stand-in, can run the setup cell."""
    import importlib
    import sys

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # any import of it would fail
    monkeypatch.delitem(sys.modules, "dlnotes.notebook", raising=False)
    notebook = importlib.import_module("dlnotes.notebook")
    assert notebook.FAST is True
    with pytest.raises(ImportError):
        notebook.show()
    monkeypatch.delitem(sys.modules, "dlnotes.notebook")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_solution_and_graded_test_cell(chapter):
    cells = cells_by_grade_id(read_notebook(notebook_file(chapter)))
    functions = [e.function for e in chapter_exercises(chapter)]
    assert sorted(CURRICULUM_EXERCISES[chapter].values()) == sorted(functions)
    for exercise in chapter_exercises(chapter):
        solution, test = cells[exercise.solution_id], cells[exercise.test_id]
        meta = nbgrader_meta(solution)
        assert meta["solution"] and not meta["grade"] and not meta["locked"]
        assert re.search(rf"^def {exercise.function}\(", solution.source, re.M)
        body = solution.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        assert body.strip(), f"{exercise.function}: empty solution"
        assert solution.source.lstrip().startswith("#"), "a hint comment opens the cell"
        meta = nbgrader_meta(test)
        assert meta["grade"] and meta["locked"] and meta["points"] == exercise.points
        visible, hidden = test.source.split("### BEGIN HIDDEN TESTS")
        assert f"check_{exercise.function}({exercise.function})" in visible
        assert f"check_{exercise.function}({exercise.function}, hidden=True)" in hidden
        assert "### END HIDDEN TESTS" in hidden
        assert "import" not in test.source
    nb = read_notebook(notebook_file(chapter))
    order = [nbgrader_meta(c).get("grade_id") for c in nb.cells if nbgrader_meta(c).get("grade")]
    assert order == [e.test_id for e in chapter_exercises(chapter)], "notebook order"


def test_every_table_exercise_is_in_some_chapter():
    graded = {
        (chapter, grade_id)
        for chapter in CHAPTERS
        for grade_id in cells_by_grade_id(read_notebook(notebook_file(chapter)))
    }
    missing = [e for e in EXERCISES if (e.chapter, e.test_id) not in graded]
    assert not missing


def test_notebooks_pass_ruff():
    paths = [notebook_file(chapter) for chapter in CHAPTERS] + [NOTEBOOKS_DIR / "build.py"]
    result = ruff_check(*paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lints_notebook_code(tmp_path):
    """ruff really reads notebooks: an unused import planted in a copy is reported."""
    nb = read_notebook(notebook_file("01_numpy"))
    nb.cells.append(nbformat.v4.new_code_cell("import json"))
    planted = tmp_path / "planted.ipynb"
    nbformat.write(nb, planted)
    result = ruff_check(planted)
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_ends_pointing_to_the_worked_answers(chapter):
    from graders.learner.overview import answer_modules

    last = read_notebook(notebook_file(chapter)).cells[-1]
    assert last.cell_type == "markdown" and "**When everything passes**" in last.source
    for module, functions in answer_modules(chapter).items():
        assert f"`dlnotes/{module}.py` ({', '.join(f'`{f}`' for f in functions)})" in last.source
