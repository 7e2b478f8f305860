"""Grade a learner's notebooks exactly as the instructor's ``dlcourse autograde`` does.

We build a throw-away course directory from the course's *source* notebooks (so the
hidden tests are there) with the instructor pipeline's own functions, submit each
notebook as one student, and grade them with the pipeline's ``autograde``: the same code,
the same hidden cases, the same diagnoses as the grades of record.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from graders.exercises import CHAPTERS, EXERCISES
from graders.learner._env import ensure_venv_on_path
from graders.paths import NOTEBOOKS_DIR

STUDENT = "learner"


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
    see the grade, not that noise. Yields the file's path.
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


def grade_notebooks(paths: list[Path], *, notebooks_dir: Path = NOTEBOOKS_DIR,
                    jobs: int | None = None) -> list[NotebookResult]:
    """Grade each notebook as a submission for its chapter, hidden tests included.

    Parameters
    ----------
    paths : list of Path
        Learner notebooks; each one's chapter comes from :func:`detect_chapter`.
    notebooks_dir : Path
        The course's nbgrader source chapters (with solutions and hidden tests).
    jobs : int, optional
        Notebooks graded at once (default: one per core).

    Returns
    -------
    list of NotebookResult
        In the order of ``paths``; a notebook that could not be graded has ``error`` set.
    """
    from graders.pipeline.autograde import autograde
    from graders.pipeline.course import init_course
    from graders.pipeline.release import release

    ensure_venv_on_path()
    results: list[NotebookResult | None] = [None] * len(paths)
    with quiet_stderr(), tempfile.TemporaryDirectory(prefix="dlnotes-check-") as tmp:
        course = init_course(Path(tmp) / "course", notebooks_dir=notebooks_dir)
        students, chapters = {}, set()
        for index, path in enumerate(map(Path, paths)):
            try:
                chapter = detect_chapter(path)
            except GradingError as exc:
                results[index] = NotebookResult(path, "?", error=str(exc))
                continue
            if chapter not in course.chapters:
                results[index] = NotebookResult(path, chapter, error=f"the course in "
                                                f"{notebooks_dir} has no chapter {chapter}")
                continue
            student = f"{STUDENT}{index + 1}"
            folder = course.submitted_dir(student, chapter)
            folder.mkdir(parents=True)
            shutil.copy2(path, folder / f"{chapter}.ipynb")
            students[student] = (index, path)
            chapters.add(chapter)
        if chapters:
            release(course.root, sorted(chapters))
            for graded in autograde(course.root, chapters=sorted(chapters), jobs=jobs,
                                    student=f"{STUDENT}*"):
                if graded.student not in students:
                    continue
                index, path = students[graded.student]
                if graded.graded:
                    results[index] = NotebookResult(path, graded.chapter, [
                        ExerciseResult(e.function, e.points, e.max_points, e.diagnosis)
                        for e in graded.exercises])
                else:
                    results[index] = NotebookResult(path, graded.chapter,
                                                    error=graded.reason or "not graded")
    return [r for r in results if r is not None]


def _points(x: float) -> str:
    return f"{x:g}"


def _explain(diagnosis: str | None) -> str:
    if not diagnosis:
        return "no points from this test cell"
    if diagnosis.startswith("NotImplementedError"):
        return "not done yet: the function still raises NotImplementedError"
    return diagnosis


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
            line += "  " + _explain(e.diagnosis).replace("\n", "\n      ")
        lines.append(line)
    if result.passed:
        lines.append("  everything passes, hidden tests included")
    return "\n".join(lines)
