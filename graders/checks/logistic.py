r"""Checks for chapter 2: logistic regression ``forward``, ``compute_cost``, ``backward``.

Examples are columns: ``w`` (n_x, 1), ``b`` a float, ``X`` (n_x, m), ``A`` and ``Y``
(1, m). Labels come as float, int, bool and uint8, as real datasets deliver them.
``A`` is what ``forward`` computes: strictly between 0 and 1, except in one case per tier
where a confident right prediction of each class has saturated to exactly 1.0 and 0.0
(there an unclipped ``0 * log(0)`` is nan while the true cost is finite).
"""

from __future__ import annotations

import sys

import numpy as np

import dlnotes.activations
import dlnotes.cost
from dlnotes import logistic as ref
from dlnotes.activations import sigmoid as _sigmoid
from graders.checks._core import Array, Case, Dict, Scalar, Spec, make_check
from graders.checks._diagnose import Evidence, mistake
from graders.checks._gradients import as_complex, numerical_gradient, softplus
from graders.checks._nets import outer_product_diagnoses, saturate, saturated_diagnosis
from graders.checks._tamper import NP, seal

_LABEL_DTYPES = ("float64", "int64", "bool", "uint8")


def _labels(rng: np.random.Generator, m: int, dtype: str) -> np.ndarray:
    """0/1 labels of the given dtype, with both classes present when m > 1."""
    Y = rng.integers(0, 2, size=(1, m))
    if m > 1:
        Y[0, :2] = (0, 1)
        rng.shuffle(Y[0])
    return Y.astype(dtype)


def _model(rng: np.random.Generator, n_x: int) -> tuple[np.ndarray, float]:
    w = rng.standard_normal((n_x, 1))
    b = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 1.5))  # never 0: a missing b shows
    return w, b


def _f(Y: np.ndarray) -> np.ndarray:
    return NP.asarray(Y, dtype=NP.float64)


# --------------------------------------------------------------------------- forward
_FORWARD_VISIBLE = ((4, 5), (3, 1), (1, 6), (2, 8))
_FORWARD_HIDDEN = ((6, 12), (1, 1), (5, 1), (8, 20))


def _forward_case(rng: np.random.Generator, n_x: int, m: int) -> Case:
    w, b = _model(rng, n_x)
    return Case(f"n_x = {n_x}, m = {m}", (w, b, rng.standard_normal((n_x, m))), m=m)


def _forward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = _FORWARD_HIDDEN if hidden else _FORWARD_VISIBLE
    return [_forward_case(rng, n_x, m) for n_x, m in shapes]


FORWARD = Spec(
    arg_names=("w", "b", "X"),
    reference=ref.forward,
    make_cases=_forward_cases,
    output=Array("A"),
    diagnoses=(
        mistake(
            "A = sigmoid(w.T X) without b: the bias is missing, A = sigmoid(w.T X + b)",
            lambda w, b, X: _sigmoid(w.T @ X),
        ),
        mistake(
            "A = sigmoid(w.T X) + b: the bias is added after the sigmoid; it belongs "
            "inside, A = sigmoid(w.T X + b)",
            lambda w, b, X: _sigmoid(w.T @ X) + b,
        ),
        mistake(
            "A = sigmoid(w.T X - b): the bias is added, not subtracted",
            lambda w, b, X: _sigmoid(w.T @ X - b),
        ),
        mistake(
            "A is Z = w.T X + b: apply sigmoid to Z",
            lambda w, b, X: w.T @ X + b,
        ),
        mistake(
            "A is sigmoid(-Z): the sign of Z (or of the exponent) is wrong",
            lambda w, b, X: _sigmoid(-(w.T @ X + b)),
        ),
        mistake(
            "A uses tanh: logistic regression applies sigmoid",
            lambda w, b, X: np.tanh(w.T @ X + b),
        ),
        mistake(
            "A has shape {got_shape}: w * X multiplies elementwise; Z = w.T X is a matrix "
            "product (np.dot(w.T, X) or w.T @ X), one value per example",
            lambda w, b, X: _sigmoid(w * X + b),
        ),
    ),
    scaling_case=lambda rng, m: _forward_case(rng, 3, m),
)
check_forward = make_check(FORWARD)


# ---------------------------------------------------------------------- compute_cost
_COST_VISIBLE = ((5, "float64"), (1, "float64"), (8, "int64"), (6, "bool"), (7, "uint8"))
_COST_HIDDEN = ((20, "float64"), (1, "uint8"), (13, "bool"), (9, "int64"), (30, "float64"))
_COST_SATURATED = {False: (20, "float64"), True: (24, "uint8")}  # visible, hidden


