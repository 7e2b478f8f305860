r"""The cross-entropy cost exercise, defined once for the three chapters that grade it.

``compute_cost(A, Y)`` in chapter 2, ``compute_cost(A2, Y)`` in chapter 3 and
``compute_cost(AL, Y)`` in chapter 4 are the same exercise: the predictions have another
name, nothing else differs. :func:`cost_spec` builds its spec for a reference and that
name, with the cases (labels of every dtype, confident and saturated predictions) and the
diagnoses (each names a wrong formula it matches).

    J = -(1/m) sum_i [ y_i log a_i + (1 - y_i) log(1 - a_i) ]     A, Y: (1, m)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graders.checks._diagnose import Evidence, mistake
from graders.checks._models import ACTIVATIONS, as_float, labels
from graders.checks._netspec import net_spec
from graders.checks._outputs import Scalar
from graders.checks._spec import Case, Spec

_log = np.log

COST_HINT = "return a float, e.g. float(np.squeeze(cost)), not an array"


def cost_spec(reference: Callable, A: str) -> Spec:
    """The spec of ``reference(<A>, Y) -> float``, the cross-entropy cost."""
    return net_spec(
        arg_names=(A, "Y"),
        reference=reference,
        make_cases=cost_cases,
        output=Scalar("cost", hint=COST_HINT),
        diagnoses=cost_diagnoses(A),
        scaling_case=lambda rng, m: cost_case(rng, m, "float64"),
        label_arg="Y",
    )


# --- cases ---------------------------------------------------------------------------

COST_VISIBLE = ((5, "float64"), (1, "float64"), (8, "int64"), (6, "bool"), (7, "uint8"))
COST_HIDDEN = ((20, "float64"), (1, "uint8"), (13, "bool"), (9, "int64"), (30, "float64"))


def cost_case(rng: np.random.Generator, m: int, dtype: str, extreme: bool = False) -> Case:
    """Predictions (1, m) from a sigmoid and labels of ``dtype``; ``extreme`` adds confident
    predictions that are still strictly inside (0, 1)."""
    A = ACTIVATIONS["sigmoid"](rng.standard_normal((1, m)) * 2.0)
    if extreme and m >= 4:
        A[0, :4] = (1e-10, 1 - 1e-10, 1e-6, 1 - 1e-6)
    Y = labels(rng, m, dtype)
    return Case(f"m = {m}, Y {dtype}", (A, Y), m=m, extra={"label_dtype": dtype})


COST_SATURATED_VISIBLE = (20, "float64")
COST_SATURATED_HIDDEN = (24, "uint8")


def saturate(case: Case) -> Case:
    """The case with one confident right prediction of each class saturated to exactly 1.0
    and 0.0, as a sigmoid gives for |z| > 37 (towards 1) or 745 (towards 0): the true cost
    stays finite, an unclipped ``0 * log(0)`` is nan."""
    A, Y = (np.array(a, copy=True) for a in case.args)
    ones = [i for i in range(Y.shape[1]) if Y[0, i]]
    zeros = [i for i in range(Y.shape[1]) if not Y[0, i]]
    A[0, ones[0]], A[0, zeros[0]] = 1.0, 0.0
    return Case(f"{case.name}, saturated A", (A, Y), m=case.m, extra=dict(case.extra))


def cost_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = COST_HIDDEN if hidden else COST_VISIBLE
    cases = [cost_case(rng, m, dtype, extreme=hidden) for m, dtype in table]
    m, dtype = COST_SATURATED_HIDDEN if hidden else COST_SATURATED_VISIBLE
    return [*cases, saturate(cost_case(rng, m, dtype))]


def outer_product_cost(a, y, first=True, second=True) -> float:
    """The cost with the sum over examples of one or both terms taken over the (m, m) outer
    product, ``np.sum(np.dot(Y.T, np.log(A)))`` = ``sum(Y) * sum(log A)``."""
    m = a.shape[1]
    one = np.sum(y) * np.sum(_log(a)) if first else np.sum(y * _log(a))
    zero = np.sum(1.0 - y) * np.sum(_log(1.0 - a)) if second else np.sum((1.0 - y) * _log(1.0 - a))
    return float(-(one + zero) / m)


OUTER_PRODUCT = (
    "the cost sums an (m, m) outer product: np.dot(Y.T, np.log({A})) pairs every label "
    "with every prediction; pair each label with its own prediction, "
    "np.dot(Y, np.log({A}).T) or np.sum(Y * np.log({A}))"
)


def outer_product_diagnoses(A: str, model) -> tuple:
    """One diagnosis per way of writing an outer product into the cost (either term or
    both); ``model(cost_of)`` turns ``cost_of(a, y)`` into a mistake model."""
    message = OUTER_PRODUCT.format(A=A)
    return tuple(
        mistake(message, model(lambda a, y, f=f, s=s: outer_product_cost(a, y, f, s)))
        for f, s in ((True, True), (True, False), (False, True))
    )


def saturated_diagnosis(A: str):
    """A NaN or infinite cost on a case whose predictions include exact 0s and 1s."""

    def diagnose(ev: Evidence) -> str | None:
        got, a = ev.got.get("cost"), ev.inputs.get(A)
        if ev.stage != "value" or got is None or bool(np.all(np.isfinite(got))):
            return None
        if not bool(np.any(np.equal(a, 0.0)) or np.any(np.equal(a, 1.0))):
            return None
        return (
            f"the cost is {float(got)}: {A} holds predictions of exactly 0.0 and 1.0 (a "
            "saturated sigmoid), where np.log gives -inf and 0 * log(0) is nan; clip "
            f"{A} just inside (0, 1) first, as the instructions say"
        )

    return diagnose


# --- mistakes, for any name of the predictions (A, A2, AL) -----------------------------


def cost_diagnoses(A: str) -> tuple:
    """Diagnoses of ``compute_cost(<A>, Y)``: each names a wrong formula it matches."""

    def model(cost_of):
        return lambda **kw: cost_of(kw[A], as_float(kw["Y"]))

    def entropy(a, y, log=_log):
        return float(-np.sum(y * log(a) + (1.0 - y) * log(1.0 - a)) / a.shape[1])

    def not_finite(ev) -> str | None:
        got = ev.got.get("cost")
        if ev.stage == "value" and got is not None and not bool(np.all(np.isfinite(got))):
            return (
                f"the cost is {float(got)} (NaN or inf): a log(0) happened; take the log of "
                f"{A} and 1 - {A} (strictly between 0 and 1), never of Y or 1 - Y, and check "
                f"the argument order compute_cost({A}, Y)"
            )
        return None

    loss = f"-[Y log {A} + (1 - Y) log(1 - {A})]"
    return (
        saturated_diagnosis(A),
        not_finite,
        *outer_product_diagnoses(A, model),
        mistake(
            f"the bracket is misplaced, (1 - Y * log(1 - {A})) as in the notes' typo: the "
            f"loss is {loss}",
            model(lambda a, y: float(-np.sum(y * _log(a) + (1 - y * _log(1 - a))) / a.shape[1])),
        ),
        mistake(
            f"log({A}) and log(1 - {A}) are swapped: Y multiplies log({A})",
            model(lambda a, y: entropy(1.0 - a, y)),
        ),
        mistake(
            f"log({A}) appears in both terms: the y = 0 term is (1 - Y) log(1 - {A})",
            model(lambda a, y: float(-np.sum(_log(a)) / a.shape[1])),
        ),
        mistake(
            f"the cost is the squared error 1/2 ({A} - Y)^2: use the cross-entropy {loss}",
            model(lambda a, y: float(np.sum((a - y) ** 2) / a.shape[1] / 2)),
        ),
        mistake(
            f"the cost is the squared error ({A} - Y)^2: use the cross-entropy {loss}",
            model(lambda a, y: float(np.sum((a - y) ** 2) / a.shape[1])),
        ),
        mistake(
            f"the (1 - Y) log(1 - {A}) term is missing: the loss has a term for each label",
            model(lambda a, y: float(-np.sum(y * _log(a)) / a.shape[1])),
        ),
        mistake(
            f"the Y log({A}) term is missing: the loss has a term for each label",
            model(lambda a, y: float(-np.sum((1 - y) * _log(1 - a)) / a.shape[1])),
        ),
        mistake(
            "the cost uses log base 10: use the natural log, np.log",
            model(lambda a, y: entropy(a, y, np.log10)),
        ),
        mistake(
            "the cost uses log base 2: use the natural log, np.log",
            model(lambda a, y: entropy(a, y, np.log2)),
        ),
        mistake(
            "the cost is m = {m} times too large: divide the sum by m = Y.shape[1], the "
            "number of examples (Y.shape[0] is 1)",
            model(lambda a, y: entropy(a, y) * a.shape[1]),
        ),
    )
