"""The parent's verdict: what the child recorded, replayed through the check library here.

The child only calls the learner's function and describes what came back as plain data.
The parent decides everything with the same check library the notebooks use, so the
messages are the kernel-side ones:

- :func:`calls_for` asks a spec how its check calls a function on each case (one call, or
  several with seeded generators for an initializer) by calling it with a probe;
- :func:`replay` gives the spec, in place of the learner's function, one that returns
  the child's described results (:func:`rebuild`), raises its exceptions again, changes
  the inputs it changed and raises the floating-point errors it raised; then flattens and
  verifies as the kernel-side check does (the numerical cross-check aside: the parent's
  reference is its own);
- :func:`exercise_result` turns one exercise's records into points and a diagnosis.

Nothing from the child earns a point by itself; its texts only explain a failure, shortened
and cleaned (:func:`clean`).
"""

from __future__ import annotations

import builtins
import re
import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from graders.checks import Case, CheckFailure
from graders.exercises import Exercise
from graders.trusted.results import ExerciseResult

MAX_MESSAGE = 500
_UNPRINTABLE = re.compile(r"[^\t\n\x20-\x7e\u00a0-\uffff]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_FP_TRIGGERS = {
    "divide": lambda: np.divide(1.0, np.zeros(1)),
    "overflow": lambda: np.multiply(np.full(1, 1e308), 10.0),
    "invalid": lambda: np.subtract(np.full(1, np.inf), np.inf),
    "underflow": lambda: np.multiply(np.full(1, 1e-308), 1e-308),
}


def clean(message: object, limit: int = MAX_MESSAGE) -> str:
    """A child's text made safe to show: printable, bounded to ``limit`` characters."""
    text = _UNPRINTABLE.sub("?", str(message))
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------- what to call
def calls_for(spec, cases: list[Case]) -> list[list[dict]]:
    """For each case, the calls ``spec``'s check makes: ``[{"args", "kwargs"}]``."""
    plans = []
    for case in cases:
        calls: list[dict] = []

        def probe(*args, calls=calls, **kwargs):
            calls.append({"args": list(args), "kwargs": dict(kwargs)})

        state = np.random.get_state()
        try:
            spec.run(probe, case)
        except CheckFailure:
            pass
        finally:
            np.random.set_state(state)
        plans.append(calls)
    return plans


def scaling_calls(spec) -> list[list[dict]] | None:
    """The two calls (m = 4 and m = 40) of the vectorization check, or None."""
    if spec.scaling_case is None:
        return None
    rng = np.random.default_rng(spec.seed + 2)
    return [[{"args": list(spec.scaling_case(rng, m).args), "kwargs": {}}] for m in (4, 40)]


# ---------------------------------------------------------------- rebuilding values
def _learner_class(name: object, base: type) -> type:
    """A stand-in class named like the learner's (no code of theirs in it)."""
    text = str(name)
    label = text if _NAME.fullmatch(text) else "object"
    return type(label, (base,), {})


def rebuild(node: Any) -> Any:
    """The value a :func:`graders.trusted.child.describe` node stands for."""
    if not isinstance(node, dict) or len(node) != 1:
        raise CheckFailure("the grading process returned a malformed result")
    ((kind, body),) = node.items()
    if kind == "plain" and (body is None or type(body) in (bool, int, float, str)):
        return body
    if kind == "array" and type(body) is np.ndarray:
        return body
    if kind == "scalar" and type(body) is np.ndarray and body.shape == ():
        return body[()]
    if kind == "subarray":
        return np.zeros(1).view(_learner_class(body, np.ndarray))
    if kind in ("tuple", "list") and isinstance(body, list):
        items = [rebuild(v) for v in body]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict" and isinstance(body, list):
        out = {}
        for pair in body:
            key, value = (rebuild(v) for v in pair)
            try:
                out[key] = value
            except TypeError:
                raise CheckFailure("the result has a dict key that cannot be a key") from None
        return out
    if kind == "subclass" and isinstance(body, list) and len(body) == 4:
        name, module, base_name, inner = body
        base = {"tuple": tuple, "list": list, "dict": dict, "float": float, "int": int,
                "str": str}.get(base_name, object)
        value = rebuild(inner)
        real = _dlnotes_class(module, name, base)
        return real(*value) if real is not None else _learner_class(name, base)(value)
    if kind == "object":
        return _learner_class(body, object)()
    raise CheckFailure("the grading process returned a malformed result")


def _dlnotes_class(module: object, name: object, base: type) -> type | None:
    """A dlnotes named tuple (a cache) named by the child, from the parent's own dlnotes."""
    import importlib

    if base is not tuple or not str(module).startswith("dlnotes.") or not _NAME.fullmatch(
            str(name)):
        return None
    try:
        cls = getattr(importlib.import_module(str(module)), str(name))
    except (ImportError, AttributeError):
        return None
    return cls if isinstance(cls, type) and issubclass(cls, tuple) and hasattr(
        cls, "_fields") else None


