"""Grade a learner's notebooks with the very engine the instructor's autograde uses.

No course directory and no nbgrader run: each notebook is executed once in the sandbox
by :class:`graders.trusted.Grader` against the course's *source* notebooks (so the hidden
tests are there) and verified in this process, with the same hidden cases, checks and
diagnoses as the grades of record. A learner's own machine may have no bubblewrap
(macOS, a laptop without root): grading then runs without the sandbox and says so in one
line, since the only code at risk is the learner's own.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from graders.exercises import CHAPTERS, EXERCISES
from graders.paths import NOTEBOOKS_DIR
from graders.results import ExerciseResult

NO_SANDBOX = ("note: bubblewrap is not installed here, so your notebook ran without the "
              "sandbox (fine for your own code; instructors always grade in one)")


@dataclass(frozen=True)
class NotebookResult:
    """The grade of one notebook: per-exercise results, or why it could not be graded."""

    path: Path
    chapter: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    error: str | None = None

    @property
    def score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_points for e in self.exercises)

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.exercises) and all(
            e.passed for e in self.exercises)


def detect_chapter(path: Path) -> str:
    """The chapter a notebook belongs to: from its name (``02_logistic.ipynb``, also
    ``02_logistic.v1a2b3c4d.ipynb``), else from the ``grade_id``s of its cells.

    Raises
    ------
    NotebookError
        If neither names a chapter.
    """
    from graders.trusted import notebook

    stem = Path(path).name.split(".")[0]
    if stem in CHAPTERS:
        return stem
    try:
        ids = set(notebook.grade_ids(notebook.read_cells(Path(path))))
    except notebook.NotebookError as exc:
        raise notebook.NotebookError(f"{path}: {exc}") from None
    overlap = {ch: sum(e.solution_id in ids for e in EXERCISES if e.chapter == ch)
               for ch in CHAPTERS}
    best = max(overlap, key=overlap.get)
    if overlap[best] == 0:
        raise notebook.NotebookError(f"{path} is not one of the course's chapter notebooks "
                           f"({', '.join(CHAPTERS)})")
    return best


def grade_notebooks(paths: list[Path], *, notebooks_dir: Path = NOTEBOOKS_DIR,
                    jobs: int | None = None, say=print) -> list[NotebookResult]:
    """Grade each notebook as a submission for its chapter, hidden tests included.

    Parameters
    ----------
    paths : list of Path
        Learner notebooks; each one's chapter comes from :func:`detect_chapter`.
    notebooks_dir : Path
        The course's nbgrader source chapters (with solutions and hidden tests).
    jobs : int, optional
        Notebooks graded at once (default: up to two).
    say : callable
        Where the one-line note goes when there is no sandbox.

    Returns
    -------
    list of NotebookResult
        In the order of ``paths``; a notebook that could not be graded has ``error`` set.
    """
    from graders.trusted import Grader
    from graders.trusted.notebook import NotebookError

    todo: list[tuple[Path, str]] = []
    results: dict[int, NotebookResult] = {}
    for index, path in enumerate(map(Path, paths)):
        try:
            chapter = detect_chapter(path)
        except NotebookError as exc:
            results[index] = NotebookResult(path, "?", error=str(exc))
            continue
        source = notebooks_dir / chapter / f"{chapter}.ipynb"
        if not source.is_file():
            results[index] = NotebookResult(path, chapter, error=f"the course in "
                                            f"{notebooks_dir} has no chapter {chapter}")
            continue
        todo.append((path, chapter))
    if todo:
        lanes = max(1, min(jobs or 2, len(todo)))
        with Grader(lanes=lanes, allow_weak_sandbox=True) as grader:
            if grader.mode == "weak":
                say(NO_SANDBOX)

            def grade(item: tuple[Path, str]) -> NotebookResult:
                path, chapter = item
                graded = grader.grade(path, chapter,
                                      source_notebook=notebooks_dir / chapter / f"{chapter}.ipynb")
                if graded.status != "graded":
                    return NotebookResult(path, chapter, error=graded.message)
                return NotebookResult(path, chapter, graded.exercises)

            with ThreadPoolExecutor(max_workers=lanes) as pool:
                graded = list(pool.map(grade, todo))
        pending = [i for i in range(len(paths)) if i not in results]
        results.update(zip(pending, graded, strict=True))
    return [results[i] for i in sorted(results)]


def _points(x: float) -> str:
    return f"{x:g}"


def _explain(diagnosis: str | None) -> str:
    if not diagnosis:
        return "no points from this test cell"
    if "NotImplementedError" in diagnosis.split(":", 1)[0] or diagnosis.startswith(
            tuple(f"{e.function} raises NotImplementedError" for e in EXERCISES)):
        return "not done yet: the function still raises NotImplementedError"
    return diagnosis


def format_result(result: NotebookResult) -> str:
    """The report ``dlcourse check`` prints for one notebook."""
    if result.error:
        return f"{result.path}: could not be graded\n  {result.error}"
    lines = [f"{result.path} (chapter {result.chapter}): "
             f"{_points(result.score)}/{_points(result.max_score)} points"]
    width = max((len(e.function) for e in result.exercises), default=0)
    for e in result.exercises:
        mark = "✓" if e.passed else "✗"
        line = f"  {mark} {e.function:<{width}}  {_points(e.points)}/{_points(e.max_points)}"
        if not e.passed:
            line += "  " + _explain(e.diagnosis).replace("\n", "\n      ")
        lines.append(line)
    if result.passed:
        from graders.learner.overview import answer_key_pointer

        lines.append("  everything passes, hidden tests included")
        lines.append("  " + answer_key_pointer(result.chapter))
    return "\n".join(lines)


def format_overview(results: list[NotebookResult]) -> str:
    """The course overview: points per chapter, which chapters pass, and the total.

    One line per chapter of the course, from its best-scoring notebook among ``results``
    (a chapter without one is "not found" and counts 0)::

        course overview:
          01_numpy           4/4   passes
          02_logistic        5/14  2 of 7 exercises pass
          ...
          total              9/51  1 of 5 chapters pass
    """
    from graders.exercises import max_score

    best: dict[str, NotebookResult] = {}
    for r in results:  # one line per chapter: its best-scoring notebook
        if r.chapter in CHAPTERS and (r.chapter not in best or r.score > best[r.chapter].score):
            best[r.chapter] = r
    lines, total, passing = ["course overview:"], 0.0, 0
    for chapter in CHAPTERS:
        r = best.get(chapter)
        got = r.score if r is not None and not r.error else 0.0
        total += got
        passing += r is not None and r.passed
        if r is None:
            state = "not found"
        elif r.error:
            state = "could not be graded"
        elif r.passed:
            state = "passes"
        else:
            done, n = sum(e.passed for e in r.exercises), len(r.exercises)
            state = f"{done} of {n} exercises pass" if n != 1 else f"{done} of 1 exercise passes"
        lines.append(f"  {chapter:<16} {_points(got):>3}/{max_score(chapter):<3}  {state}")
    course_max = sum(max_score(c) for c in CHAPTERS)
    lines.append(f"  {'total':<16} {_points(total):>3}/{course_max:<3}  "
                 f"{passing} of {len(CHAPTERS)} chapters pass")
    return "\n".join(lines)
