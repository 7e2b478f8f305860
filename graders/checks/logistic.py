r"""Checks for chapter 2: logistic regression ``forward``, ``compute_cost``, ``backward``,
and the training code: ``initialize_with_zeros``, ``optimize``, ``predict``, ``model``.

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
from graders.checks._diagnose import Evidence, close, mistake
from graders.checks._gradients import as_complex, numerical_gradient, softplus
from graders.checks._outputs import Array, Dict, Scalar, Seq, SeqOf, Tuple, _describe
from graders.checks._spec import Case, CheckFailure, Spec
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

# ============================================================== the training code
# ``initialize_with_zeros``, ``optimize`` (gradient descent), ``predict`` and ``model``.
# ``optimize`` and ``model`` are compared with the reference run for a few iterations from
# the same start; a wrong run is explained by comparing it with the true trajectory (the
# parameters, gradients and costs after k = 0, 1, 2, ... steps) and with runs that make
# one of the usual loop mistakes.


# ------------------------------------------------------------- initialize_with_zeros
def _init_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    dims = (
        (int(rng.integers(20, 40)), int(rng.integers(2, 5)), int(rng.integers(8, 16)))
        if hidden
        else (int(rng.integers(2, 6)), 1, int(rng.integers(6, 12)))
    )
    return [Case(f"dim = {d}", (d,), m=1) for d in dims]


def _zeros_diagnosis(ev: Evidence) -> str | None:
    dim = ev.inputs["dim"]
    got = ev.got.get(ev.key) if ev.key else None
    if ev.key == "w" and ev.stage == "shape":
        if got.shape == (dim,):
            return f"w has shape {got.shape}, a rank-1 array: w is a column, shape ({dim}, 1)"
        if got.shape == (1, dim):
            return (
                f"w has shape {got.shape}, a row: w is a column of dim = {dim} weights, "
                f"shape ({dim}, 1)"
            )
        return f"w has shape {got.shape}, expected ({dim}, 1): one weight per feature (dim)"
    if ev.key == "w" and ev.stage == "dtype":
        return (
            f"w has dtype {got.dtype}: the weights are floats (float64); "
            "np.zeros makes floats unless it is given another dtype"
        )
    if ev.key == "w" and ev.stage == "value":
        if bool(np.all(got == 1.0)):
            return "w is all ones: the weights start at zero"
        return (
            "w is not all zeros: logistic regression starts from w = 0 (with one neuron "
            "there is no symmetry to break, so zeros are fine)"
        )
    if ev.key == "b" and ev.stage == "value":
        return f"b is {float(got):g}: b starts at 0.0 too"
    return None


INITIALIZE_WITH_ZEROS = Spec(
    arg_names=("dim",),
    reference=ref.initialize_with_zeros,
    make_cases=_init_cases,
    output=Seq(
        "result",
        [Array("w"), Scalar("b", hint="b is the number 0.0, a float (0 is an int)")],
    ),
    diagnoses=(_zeros_diagnosis,),
)
check_initialize_with_zeros = make_check(INITIALIZE_WITH_ZEROS)


# -------------------------------------------------------------------------- optimize
# (n_x, m, num_iterations, learning_rate, record_every): few iterations, a few recorded
# costs, learning rates other than 1 (a rate applied twice or ignored shows), a record_every
# that does not divide num_iterations, and one case where record_every is 1.
_OPTIMIZE_VISIBLE = ((2, 5, 4, 0.4, 1), (3, 1, 3, 0.3, 2), (2, 6, 7, 1.8, 3), (4, 8, 12, 0.05, 5))
_OPTIMIZE_HIDDEN = ((5, 12, 6, 0.8, 2), (1, 1, 5, 1.5, 1), (6, 20, 9, 0.2, 4), (3, 7, 101, 0.1, 50))


def _optimize_case(rng: np.random.Generator, n_x, m, num_iterations, learning_rate, every):
    w, b = _model(rng, n_x)
    X = rng.standard_normal((n_x, m))
    Y = _labels(rng, m, "float64")
    name = f"m = {m}, {num_iterations} iterations, record_every = {every}"
    return Case(name, (0.5 * w, b, X, Y, num_iterations, learning_rate, every), m=m)


def _optimize_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _OPTIMIZE_HIDDEN if hidden else _OPTIMIZE_VISIBLE
    return [_optimize_case(rng, *row) for row in table]


def _trajectory(w, b, X, Y, learning_rate, steps: int) -> list[tuple]:
    """``(w, b, grads, cost)`` after k = 0 .. steps correct steps of ``learning_rate``: the
    gradients and cost are those *at* that point (before its step)."""
    points = []
    w, b = np.array(w, dtype=np.float64), float(b)
    for _ in range(steps + 1):
        grads, cost = ref.propagate(w, b, X, Y)
        points.append((w, b, grads, cost))
        w, b = w - learning_rate * grads["dw"], b - learning_rate * grads["db"]
    return points


def _near(got, want) -> bool:
    return close(np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64),
                 1e-6, 1e-9)  # fmt: skip


def _costs_of(got: dict) -> list:
    return [got[f"costs[{i}]"] for i in range(len([k for k in got if k.startswith("costs[")]))]


def _at(got: dict, prefix: str, point: tuple) -> bool:
    """Do the learner's params (``prefix="params"``) or grads equal those of ``point``?"""
    w, b, grads, _ = point
    want = {"w": w, "b": b} if prefix == "params" else grads
    names = ("w", "b") if prefix == "params" else ("dw", "db")
    return all(_near(got[f"{prefix}.{n}"], want[n]) for n in names if f"{prefix}.{n}" in got)


