"""``dlcourse check``: a learner's grade, the instructor's way, hidden tests included."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from learner_helpers import dlcourse

from graders.catalogue import RIGHT, WRONG, load
from graders.checks.logistic import check_compute_cost
from graders.exercises import chapter_exercises, max_score
from graders.learner.grading import detect_chapter
from graders.learner.incell import check_this_notebook
from graders.learner.workspace import prepare_workspace
from graders.paths import NOTEBOOKS_DIR
from graders.trusted.notebook import NotebookError


def _set_solution(path: Path, grade_id: str, source: str) -> None:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = source
    nbformat.write(nb, path)


def test_bad_input_exits_2(tmp_path):
    assert dlcourse("check", tmp_path / "missing.ipynb").returncode == 2
    (tmp_path / "notes.txt").write_text("not a notebook")
    result = dlcourse("check", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("dlcourse check: no chapter notebooks found")


def test_in_notebook_cell_skips_under_nbgrader(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    check_this_notebook("02_logistic.ipynb")
    assert "skipped while nbgrader runs this notebook" in capsys.readouterr().out


@pytest.fixture(scope="module")
def chapter2_release(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    prepare_workspace(ws, NOTEBOOKS_DIR, tmp_path_factory.mktemp("no-data"),
                      chapters=("02_logistic",))
    return ws / "02_logistic" / "02_logistic.ipynb"


def test_real_chapter_2(tmp_path, chapter2_release):
    """The learner's release copy of chapter 2: untouched, all right, and forward, cost and
    backward done with one typical mistake, or with a cost that is right only for the sizes
    of the visible cases (m <= 20)."""
    names = ("untouched", "right", "mistake", "visible_only")
    untouched, right, mistake, visible_only = (tmp_path / n / "02_logistic.ipynb" for n in names)
    wrong_cost = next(w for w in WRONG["logistic.compute_cost"] if w.name == "no_division_by_m")
    right_cost = RIGHT["logistic.compute_cost"][0]
    small_only = right_cost.source.replace(
        "    return", "    if A.shape[1] > 20:\n        return 0.0\n    return", 1)
    check_compute_cost(load(replace(right_cost, source=small_only), {}))  # visible: passes
    for path in (untouched, right, mistake, visible_only):
        path.parent.mkdir()
        shutil.copy(chapter2_release, path)
    for e in chapter_exercises("02_logistic"):
        _set_solution(right, e.function, RIGHT[e.key][0].source)
    for copy in (mistake, visible_only):
        for function in ("forward", "compute_cost", "backward"):
            _set_solution(copy, function, RIGHT[f"logistic.{function}"][0].source)
    _set_solution(mistake, "compute_cost", wrong_cost.source)
    _set_solution(visible_only, "compute_cost", small_only)

    result = dlcourse("check", tmp_path)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    reports = {name: block for name, block in re.findall(
        r"/(untouched|right|mistake|visible_only)/02_logistic\.ipynb (.*?)(?=\n\S|\Z)", out, re.S)}
    assert set(reports) == set(names), out
    full = max_score("02_logistic")
    assert f"{full}/{full} points" in reports["right"], reports["right"]
    assert "everything passes" in reports["right"]
    assert f"0/{full} points" in reports["untouched"]
    for function in ("forward", "compute_cost", "backward"):
        line = next(ln for ln in reports["untouched"].splitlines() if f" {function} " in ln)
        assert "✗" in line and "NotImplementedError" in line, line
    assert f"5/{full} points" in reports["mistake"]
    line = next(ln for ln in reports["mistake"].splitlines() if "compute_cost" in ln)
    assert re.search(r"✗ compute_cost\s+0/2", line)
    assert re.search(wrong_cost.diagnosis, line, re.I), line
    assert re.search(r"✓ forward\s+2/2", reports["mistake"])
    assert f"5/{full} points" in reports["visible_only"]
    assert re.search(r"✗ compute_cost\s+0/2", reports["visible_only"])
    assert result.stderr == ""


def test_chapter_from_name_or_from_grade_ids(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("", metadata={"nbgrader": {"grade_id": gid}})
                for gid in ("setup", "linear_forward", "deep_backward")]
    renamed = tmp_path / "my attempt.ipynb"
    nbformat.write(nb, renamed)
    assert detect_chapter(renamed) == "04_deep"
    assert detect_chapter(tmp_path / "02_logistic.v1a2b3c4d.ipynb") == "02_logistic"
    nb.cells = nb.cells[:1]
    nbformat.write(nb, renamed)
    with pytest.raises(NotebookError, match="not one of the course's chapter notebooks"):
        detect_chapter(renamed)
