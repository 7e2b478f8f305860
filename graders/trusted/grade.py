"""Grading submissions: one execution each, in the sandbox, verified in the parent.

A :class:`Grader` holds warm sandboxes (one :class:`~graders.trusted.sandbox.Zygote` per
lane) and grades one notebook per call, from as many threads as it has lanes::

    with Grader(lanes=2) as grader:
        result = grader.grade("submitted/ada/02_logistic/02_logistic.ipynb", "02_logistic")

For a submission it

1. plans the execution (:mod:`~graders.trusted.notebook`): every code cell in order, the
   setup and test cells from the source notebook;
2. draws fresh hidden cases and asks each spec how its check calls a function
   (:func:`~graders.trusted.verify.calls_for`): only these inputs go into the sandbox;
3. runs the plan once in a fresh child. A step (a cell) that runs past its time, exhausts
   a limit or ends the process is found from the child's progress and the plan runs again
   without it, within the submission's total time, so it costs only what it takes down;
4. replays what the child recorded through the check library
   (:func:`~graders.trusted.verify.exercise_result`): points and diagnoses are the
   parent's alone. A failed exercise whose worked answer calls another failed one names
   that one to fix first (the calls are read from the source notebook).

Whether the instructor's setup cells work is established by running them alone, without
any learner code (:meth:`Grader.check_setup`: before a batch, and whenever a setup cell
failed in a submission's run): a failure there is :class:`SetupError`, never a learner's.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import secrets
import threading
import time
from dataclasses import replace
from pathlib import Path

from graders.checks import get_spec
from graders.errors import DlcourseError, SandboxUnavailableError, sandbox_instruction
from graders.exercises import CHAPTERS, chapter_exercises
from graders.paths import NOTEBOOKS_DIR
from graders.trusted import notebook, sandbox, verify, wire
from graders.trusted.overlay import build_engine, build_views, ensure_view
from graders.trusted.results import CellOutput, ExerciseResult, TrustedResult

DEFAULT_TIME_LIMIT = 30.0  # seconds of wall-clock time for a whole submission
DEFAULT_CELL_LIMIT = 15.0  # seconds one cell may run (at most half the time that is left)
MAX_STDOUT = 2000  # characters of a cell's printed output kept for the autograded copy
MAX_RUNS = 6  # one clean run, plus one more per step that had to be left out
_CLAIM = re.compile(r"✓\s*(\w+)")


class SetupError(DlcourseError):
    """The instructor's setup cells fail in the sandbox, without any learner code."""

    exit_code = 1


