"""Autograde submissions in parallel with nbgrader, and say why each lost points.

Python entry point (``dlcourse autograde`` and ``dlcourse check`` build on it)::

    from graders.pipeline.autograde import autograde
    results = autograde("course", chapters=["02_logistic"], jobs=2, student="a*")
    for r in results:   # list[SubmissionResult], sorted by chapter then student
        print(r.student, r.chapter, r.status, r.score, r.reason)
        for e in r.exercises:
            print(e.function, e.points, e.max_points, e.diagnosis)

``autograde(course_dir, chapters=None, jobs=None, student=None, time_limit=None,
progress=None)`` grades every ``submitted/<student>/<chapter>/<chapter>.ipynb`` that
matches (``student`` is a shell pattern), ``jobs`` at a time (default: one per core),
each in a forked worker with a wall-clock ``time_limit`` (default
``DEFAULT_TIME_LIMIT`` s). ``progress(result)`` is called as each one finishes. Results
are stored in the gradebook (``graders.pipeline.results``), replacing older ones.

Scoring one submission is ``score_submission`` and nothing else: nbgrader's autograde
for that one notebook, then the points from the gradebook and each failed test cell's
diagnosis (the check's ``AssertionError`` message). A submission that cannot be graded
(invalid notebook, dead kernel, time limit) gets status ``failed`` with the reason; its
gradebook grades are cleared to "needs manual grade" and the notebook is flagged, so
neither nbgrader nor ``dlcourse`` ever shows it as a silent 0.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import nbformat

from graders.pipeline.course import Course, load_course
from graders.pipeline.results import (
    FAILED,
    GRADED,
    ExerciseResult,
    SubmissionResult,
    load_results,
    save_results,
)
from graders.pipeline.workers import Job, run_jobs
from graders.trusted.kernel import nbgrader_arguments as sandboxed_kernel_arguments
from graders.trusted.overlay import build_overlay
from graders.trusted.scoring import (
    UngradableError,
    canary_problems,
    snapshot_gradebook,
    trusted_scores,
)
from graders.trusted.warm import warm_kernels

DEFAULT_TIME_LIMIT = 600.0  # seconds per submission, on top of nbgrader's per-cell limit
_CHECK_ERRORS = {"AssertionError", "CheckFailure"}  # their message is the diagnosis itself
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)


class GradingError(Exception):
    """nbgrader could not grade a submission (the message says why, in one line)."""


def autograde(
    course_dir: str | Path,
    chapters: list[str] | None = None,
    jobs: int | None = None,
    student: str | None = None,
    time_limit: float | None = None,
    progress: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade the matching submissions in parallel; see the module docstring."""
    course = load_course(course_dir)
    chapters = course.check_chapters(chapters)
    todo = [
        (chapter, s)
        for chapter in chapters
        for s in course.submissions(chapter)
        if student is None or fnmatch.fnmatchcase(s, student)
    ]
    logs = course.root / "logs" / "autograde"
    job_list = [
        Job((c, s), score_submission, (str(course.root), c, s), logs / f"{c}--{s}.log")
        for c, s in todo
    ]
    previous = {(r.chapter, r.student): r.status for r in load_results(course.db_url)}
    preload_nbgrader()
    results = []
    if job_list:
        snapshot_gradebook(course)  # graders.trusted: a copy of the gradebook before each batch
    workers = jobs or os.cpu_count() or 1
    limit = time_limit or DEFAULT_TIME_LIMIT
    for tree in (None, *chapters):  # built once here, shared by the forked workers
        build_overlay(tree)
    factories = min(workers, len(job_list)) if len(job_list) > 1 else 0
    with (
        tempfile.TemporaryDirectory(prefix="dlcourse-") as scratch,
        warm_kernels(factories),  # graders.trusted.warm: a kernel factory per worker
        closing(run_jobs(job_list, workers=workers, time_limit=limit, scratch=Path(scratch)))
        as outcomes,
    ):
        for outcome in outcomes:
            chapter, name = outcome.job.key
            if outcome.ok:
                result = SubmissionResult.from_json(outcome.value)
                if previous.get((chapter, name)) == FAILED:
                    _set_flag(course, chapter, name, flagged=False)
            else:
                reason = outcome.error.removeprefix(f"{GradingError.__name__}: ")
                result = SubmissionResult(name, chapter, FAILED, reason=reason)
                mark_ungradable(course, chapter, name)
            result.seconds = outcome.seconds
            save_results(course.db_url, [result])
            results.append(result)
            if progress:
                progress(result)
    if job_list:
        _flag_batch(course, sorted({c for c, _ in todo}), results)
    return sorted(results, key=lambda r: (r.chapter, r.student))