def _recorded(n: int, every: int) -> list[int]:
    return [i for i in range(n) if i % every == 0]


def _steps_problem(got: dict, path: list, n: int, every: int) -> str | None:
    """The params are those of k != n correct steps: which loop mistake gives that."""
    costs = _costs_of(got)
    start_cost = path[0][3]
    if n > 1 and _at(got, "params", path[1]) and len(costs) > 1:
        if all(_near(c, start_cost) for c in costs):
            return (
                "params are one step from the start and every recorded cost is the starting "
                "cost: each iteration starts again from the given w and b, so the parameters "
                "are not carried over; assign each step's result back to w and b, so that the "
                "next iteration starts where this one ended"
            )
    for k, point in enumerate(path):
        if k == n or not _at(got, "params", point):
            continue
        if k == 0:
            return (
                "params are the start w, b unchanged: the steps are not assigned back to w "
                "and b (or the loop never runs)"
            )
        if k == n - 1 and _at(got, "grads", path[n - 1]):
            return (
                f"params are one step behind (what {n - 1} steps give) while the gradients "
                "agree: each iteration updates w and b before computing its gradient, with "
                "the previous one; compute the gradients first, then take the step with them"
            )
        return (
            f"params are what {k} steps of gradient descent give, expected num_iterations = "
            f"{n}: the loop runs {k} times; run it exactly num_iterations times, "
            "for i in range(num_iterations)"
        )
    return None


_RATES = (
    (lambda lr: lr * lr, "the learning rate is applied twice: each step is learning_rate² "
     "times the gradient; multiply the gradient by learning_rate once"),
    (lambda lr: 2 * lr, "each step is twice learning_rate times the gradient: w and b are "
     "updated twice per iteration with the same gradient"),
    (lambda lr: 1.0, "the learning rate is ignored: each step is the gradient itself; "
     "multiply it by learning_rate"),
    (lambda lr: 1.0 / lr, "each step divides the gradient by the learning rate: multiply by "
     "learning_rate"),
    (lambda lr: -lr, "w and b move up the gradient (wrong sign): gradient descent subtracts "
     "learning_rate times the gradient"),
)  # fmt: skip


def _params_problem(got: dict, inputs: dict, path: list) -> str | None:
    n, every = inputs["num_iterations"], inputs["record_every"]
    problem = _steps_problem(got, path, n, every)
    if problem:
        return problem
    w, b, X, Y, lr = (inputs[k] for k in ("w", "b", "X", "Y", "learning_rate"))
    for rate, message in _RATES:
        if rate(lr) != lr and _at(got, "params", _trajectory(w, b, X, Y, rate(lr), n)[n]):
            return message
    zeros = _trajectory(np.zeros_like(w), 0.0, X, Y, lr, n)
    if any(_at(got, "params", zeros[k]) for k in (n, n - 1)):
        return (
            "the given start is ignored: params are what training from w = 0, b = 0 gives "
            "(re-initialised inside?); optimize continues from the w and b it is given"
        )
    return None


def _grads_problem(got: dict, path: list, n: int) -> str | None:
    if _at(got, "grads", path[n]):
        return (
            "grads are computed after the last step (at the returned params): return the "
            "gradients of the last iteration, the ones its step used"
        )
    if n > 1 and _at(got, "grads", path[0]):
        return "grads are those of the first iteration: return the last iteration's gradients"
    return None