def _predictions(rng: np.random.Generator, m: int, extreme: bool) -> np.ndarray:
    A = _sigmoid(rng.standard_normal((1, m)) * 2.0)
    if extreme and m >= 4:
        # confident predictions, but not so close to 0 or 1 that clipping A to
        # [1e-7, 1 - 1e-7] (a common guard against log(0)) would change the cost
        A[0, :4] = (1e-6, 1 - 1e-6, 1e-4, 1 - 1e-4)
    return A


def _cost_case(rng: np.random.Generator, m: int, dtype: str, extreme: bool = False) -> Case:
    A = _predictions(rng, m, extreme)
    Y = _labels(rng, m, dtype)
    return Case(f"m = {m}, Y {dtype}", (A, Y), m=m, extra={"label_dtype": dtype})


def _cost_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _COST_HIDDEN if hidden else _COST_VISIBLE
    cases = [_cost_case(rng, m, dtype, extreme=hidden) for m, dtype in table]
    return [*cases, saturate(_cost_case(rng, *_COST_SATURATED[hidden]))]


def _cross_entropy(A: np.ndarray, Y: np.ndarray, log=np.log) -> float:
    Y = _f(Y)
    return float(-np.mean(Y * log(A) + (1 - Y) * log(1 - A)))


def _cost_not_finite(ev: Evidence) -> str | None:
    got = ev.got.get("cost")
    if ev.stage == "value" and got is not None and not bool(NP.all(NP.isfinite(got))):
        return (
            f"the cost is {float(got)}: a log(0) happened; take the log of A and 1 - A "
            "(strictly between 0 and 1), never of Y or 1 - Y, and check the argument order "
            "compute_cost(A, Y)"
        )
    return None


COST_HINT = "return a float, e.g. float(np.squeeze(cost)), not an array"

COMPUTE_COST = Spec(
    arg_names=("A", "Y"),
    reference=ref.compute_cost,
    make_cases=_cost_cases,
    output=Scalar("cost", hint=COST_HINT),
    diagnoses=(
        saturated_diagnosis("A"),
        _cost_not_finite,
        *outer_product_diagnoses("A", lambda cost_of: lambda A, Y: cost_of(A, _f(Y))),
        mistake(
            "the bracket is misplaced, (1 - Y * log(1 - A)) as in the notes' typo: the "
            "loss is -[Y log A + (1 - Y) log(1 - A)]",
            lambda A, Y: float(-np.mean(_f(Y) * np.log(A) + (1 - _f(Y) * np.log(1 - A)))),
        ),
        mistake(
            "log(A) and log(1 - A) are swapped: Y multiplies log(A), (1 - Y) log(1 - A)",
            lambda A, Y: _cross_entropy(1 - A, Y),
        ),
        mistake(
            "the cost is the squared error 1/2 (A - Y)^2: logistic regression uses the "
            "cross-entropy loss -[Y log A + (1 - Y) log(1 - A)]",
            lambda A, Y: float(np.mean((A - _f(Y)) ** 2) / 2),
        ),
        mistake(
            "the cost is the mean squared error (A - Y)^2: logistic regression uses the "
            "cross-entropy loss -[Y log A + (1 - Y) log(1 - A)]",
            lambda A, Y: float(np.mean((A - _f(Y)) ** 2)),
        ),
        mistake(
            "the (1 - Y) log(1 - A) term is missing: the loss has a term for each label",
            lambda A, Y: float(-np.mean(_f(Y) * np.log(A))),
        ),
        mistake(
            "the Y log(A) term is missing: the loss has a term for each label",
            lambda A, Y: float(-np.mean((1 - _f(Y)) * np.log(1 - A))),
        ),
        mistake(
            "the cost uses log base 10: use the natural logarithm np.log",
            lambda A, Y: _cross_entropy(A, Y, np.log10),
        ),
        mistake(
            "the cost uses log base 2: use the natural logarithm np.log",
            lambda A, Y: _cross_entropy(A, Y, np.log2),
        ),
        mistake(
            "the cost is m = {m} times too large: divide the sum by m = A.shape[1] (the "
            "number of examples; A.shape[0] is 1)",
            lambda A, Y: _cross_entropy(A, Y) * A.shape[1],
        ),
    ),
    scaling_case=lambda rng, m: _cost_case(rng, m, "float64"),
    label_arg="Y",
)
check_compute_cost = make_check(COMPUTE_COST)


