"""Tiny courses for the cluster tests (the pipeline tests' tiny chapters) and their grades."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pipeline_tiny as tiny

from graders.catalogue import RIGHT, WRONG
from graders.pipeline.course import Course, init_course
from graders.pipeline.release import release
from graders.pipeline.submissions import learner_notebook

ROW_MEANS = RIGHT["basics.row_means"][0].source
WRONG_AXIS = next(w for w in WRONG["basics.row_means"] if w.name == "wrong axis, keepdims").source
BROKEN = "{ this is not a notebook"


def sleeping(seconds: float, tag: str = "") -> dict[str, str]:
    """Answers whose row_means cell sleeps ``seconds`` first (then is right)."""
    return {"row_means": f"import time  # {tag}\ntime.sleep({seconds})\n{ROW_MEANS}"}


def make_course(root: Path, notebooks: Path, submissions: dict[tuple[str, str], object]) -> Course:
    """A released tiny course with ``{(student, chapter): answers}`` submitted.

    ``answers`` is None (solved), a dict of solution-cell sources, ``"untouched"``, or
    :data:`BROKEN` (written as the file's text).
    """
    course = init_course(root, notebooks_dir=notebooks)
    release(course.root)
    for (student, chapter), answers in submissions.items():
        folder = course.submitted_dir(student, chapter)
        folder.mkdir(parents=True)
        target = folder / f"{chapter}.ipynb"
        if answers == BROKEN:
            target.write_text(BROKEN)
        elif answers == "untouched":
            nbformat.write(learner_notebook(course, chapter, solved=False), target)
        else:
            nbformat.write(learner_notebook(course, chapter, answers=answers), target)
    return course


def write_notebooks(folder: Path) -> Path:
    return tiny.write_notebooks(folder)


def points(course: Course) -> dict[tuple[str, str, str], float | None]:
    """Auto-score per (student, chapter, test cell) in the gradebook; None: not graded."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[tuple[str, str, str], float | None] = {}
    with Gradebook(course.db_url, course.course_id) as gb:
        for student in sorted(p.name for p in (course.root / "submitted").iterdir()):
            for chapter in course.chapters:
                try:
                    nb = gb.find_submission_notebook(chapter, chapter, student)
                except MissingEntry:
                    continue
                for grade in nb.grades:
                    out[(student, chapter, grade.name)] = grade.auto_score
    return out