def _costs_problem(got: dict, path: list, n: int, every: int) -> str | None:
    costs, want = _costs_of(got), _recorded(n, every)
    steps = []
    for c in costs:
        found = [k for k, point in enumerate(path) if _near(c, point[3])]
        if not found:
            steps = None
            break
        steps.append(found[0])
    if steps is not None and steps != want:
        block = [i for i in range(n) if (i + 1) % every == 0]
        if steps == [i + 1 for i in want] == block:
            return (
                f"costs are recorded after the update or at the end of each block of {every} "
                "iterations (here the two give the same costs): record the cost of the "
                "parameters the step starts from, when i % record_every == 0, so costs[0] "
                "is the cost at the start"
            )
        if steps == [i + 1 for i in want]:
            return (
                "costs are recorded after the update: record the cost of the parameters the "
                "step starts from (the one computed with the gradients), so costs[0] is the "
                "cost at the start"
            )
        if steps == list(range(n)) and every > 1:
            return (
                f"costs has a cost for every iteration ({n}): record one only when "
                f"i % record_every == 0 (every {every} iterations, from i = 0)"
            )
        if every != 100 and steps == _recorded(n, 100):
            return (
                "costs are recorded every 100 iterations whatever record_every is: use the "
                "record_every argument"
            )
        if steps == block:
            return (
                f"costs are recorded at the end of each block of {every} iterations "
                f"(i = {', '.join(map(str, steps))}): record when i % record_every == 0, "
                "starting with i = 0 (the cost at the start)"
            )
        return (
            f"costs holds the costs after {steps} steps, expected after {want}: record at "
            "the iterations i with i % record_every == 0, the cost before that step"
        )
    if len(costs) != len(want):
        return (
            f"costs has {len(costs)} entries, expected {len(want)}: one cost every "
            f"record_every = {every} iterations, at i = 0, {every}, ... below "
            "num_iterations"
        )
    return None


def _optimize_diagnosis(ev: Evidence) -> str | None:
    """Compare the learner's run with the true trajectory and with mistaken runs."""
    if ev.stage not in ("keys", "value"):
        return None
    inputs, got = ev.inputs, ev.got
    n, every = inputs["num_iterations"], inputs["record_every"]
    path = _trajectory(inputs["w"], inputs["b"], inputs["X"], inputs["Y"],
                       inputs["learning_rate"], 2 * n + 2)  # fmt: skip
    if not _at(got, "params", path[n]):
        return _params_problem(got, inputs, path)
    if not _at(got, "grads", path[n - 1]):
        return _grads_problem(got, path, n)
    return _costs_problem(got, path, n, every)


_GRADS = Dict("grads", {"dw": Array("dw"), "db": Scalar("db", hint="db is a number")})

OPTIMIZE = Spec(
    arg_names=("w", "b", "X", "Y", "num_iterations", "learning_rate", "record_every"),
    reference=ref.optimize,
    make_cases=_optimize_cases,
    output=Tuple(
        "result",
        [
            Dict("params", {"w": Array("w"), "b": Scalar("b", hint="b stays a number")}),
            _GRADS,
            SeqOf("costs", Scalar("cost")),
        ],
    ),
    diagnoses=(_optimize_diagnosis,),
)
check_optimize = make_check(OPTIMIZE)


# --------------------------------------------------------------------------- predict
_PREDICT_VISIBLE = ((3, 5), (2, 1), (4, 7))
_PREDICT_HIDDEN = ((6, 12), (1, 1), (5, 20))
_MARGIN = 1e-4  # no Z this close to 0, except the one that is exactly 0


def _predict_case(rng: np.random.Generator, n_x: int, m: int) -> Case:
    """Probabilities on both sides of 0.5 (when m > 2), some of them with 0 < Z < 0.5,
    none within about 1e-4 of 0.5."""
    for _ in range(100):
        w, b = _model(rng, n_x)
        X = rng.standard_normal((n_x, m))
        Z = w.T @ X + b
        both = m < 3 or (np.any(Z < 0) and np.any((Z > 0) & (Z < 0.5)) and np.any(Z > 0.5))
        if both and np.all(np.abs(Z) > _MARGIN):
            break
    return Case(f"n_x = {n_x}, m = {m}", (w, b, X), m=m)


def _half_case(rng: np.random.Generator, n_x: int, m: int) -> Case:
    """Example 0 has Z exactly 0, so A exactly 0.5 (small integers: w^T x + b is exact);
    the others are clearly on either side."""
    for _ in range(100):
        w = rng.integers(1, 4, size=(n_x, 1)) * rng.choice([-1.0, 1.0], size=(n_x, 1))
        X = rng.standard_normal((n_x, m))
        X[:, 0] = rng.integers(-3, 4, size=n_x)
        b = -float(w[:, 0] @ X[:, 0])
        Z = w.T @ X + b
        others = Z[0, 1:]
        if b != 0 and Z[0, 0] == 0 and np.all(np.abs(others) > _MARGIN):
            if np.any(others > 0) and np.any(others < 0):
                break
    return Case(f"n_x = {n_x}, m = {m}, A = 0.5 for one example", (w, b, X), m=m)


