"""The check engine: specs, cases, calling the learner's function, verifying its output.

How to write a spec (one per graded function, in ``graders/checks/<module>.py``)
-------------------------------------------------------------------------------
::

    from graders.checks import Array, Case, Spec, make_check, mistake
    from dlnotes import activations as ref

    def _cases(rng, hidden):              # plain data only: ndarrays, numbers, str, ...
        shapes = [(5, 13), (1, 20)] if hidden else [(3, 5), (1, 1), (4, 1)]
        return [Case(f"Z {s}", (rng.standard_normal(s),), m=s[1]) for s in shapes]

    SIGMOID = Spec(
        arg_names=("Z",),
        reference=ref.sigmoid,            # captured now: later patches do not matter;
                                          # module and function are the reference's
        make_cases=_cases,                # (rng, hidden) -> list[Case]; hidden=True adds
                                          # the hidden tier to the visible cases
        output=Array("A"),                # Array / Scalar / Dict / Tuple, nestable
        diagnoses=(mistake("A is sigmoid(-Z): check the sign in the exponent",
                           lambda Z: 1 / (1 + np.exp(Z))),),
        scaling_case=lambda rng, m: Case("", (rng.standard_normal((3, m)),), m=m),
    )
    check_sigmoid = make_check(SIGMOID)   # get_spec("activations", "sigmoid") finds it

- ``Case(name, args, m, extra)``: ``args`` are passed positionally, ``m`` is the number of
  examples (used by ratio diagnoses), ``extra`` holds plain data for verification only
  (e.g. the ``w, b`` that produced ``A``). ``Case.hidden`` is set by :meth:`Spec.cases`.
  ``name`` is short ("m = 1", "large |Z|"): messages add the argument shapes.
- Outputs: ``Array(name, hint)`` (exact float64 ndarray; ``hint`` is added when a number
  comes back instead), ``Scalar(name, hint)`` (float or np.float64; arrays rejected with
  ``hint``), ``Dict(name, {key: output})`` (exact keys, checked first; ``None`` for any
  keys of arrays), ``Tuple(name, [outputs])``. Flattened keys are the output names,
  nested ones joined with dots (``"cache.Z1"``).
- ``diagnoses`` are tried in order before the generic ones (``_diagnose.GENERIC``); each
  is ``(Evidence) -> str | None``; :func:`mistake` turns a wrong formula into one.
- ``numerical``: optional ``(case) -> {output name: numerical gradient}``; outputs are also
  compared with it (for backward functions): ``|got - num| / max(|got| + |num|,
  grad_floor) <= grad_tol`` elementwise.
- ``fail_on_fp``: floating-point errors (``"overflow"``, ``"invalid"``, ``"divide"``)
  that fail a correct-valued answer with ``fp_message`` (e.g. an unstable sigmoid).
- ``label_arg``: the name of a labels argument; cases whose ``extra["label_dtype"]`` is
  not float are re-tried with float labels to explain dtype-only failures.
- ``scaling_case(rng, m)``: a case with m examples for the vectorization check (None to
  skip it).
- Seam for the trusted grader: ``spec.cases(seed, hidden)``, ``spec.call(fn, case)``,
  ``spec.flatten(result)``, ``spec.verify(flat, case)``; each raises :class:`CheckFailure`.
  ``spec._call(fn, case, label)`` also returns the floating-point errors seen.

Order of a check: integrity (nothing patched) -> per case: call on copies (exception,
modified input) -> flatten (types, keys) -> shapes -> dtypes -> values -> numerical
gradients -> floating-point policy; then the vectorization check; one line on success.
Messages come from the first matching diagnosis, else the worst element (its expected
value is shown for visible cases only).
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from graders.checks import _vectorized
from graders.checks._diagnose import (
    GENERIC,
    Diagnosis,
    Evidence,
    close,
    exception_diagnosis,
    fallback,
    key_message,
    learner_line,
    rel_diff,
)
from graders.checks._tamper import NP, integrity_problem, seal


class CheckFailure(AssertionError):  # noqa: N818 (the name is the documented seam)
    """A check failed; the message is the diagnosis shown to the learner."""


@dataclass(frozen=True)
class Case:
    """One call of the graded function: positional ``args`` (plain data) and context."""

    name: str
    args: tuple[Any, ...]
    m: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    hidden: bool = False


# ----------------------------------------------------------------------------- outputs
class Array:
    """A float64 ``numpy.ndarray`` output named ``name`` (exact type: no subclasses)."""

    def __init__(self, name: str, hint: str = ""):
        self.name = name
        self.hint = hint  # added when the value is a number instead of an array

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        key = path or self.name
        if type(value) is not NP.ndarray:
            message = f"{key} is {_describe(value)}, expected a numpy ndarray"
            number = isinstance(value, (float, int, NP.floating, NP.integer))
            raise CheckFailure(f"{message}: {self.hint}" if number and self.hint else message)
        out[key] = NP.array(value, copy=True)


class Scalar:
    """A number output (a cost): a Python float, a numpy float64 scalar, or the 0-d float64
    array that ``np.squeeze`` returns. Any other array (e.g. ``(1, 1)``) is rejected."""

    def __init__(self, name: str, hint: str = "return float(...) of it"):
        self.name = name
        self.hint = hint

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        key = path or self.name
        kind = type(value)
        if kind is float or kind is NP.float64:
            out[key] = NP.array(value, dtype=NP.float64)
            return
        if kind is NP.ndarray and value.shape == () and value.dtype == NP.float64:
            out[key] = NP.array(value, copy=True)
            return
        if kind is NP.ndarray:
            outer = value.ndim == 2 and value.shape[0] == value.shape[1] > 1
            hint = _OUTER_HINT if outer else self.hint
            raise CheckFailure(
                f"{key} is an array of shape {value.shape}, expected a number: {hint}"
            )
        raise CheckFailure(f"{key} is {_describe(value)}, expected a float: {self.hint}")


class Dict:
    """A dict output. ``fields`` maps key -> output; None accepts any keys of arrays."""

    def __init__(self, name: str, fields: dict[str, Any] | None = None):
        self.name = name
        self.fields = fields

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        label = path or self.name
        if type(value) is not dict:
            keys = f" with keys {', '.join(map(repr, self.fields))}" if self.fields else ""
            raise CheckFailure(f"{label} is {_describe(value)}, expected a dict{keys}")
        for key in value:
            if type(key) is not str:
                raise CheckFailure(f"{label} has a key {key!r} that is not a string")
        if self.fields is not None and set(value) != set(self.fields):
            raise CheckFailure(f"{label}: {key_message(set(value), set(self.fields))}")
        for key, item in value.items():
            inner = (self.fields or {}).get(key, Array(key))
            inner.flatten(item, f"{path}.{key}" if path else key, out)


class Tuple:
    """A tuple output with named items, e.g. ``Tuple("result", [Array("Z"), cache])``."""

    def __init__(self, name: str, items: Sequence[Any]):
        self.name = name
        self.items = tuple(items)

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        label = path or self.name
        if not isinstance(value, tuple):
            raise CheckFailure(
                f"{label} is {_describe(value)}, expected a tuple of {len(self.items)} items "
                f"({', '.join(i.name for i in self.items)})"
            )
        if len(value) != len(self.items):
            raise CheckFailure(
                f"{label} has {len(value)} items, expected {len(self.items)} "
                f"({', '.join(i.name for i in self.items)})"
            )
        for item, spec in zip(value, self.items, strict=True):
            spec.flatten(item, f"{path}.{spec.name}" if path else spec.name, out)


_OUTER_HINT = (
    "an (m, m) outer product, a column times a row such as np.dot(Y.T, np.log(A)), pairs "
    "every label with every prediction; pair each label with its own prediction, "
    "np.dot(Y, np.log(A).T) or np.sum(Y * np.log(A))"
)


def _describe(value: Any) -> str:
    kind = type(value)
    if kind is NP.ndarray:
        return f"an array of shape {value.shape}"
    if isinstance(value, NP.ndarray):
        return f"an ndarray subclass ({kind.__name__}), not a plain numpy array"
    if isinstance(value, (NP.floating, NP.integer)):
        return f"a numpy scalar ({kind.__name__}), a single number"
    if value is None:
        return "None (did you forget to return it?)"
    return f"a {kind.__name__}"


# ------------------------------------------------------------------------------- spec
@dataclass(frozen=True)
class Spec:
    """Everything a check needs to know about one graded function (see module docstring)."""

    arg_names: tuple[str, ...]
    reference: Callable[..., Any]
    make_cases: Callable[[np.random.Generator, bool], list[Case]]
    output: Any
    diagnoses: tuple[Diagnosis, ...] = ()
    numerical: Callable[[Case], dict[str, np.ndarray]] | None = None
    scaling_case: Callable[[np.random.Generator, int], Case] | None = None
    fail_on_fp: frozenset[str] = frozenset()
    fp_message: str = ""
    label_arg: str | None = None
    rtol: float = 1e-7
    atol: float = 1e-12
    grad_tol: float = 1e-6
    grad_floor: float = 1e-4
    # Specialisation (see the module docstring): all optional, all public.
    generic: tuple[Diagnosis, ...] = GENERIC
    late_diagnoses: tuple[Diagnosis, ...] = ()
    exception_hints: tuple[Callable[[BaseException], str | None], ...] = ()
    describe_arg: Callable[[Any], str] | None = None
    describe_case: Callable[[Case], str] | None = None
    calls: Callable[[Callable[..., Any], Case], Any] | None = None
    properties: Callable[[dict[str, np.ndarray], Case], str | None] | None = None

    @property
    def module(self) -> str:
        """The dlnotes module of the reference, e.g. ``"activations"``."""
        return self.reference.__module__.rpartition(".")[2]

    @property
    def function(self) -> str:
        """The graded function's name, the reference's, e.g. ``"sigmoid"``."""
        return self.reference.__name__

    @property
    def seed(self) -> int:
        """The default seed: stable per function, so feedback is reproducible."""
        return zlib.crc32(f"{self.module}.{self.function}".encode())

    def cases(self, seed: int | None = None, hidden: bool = False) -> list[Case]:
        """The visible cases (and, when ``hidden``, the hidden tier after them)."""
        seed = self.seed if seed is None else seed
        cases = list(self.make_cases(NP.default_rng(seed), False))
        if hidden:
            more = self.make_cases(NP.default_rng(seed + 1), True)
            cases += [replace(c, hidden=True) for c in more]
        return cases

    def call(self, fn: Callable[..., Any], case: Case) -> Any:
        """Call ``fn`` on copies of the inputs; fail if it raises or modifies an input."""
        return self.run(fn, case)[0]

    def run(self, fn: Callable[..., Any], case: Case) -> tuple[Any, set[str]]:
        """:meth:`call`, also returning the floating-point errors (``"overflow"``, ...) seen.

        Every call of ``fn`` a case makes goes through here (``calls`` may make several):
        the grading engine probes this to learn the calls, and replays them through it.
        """
        label = self.label(case)
        fp: set[str] = set()

        def call_once(*args: Any, **kwargs: Any) -> Any:
            copies = tuple(_deep_copy(a) for a in args)
            try:
                result = _quietly(lambda: fn(*copies, **kwargs), fp)
            except (Exception, SystemExit) as exc:
                raise CheckFailure(f"{label}: {self._exception_message(exc)}") from exc
            for name, before, after in zip(self.arg_names, args, copies, strict=False):
                if not _same(before, after):
                    raise CheckFailure(
                        f"{label}: {self.function} modified its input {name} in place "
                        f"(e.g. {name} *= ..., {name}[...] = ..., out={name}); "
                        "work on a new array and leave the inputs unchanged"
                    )
            return result

        if self.calls is None:
            return call_once(*case.args), fp
        return self.calls(call_once, case), fp

    def _exception_message(self, exc: BaseException) -> str:
        message = exception_diagnosis(self.function, exc)
        for hint in self.exception_hints:
            extra = hint(exc)
            if extra:
                return f"{message}; {extra}"
        return message

    def flatten(self, result: Any) -> dict[str, np.ndarray]:
        """The result as a dict of plain float arrays; raises CheckFailure on bad structure."""
        out: dict[str, np.ndarray] = {}
        self.output.flatten(result, "", out)
        return out

    def expected(self, case: Case) -> dict[str, np.ndarray]:
        """The reference's flattened output on the case."""
        args = tuple(_deep_copy(a) for a in case.args)
        with NP.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.flatten(self.reference(*args))

    def verify(self, flat: dict[str, np.ndarray], case: Case) -> tuple[float, float | None]:
        """Compare with the reference (and numerical gradients).

        Returns ``(max relative difference to the reference, to numerical gradients or
        None)``; raises CheckFailure with a diagnosis on any difference. Learner arrays may
        hold inf or NaN: comparing and diagnosing them must not warn (stderr zeroes a cell).
        """
        with NP.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._verify(flat, case)

    def _verify(self, flat: dict[str, np.ndarray], case: Case) -> tuple[float, float | None]:
        if self.properties is not None:
            problem = self.properties(flat, case)
            if problem:
                raise CheckFailure(f"{self.label(case)}: {problem}")
            return 0.0, None
        want = self.expected(case)
        ev = Evidence(
            self.function, "keys", None, _inputs(self, case), flat, want, case.m,
            case.hidden, dict(case.extra),
        )  # fmt: skip
        label = self.label(case)
        if set(flat) != set(want):
            raise CheckFailure(f"{label}: {self._diagnose(ev)}")
        for stage, bad in (("shape", _bad_shape), ("dtype", _bad_dtype)):
            for key in want:
                if bad(flat[key], want[key]):
                    ev.stage, ev.key = stage, key
                    raise CheckFailure(f"{label}: {self._diagnose(ev)}")
        for key in want:
            if not close(flat[key], want[key], self.rtol, self.atol):
                ev.stage, ev.key = "value", key
                raise CheckFailure(f"{label}: {self._diagnose(ev)}")
        worst = max((rel_diff(flat[k], want[k]) for k in want), default=0.0)
        return worst, self._numerical(flat, case, label)

    def _numerical(self, flat, case: Case, label: str) -> float | None:
        if self.numerical is None:
            return None
        with NP.errstate(all="ignore"):
            numeric = self.numerical(case)
        worst = 0.0
        for key, grad in numeric.items():
            diff = NP.abs(NP.subtract(flat[key], grad))
            scale = NP.maximum(NP.add(NP.abs(flat[key]), NP.abs(grad)), self.grad_floor)
            rel = float(NP.amax(NP.divide(diff, scale))) if grad.size else 0.0
            if not rel <= self.grad_tol:
                raise CheckFailure(
                    f"{label}: {key} disagrees with the numerical gradient "
                    f"(relative difference {rel:.2g}) although it matches the reference: "
                    "the reference itself looks modified; restart the kernel"
                )
            worst = max(worst, rel)
        return worst

    def _diagnose(self, ev: Evidence) -> str:
        """The first message of: the spec's own diagnoses, the generic ones, the late
        (localising) ones; else the worst element."""
        for diagnose in (*self.diagnoses, *self.generic, *self.late_diagnoses):
            try:
                message = diagnose(ev)
            except Exception:  # a diagnosis must never hide the failure itself
                message = None
            if message:
                return message
        return fallback(ev)

    def label(self, case: Case) -> str:
        """How messages name a case: ``"<function>, case '<name>' (<arguments>)"``."""
        tier = "hidden case" if case.hidden else "case"
        if self.describe_case is not None:
            return f"{self.function}, {tier} {self.describe_case(case)}"
        describe = self.describe_arg or _shape_or_value
        shown = ", ".join(
            f"{n}{describe(a)}" for n, a in zip(self.arg_names, case.args, strict=False)
        )
        return f"{self.function}, {tier} {case.name!r} ({shown})"

    def vectorization(self, fn: Callable[..., Any]) -> None:
        """Fail if ``fn`` runs Python lines in proportion to the number of examples."""
        if self.scaling_case is None:
            return
        rng = NP.default_rng(self.seed + 2)

        def call_with_m(m: int) -> None:
            case = self.scaling_case(rng, m)
            _quietly(lambda: fn(*(_deep_copy(a) for a in case.args)), set())

        loops, small, large = _vectorized.loops_over_examples(call_with_m)
        if loops:
            raise CheckFailure(self.vectorization_message(small, large))

    def vectorization_message(self, small: int, large: int) -> str | None:
        """The diagnosis for ``small`` and ``large`` line counts (m = 4 and m = 40), or None."""
        if (large - small) * 2 < 40 - 4:
            return None
        return (
            f"{self.function} is not vectorized: it runs {small} Python lines for m = 4 "
            f"examples and {large} for m = 40, so it loops over the examples; use "
            "whole-array numpy operations (np.dot, broadcasting, axis=...) instead"
        )