def rebuild_exception(info: dict) -> BaseException:
    """An exception like the learner's: a builtin type by name, else a stand-in class."""
    name = str(info.get("type", "Exception"))
    cls = getattr(builtins, name, None) if info.get("builtin") else None
    if not (isinstance(cls, type) and issubclass(cls, Exception | SystemExit)):
        cls = _learner_class(name, Exception)
    args = info.get("args")
    try:
        if isinstance(args, list):
            return cls(*[a if isinstance(a, str | int | float) else str(a) for a in args])
        return cls(str(info.get("message", "")))
    except Exception:
        return _learner_class(name, Exception)(str(info.get("message", "")))


def _modify(args: tuple, changed: dict) -> None:
    """Change the inputs in place the way the learner's function did (so the check sees it)."""
    for index, node in changed.items():
        try:
            target = args[int(index)]
        except (ValueError, IndexError):
            continue
        try:
            after = rebuild(node)
        except CheckFailure:
            after = None
        if isinstance(target, np.ndarray):
            if isinstance(after, np.ndarray) and after.shape == target.shape:
                target[...] = after
            else:
                target.flat[0] = np.nan if target.dtype.kind == "f" else target.flat[0] + 1
        elif isinstance(target, dict):
            target["<changed>"] = after
        elif isinstance(target, list):
            target.append(after)


def _replayer(outcomes: list):
    pending = list(outcomes)

    def replay(*args, **kwargs):
        if not pending:
            raise CheckFailure("the grading process returned a malformed result")
        outcome = pending.pop(0)
        if not isinstance(outcome, dict):
            raise CheckFailure("the grading process returned a malformed result")
        if isinstance(outcome.get("modified"), dict):
            _modify(args, outcome["modified"])
        if outcome.get("rng") is True:
            np.random.random()  # the learner used np.random: so does the replay
        for kind in outcome.get("fp", []) if isinstance(outcome.get("fp"), list) else []:
            _FP_TRIGGERS.get(kind, lambda: None)()
        if isinstance(outcome.get("error"), dict):
            raise rebuild_exception(outcome["error"])
        return rebuild(outcome.get("result"))

    return replay


def replay(spec, case: Case, outcomes: list) -> str | None:
    """None if the recorded outcomes of ``case`` pass the check, else the diagnosis."""
    label = spec.label(case)
    state = np.random.get_state()
    try:
        result, fp = spec.run(_replayer(outcomes), case)
        try:
            flat = spec.flatten(result)
        except CheckFailure as failure:
            return f"{label}: {failure}"
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            replace(spec, numerical=None).verify(flat, case)
        if fp & spec.fail_on_fp:
            return f"{label}: {spec.fp_message}"
    except CheckFailure as failure:
        return str(failure)
    except Exception as error:  # a diagnosis tripped over an odd result: still a failure
        return f"{label}: the result could not be compared ({type(error).__name__})"
    finally:
        np.random.set_state(state)
    return None


# ----------------------------------------------------------------------- verdicts
@dataclass
class Records:
    """What the child recorded for one exercise, and what the parent knows around it."""

    visible: list[Case]
    hidden: list[Case]
    entries: list  # the child's records for this function (untrusted)
    problem: str | None = None  # why nothing was recorded (a skipped or failed cell)
    test_error: str | None = None  # the instructor's test cell raised (learner-caused)


def exercise_result(exercise: Exercise, spec, records: Records) -> ExerciseResult:
    """The trusted verdict on one exercise: every case passes, or 0 with a diagnosis."""

    def verdict(problem: str | None, output: str = "") -> ExerciseResult:
        if problem is None:
            return ExerciseResult(exercise.function, exercise.points, exercise.points,
                                  output=output)
        return ExerciseResult(exercise.function, 0, exercise.points, clean(problem))

    entries = [e for e in records.entries if isinstance(e, dict)][:4]
    if not entries:
        return verdict(records.problem or f"{exercise.function} is not defined: its solution "
                                          "cell is missing or does not define it")
    seen_hidden = False
    for entry in entries:
        hidden = entry.get("hidden") is True
        cases = records.hidden if hidden else records.visible
        got = entry.get("cases")
        if not isinstance(got, list) or len(got) != len(cases):
            return verdict("the grading process returned a malformed result")
        for case, outcomes in zip(cases, got, strict=True):
            problem = replay(spec, case, outcomes if isinstance(outcomes, list) else [])
            if problem is not None:
                return verdict(problem)
        problem = _vectorization(spec, entry.get("scaling"))
        if problem:
            return verdict(problem)
        seen_hidden = seen_hidden or hidden
    if not seen_hidden:
        return verdict("the grading process returned a malformed result")
    if records.test_error:
        return verdict(f"its test cell raised {records.test_error}")
    n = len(records.hidden)
    return verdict(None, f"✓ {exercise.function}: {n} cases, hidden ones included")


def _vectorization(spec, scaling: object) -> str | None:
    if spec.scaling_case is None or scaling is None:
        return None
    if not (isinstance(scaling, list) and len(scaling) == 2
            and all(type(n) is int for n in scaling)):
        return f"{spec.function}: the grading process returned a malformed result"
    return spec.vectorization_message(*scaling)