def _predict_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _PREDICT_HIDDEN if hidden else _PREDICT_VISIBLE
    half = (4, 9) if hidden else (3, 6)
    return [*(_predict_case(rng, *row) for row in table), _half_case(rng, *half)]


def _predict_problem(ev: Evidence) -> str | None:
    w, b, X = ev.inputs["w"], ev.inputs["b"], ev.inputs["X"]
    Z = w.T @ X + b
    A = _sigmoid(Z)
    got = ev.got.get("Y_prediction")
    if ev.stage == "dtype" and got.dtype == np.bool_:
        return (
            "Y_prediction has dtype bool: predictions are the numbers 0.0 and 1.0; convert "
            "the comparison with .astype(float)"
        )
    if ev.stage != "value":
        return None
    for wrong, message in (
        (A, "Y_prediction holds the probabilities A: predict 1.0 where A > 0.5, else 0.0"),
        ((A < 0.5) * 1.0, "Y_prediction is inverted: predict 1.0 where A > 0.5, else 0.0"),
        ((A >= 0.5) * 1.0, "Y_prediction is 1.0 where A is exactly 0.5: the rule predicts 1 "
         "only where A > 0.5, so use >, not >="),
        ((A > 0) * 1.0, "A is compared with 0, but it is a probability: compare it with 0.5"),
        ((Z > 0.5) * 1.0, "Z = w.T X + b is compared with 0.5: the threshold 0.5 is for the "
         "probability A = sigmoid(Z)"),
        ((_sigmoid(w.T @ X) > 0.5) * 1.0, "the predictions ignore b: A = sigmoid(w.T X + b)"),
    ):  # fmt: skip
        if _near(got, wrong):
            return message
    return None


PREDICT = Spec(
    arg_names=("w", "b", "X"),
    reference=ref.predict,
    make_cases=_predict_cases,
    output=Array("Y_prediction"),
    diagnoses=(_predict_problem,),
    scaling_case=lambda rng, m: _predict_case(rng, 3, m),
)
check_predict = make_check(PREDICT)


# ----------------------------------------------------------------------------- model
# (n_x, m_train, m_test, num_iterations, learning_rate, record_every, label dtype)
_MODEL_VISIBLE = ((2, 7, 5, 4, 0.5, 1, "float64"), (3, 9, 3, 6, 0.3, 2, "int64"),
                  (2, 5, 1, 3, 1.5, 1, "float64"))  # fmt: skip
_MODEL_HIDDEN = ((4, 15, 7, 7, 0.3, 3, "float64"), (1, 1, 2, 4, 2.0, 1, "float64"),
                 (5, 11, 13, 5, 0.8, 2, "int64"))  # fmt: skip


class _Count:
    """An ``int`` output (``num_iterations``), flattened as a float."""

    def __init__(self, name: str):
        self.name = name

    def flatten(self, value, path: str, out: dict) -> None:
        key = path or self.name
        if type(value) is bool or not isinstance(value, (int, np.integer)):
            raise CheckFailure(f"{key} is {_describe(value)}, expected an int")
        out[key] = np.array(float(value))


def _model_data(rng: np.random.Generator, n_x: int, m: int, w_true, dtype: str):
    X = rng.standard_normal((n_x, m))
    Y = (w_true.T @ X + 0.7 * rng.standard_normal((1, m)) > 0).astype(dtype)
    return X, Y


def _model_case(rng: np.random.Generator, n_x, m_train, m_test, n, lr, every, dtype) -> Case:
    """Tiny train and test sets of a noisy linear rule, drawn again until the trained
    model's accuracies on them differ (and neither is 0.5), no prediction is within about
    1e-6 of 0.5, and the training labels hold both classes (when m_train > 1)."""
    for _ in range(200):
        w_true = rng.standard_normal((n_x, 1))
        X_train, Y_train = _model_data(rng, n_x, m_train, w_true, dtype)
        X_test, Y_test = _model_data(rng, n_x, m_test, w_true, dtype)
        if m_train > 1 and len(np.unique(Y_train)) < 2:
            continue
        run = ref.model(X_train, Y_train, X_test, Y_test, n, lr, every)
        Z = [run["w"].T @ X + run["b"] for X in (X_train, X_test)]
        accuracies = {run["train_accuracy"], run["test_accuracy"]}
        if all(np.all(np.abs(z) > 1e-6) for z in Z) and len(accuracies) == 2:
            if 0.5 not in accuracies:
                break
    name = f"m_train = {m_train}, m_test = {m_test}, {n} iterations, Y {dtype}"
    args = (X_train, Y_train, X_test, Y_test, n, lr, every)
    return Case(name, args, m=m_train, extra={"label_dtype": dtype})