class Grader:
    """Warm sandboxes that grade notebooks (see the module docstring).

    Raises :class:`~graders.errors.SandboxUnavailableError` when bwrap cannot run and
    ``allow_weak_sandbox`` is false.
    """

    def __init__(self, *, lanes: int = 1, allow_weak_sandbox: bool = False):
        self.problem = sandbox.bwrap_problem()
        if self.problem and not allow_weak_sandbox:
            raise SandboxUnavailableError(sandbox_instruction(self.problem))
        self.mode = "weak" if self.problem else "bwrap"
        engine, self.views = build_engine(), build_views()
        self._free: queue.Queue = queue.Queue()
        self._zygotes = [sandbox.Zygote(engine, self.views, weak=self.mode == "weak")
                         for _ in range(max(1, lanes))]
        for zygote in self._zygotes:
            self._free.put(zygote)
        self._setup_checked: dict[str, None] = {}
        self._drawn: dict[tuple[str, int], tuple] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for zygote in self._zygotes:
            zygote.close()

    # ------------------------------------------------------------------ one submission
    def grade(self, path: str | Path, chapter: str, *, source_notebook: str | Path | None = None,
              seed: int | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
              cell_limit: float = DEFAULT_CELL_LIMIT) -> TrustedResult:
        """Grade ``path`` as ``chapter``; never raises for anything in the submission."""
        start = time.perf_counter()
        exercises = chapter_exercises(chapter)
        seed = secrets.randbits(31) if seed is None else int(seed)
        result = TrustedResult(chapter, seed, "graded", "", self.mode)
        source = Path(source_notebook or NOTEBOOKS_DIR / chapter / f"{chapter}.ipynb")
        source_cells = notebook.read_cells(source)
        try:
            cells = notebook.read_cells(Path(path))
            problem = chapter_problem(cells, chapter)
            if problem:
                raise notebook.NotebookError(problem)
            steps = notebook.plan_steps(cells, source_cells, [e.function for e in exercises])
        except notebook.NotebookError as error:
            return _ungradable(result, exercises, str(error), start)
        specs, visible, hidden, calls = self._cases(chapter, seed)
        plan = {"steps": [s.as_plan() for s in steps], "calls": calls}
        outputs, skipped, result.sandbox_cpu = self._execute(plan, chapter, time_limit,
                                                             cell_limit)
        if any(s.kind == "setup" and (s.name in skipped or outputs.get(s.name, {}).get("error"))
               for s in steps):
            self.check_setup(chapter, source_cells)  # the instructor's fault, or the learner's?
        secret = notebook.hidden_lines(source_cells)  # learner text may quote the tests
        result.cells = [_cell_output(i, s, outputs.get(s.name), skipped.get(s.name), secret)
                        for i, s in enumerate(steps)]
        for e in exercises:
            entries, test_error = _records(e.function, steps, outputs)
            found = verify.Records(visible[e.function], hidden[e.function], entries,
                                   _why_unrecorded(e.function, steps, outputs, skipped),
                                   test_error)
            verdict = verify.exercise_result(e, specs[e.function], found)
            if verdict.diagnosis is not None:
                verdict = replace(verdict, diagnosis=notebook.redact(verdict.diagnosis, secret))
            result.exercises.append(verdict)
        result.exercises = _name_failed_callees(
            result.exercises, notebook.answer_calls(source_cells, [e.function for e in exercises])
        )
        result.tampering = _claims(result, steps, outputs)
        passed = sum(e.passed for e in result.exercises)
        result.message = f"{passed}/{len(exercises)} exercises passed in the {self.mode} sandbox"
        if self.mode == "weak":
            result.message += f" (WEAK SANDBOX: {self.problem})"
        result.seconds = time.perf_counter() - start
        return result

    def _cases(self, chapter: str, seed: int) -> tuple[dict, dict, dict, dict]:
        """Specs, visible and hidden cases, and the calls the sandbox makes, per function.

        Kept for the last few (chapter, seed) pairs: a batch grades every submission of a
        chapter on the same fresh hidden cases, drawn once.
        """
        key = (chapter, seed)
        if key not in self._drawn:
            specs = {e.function: get_spec(e.module, e.function)
                     for e in chapter_exercises(chapter)}
            visible = {f: spec.cases(hidden=False) for f, spec in specs.items()}
            hidden = {f: spec.cases(seed, hidden=True) for f, spec in specs.items()}
            calls = {f: {"visible": verify.calls_for(spec, visible[f]),
                         "hidden": verify.calls_for(spec, hidden[f]),
                         "scaling": verify.scaling_calls(spec)} for f, spec in specs.items()}
            with self._lock:
                while len(self._drawn) >= 8:
                    self._drawn.pop(next(iter(self._drawn)))
                self._drawn[key] = (specs, visible, hidden, calls)
        return self._drawn[key]

    def _execute(self, plan: dict, chapter: str, time_limit: float,
                 cell_limit: float) -> tuple[dict, dict[str, str], float]:
        """Run the plan, leaving out each step that took the child down.

        Returns ``({step: its data}, {step: why it was left out or not run}, CPU seconds
        in the sandbox)``; a step's data comes from the last run that finished it.
        """
        ensure_view(self.views, chapter)
        names = {s["name"] for s in plan["steps"]}
        deadline = time.monotonic() + time_limit
        data: dict[str, dict] = {}
        skipped: dict[str, str] = {}
        cpu = 0.0
        zygote = self._free.get()
        try:
            for _ in range(MAX_RUNS):
                left = deadline - time.monotonic()
                if left < 0.5:
                    break
                step_limit = min(cell_limit, max(0.5, left / 2))
                run = zygote.run(secrets.token_hex(8), _fresh_uid(self.mode), chapter,
                                 wire.dumps({**plan, "skip": sorted(skipped)}),
                                 budget=left, step_limit=step_limit)
                cpu += run.cpu
                for frame in run.frames:
                    try:
                        step = wire.loads(*frame)
                    except wire.WireError:
                        continue
                    if isinstance(step, dict) and step.get("step") in names:
                        data[step["step"]] = step
                if run.ended == "finished":
                    break
                step = run.steps[-1] if run.steps and run.steps[-1] in names else None
                if step is None or step in skipped:
                    break
                skipped[step] = _ending(run, step_limit)
        finally:
            self._free.put(zygote)
        for name in names - set(skipped) - set(data):
            skipped[name] = ("was not run: the submission used up its time "
                             f"({time_limit:g} s) on the cells above")
        return data, skipped, cpu

    def check_setup(self, chapter: str, source_cells: list[dict]) -> None:
        """Run the instructor's setup cells alone in the sandbox; :class:`SetupError` if they
        fail."""
        setup = [c for c in source_cells if c.get("cell_type") == "code"
                 and (notebook.grade_id(c) or "").startswith("setup")]
        key = hashlib.sha256(repr([chapter, *map(notebook.cell_source, setup)]).encode())
        key = key.hexdigest()
        if key in self._setup_checked:
            return
        steps = [notebook.Step(f"cell:{i}:setup", "setup",
                               notebook.to_python(notebook.cell_source(c)))
                 for i, c in enumerate(setup)]
        outputs, skipped, _ = self._execute({"steps": [s.as_plan() for s in steps],
                                             "calls": {}}, chapter, 60.0, 60.0)
        for step in steps:
            out = outputs.get(step.name)
            error = out.get("error") if isinstance(out, dict) else None
            if step.name in skipped or not isinstance(out, dict) or error:
                why = skipped.get(step.name) or _error_text(error) or "it did not run"
                raise SetupError(f"the instructor's setup cell of {chapter} fails in the "
                                 f"grading sandbox ({verify.clean(why)}); fix the source notebook")
        self._setup_checked[key] = None


