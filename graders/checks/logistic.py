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
from graders.checks._check import make_check
from graders.checks._cost import cost_spec
from graders.checks._diagnose import mistake
from graders.checks._gradients import as_complex, numerical_gradient, softplus
from graders.checks._outputs import Array, Dict, Scalar
from graders.checks._spec import Case, Spec
from graders.checks._tamper import seal

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
    return np.asarray(Y, dtype=np.float64)


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
COMPUTE_COST = cost_spec(ref.compute_cost, "A")
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

    return {"dw": numerical_gradient(cost, w), "db": np.array(numerical_gradient(cost, b)[0])}


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
