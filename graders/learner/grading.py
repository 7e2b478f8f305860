"""Grade one learner's notebook the way the instructor's ``dlcourse autograde`` does.

We build a throw-away course directory from the course's *source* notebooks (so the
hidden tests are there), submit the learner's notebook as the only student, autograde it
with nbgrader, and read the scores back from the gradebook; the diagnosis of a failed
exercise is the error its test cell raised.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from graders.exercises import CHAPTERS, EXERCISES
from graders.learner._env import ensure_venv_on_path
from graders.learner.release import nbgrader_api
from graders.paths import NOTEBOOKS_DIR

STUDENT = "learner"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class GradingError(Exception):
    """The notebook cannot be graded (not a chapter notebook, unreadable, ...)."""


@dataclass(frozen=True)
class ExerciseResult:
    """One graded exercise: its test cell's score and, when it failed, why."""

    name: str
    score: float
    max_score: float
    diagnosis: str | None = None

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


@dataclass(frozen=True)
class NotebookResult:
    """The grade of one notebook: per-exercise results, or why it could not be graded."""

    path: Path
    chapter: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    error: str | None = None

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.exercises) and all(
            e.passed for e in self.exercises)


def detect_chapter(path: Path) -> str:
    """The chapter a notebook belongs to: from its name (``02_logistic.ipynb``, also
    ``02_logistic.v1a2b3c4d.ipynb``), else from the ``grade_id``s of its cells.

    Raises
    ------
    GradingError
        If neither names a chapter.
    """
    stem = Path(path).name.split(".")[0]
    if stem in CHAPTERS:
        return stem
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        raise GradingError(f"{path} is not a readable notebook: {exc}") from exc
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    overlap = {ch: sum(e.solution_id in ids for e in EXERCISES if e.chapter == ch)
               for ch in CHAPTERS}
    best = max(overlap, key=overlap.get)
    if overlap[best] == 0:
        raise GradingError(f"{path} is not one of the course's chapter notebooks "
                           f"({', '.join(CHAPTERS)})")
    return best


@contextlib.contextmanager
def quiet_stderr() -> Iterator[Path]:
    """Send file descriptor 2 (ours and the grading kernels') to a temporary file.

    nbgrader, SQLAlchemy and the kernels it starts log to stderr; the learner should
    see the grade, not that noise. Yields the file's path, to show it when grading fails.
    """
    with tempfile.NamedTemporaryFile(prefix="dlnotes-stderr-", suffix=".log") as log:
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield Path(log.name)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _diagnosis(cell) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", ""), _ANSI.sub("", output.get("evalue", ""))
            if ename == "NotImplementedError":
                return "not done yet: the function still raises NotImplementedError"
            if ename == "AssertionError" and evalue:
                return evalue.strip()
            return f"{ename}: {evalue}".strip(": ")
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return "the cell wrote to stderr (nbgrader scores that as 0): " + \
                _ANSI.sub("", output.get("text", "")).strip()[:300]
    return "the test cell did not pass"


def _results(course_root: Path, chapter: str) -> list[ExerciseResult]:
    from nbgrader.api import Gradebook

    autograded = course_root / "autograded" / STUDENT / chapter / f"{chapter}.ipynb"
    nb = nbformat.read(autograded, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    order = list(cells)
    api = nbgrader_api(course_root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        submitted = gradebook.find_submission_notebook(chapter, chapter, STUDENT)
        grades = [(g.name, g.score, g.max_score) for g in submitted.grades
                  if g.max_score and g.cell_type == "code"]
    grades.sort(key=lambda g: order.index(g[0]) if g[0] in order else len(order))
    results = []
    for name, score, max_score in grades:
        label = name.removeprefix("test_")
        diagnosis = None if score >= max_score else _diagnosis(cells.get(name, {}))
        results.append(ExerciseResult(label, float(score), float(max_score), diagnosis))
    return results


def grade_notebooks(paths: list[Path], *, notebooks_dir: Path = NOTEBOOKS_DIR
                    ) -> list[NotebookResult]:
    """Grade each notebook as its chapter's submission, hidden tests included.

    Parameters
    ----------
    paths : list of Path
        Learner notebooks; each one's chapter comes from :func:`detect_chapter`.
    notebooks_dir : Path
        The course's nbgrader source chapters (with solutions and hidden tests).

    Returns
    -------
    list of NotebookResult
        In the order of ``paths``; a notebook that could not be graded has ``error`` set.
    """
    from graders.pipeline.course import init_course

    ensure_venv_on_path()
    results = []
    with quiet_stderr(), tempfile.TemporaryDirectory(prefix="dlnotes-check-") as tmp:
        course_root = Path(tmp) / "course"
        course = init_course(course_root, notebooks_dir=notebooks_dir)
        api = nbgrader_api(course_root)
        released = set()
        for path in paths:
            path = Path(path)
            try:
                chapter = detect_chapter(path)
                nbformat.read(path, as_version=4)
            except (GradingError, Exception) as exc:
                results.append(NotebookResult(path, "?", error=str(exc)))
                continue
            if chapter not in course.chapters:
                results.append(NotebookResult(path, chapter, error=f"the course in "
                                              f"{notebooks_dir} has no chapter {chapter}"))
                continue
            if chapter not in released:
                made = api.generate_assignment(chapter)
                if not made["success"]:
                    raise GradingError(f"nbgrader could not set up {chapter}: {made['log']}")
                released.add(chapter)
            submitted = course_root / "submitted" / STUDENT / chapter
            if submitted.exists():
                shutil.rmtree(submitted)
            submitted.mkdir(parents=True)
            shutil.copy2(path, submitted / f"{chapter}.ipynb")
            graded = api.autograde(chapter, STUDENT)
            if not graded["success"]:
                results.append(NotebookResult(path, chapter, error="nbgrader could not grade "
                                              f"it:\n{graded.get('log', '')[-2000:]}"))
                continue
            results.append(NotebookResult(path, chapter, _results(course_root, chapter)))
    return results


def _points(x: float) -> str:
    return f"{x:g}"


def format_result(result: NotebookResult) -> str:
    """The report ``dlcourse check`` prints for one notebook."""
    if result.error:
        return f"{result.path}: could not be graded\n  {result.error}"
    lines = [f"{result.path} (chapter {result.chapter}): "
             f"{_points(result.score)}/{_points(result.max_score)} points"]
    width = max((len(e.name) for e in result.exercises), default=0)
    for e in result.exercises:
        mark = "✓" if e.passed else "✗"
        line = f"  {mark} {e.name:<{width}}  {_points(e.score)}/{_points(e.max_score)}"
        if not e.passed:
            line += "  " + (e.diagnosis or "").replace("\n", "\n      ")
        lines.append(line)
    if result.passed:
        lines.append("  everything passes, hidden tests included")
    return "\n".join(lines)