def _flag_batch(course: Course, chapters: list[str], results: list[SubmissionResult]) -> None:
    """A known-wrong canary must score 0 after the batch, else every result is flagged."""
    problems = canary_problems(course, chapters)
    if problems:
        flag = "BATCH FLAGGED: " + "; ".join(problems)
        for result in results:
            result.reason = f"{flag}; {result.reason}" if result.reason else flag
        save_results(course.db_url, results)


def preload_nbgrader() -> None:
    """Import nbgrader's autograde machinery once, before forking the workers.

    ``nbgrader.apps`` pulls in jupyter_server and friends (about 1-3 s of CPU); imported
    here, every forked worker shares it instead of importing it again per submission.
    """
    import nbclient  # noqa: F401
    import nbgrader.api  # noqa: F401
    import nbgrader.apps.autogradeapp  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401


def score_submission(course_dir: str, chapter: str, student: str) -> str:
    """Grade one submission and return its ``SubmissionResult`` as JSON.

    This is the only place where a submission gets its points. It runs nbgrader's
    autograde for ``submitted/<student>/<chapter>/`` in *this* process (``autograde``
    calls it in a disposable forked worker), then reads each test cell's points from
    the gradebook and its diagnosis from the executed notebook.

    Parameters
    ----------
    course_dir : str
        The course directory.
    chapter, student : str

    Returns
    -------
    str
        ``SubmissionResult.to_json()`` with status ``"graded"``.

    Raises
    ------
    GradingError
        nbgrader could not grade the submission (the caller records it as failed).
    """
    course = load_course(course_dir)
    try:
        _run_nbgrader_autograde(course, chapter, student)
    except GradingError as exc:  # e.g. the notebook killed or hung nbgrader's kernel
        try:  # the trusted re-run can still grade it, exercise by exercise
            exercises, note = trusted_scores(course, chapter, student, [])
        except UngradableError:
            raise exc from None
        reason = "; ".join(filter(None, [f"nbgrader's own run failed ({exc})", note]))
        return SubmissionResult(student, chapter, GRADED, exercises, reason=reason).to_json()
    notebook = course.autograded_notebook(student, chapter)
    if not notebook.is_file():
        raise GradingError("nbgrader produced no graded notebook; see the log")
    diagnoses = read_diagnoses(notebook, hidden_sources(course.source_notebook(chapter)))
    exercises = []
    for grade_id, (points, max_points) in _gradebook_points(course, chapter, student).items():
        diagnosis = diagnoses.get(grade_id)
        if diagnosis is None and points < max_points:
            diagnosis = "no points from this test cell (was it deleted or left unrun?)"
        function = grade_id.removeprefix("test_")
        exercises.append(ExerciseResult(function, points, max_points, diagnosis))
    # The grade of record comes from the trusted out-of-kernel re-run (graders.trusted);
    # the kernel-side result above only serves to report possible tampering.
    try:
        exercises, note = trusted_scores(course, chapter, student, exercises)
    except UngradableError as exc:
        raise GradingError(str(exc)) from None
    return SubmissionResult(student, chapter, GRADED, exercises, reason=note).to_json()


def _quiet_nbgrader() -> None:
    """Silence SQLAlchemy's warning about nbgrader's own session handling.

    ``Gradebook.update_or_create_submission`` triggers an ``SAWarning`` (an nbgrader
    quirk, harmless); pytest turns RuntimeWarnings into errors and the CLI would print it.
    """
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)