def grade_notebook(path: str | Path, chapter: str, *, seed: int | None = None,
                   allow_weak_sandbox: bool = False, time_limit: float = DEFAULT_TIME_LIMIT,
                   source_notebook: str | Path | None = None) -> TrustedResult:
    """Grade one notebook with a grader of its own (see :class:`Grader`)."""
    if chapter not in CHAPTERS:
        raise ValueError(f"unknown chapter {chapter!r}; chapters are {', '.join(CHAPTERS)}")
    with Grader(allow_weak_sandbox=allow_weak_sandbox) as grader:
        return grader.grade(path, chapter, seed=seed, time_limit=time_limit,
                            source_notebook=source_notebook)


def _records(function: str, steps: list, outputs: dict) -> tuple[list, str | None]:
    """What the child recorded after the (first) test cell of ``function``, and that
    cell's own error, if it raised."""
    for step in steps:
        if step.kind == "test" and step.function == function:
            data = outputs.get(step.name)
            if not isinstance(data, dict):
                return [], None
            found = data.get("records") if isinstance(data.get("records"), dict) else {}
            entries = found.get(function)
            error = _error_text(data.get("error")) or None
            return (entries if isinstance(entries, list) else []), error
    return [], None


def _fresh_uid(mode: str) -> int | None:
    if mode == "weak" or os.geteuid() != 0:
        return None
    low, high = sandbox.UID_RANGE
    return low + secrets.randbelow(high - low)


def _ending(run: sandbox.RunReport, step_limit: float) -> str:
    if run.ended == "step_limit":
        return f"ran past the time limit of a cell ({step_limit:.3g} s)"
    if run.ended == "time_limit":
        return "ran past the time limit of the submission"
    if run.ended == "lost":
        return "brought the grading process down"
    if run.status.startswith("signal"):
        return f"was killed ({run.status}: a memory, CPU or process limit)"
    return f"ended the grading process ({run.status}) before it finished"


def _error_text(error: object) -> str:
    if not isinstance(error, dict):
        return ""
    return f"{error.get('type', 'Error')}: {error.get('message', '')}".rstrip(": ")


def _unwritten(result: ExerciseResult) -> bool:
    """Its function is still the released stub, or not defined at all."""
    why = result.diagnosis or ""
    return (f"{result.function} raises NotImplementedError" in why
            or why.startswith(f"{result.function} is not defined"))


