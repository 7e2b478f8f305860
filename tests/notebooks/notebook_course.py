"""Helpers for the notebook tests: the chapter notebooks, a throw-away nbgrader course,
and scores read back from its gradebook with nbgrader's own API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from graders.exercises import chapter_exercises
from graders.paths import NOTEBOOKS_DIR, REPO_ROOT

COURSE_ID = "dlnotes-notebook-tests"


def notebook_file(chapter: str) -> Path:
    return NOTEBOOKS_DIR / chapter / f"{chapter}.ipynb"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def cells_by_grade_id(nb) -> dict[str, nbformat.NotebookNode]:
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c)}


def make_course(root: Path, chapter: str) -> Path:
    """An nbgrader course in ``root`` whose only assignment is ``chapter``; returns root."""
    source = root / "source" / chapter
    source.mkdir(parents=True)
    (source / f"{chapter}.ipynb").write_bytes(notebook_file(chapter).read_bytes())
    config = f"""\
c = get_config()  # noqa: F821
c.CourseDirectory.root = {json.dumps(str(root))}
c.CourseDirectory.course_id = {json.dumps(COURSE_ID)}
c.CourseDirectory.db_url = {json.dumps(db_url(root))}
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"
"""
    (root / "nbgrader_config.py").write_text(config)
    return root


def db_url(root: Path) -> str:
    return f"sqlite:///{root / 'gradebook.db'}"


def nbgrader(root: Path, *args: str, timeout: float = 2400) -> subprocess.CompletedProcess:
    """Run the real nbgrader command line in the course ``root``; fail loudly on error."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"nbgrader {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def release(root: Path, chapter: str) -> nbformat.NotebookNode:
    """``nbgrader generate_assignment`` and the release notebook it wrote."""
    nbgrader(root, "generate_assignment", chapter, "--force")
    return read_notebook(root / "release" / chapter / f"{chapter}.ipynb")


def submit(root: Path, chapter: str, student: str, nb) -> None:
    folder = root / "submitted" / student / chapter
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{chapter}.ipynb")


def with_solutions(release_nb, solutions: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of the release notebook with solution cells' sources replaced by grade_id."""
    nb = nbformat.from_dict(json.loads(json.dumps(release_nb)))
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in solutions:
            cell.source = solutions[grade_id]
    return nb


def scores(root: Path, chapter: str, students: list[str]) -> dict[str, dict[str, float]]:
    """``{student: {test grade_id: score}}`` from the gradebook after autograde."""
    out = {}
    with Gradebook(db_url(root)) as gradebook:
        for student in students:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            out[student] = {grade.name: grade.score for grade in notebook.grades}
    return out


def max_scores(chapter: str) -> dict[str, float]:
    return {e.test_id: float(e.points) for e in chapter_exercises(chapter)}


def ruff_check(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *map(str, paths)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
