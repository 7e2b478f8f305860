"""The learner-facing check: ``check_<function>(fn, *, hidden=False, case=None)``.

:func:`run_check` runs a :class:`~graders.checks._spec.Spec` in the learner's kernel:
integrity (nothing patched) -> per case: call on copies (exception, modified input) ->
flatten (types, keys) -> shapes -> dtypes -> values -> numerical gradients ->
floating-point policy; then the vectorization check; one line on success. A failing
visible case's message quotes the learner's line that raised and says how to rerun it;
the grading engine never adds either (it replays through ``Spec.run`` and ``verify``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from graders.checks._diagnose import learner_line
from graders.checks._outputs import _describe
from graders.checks._spec import Case, CheckFailure, Spec
from graders.checks._tamper import integrity_problem, seal


def run_check(
    spec: Spec, fn: Callable[..., Any], *, hidden: bool = False, case: str | None = None
) -> str:
    """The kernel-side check: every case, then vectorization; returns the success line.

    ``case`` names one visible case: only that one runs (no vectorization check), to
    reproduce a failure. A failing visible case's message says how to rerun it, and quotes
    the learner's line when their function raised.
    """
    __tracebackhide__ = True  # IPython and pytest show the learner's frames, not ours
    _require_integrity()
    if not callable(fn):
        raise CheckFailure(f"{spec.function}: expected a function, got {_describe(fn)}")
    worst, worst_grad = 0.0, None
    cases = spec.cases(hidden=hidden) if case is None else _named_case(spec, case, hidden)
    for one in cases:
        label = spec.label(one)
        try:
            rel, grad = _run_case(spec, fn, one, label)
        except CheckFailure as failure:
            _require_integrity()
            message = _explain_labels(spec, fn, one, str(failure))
            raise CheckFailure(_kernel_message(spec, one, message, failure)) from None
        worst = max(worst, rel)
        if grad is not None:
            worst_grad = max(worst_grad or 0.0, grad)
    if case is not None:
        return f"✓ {spec.function}: case {case!r} (rel. diff {worst:.1g})"
    spec.vectorization(fn)
    _require_integrity()
    if worst_grad is None:
        return f"✓ {spec.function}: {len(cases)} cases (max rel. diff {worst:.1g})"
    return (
        f"✓ {spec.function}: {len(cases)} cases, matches the reference (max rel. diff "
        f"{worst:.1g}) and numerical gradients (max rel. diff {worst_grad:.1g})"
    )


def _named_case(spec: Spec, name: str, hidden: bool) -> list[Case]:
    if hidden:
        raise ValueError("case= reruns one visible case; hidden cases cannot be chosen")
    found = [c for c in spec.cases() if c.name == name]
    if not found:
        names = ", ".join(repr(c.name) for c in spec.cases())
        raise ValueError(f"{spec.function} has no case {name!r}; its cases are {names}")
    return found[:1]


def _kernel_message(spec: Spec, case: Case, message: str, failure: BaseException) -> str:
    """Add, in the learner's kernel only, the line of theirs that raised and (for a visible
    case) how to rerun it. The trusted grader never sees these: they quote the learner's
    source, and a hidden case must stay anonymous."""
    cause = failure.__cause__
    line = learner_line(cause) if cause is not None else None
    if line:
        message += f"; raised at your {line}"
    if not case.hidden:
        name = spec.function
        message += f"; rerun this case: check_{name}({name}, case={case.name!r})"
    return message


def _run_case(spec: Spec, fn, case: Case, label: str) -> tuple[float, float | None]:
    result, fp = spec.run(fn, case)
    _require_integrity()
    try:
        flat = spec.flatten(result)
    except CheckFailure as failure:
        raise CheckFailure(f"{label}: {failure}") from None
    rel, grad = spec.verify(flat, case)
    if fp & spec.fail_on_fp:
        raise CheckFailure(f"{label}: {spec.fp_message}")
    return rel, grad


def _explain_labels(spec: Spec, fn, case: Case, message: str) -> str:
    """If only non-float labels fail, say so: the fix is a dtype conversion."""
    dtype = case.extra.get("label_dtype")
    if spec.label_arg is None or dtype in (None, "float64"):
        return message
    index = spec.arg_names.index(spec.label_arg)
    args = list(case.args)
    args[index] = np.asarray(args[index], dtype=np.float64)
    floated = replace(case, args=tuple(args), extra={**case.extra, "label_dtype": "float64"})
    try:
        _run_case(spec, fn, floated, spec.label(floated))
    except CheckFailure:
        return message
    y = spec.label_arg
    return (
        f"{spec.label(case)}: {spec.function} works when {y} holds floats but not when {y} "
        f"has dtype {dtype}: labels may come as int, bool or uint8 (-{y} wraps around for "
        f"uint8, booleans cannot be negated); convert first, e.g. {y} = {y}.astype(float). "
        f"The failure: {message.split('): ', 1)[-1]}"
    )


def _require_integrity() -> None:
    problem = integrity_problem()
    if problem:
        raise CheckFailure(
            f"cannot check in this kernel: {problem} after graders.checks was imported. "
            "Restart the kernel and run the notebook from the top."
        )


def make_check(spec: Spec) -> Callable[..., None]:
    """The learner-facing ``check_<function>(fn, *, hidden=False, case=None)`` for a spec."""
    run = run_check
    say = print

    def check(fn: Callable[..., Any], *, hidden: bool = False, case: str | None = None) -> None:
        __tracebackhide__ = True
        say(run(spec, fn, hidden=hidden, case=case))

    check.__name__ = check.__qualname__ = f"check_{spec.function}"
    check.spec = spec  # what graders.checks.get_spec finds
    check.__doc__ = (
        f"Check a learner's ``{spec.function}`` against dlnotes.{spec.module}.{spec.function}."
        "\n\nPrints one line on success; raises AssertionError with a diagnosis otherwise."
        " ``hidden=True`` adds the hidden cases; ``case=<name>`` reruns one visible case."
    )
    return check


seal(sys.modules[__name__])
