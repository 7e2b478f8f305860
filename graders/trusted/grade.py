"""Grading one submission out of the kernel: the trusted parent's side.

The parent never runs learner code. It reads the solution cells' source, draws fresh
hidden cases, runs :mod:`graders.trusted.child` in the sandbox, and verifies the arrays
that come back against the reference itself (:mod:`graders.trusted.verify`).

A step of the child (a cell, or the calls of one function) that hangs, exhausts a limit
or ends the process is found from the child's ``progress`` file; the child is then run
again without that step, so one hostile cell costs only its own exercise.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from graders.checks import get_spec
from graders.exercises import CHAPTERS, Exercise, chapter_exercises
from graders.paths import NOTEBOOKS_DIR
from graders.trusted import notebook, sandbox, verify, wire
from graders.trusted.overlay import build_overlay
from graders.trusted.results import ExerciseResult, TrustedResult

DEFAULT_TIME_LIMIT = 20.0  # seconds of wall-clock time per child run
MAX_RUNS = 5  # one clean run, plus one more per step that had to be skipped


def grade_notebook(
    path: str | Path,
    chapter: str,
    *,
    seed: int | None = None,
    allow_weak_sandbox: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
    source_notebook: str | Path | None = None,
) -> TrustedResult:
    """Grade the submission ``path`` as ``chapter`` (see :mod:`graders.trusted`)."""
    start = time.perf_counter()
    exercises = chapter_exercises(chapter)
    seed = secrets.randbits(31) if seed is None else int(seed)
    problem = sandbox.bwrap_problem()
    if problem and not allow_weak_sandbox:
        raise sandbox.SandboxUnavailableError(
            f"refusing to grade without a sandbox: {problem}. Install bubblewrap, or allow "
            "a weaker mode that is then written into every result: allow_weak_sandbox=True, "
            "or DLCOURSE_ALLOW_WEAK_SANDBOX=1 for dlcourse autograde"
        )
    mode = "weak" if problem else "bwrap"
    result = TrustedResult(chapter, seed, "graded", "", mode)
    source = Path(source_notebook or NOTEBOOKS_DIR / chapter / f"{chapter}.ipynb")
    try:
        cells = notebook.solution_cells(Path(path), [e.function for e in exercises])
        problem = _chapter_problem(Path(path), chapter)
        if problem:
            raise notebook.NotebookError(problem)
        setup = notebook.setup_cells(source)
    except notebook.NotebookError as error:
        return _ungradable(result, exercises, str(error), start)
    with tempfile.TemporaryDirectory(prefix="dlnotes-grade-") as tmp:
        cases = {e.function: get_spec(e.module, e.function).cases(seed, hidden=True)
                 for e in exercises}
        plan = {"chapter": chapter, "setup": [c.source for c in setup],
                "cells": [[c.grade_id, c.source] for c in cells],
                "calls": [{"module": e.module, "function": e.function,
                           "cases": [_sendable(c) for c in cases[e.function]]}
                          for e in exercises]}
        outcome = _run(plan, Path(tmp), chapter, time_limit, weak=mode == "weak")
    if outcome.fatal:
        return _ungradable(result, exercises, outcome.fatal, start)
    result.exercises = [
        verify.exercise_result(e, get_spec(e.module, e.function), cases[e.function], outcome)
        for e in exercises
    ]
    passed = sum(e.passed for e in result.exercises)
    result.message = f"{passed}/{len(exercises)} exercises passed in the {mode} sandbox"
    if mode == "weak":
        result.message += f" (WEAK SANDBOX: {problem})"
    result.seconds = time.perf_counter() - start
    return result


def _sendable(case) -> dict:
    """What the child needs of a case: no expected values, no ``extra``."""
    return {"name": case.name, "args": case.args, "m": case.m, "hidden": case.hidden}


def _run(plan: dict, tmp: Path, chapter: str, time_limit: float, *, weak: bool):
    """Run the child, skipping each step that crashed or hung, until it reports back."""
    course = build_overlay(chapter)
    skipped: dict[str, str] = {}
    for attempt in range(MAX_RUNS):
        job = tmp / f"job{attempt}"
        job.mkdir()
        wire.save(str(job / "plan.json"), str(job / "plan.npz"), {**plan, "skip": list(skipped)})
        uid = sandbox.prepare_job(job, weak)
        run = sandbox.run_child(course, job, uid, time_limit=time_limit, weak=weak)
        try:
            report = wire.load(str(job / "result.json"), str(job / "result.npz"))
        except wire.WireError:
            report = None
        step = _last_step(job / "progress")
        shutil.rmtree(job, ignore_errors=True)
        if report is not None:
            return verify.Outcome.from_report(report, skipped)
        ending = _how_it_ended(run, time_limit)
        if step is None or step == "setup":
            return verify.Outcome.failed(
                f"the grading process {ending} before running the submission; "
                f"its last output: {run.stderr_tail[-300:].strip()!r}"
            )
        if step in skipped:
            break
        skipped[step] = ending
    return verify.Outcome.gave_up(skipped, ending)


STEP = re.compile(r"setup|cell:\d+:\w+|call:\w+")


def _last_step(progress: Path) -> str | None:
    """The step the child started last, from its (untrusted) progress file."""
    try:
        with wire.open_regular(str(progress)) as file:
            lines = file.read()[-4096:].decode(errors="replace").split()
    except wire.WireError:
        return None
    return lines[-1] if lines and STEP.fullmatch(lines[-1]) else None


def _how_it_ended(run: sandbox.ChildRun, time_limit: float) -> str:
    if run.timed_out:
        return f"ran past the time limit ({time_limit:g} s)"
    if run.returncode is not None and run.returncode < 0:
        return f"was killed by signal {-run.returncode} (a memory, CPU or process limit)"
    return f"ended the grading process (exit status {run.returncode}) before it finished"


def _ungradable(result: TrustedResult, exercises, message: str, start: float) -> TrustedResult:
    result.status, result.message = "ungradable", message
    result.exercises = [
        ExerciseResult(e.function, e.test_id, 0, e.points, False, f"not graded: {message}")
        for e in exercises
    ]
    result.seconds = time.perf_counter() - start
    return result


def _chapter_problem(path: Path, chapter: str) -> str | None:
    """Why the notebook is not one of ``chapter`` (None if it is).

    The chapter whose solution ``grade_id``s the notebook holds most of wins; a tie goes
    to ``chapter``, so deleting cells never makes a notebook "another chapter".
    """
    found = set(notebook.grade_ids(path))

    def matches(c: str) -> int:
        return len(found & {e.function for e in chapter_exercises(c)})

    best = max(CHAPTERS, key=lambda c: (matches(c), c == chapter))
    if matches(best) == 0:
        return f"no solution cell of {chapter} found (nbgrader grade_ids missing or renamed)"
    if best != chapter:
        return f"this is not a {chapter} notebook: its solution cells belong to {best}"
    return None


__all__ = ["DEFAULT_TIME_LIMIT", "Exercise", "grade_notebook"]
