"""``dlcourse autograde`` gives the same points as plain ``nbgrader autograde`` (issue 11, 6).

One course, one class of submissions per chapter (:mod:`agreement_notebooks`: solved,
learner-style correct notebooks with helper/import/constant cells, scratch cells after
test cells, raising cells and IPython magics, catalogue mistakes, an untouched and a broken
notebook; and one notebook of further IPython features). The SAME submissions are graded
twice:

(a) by plain ``nbgrader autograde CHAPTER --force`` with nbgrader's own kernel, in a copy
    of the course per chapter (each copy has its own gradebook);
(b) by :func:`graders.pipeline.autograde.autograde` on the original course.

The expected points are plain nbgrader's, read from its gradebook per test cell; dlcourse's
are read both from what ``autograde`` returns and from the gradebook it wrote. A notebook
that nbgrader cannot grade (broken JSON) and that dlcourse marks ``failed`` agrees on "no
points". The two runs go at the same time to keep the test short.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from agreement_notebooks import CORRECT, IPYTHON, write_class

from graders.exercises import chapter_exercises
from graders.pipeline.autograde import autograde
from graders.pipeline.course import Course, init_course, load_course
from graders.pipeline.release import release

# Plain nbgrader takes about 3 CPU seconds a notebook: chapters 2 and 4 by default (about
# 2 minutes on a busy 2-core machine); DLNOTES_AGREEMENT_CHAPTERS="01_numpy 02_logistic
# 03_shallow 04_deep" for more.
CHAPTERS = os.environ.get("DLNOTES_AGREEMENT_CHAPTERS", "02_logistic 04_deep").split()
BIN = Path(sys.executable).parent
NBGRADER_TIME_LIMIT = 600


@dataclass(frozen=True)
class Row:
    """One (student, chapter, exercise): what each grader gave (None: no grade at all)."""

    student: str
    chapter: str
    test_id: str
    max_points: float
    nbgrader: float | None
    dlcourse: float | None  # from autograde()'s results
    dlcourse_gradebook: float | None
    dlcourse_status: str
    diagnosis: str | None

    @property
    def agrees(self) -> bool:
        theirs = self.nbgrader or 0.0  # nbgrader could not grade it: no points
        if self.dlcourse_status != "graded":
            return self.nbgrader is None and self.student == "broken"
        return theirs == self.dlcourse == self.dlcourse_gradebook

    def describe(self) -> str:
        return (f"{self.student}/{self.chapter} {self.test_id}: nbgrader {self.nbgrader}, "
                f"dlcourse {self.dlcourse} (gradebook {self.dlcourse_gradebook}, "
                f"{self.dlcourse_status}) of {self.max_points}; diagnosis: {self.diagnosis}")


def copy_course(course: Course, target: Path) -> Course:
    """The course, its submissions and its gradebook copied to ``target``, re-rooted there."""
    shutil.copytree(course.root, target, symlinks=True)
    config = target / "nbgrader_config.py"
    config.write_text(config.read_text().replace(str(course.root), str(target)))
    return load_course(target)


def start_nbgrader(course: Course, chapter: str) -> subprocess.Popen:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NBGRADER_EXECUTION", None)  # nbgrader sets it itself
    log = (course.root / f"nbgrader-{chapter}.log").open("w")
    return subprocess.Popen([str(BIN / "nbgrader"), "autograde", chapter, "--force"],
                            cwd=course.root, env=env, stdout=log, stderr=subprocess.STDOUT)


def gradebook_points(course: Course, chapter: str, student: str) -> dict[str, float] | None:
    """``{test grade_id: points}`` of one submission in a gradebook; None if not graded."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            notebook = gb.find_submission_notebook(chapter, chapter, student)
        except MissingEntry:
            return None
        grades = {g.name: g.auto_score for g in notebook.grades}
    if any(v is None for v in grades.values()):
        return None
    return {k: float(v) for k, v in grades.items()}


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("agreement")
    course = init_course(base / "dlcourse")
    release(course.root, CHAPTERS)
    kinds = write_class(course, CHAPTERS)
    plains = {c: copy_course(course, base / f"nbgrader-{c}") for c in CHAPTERS}
    running = {c: start_nbgrader(plains[c], c) for c in CHAPTERS}
    try:
        results = autograde(course.root, chapters=CHAPTERS, jobs=2)
        for chapter, proc in running.items():
            code = proc.wait(timeout=NBGRADER_TIME_LIMIT)
            assert code in (0, 1), (chapter, code, (plains[chapter].root /
                                                    f"nbgrader-{chapter}.log").read_text())
    finally:
        for proc in running.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    ours = {(r.student, r.chapter): r for r in results}
    rows = []
    for student, chapter in kinds:
        theirs = gradebook_points(plains[chapter], chapter, student)
        result = ours[(student, chapter)]
        in_gradebook = gradebook_points(course, chapter, student) or {}
        graded = {f"test_{e.function}": e for e in result.exercises}
        for e in chapter_exercises(chapter):
            mine = graded.get(e.test_id)
            rows.append(Row(student, chapter, e.test_id, float(e.points),
                            None if theirs is None else theirs.get(e.test_id),
                            mine.points if mine and result.graded else None,
                            in_gradebook.get(e.test_id), result.status,
                            mine.diagnosis if mine else result.reason))
    return {"rows": rows, "course": course, "plains": plains, "results": ours}