# -------------------------------------------------------------------------- backward
_BACKWARD_VISIBLE = ((3, 5, "float64"), (2, 1, "float64"), (4, 6, "int64"), (1, 7, "bool"),
                     (3, 4, "uint8"))  # fmt: skip
_BACKWARD_HIDDEN = ((6, 20, "float64"), (5, 1, "uint8"), (2, 13, "bool"), (8, 9, "int64"))


def _backward_case(rng: np.random.Generator, n_x: int, m: int, dtype: str) -> Case:
    w, b = _model(rng, n_x)
    X = rng.standard_normal((n_x, m))
    A = ref.forward(w, b, X)
    Y = _labels(rng, m, dtype)
    extra = {"w": w, "b": b, "label_dtype": dtype}
    return Case(f"m = {m}, Y {dtype}", (X, A, Y), m=m, extra=extra)


def _backward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _BACKWARD_HIDDEN if hidden else _BACKWARD_VISIBLE
    return [_backward_case(rng, *row) for row in table]


def _backward_numerical(case: Case) -> dict[str, np.ndarray]:
    """Complex-step derivatives of the cost J(w, b), written independently of the
    reference.

    ``-[y log a + (1 - y) log(1 - a)]`` with ``a = sigmoid(z)`` equals
    ``y softplus(-z) + (1 - y) softplus(z)``, ``softplus(z) = log(1 + e^z)``, which keeps
    full precision when a is close to 0 or 1.
    """
    X, _, Y = case.args
    w = as_complex(case.extra["w"])
    b = as_complex([case.extra["b"]])  # a number: an array of one element to nudge
    Y = _f(Y)

    def cost() -> complex:
        Z = w.T @ X + b[0]
        return np.mean(Y * softplus(-Z) + (1.0 - Y) * softplus(Z))

    return {"dw": numerical_gradient(cost, w), "db": NP.array(numerical_gradient(cost, b)[0])}


def _grads(X: np.ndarray, dZ: np.ndarray, m: int) -> dict[str, np.ndarray]:
    return {"dw": X @ dZ.T / m, "db": np.sum(dZ) / m}


BACKWARD = Spec(
    arg_names=("X", "A", "Y"),
    reference=ref.backward,
    make_cases=_backward_cases,
    output=Dict(
        "grads",
        {
            "dw": Array("dw"),
            "db": Scalar(
                "db", hint="b is one number, so db is one number: sum dZ over all examples"
            ),
        },
    ),
    diagnoses=(
        mistake(
            "dw and db have the wrong sign: dZ = A - Y, not Y - A",
            lambda X, A, Y: _grads(X, _f(Y) - A, X.shape[1]),
        ),
        mistake(
            "dZ is multiplied by sigmoid's derivative A(1 - A) again: with the "
            "cross-entropy cost, dZ = A - Y already",
            lambda X, A, Y: _grads(X, (A - _f(Y)) * A * (1 - A), X.shape[1]),
        ),
        mistake(
            "dw divides by n_x = X.shape[0]: divide by m = X.shape[1], the number of examples",
            lambda X, A, Y: X @ (A - _f(Y)).T / X.shape[0],
            keys=("dw",),
        ),
        mistake(
            "dw is X (A - Y)^T without 1/m: divide by m = X.shape[1]",
            lambda X, A, Y: X @ (A - _f(Y)).T,
            keys=("dw",),
        ),
        mistake(
            "db is the sum of dZ without 1/m: divide by m",
            lambda X, A, Y: float(np.sum(A - _f(Y))),
            keys=("db",),
        ),
        mistake(
            "dw has shape {got_shape}, expected {expected_shape}: dw = (1/m) X dZ^T has "
            "the shape of w; check the order of the product and the .T",
            lambda X, A, Y: (A - _f(Y)) @ X.T / X.shape[1],
            keys=("dw",),
        ),
        mistake(
            "dw has shape {got_shape}: a rank-1 array; dw has the shape of w "
            "{expected_shape} (keepdims=True or a matrix product keeps it)",
            lambda X, A, Y: np.mean(X * (A - _f(Y)), axis=1),
            keys=("dw",),
        ),
    ),
    numerical=_backward_numerical,
    scaling_case=lambda rng, m: _backward_case(rng, 3, m, "float64"),
    label_arg="Y",
)
check_backward = make_check(BACKWARD)

seal(sys.modules[__name__])
seal(ref)
seal(dlnotes.activations)
seal(dlnotes.cost)
