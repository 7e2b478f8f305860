"""Autograde submissions with the grading engine, in parallel, into nbgrader's gradebook.

Python entry point (``dlcourse autograde`` builds on it)::

    from graders.pipeline.autograde import autograde
    results = autograde("course", chapters=["02_logistic"], jobs=2, student="a*")
    for r in results:   # list[SubmissionResult], sorted by chapter then student
        print(r.student, r.chapter, r.status, r.score, r.reason)
        for e in r.exercises:
            print(e.function, e.points, e.max_points, e.diagnosis)

``autograde(course_dir, chapters=None, jobs=None, student=None, time_limit=None,
progress=None)`` grades every ``submitted/<student>/<chapter>/<chapter>.ipynb`` that
matches (``student`` is a shell pattern), ``jobs`` at a time (default: one per core), each
executed once in the sandbox by a :class:`graders.trusted.Grader` in one of the
:mod:`~graders.pipeline.lanes`, within ``time_limit`` seconds in all (default
``DEFAULT_TIME_LIMIT``), on hidden cases drawn afresh for each chapter of the batch.
``progress(result)`` is called as each one finishes.

Only this process writes (the lanes only grade): a snapshot of the gradebook, then the
student and submission rows of the whole batch (:mod:`graders.pipeline.gradebook`) while
the first submissions are graded, and only then, for each submission, its test cells'
scores, an autograded copy of the notebook whose test cells show this run's verdicts
(:mod:`graders.pipeline.autograded`), and a ``dlcourse_result`` row
(:mod:`graders.pipeline.results`). A submission that cannot be graded (an unreadable
notebook, a gradebook error) gets status ``failed`` with the reason and "needs manual
grade" in nbgrader, never a silent 0; the batch goes on. After the batch a known-wrong
canary must score 0 (:mod:`graders.pipeline.canary`). Set
``DLCOURSE_ALLOW_WEAK_SANDBOX=1`` to grade where bwrap cannot run (every result says so).

With ``broker="redis://..."`` the submissions are graded by ``dlcourse worker`` processes
instead of local lanes (:mod:`graders.cluster`; ``task_time_limit`` is each task's hard
limit there); this process still writes everything, the same way. Without it, nothing of
Celery is imported.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import os
import secrets
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from dataclasses import replace
from itertools import chain
from pathlib import Path

from graders.errors import SandboxUnavailableError, sandbox_instruction
from graders.pipeline.autograded import autograded_notebook, remove_autograded, write_autograded
from graders.pipeline.canary import canary_problems
from graders.pipeline.course import Course, load_course
from graders.pipeline.gradebook import (
    gradebook,
    mark_ungradable,
    prepare_submissions,
    snapshot_gradebook,
    write_grades,
)
from graders.pipeline.lanes import Lanes
from graders.pipeline.results import (
    FAILED,
    GRADED,
    SubmissionResult,
    results_engine,
    save_results,
)
from graders.trusted import TrustedResult
from graders.trusted.grade import DEFAULT_TIME_LIMIT
from graders.trusted.sandbox import bwrap_problem, weak_sandbox_allowed

TAMPERING = "possible tampering"
log = logging.getLogger("dlcourse.autograde")


def autograde(
    course_dir: str | Path,
    chapters: list[str] | None = None,
    jobs: int | None = None,
    student: str | None = None,
    time_limit: float | None = None,
    progress: Callable[[SubmissionResult], None] | None = None,
    broker: str | None = None,
    task_time_limit: float | None = None,
) -> list[SubmissionResult]:
    """Grade the matching submissions in parallel; see the module docstring."""
    course = load_course(course_dir)
    chapters = course.check_chapters(chapters)
    todo = [(chapter, s) for chapter in chapters for s in course.submissions(chapter)
            if student is None or fnmatch.fnmatchcase(s, student)]
    if not todo:
        return []
    workers = max(1, jobs or os.cpu_count() or 1)
    limit = time_limit or DEFAULT_TIME_LIMIT
    seeds = {chapter: secrets.randbits(31) for chapter in chapters}  # fresh hidden cases
    results: list[SubmissionResult] = []
    with _backend(broker, min(workers, len(todo)), task_time_limit) as grading:
        for chapter in sorted({c for c, _ in todo}):  # the instructor's setup, without learners
            grading.check_setup(chapter, course.source_notebook(chapter))
        snapshot_gradebook(course)
        for c, s in todo:
            grading.submit((c, s), course.submitted_dir(s, c) / f"{c}.ipynb", c,
                           course.source_notebook(c), time_limit=limit, seed=seeds[c])
        # the lanes or workers only grade; this thread alone writes, the rows first
        unready = prepare_submissions(course, todo)
        grading.cancel(unready)
        store = results_engine(course.db_url)
        try:
            with gradebook(course) as gb:
                for (chapter, name), outcome in chain(unready.items(), grading.completed()):
                    result = _record(course, gb, chapter, name, outcome)
                    save_results(course.db_url, [result], engine=store)
                    results.append(result)
                    if progress:
                        progress(result)
        finally:
            store.dispose()
        problems = canary_problems(course, sorted({c for c, _ in todo}), grading)
    if problems:
        flag = "BATCH FLAGGED: " + "; ".join(problems)
        for result in results:
            result.reason = f"{flag}; {result.reason}" if result.reason else flag
        save_results(course.db_url, results)
    return sorted(results, key=lambda r: (r.chapter, r.student))


def _backend(broker: str | None, jobs: int, task_time_limit: float | None):
    """Where submissions are graded: ``jobs`` local lanes, or the workers of ``broker``."""
    if broker:
        from graders.cluster.client import BrokerGrading  # Celery only when asked for

        return BrokerGrading(broker, task_time_limit=task_time_limit)
    weak = weak_sandbox_allowed()
    problem = bwrap_problem()
    if problem and not weak:
        raise SandboxUnavailableError(sandbox_instruction(problem))
    return _LocalGrading(jobs, weak)


class _LocalGrading:
    """The local grading backend: :class:`Lanes`, with the broker backend's methods
    (``submit``, ``cancel``, ``completed`` yielding ``((chapter, student), outcome)``,
    ``check_setup`` and ``grade`` for the canary)."""

    def __init__(self, jobs: int, weak: bool):
        self.lanes = Lanes(jobs, allow_weak_sandbox=weak)
        self.futures: dict[Future, tuple[str, str]] = {}
        self.check_setup, self.grade = self.lanes.check_setup, self.lanes.grade

    def __enter__(self) -> _LocalGrading:
        return self

    def __exit__(self, *exc) -> None:
        self.lanes.__exit__(*exc)

    def submit(self, key: tuple[str, str], path: Path, chapter: str, source: Path, *,
               time_limit: float, seed: int) -> None:
        self.futures[self.lanes.submit(path, chapter, source, time_limit=time_limit,
                                       seed=seed)] = key

    def cancel(self, keys) -> None:
        for future in [f for f, key in self.futures.items() if key in keys]:
            future.cancel()
            del self.futures[future]

    def completed(self):
        for future in as_completed(self.futures):
            yield self.futures[future], future


def _record(course: Course, gb, chapter: str, student: str,
            outcome: Future | str) -> SubmissionResult:
    """Store one submission's grading in the gradebook; its result (failed on any error)."""
    from sqlalchemy.exc import SQLAlchemyError

    parts = ("autograded", student, chapter)
    try:
        if isinstance(outcome, str):
            raise _NotGradedError(outcome)
        trusted = outcome.result()
        if trusted.status != GRADED:
            raise _NotGradedError(trusted.message)
        result = submission_result(student, chapter, trusted)
        points = {e.grade_id: float(e.points) for e in trusted.exercises}
        write_grades(gb, chapter, student, points, flagged=bool(trusted.tampering))
        content = autograded_notebook(course.submitted_dir(student, chapter) / f"{chapter}.ipynb",
                                      course.source_notebook(chapter), trusted)
        write_autograded(course.root, parts, f"{chapter}.ipynb", json.dumps(content).encode())
        return result
    except _NotGradedError as failure:
        reason = str(failure)
    except SQLAlchemyError as error:
        gb.db.rollback()
        reason = f"the gradebook could not be written ({type(error).__name__}); see the log"
        log.error("gradebook error for %s %s: %s", student, chapter, error)
    except Exception as error:  # a bug must cost one submission, not the batch
        reason = f"grading failed unexpectedly ({type(error).__name__}); see the log"
        log.exception("grading %s %s failed", student, chapter)
    try:
        mark_ungradable(gb, chapter, student)
        remove_autograded(course.root, parts, f"{chapter}.ipynb")
    except (SQLAlchemyError, OSError) as error:
        gb.db.rollback()
        log.error("could not mark %s %s ungradable: %s", student, chapter, error)
    return SubmissionResult(student, chapter, FAILED, reason=reason)


class _NotGradedError(Exception):
    """A submission that could not be graded; the message says why."""


def submission_result(student: str, chapter: str, trusted: TrustedResult) -> SubmissionResult:
    """The stored result of a graded submission (diagnoses, tampering and sandbox notes)."""
    exercises = [
        replace(e, diagnosis=f"{TAMPERING}: its test cell printed a pass that grading did "
                             f"not give: {e.diagnosis}")
        if e.function in trusted.tampering else e
        for e in trusted.exercises
    ]
    notes = []
    if trusted.tampering:
        notes.append(f"{TAMPERING}: the test cell of {', '.join(trusted.tampering)} printed a "
                     f"pass that grading did not give (seed {trusted.seed})")
    if trusted.sandbox != "bwrap":
        notes.append(f"graded in the WEAK sandbox: {trusted.message}")
    return SubmissionResult(student, chapter, GRADED, exercises, reason="; ".join(notes) or None,
                            seconds=trusted.seconds, cpu=trusted.sandbox_cpu)