def test_every_exercise_gets_the_same_points(comparison):
    rows = [r for r in comparison["rows"] if r.student != IPYTHON]
    disagreements = [r.describe() for r in rows if not r.agrees]
    print(f"compared {len(rows)} exercises in "
          f"{len({(r.student, r.chapter) for r in rows})} notebooks")
    assert disagreements == []


def test_ipython_features_get_the_same_points(comparison):
    """``display()``, ``%%writefile`` + import, ``%%timeit`` around a solution cell, ``_``:
    what nbgrader's kernel makes of them decides the points."""
    rows = [r for r in comparison["rows"] if r.student == IPYTHON]
    assert rows
    assert [r.describe() for r in rows if not r.agrees] == []


def test_learner_style_notebooks_are_correct(comparison):
    """nbgrader gives the learner-style notebooks full marks, so they test what they claim."""
    short = [r.describe() for r in comparison["rows"]
             if r.student in CORRECT and r.nbgrader != r.max_points]
    assert short == []


def test_the_class_is_mixed(comparison):
    """Mistakes and untouched notebooks lose points under nbgrader: the comparison is not
    only of full marks."""
    rows = comparison["rows"]
    for student in ("wrong0", "wrong1", "onewrong", "untouched"):
        for chapter in CHAPTERS:
            mine = [r for r in rows if r.student == student and r.chapter == chapter]
            assert any(r.nbgrader is not None and r.nbgrader < r.max_points for r in mine), \
                (student, chapter)
    lost = sum(r.nbgrader is not None and r.nbgrader < r.max_points for r in rows)
    assert lost >= 2 * sum(len(chapter_exercises(c)) for c in CHAPTERS)


def test_broken_notebooks_are_failed_not_zero(comparison):
    for chapter in CHAPTERS:
        result = comparison["results"][("broken", chapter)]
        assert result.status == "failed" and result.score is None and result.reason
        assert gradebook_points(comparison["plains"][chapter], chapter, "broken") is None
    assert all(r.graded for (student, _), r in comparison["results"].items()
               if student != "broken")


def test_dlcourse_check_gives_the_learner_style_notebooks_nbgraders_points(comparison):
    """The learner's own ``dlcourse check`` uses the same engine: the learner-style and
    IPython notebooks get, exercise by exercise, what plain nbgrader gave them."""
    from graders.learner.grading import grade_notebooks

    course = comparison["course"]
    learners = [*CORRECT, IPYTHON]
    paths = [course.submitted_dir(s, c) / f"{c}.ipynb" for s in learners for c in CHAPTERS
             if (course.submitted_dir(s, c) / f"{c}.ipynb").exists()]
    checked = {(p.parts[-3], r.chapter): r for p, r in
               zip(paths, grade_notebooks(paths, say=lambda line: None), strict=True)}
    expected = {(r.student, r.chapter, r.test_id): r.nbgrader for r in comparison["rows"]
                if r.student in learners}
    got = {(s, c, e.grade_id): e.points for (s, c), r in checked.items()
           for e in r.exercises}
    assert got == expected