def _shape_or_value(value: Any) -> str:
    return f" {tuple(value.shape)}" if isinstance(value, NP.ndarray) else f"={_short(value)}"


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else repr(value)[:40]


def _bad_shape(got: np.ndarray, want: np.ndarray) -> bool:
    return got.shape != want.shape


def _bad_dtype(got: np.ndarray, want: np.ndarray) -> bool:
    return got.dtype != NP.float64


def _inputs(spec: Spec, case: Case) -> dict[str, Any]:
    return {n: _deep_copy(a) for n, a in zip(spec.arg_names, case.args, strict=False)}


def _deep_copy(value: Any) -> Any:
    if isinstance(value, NP.ndarray):
        return NP.array(value, copy=True)
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_deep_copy(v) for v in value)
    return value


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, NP.ndarray):
        return (
            type(after) is NP.ndarray
            and after.shape == before.shape
            and after.dtype == before.dtype
            and bool(NP.array_equal(before, after, equal_nan=before.dtype.kind == "f"))
        )
    if isinstance(before, dict):
        return (
            type(after) is dict
            and set(before) == set(after)
            and all(_same(before[k], after[k]) for k in before)
        )
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(
            _same(b, a) for b, a in zip(before, after, strict=True)
        )
    return True


def _quietly(call: Callable[[], Any], fp: set[str]) -> Any:
    """Run learner code: record floating-point errors, swallow warnings and stderr."""

    def record(kind: str, flag: int) -> None:
        fp.add(kind)

    sink = io.StringIO()
    with (
        warnings.catch_warnings(),
        NP.errstate(all="call", call=record),
        contextlib.redirect_stderr(sink),
    ):
        warnings.simplefilter("ignore")
        return call()


# ------------------------------------------------------------------------------ checks
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
    args[index] = NP.asarray(args[index], dtype=NP.float64)
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
