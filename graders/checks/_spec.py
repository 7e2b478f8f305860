"""The check engine's core: a :class:`Spec` per graded function, its cases, calling the
learner's function and verifying what it returns.

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
- Outputs (:mod:`graders.checks._outputs`): ``Array``, ``Scalar``, ``Dict``, ``Tuple``,
  ``Seq``, ``SeqOf``, nestable; flattened keys are joined with dots (``"cache.Z1"``).
- ``diagnoses`` are tried in order, then ``generic`` (default ``_diagnose.GENERIC``), then
  ``late_diagnoses`` (those that localise rather than name a mistake); each is
  ``(Evidence) -> str | None``; :func:`mistake` turns a wrong formula into one.
- ``numerical``: optional ``(case) -> {output name: numerical gradient}``; outputs are also
  compared with it (for backward functions): ``|got - num| / max(|got| + |num|,
  grad_floor) <= grad_tol`` elementwise.
- ``fail_on_fp``: floating-point errors (``"overflow"``, ``"invalid"``, ``"divide"``)
  that fail a correct-valued answer with ``fp_message`` (e.g. an unstable sigmoid).
- ``label_arg``: the name of a labels argument; cases whose ``extra["label_dtype"]`` is
  not float are re-tried with float labels to explain dtype-only failures.
- ``scaling_case(rng, m)``: a case with m examples for the vectorization check (None to
  skip it).

Specialisation is by public fields, never by subclassing (all optional):

- ``describe_arg(value) -> str``: how a label shows an argument after its name (default:
  `` (3, 5)`` for an array, ``=0.5`` otherwise); ``describe_case(case) -> str``: the whole
  label after "case" (the initializer names its layer sizes and seed);
- ``exception_hints``: ``(exception) -> str | None`` each, a hint added to the diagnosis of
  an exception the learner's function raised (a missing ``W3`` key, say);
- ``calls(call, case)``: for a function called more than once per case (the initializer,
  three times); ``call(*args, **kwargs)`` is one checked call on copies, and what
  ``calls`` returns is flattened;
- ``properties(flat, case) -> str | None``: verify these properties instead of comparing
  with the reference (the initializer: any order of random draws is right).

:func:`graders.checks._netspec.net_spec` is such a specialisation, for the network chapters.

The public surface the grading engine uses: ``spec.cases(seed, hidden)``,
``spec.run(fn, case) -> (result, floating-point errors)`` (every call a case makes goes
through it: the engine probes it to learn the calls, and replays them through it),
``spec.call``, ``spec.flatten(result)``, ``spec.verify(flat, case)``, ``spec.label(case)``,
``spec.fail_on_fp``/``fp_message``, ``spec.scaling_case`` and
``spec.vectorization_message(lines_m4, lines_m40)``; each raises :class:`CheckFailure`.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
import zlib
from collections.abc import Callable
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
    rel_diff,
)
from graders.checks._tamper import seal


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
        cases = list(self.make_cases(np.random.default_rng(seed), False))
        if hidden:
            more = self.make_cases(np.random.default_rng(seed + 1), True)
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
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.flatten(self.reference(*args))

    def verify(self, flat: dict[str, np.ndarray], case: Case) -> tuple[float, float | None]:
        """Compare with the reference (and numerical gradients).

        Returns ``(max relative difference to the reference, to numerical gradients or
        None)``; raises CheckFailure with a diagnosis on any difference. Learner arrays may
        hold inf or NaN: comparing and diagnosing them must not warn (stderr zeroes a cell).
        """
        with np.errstate(all="ignore"), warnings.catch_warnings():
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
        with np.errstate(all="ignore"):
            numeric = self.numerical(case)
        worst = 0.0
        for key, grad in numeric.items():
            diff = np.abs(np.subtract(flat[key], grad))
            scale = np.maximum(np.add(np.abs(flat[key]), np.abs(grad)), self.grad_floor)
            rel = float(np.max(np.divide(diff, scale))) if grad.size else 0.0
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
        rng = np.random.default_rng(self.seed + 2)

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
    return f" {tuple(value.shape)}" if isinstance(value, np.ndarray) else f"={_short(value)}"


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else repr(value)[:40]


def _bad_shape(got: np.ndarray, want: np.ndarray) -> bool:
    return got.shape != want.shape


def _bad_dtype(got: np.ndarray, want: np.ndarray) -> bool:
    return got.dtype != np.float64


def _inputs(spec: Spec, case: Case) -> dict[str, Any]:
    return {n: _deep_copy(a) for n, a in zip(spec.arg_names, case.args, strict=False)}


def _deep_copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_deep_copy(v) for v in value)
    return value


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return (
            type(after) is np.ndarray
            and after.shape == before.shape
            and after.dtype == before.dtype
            and bool(np.array_equal(before, after, equal_nan=before.dtype.kind == "f"))
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
        np.errstate(all="call", call=record),
        contextlib.redirect_stderr(sink),
    ):
        warnings.simplefilter("ignore")
        return call()


seal(sys.modules[__name__])