def _model_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_model_case(rng, *row) for row in (_MODEL_HIDDEN if hidden else _MODEL_VISIBLE)]


def _accuracy(P, Y) -> float:
    return float(np.mean(P == np.asarray(Y, dtype=np.float64)))


def _model_problem(ev: Evidence) -> str | None:
    X_train, Y_train, X_test, Y_test, n, lr, every = (ev.inputs[k] for k in MODEL.arg_names)
    got, want, key = ev.got, ev.expected, ev.key
    if ev.stage == "shape" and key in ("Y_prediction_train", "Y_prediction_test"):
        other = X_test if key == "Y_prediction_train" else X_train
        if got[key].shape == (1, other.shape[1]) != want[key].shape:
            name = "X_test" if key == "Y_prediction_train" else "X_train"
            return f"{key} has the shape of the predictions for {name}: predict the other set"
    if ev.stage not in ("keys", "value"):
        return None
    if got["w"].shape == want["w"].shape and not _near(got["w"], want["w"]):
        return _training_problem(got["w"], ev.inputs)
    costs = _costs_of(got)
    if ev.stage == "keys" and every != 100 and len(costs) == len(_recorded(n, 100)):
        return (
            f"costs has {len(costs)} entries, one every 100 iterations: pass record_every "
            "on to optimize"
        )
    if key in ("train_accuracy", "test_accuracy"):
        mine, theirs = float(got[key]), float(want[key])
        other = "test_accuracy" if key == "train_accuracy" else "train_accuracy"
        if _near(mine, 100 * theirs):
            return f"{key} is a percentage: return the fraction of right predictions (0 to 1)"
        if _near(mine, 1 - theirs):
            return f"{key} is the fraction of wrong predictions: count the right ones"
        if _near(mine, want[other]):
            return (
                f"{key} is the accuracy of the other set: compare each set's predictions "
                "with its own labels"
            )
    return None


def _training_problem(w, inputs: dict) -> str:
    """The trained w differs from the reference's: which training call gives it."""
    X_train, Y_train, X_test, Y_test, n, lr, every = (inputs[k] for k in MODEL.arg_names)
    for args, message in (
        ((X_test, Y_test, X_train, Y_train, n, lr, every),
         "the model is trained on the test set: train on X_train, Y_train; the test set "
         "only measures the result"),
        ((X_train, Y_train, X_test, Y_test, 2000, 0.005, every),
         "w is what optimize's defaults give (2000 iterations, learning_rate = 0.005): pass "
         "num_iterations and learning_rate on to optimize"),
        ((X_train, Y_train, X_test, Y_test, 2000, lr, every),
         "w is what 2000 iterations give: pass num_iterations on to optimize"),
        ((X_train, Y_train, X_test, Y_test, n, 0.005, every),
         "w is what learning_rate = 0.005 gives: pass learning_rate on to optimize"),
    ):  # fmt: skip
        if _near(w, ref.model(*args)["w"]):
            return message
    return (
        "w is not what num_iterations steps from w = 0, b = 0 give: start from "
        "initialize_with_zeros and train with optimize on the training set"
    )


MODEL = Spec(
    arg_names=(
        "X_train",
        "Y_train",
        "X_test",
        "Y_test",
        "num_iterations",
        "learning_rate",
        "record_every",
    ),  # fmt: skip
    reference=ref.model,
    make_cases=_model_cases,
    output=Dict(
        "result",
        {
            "w": Array("w"),
            "b": Scalar("b", hint="b is a number"),
            "costs": SeqOf("costs", Scalar("cost")),
            "Y_prediction_train": Array("Y_prediction_train"),
            "Y_prediction_test": Array("Y_prediction_test"),
            "train_accuracy": Scalar("train_accuracy", hint="the accuracy is a number"),
            "test_accuracy": Scalar("test_accuracy", hint="the accuracy is a number"),
            "learning_rate": Scalar("learning_rate", hint="return the learning_rate given"),
            "num_iterations": _Count("num_iterations"),
        },
    ),
    diagnoses=(_model_problem,),
)
check_model = make_check(MODEL)

seal(sys.modules[__name__])
seal(ref)
seal(dlnotes.activations)
seal(dlnotes.cost)
