"""``dlcourse lab --reset``: one exercise or one chapter back to its released state."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from learner_helpers import dlcourse

from graders.errors import DlcourseError, UsageError
from graders.learner.workspace import (
    ResetTarget,
    fingerprint,
    parse_reset_target,
    prepare_workspace,
    reset,
)
from graders.paths import NOTEBOOKS_DIR

NB = "02_logistic/02_logistic.ipynb"
NOON = datetime(2025, 1, 31, 12, 0, 0)


def _cell(path: Path, grade_id: str):
    nb = nbformat.read(path, as_version=4)
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _edit(path: Path, grade_id: str, source: str) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    nbformat.write(nb, path)


def _add_note(path: Path, text: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, path)


@pytest.fixture
def workspace(tmp_path, toy_notebooks) -> Path:
    ws = tmp_path / "ws"
    prepare_workspace(ws, toy_notebooks, tmp_path / "no-data")
    return ws


def test_parse_reset_target():
    assert parse_reset_target("04_deep") == ResetTarget("04_deep")
    assert parse_reset_target("4") == parse_reset_target("04") == ResetTarget("04_deep")
    assert parse_reset_target("2:backward") == ResetTarget("02_logistic", "backward")
    with pytest.raises(UsageError, match="no chapter '7'.*01_numpy"):
        parse_reset_target("7")
    with pytest.raises(UsageError, match="no exercise 'sigmoid'.*forward, compute_cost, backward"):
        parse_reset_target("02_logistic:sigmoid")


def test_reset_one_exercise_keeps_the_rest_and_a_backup(workspace, toy_notebooks):
    path = workspace / NB
    stub = _cell(path, "double").source
    _edit(path, "double", "def double(x):\n    return x + x  # mine")
    _add_note(path, "my own note")
    edited = path.read_text()

    result = reset(workspace, ResetTarget("02_logistic", "double"), toy_notebooks, now=NOON)

    cell = _cell(path, "double")
    assert cell.source == stub and cell.outputs == [] and cell.execution_count is None
    assert "my own note" in path.read_text(), "the rest of the notebook was touched"
    assert result.backup == path.with_name("02_logistic.backup-20250131-120000.ipynb")
    assert result.backup.read_text() == edited
    assert str(result.backup) in result.message() and "double" in result.message()


def test_reset_whole_chapter_and_it_counts_as_unedited_again(workspace, toy_notebooks):
    path = workspace / NB
    released = fingerprint(path)
    _edit(path, "double", "def double(x):\n    return x + x  # mine")
    _add_note(path, "my own note")

    first = reset(workspace, ResetTarget("02_logistic"), toy_notebooks, now=NOON)
    second = reset(workspace, ResetTarget("02_logistic"), toy_notebooks, now=NOON)

    assert fingerprint(path) == released
    assert "my own note" in first.backup.read_text()
    assert second.backup != first.backup, "a second reset in the same second kept its own copy"
    # unedited again: a newer course version now updates it instead of writing it beside
    from toycourse import write_toy_chapter

    write_toy_chapter(toy_notebooks, intro="Toy chapter, second edition")
    actions = prepare_workspace(workspace, toy_notebooks, workspace.parent / "no-data")
    assert [(a.kind, a.path) for a in actions if a.kind != "unchanged"] == [("updated", NB)]


def test_reset_refuses_what_is_not_there(tmp_path, workspace, toy_notebooks):
    with pytest.raises(DlcourseError, match="does not exist: make the workspace first"):
        reset(tmp_path / "nowhere", ResetTarget("02_logistic"), toy_notebooks)
    nb = nbformat.read(workspace / NB, as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "double"]
    nbformat.write(nb, workspace / NB)
    with pytest.raises(DlcourseError, match="no solution cell 'double'.*--reset 02_logistic"):
        reset(workspace, ResetTarget("02_logistic", "double"), toy_notebooks)
    assert not list((workspace / "02_logistic").glob("*.backup-*")), "nothing was reset"


def test_reset_a_real_exercise(tmp_path):
    """On the course's own chapter 1: the learner's sigmoid goes, row_means stays."""
    ws = tmp_path / "ws"
    prepare_workspace(ws, NOTEBOOKS_DIR, tmp_path / "no-data", chapters=("01_numpy",))
    path = ws / "01_numpy" / "01_numpy.ipynb"
    stub = _cell(path, "sigmoid").source
    assert "raise NotImplementedError()" in stub
    _edit(path, "sigmoid", "def sigmoid(Z):\n    return 1 / (1 + np.exp(-Z))")
    _edit(path, "row_means", "def row_means(X):\n    return X.mean(axis=1, keepdims=True)")
    reset(ws, parse_reset_target("1:sigmoid"), NOTEBOOKS_DIR)
    assert _cell(path, "sigmoid").source == stub
    assert "X.mean(axis=1, keepdims=True)" in _cell(path, "row_means").source


def _lab_reset(ws: Path, notebooks: Path, *args: str, answer: str | None = None):
    command = [sys.executable, "-m", "graders.cli", "lab", str(ws), "--notebooks",
               str(notebooks), *args]
    return subprocess.run(command, input=answer, capture_output=True, text=True, timeout=300,
                          check=False)


def test_lab_reset_command_asks_first(workspace, toy_notebooks):
    path = workspace / NB
    _edit(path, "double", "def double(x):\n    return x + x  # mine")

    declined = _lab_reset(workspace, toy_notebooks, "--reset", "02_logistic", answer="n\n")
    assert declined.returncode == 1 and "nothing reset" in declined.stdout
    assert "Reset the whole notebook 02_logistic/02_logistic.ipynb" in declined.stdout
    no_answer = _lab_reset(workspace, toy_notebooks, "--reset", "02_logistic", answer="")
    assert no_answer.returncode == 1
    assert "# mine" in path.read_text() and not list(path.parent.glob("*.backup-*"))

    agreed = _lab_reset(workspace, toy_notebooks, "--reset", "2", answer="y\n")
    assert agreed.returncode == 0, agreed.stderr
    assert "# mine" not in path.read_text()
    (backup,) = path.parent.glob("02_logistic.backup-*.ipynb")
    assert "# mine" in backup.read_text()
    assert f"your previous version is kept in {backup}" in agreed.stdout
    assert "Reload Notebook from Disk" in agreed.stdout


def test_lab_reset_yes_and_usage_errors(workspace, toy_notebooks):
    _edit(workspace / NB, "double", "def double(x):\n    return x + x  # mine")
    done = _lab_reset(workspace, toy_notebooks, "--reset", "02_logistic", "--yes")
    assert done.returncode == 0, done.stderr
    assert "reset the whole notebook" in done.stdout and "[y/N]" not in done.stdout
    bad = dlcourse("lab", workspace, "--notebooks", toy_notebooks, "--reset", "02_logistic:nope")
    assert bad.returncode == 2 and "no exercise 'nope'" in bad.stderr
    stray = dlcourse("lab", workspace, "--notebooks", toy_notebooks, "--yes", "--prepare-only")
    assert stray.returncode == 2 and "--yes goes with --reset" in stray.stderr