def _run_nbgrader_autograde(course: Course, chapter: str, student: str) -> None:
    from nbgrader.apps.autogradeapp import AutogradeApp

    _quiet_nbgrader()
    errors = _ErrorLines()
    os.chdir(course.root)
    app = AutogradeApp()
    # the learner's notebook runs in graders.trusted's sandboxed kernel (no course, no network)
    with sandboxed_kernel_arguments() as kernel:
        app.initialize([chapter, "--student", student, "--force", *kernel])
        app.log.addHandler(errors)
        try:
            app.start()
        except SystemExit as exc:
            if exc.code:
                raise GradingError(errors.reason() or "nbgrader autograde failed") from None


class _ErrorLines(logging.Handler):
    """Keeps nbgrader's error log lines to name the cause of a failure in one line."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.extend(line for line in record.getMessage().splitlines() if line.strip())

    def reason(self) -> str | None:
        # the last line of a logged traceback is the exception itself
        exception = re.compile(r"^[\w.]+(Error|Exception|Warning|Exit)\b")
        causes = [ln for ln in self.lines if exception.match(ln)]
        return (causes or self.lines or [None])[-1]


def _gradebook_points(course: Course, chapter: str, student: str) -> dict[str, tuple[float, float]]:
    """``(points, max_points)`` of each autograded test cell, in notebook order."""
    from nbgrader.api import Gradebook

    tests = autograded_tests(course.source_notebook(chapter))
    with Gradebook(course.db_url, course.course_id) as gb:
        grades = {g.name: g for g in gb.find_submission_notebook(chapter, chapter, student).grades}
        return {
            t: (float(grades[t].auto_score or 0.0), float(grades[t].max_score))
            for t in tests
            if t in grades
        }


def autograded_tests(source_notebook: Path) -> list[str]:
    """``grade_id`` of every autograded test cell (graded code, not an answer), in order."""
    nb = nbformat.read(source_notebook, as_version=4)
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    ]


def hidden_sources(source_notebook: Path) -> list[str]:
    """The source lines of every hidden test in the instructor's notebook."""
    nb = nbformat.read(source_notebook, as_version=4)
    lines = []
    for cell in nb.cells:
        for block in _HIDDEN.findall(cell.source):
            lines += [ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 8]
    return lines


def read_diagnoses(notebook: Path, hidden: list[str]) -> dict[str, str]:
    """Why each autograded test cell of an executed notebook failed, by ``grade_id``.

    The diagnosis is the error's message (for ``AssertionError``, the check's message
    alone), or the first stderr line (nbgrader scores a cell that writes to stderr 0).
    Any hidden-test source line in it is replaced by ``[hidden test]``.
    """
    nb = nbformat.read(notebook, as_version=4)
    diagnoses = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        message = _cell_failure(cell)
        if message is not None:
            for line in hidden:
                message = message.replace(line, "[hidden test]")
            diagnoses[meta["grade_id"]] = message
    return diagnoses


def _cell_failure(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            value = _ANSI.sub("", str(out.get("evalue", ""))).strip()
            name = out.get("ename", "Error")
            if name in _CHECK_ERRORS and value:
                return value
            return f"{name}: {value}" if value else name
        if out.output_type == "stream" and out.name == "stderr":
            first = next((ln for ln in out.text.splitlines() if ln.strip()), "")
            return f"the test cell wrote to stderr (nbgrader scores that 0): {first.strip()}"
    return None


def mark_ungradable(course: Course, chapter: str, student: str) -> None:
    """Clear a submission's stale grades to "needs manual grade" and flag its notebook.

    Also removes a stale ``autograded/<student>/<chapter>/`` left by an earlier run.
    """
    stale = course.root / "autograded" / student / chapter
    if stale.exists():
        shutil.rmtree(stale)
    with warnings.catch_warnings():
        _quiet_nbgrader()
        _clear_grades(course, chapter, student)


def _clear_grades(course: Course, chapter: str, student: str) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_student(student)
        try:
            notebook = gb.find_submission_notebook(chapter, chapter, student)
        except MissingEntry:
            gb.update_or_create_submission(chapter, student)
            notebook = gb.find_submission_notebook(chapter, chapter, student)
        for grade in notebook.grades:
            grade.auto_score = None
            grade.needs_manual_grade = True
        notebook.flagged = True
        gb.db.commit()


def _set_flag(course: Course, chapter: str, student: str, *, flagged: bool) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        gb.find_submission_notebook(chapter, chapter, student).flagged = flagged
        gb.db.commit()