def _name_failed_callees(results: list[ExerciseResult],
                         calls: dict[str, frozenset[str]]) -> list[ExerciseResult]:
    """A written exercise that failed, whose worked answer calls exercises that failed too,
    says so: its failure may be theirs (``optimize`` runs the learner's ``forward``). Only
    first causes are named: a failed callee that is unwritten or whose own callees pass."""
    failed = {r.function for r in results if not r.passed}
    first = [r.function for r in results if not r.passed
             and (_unwritten(r) or not calls.get(r.function, frozenset()) & failed)]
    out = []
    for r in results:
        callees = [f for f in first if f in calls.get(r.function, ())]
        if r.diagnosis is not None and callees and not _unwritten(r):
            names = " and ".join(", ".join(callees).rsplit(", ", 1))
            one = len(callees) == 1
            r = replace(r, diagnosis=f"{r.diagnosis}. Fix {names} first: {r.function} is "
                                     f"meant to call {'it' if one else 'them'}, and "
                                     f"{'it fails its' if one else 'they fail their'} own "
                                     f"check{'' if one else 's'}")
        out.append(r)
    return out


def _cell_output(position: int, step: notebook.Step, out: object, note: str | None,
                 secret: list[str]) -> CellOutput:
    out = out if isinstance(out, dict) else {}
    stdout = out.get("stdout") if isinstance(out.get("stdout"), str) else ""
    error = _error_text(out.get("error"))
    return CellOutput(position, step.grade_id,
                      verify.clean(notebook.redact(stdout, secret), MAX_STDOUT),
                      verify.clean(notebook.redact(error, secret)), note or "")


def _why_unrecorded(function: str, steps: list, outputs: dict, skipped: dict) -> str | None:
    """Why an exercise has no record: its solution cell or its test cell, in order."""
    for step in steps:
        if step.grade_id == function and step.name in skipped:
            return f"its solution cell {skipped[step.name]}"
    solution_error = None
    for step in steps:
        out = outputs.get(step.name)
        if step.grade_id == function and isinstance(out, dict) and out.get("error"):
            solution_error = f"its solution cell raised {_error_text(out['error'])}"
    for step in steps:
        if step.kind == "test" and step.function == function:
            if step.name in skipped:
                return f"its test cell {skipped[step.name]}"
            out = outputs.get(step.name)
            error = out.get("error") if isinstance(out, dict) else None
            if isinstance(error, dict) and error.get("type") == "NameError":
                return solution_error or (f"{function} is not defined: its solution cell is "
                                          "missing or does not define it")
            if error:
                return solution_error or f"its test cell raised {_error_text(error)}"
    return solution_error


def _claims(result: TrustedResult, steps: list, outputs: dict) -> list[str]:
    """Functions whose test cell printed a ✓ that grading did not give (learner text)."""
    failed = {e.function for e in result.exercises if not e.passed}
    claimed = set()
    for step in steps:
        out = outputs.get(step.name)
        if step.kind == "test" and isinstance(out, dict) and isinstance(out.get("stdout"), str):
            claimed |= {m for m in _CLAIM.findall(out["stdout"][:4000]) if m in failed}
    return sorted(claimed)


def _ungradable(result: TrustedResult, exercises, message: str, start: float) -> TrustedResult:
    result.status, result.message = "ungradable", message
    result.exercises = [
        ExerciseResult(e.function, 0, e.points, f"not graded: {message}")
        for e in exercises
    ]
    result.seconds = time.perf_counter() - start
    return result


def chapter_problem(cells: list[dict], chapter: str) -> str | None:
    """Why the notebook is not one of ``chapter`` (None if it is).

    The chapter whose solution ``grade_id``s the notebook holds most of wins; a tie goes
    to ``chapter``, so deleting cells never makes a notebook "another chapter".
    """
    found = set(notebook.grade_ids(cells))

    def matches(c: str) -> int:
        return len(found & {e.function for e in chapter_exercises(c)})

    best = max(CHAPTERS, key=lambda c: (matches(c), c == chapter))
    if matches(best) == 0:
        return f"no solution cell of {chapter} found (nbgrader grade_ids missing or renamed)"
    if best != chapter:
        return f"this is not a {chapter} notebook: its solution cells belong to {best}"
    return None


__all__ = ["DEFAULT_TIME_LIMIT", "Grader", "SetupError", "grade_notebook"]
