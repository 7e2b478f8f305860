"""The parent's verdict: plain arrays from the child, checked against the reference here.

Nothing the child reports earns a point by itself. For each hidden case the parent
requires plain float64 ndarrays of exactly the reference's keys and shapes with finite
values, and runs ``spec.verify`` (the check library's comparison and diagnoses, with the
reference captured in this process). Messages from the child (an exception it caught, a
structural ``CheckFailure``) only explain a failure; they are shortened and cleaned.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from graders.checks import CheckFailure
from graders.exercises import Exercise
from graders.trusted.results import ExerciseResult

MAX_MESSAGE = 500
_UNPRINTABLE = re.compile(r"[^\t\n\x20-\x7e\u00a0-\uffff]")


@dataclass
class Outcome:
    """What the child runs produced, before verification (everything here is untrusted).

    ``fatal`` makes the submission ungradable; ``skipped`` maps a step the parent had to
    leave out (``cell:<i>:<grade_id>`` or ``call:<function>``) to how it ended the child.
    """

    fatal: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    cell_errors: dict[str, str] = field(default_factory=dict)
    calls: dict[str, object] = field(default_factory=dict)
    gave_up_reason: str | None = None

    @classmethod
    def from_report(cls, report: object, skipped: dict[str, str]) -> Outcome:
        if not isinstance(report, dict):
            return cls(fatal="the grading process returned a malformed report")
        if report.get("setup_error"):
            return cls(fatal=f"the instructor's setup cell failed: {clean(report['setup_error'])}")
        cell_errors = report.get("cell_errors")
        calls = report.get("calls")
        return cls(
            skipped=dict(skipped),
            cell_errors=cell_errors if isinstance(cell_errors, dict) else {},
            calls=calls if isinstance(calls, dict) else {},
        )

    @classmethod
    def failed(cls, message: str) -> Outcome:
        return cls(fatal=message)

    @classmethod
    def gave_up(cls, skipped: dict[str, str], ending: str) -> Outcome:
        return cls(skipped=dict(skipped), gave_up_reason=f"its code {ending} repeatedly")

    def cell_problem(self, function: str) -> str | None:
        """Why ``function``'s solution cell failed (skipped or raised), if it did."""
        for steps, verb in ((self.skipped, ""), (self.cell_errors, "raised ")):
            for step, message in steps.items():
                if isinstance(step, str) and step.startswith("cell:") and step.endswith(
                    f":{function}"
                ):
                    return f"its solution cell {verb}{clean(message)}"
        return None


def clean(message: object) -> str:
    """A child's message made safe to show: printable, one paragraph, bounded."""
    text = _UNPRINTABLE.sub("?", str(message))
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def exercise_result(exercise: Exercise, spec, cases: list, outcome: Outcome) -> ExerciseResult:
    """The trusted verdict on one exercise: all hidden cases pass, or 0 with a diagnosis."""

    def verdict(problem: str | None) -> ExerciseResult:
        passed = problem is None
        return ExerciseResult(
            exercise.function, exercise.test_id, exercise.points if passed else 0,
            exercise.points, passed, "" if passed else clean(problem),
        )  # fmt: skip

    function = exercise.function
    if f"call:{function}" in outcome.skipped:
        return verdict(f"calling {function} {outcome.skipped[f'call:{function}']}")
    entries = outcome.calls.get(function)
    if entries is None:
        problem = outcome.cell_problem(function) or outcome.gave_up_reason
        return verdict(problem or "no result came back from it")
    if not isinstance(entries, list) or len(entries) != len(cases):
        return verdict("the grading process returned a malformed result")
    for case, entry in zip(cases, entries, strict=True):
        if isinstance(entry, dict) and entry.get("missing"):
            return verdict(
                outcome.cell_problem(function)
                or f"{function} is not defined: its solution cell is missing or does not define it"
            )
        problem = check_case(spec, case, entry)
        if problem is not None:
            return verdict(problem)
    return verdict(None)


def check_case(spec, case, entry: object) -> str | None:
    """None if the child's result for ``case`` matches the reference, else why not."""
    label = spec.label(case)
    if not isinstance(entry, dict):
        return f"{label}: malformed result"
    if "error" in entry:
        return str(entry["error"])
    flat = entry.get("flat")
    if not isinstance(flat, dict) or not all(
        isinstance(k, str) and type(v) is np.ndarray for k, v in flat.items()
    ):
        return f"{label}: malformed result"
    for key, array in flat.items():
        if array.dtype.kind not in "biuf":
            return f"{label}: {key} has dtype {array.dtype}, expected float64"
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The numerical-gradient cross-check detects a patched reference in the
            # learner's kernel; here the reference is the parent's own, so it is skipped.
            replace(spec, numerical=None).verify(flat, case)
    except CheckFailure as failure:
        return str(failure)
    except Exception as error:  # a diagnosis tripped over an odd result: still a failure
        return f"{label}: the result could not be compared ({type(error).__name__})"
    for key, array in flat.items():  # what verify already implies, checked once more here
        if array.dtype != np.float64 or not bool(np.all(np.isfinite(array))):
            return f"{label}: {key} must be finite float64 values"
    fp = entry.get("fp", [])
    if isinstance(fp, list) and set(map(str, fp)) & set(spec.fail_on_fp):
        return f"{label}: {spec.fp_message}"
    return None
