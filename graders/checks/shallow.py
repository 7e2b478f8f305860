r"""Checks for chapter 3: the 2-layer network's ``forward_propagation``, ``compute_cost``
and ``backward_propagation``.

Examples are columns: ``X`` (n_x, m), ``Y`` and ``A2`` (1, m); ``W1`` (n_h, n_x), ``b1``
(n_h, 1), ``W2`` (1, n_h), ``b2`` (1, 1). Weights are of order 1 and biases never 0, so
that tanh, sigmoid and ReLU, or a missing bias, give visibly different outputs. The
cache handed to ``backward_propagation`` comes from the reference forward pass, so any
correct formula (``1 - A1**2`` or ``1 - np.tanh(Z1)**2``) passes. Labels come as float,
int, bool and uint8.
"""

from __future__ import annotations

import sys

import numpy as np

import dlnotes.activations
import dlnotes.cost
from dlnotes import shallow as ref
from graders.checks import _models
from graders.checks._check import make_check
from graders.checks._cost import cost_spec
from graders.checks._diagnose import Evidence, close, fallback, mistake
from graders.checks._gradients import as_complex, numerical_gradient
from graders.checks._models import as_float, labels
from graders.checks._netspec import net_spec
from graders.checks._outputs import Array, Dict, Seq
from graders.checks._spec import Case
from graders.checks._tamper import seal


def _parameters(rng: np.random.Generator, n_x: int, n_h: int) -> dict:
    def bias(n: int) -> np.ndarray:  # never near 0: a forgotten bias must show
        return rng.choice([-1.0, 1.0], size=(n, 1)) * rng.uniform(0.3, 1.0, size=(n, 1))

    return {
        "W1": rng.standard_normal((n_h, n_x)),
        "b1": bias(n_h),
        "W2": rng.standard_normal((1, n_h)),
        "b2": bias(1),
    }


# --------------------------------------------------------------- forward_propagation
_FORWARD_VISIBLE = ((3, 4, 5), (2, 3, 1), (4, 2, 8))  # (n_x, n_h, m)
_FORWARD_HIDDEN = ((5, 6, 20), (1, 1, 1), (3, 3, 7), (6, 10, 1))


def _forward_case(rng: np.random.Generator, n_x: int, n_h: int, m: int) -> Case:
    X = rng.standard_normal((n_x, m))
    return Case(f"n_h = {n_h}, m = {m}", (X, _parameters(rng, n_x, n_h)), m=m)


def _forward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_forward_case(rng, *s) for s in (_FORWARD_HIDDEN if hidden else _FORWARD_VISIBLE)]


def _flat_forward(**variant):
    """A mistake model: the flattened forward output with one step changed."""

    def model(X, parameters):
        c = _models.shallow_forward(X, parameters, **variant)
        return {"A2": c["A2"], **{f"cache.{k}": v for k, v in c.items()}}

    return model


def _late_bias(*layers):
    """A mistake model of A2 alone: the bias of ``layers`` added after the activation
    (whatever the learner put in the cache)."""
    return lambda X, parameters: {
        "A2": _models.shallow_forward(X, parameters, late_bias=layers)["A2"]
    }


def _cache_swapped(X, parameters):
    c = _models.shallow_forward(X, parameters)
    return {"A2": c["A2"], "cache.Z1": c["A1"], "cache.A1": c["Z1"]}


_CACHE = Dict("cache", {k: Array(k) for k in ("Z1", "A1", "Z2", "A2")})

FORWARD_PROPAGATION = net_spec(
    arg_names=("X", "parameters"),
    reference=ref.forward_propagation,
    make_cases=_forward_cases,
    output=Seq("result", (Array("A2"), _CACHE)),
    diagnoses=(
        mistake(
            "A1 is sigmoid(Z1): the hidden layer uses tanh, A1 = np.tanh(Z1)",
            _flat_forward(hidden="sigmoid"),
        ),
        mistake(
            "A1 is relu(Z1): the hidden layer uses tanh, A1 = np.tanh(Z1)",
            _flat_forward(hidden="relu"),
        ),
        mistake(
            "A2 is tanh(Z2): the output layer uses sigmoid, a probability in (0, 1)",
            _flat_forward(output="tanh"),
        ),
        mistake(
            "Z1 = W1 X without b1: you forgot the bias b1",
            _flat_forward(bias1=False),
        ),
        mistake(
            "Z2 = W2 A1 without b2: you forgot the bias b2",
            _flat_forward(bias2=False),
        ),
        mistake(
            "the biases are added after the activations, tanh(W1 X) + b1 and "
            "sigmoid(W2 A1) + b2: they belong inside, Z = W A + b, then A = g(Z)",
            _late_bias(1, 2),
        ),
        mistake(
            "A2 = sigmoid(W2 A1) + b2: the bias is added after the sigmoid; it belongs "
            "inside, Z2 = W2 A1 + b2, A2 = sigmoid(Z2)",
            _late_bias(2),
        ),
        mistake(
            "A1 = tanh(W1 X) + b1: the bias is added after tanh; it belongs inside, "
            "Z1 = W1 X + b1, A1 = np.tanh(Z1)",
            _late_bias(1),
        ),
        mistake(
            "cache['Z1'] holds A1 and cache['A1'] holds Z1: they are swapped",
            _cache_swapped,
        ),
        mistake(
            "Z2 is computed from Z1: the output layer takes the activations, Z2 = W2 A1 + b2",
            _flat_forward(hidden="identity"),
        ),
    ),
    scaling_case=lambda rng, m: _forward_case(rng, 3, 4, m),
)
check_forward_propagation = make_check(FORWARD_PROPAGATION)


# ---------------------------------------------------------------------- compute_cost
COMPUTE_COST = cost_spec(ref.compute_cost, "A2")
check_compute_cost = make_check(COMPUTE_COST)


# -------------------------------------------------------------- backward_propagation
_BACKWARD_VISIBLE = ((3, 4, 5, "float64"), (2, 3, 1, "float64"), (4, 2, 6, "int64"),
                     (2, 5, 7, "bool"), (3, 3, 4, "uint8"))  # fmt: skip
_BACKWARD_HIDDEN = ((5, 6, 20, "float64"), (1, 1, 1, "uint8"), (4, 4, 9, "bool"),
                    (6, 10, 1, "int64"), (2, 8, 13, "float64"))  # fmt: skip


_DB_HINT = (
    "a bias gradient has one row per unit: sum over the examples only, "
    "along one axis (axis=1, keepdims=True)"
)


def _backward_case(rng: np.random.Generator, n_x: int, n_h: int, m: int, dtype: str) -> Case:
    X = rng.standard_normal((n_x, m))
    parameters = _parameters(rng, n_x, n_h)
    _, cache = ref.forward_propagation(X, parameters)
    Y = labels(rng, m, dtype)
    name = f"n_h = {n_h}, m = {m}, Y {dtype}"
    return Case(name, (parameters, dict(cache), X, Y), m=m, extra={"label_dtype": dtype})


def _backward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _BACKWARD_HIDDEN if hidden else _BACKWARD_VISIBLE
    return [_backward_case(rng, *row) for row in table]


def _backward_numerical(case: Case) -> dict[str, np.ndarray]:
    """Complex-step derivatives of J(W1, b1, W2, b2) = cost(forward(X), Y)."""
    parameters, _, X, Y = case.args
    p = {k: as_complex(v) for k, v in parameters.items()}
    Y = as_float(Y)

    def cost() -> complex:
        return _models.cross_entropy_of_logits(_models.shallow_forward(X, p)["Z2"], Y)

    return {"d" + k: numerical_gradient(cost, p[k]) for k in ("W1", "b1", "W2", "b2")}


def _grads(derivative: str = "tanh", dW2_input: str = "A1"):
    """A mistake model: the backward pass with one step changed."""

    def model(parameters, cache, X, Y):
        return _models.shallow_backward(parameters, cache, X, as_float(Y), derivative, dW2_input)

    return model


def _hidden_layer_only(ev: Evidence) -> str | None:
    """Localise: dW2 and db2 are right, so the mistake is in layer 1."""
    if ev.stage != "value" or ev.key not in ("dW1", "db1"):
        return None
    if not all(close(ev.got[k], ev.expected[k], 1e-7, 1e-12) for k in ("dW2", "db2")):
        return None
    return (
        "dW2 and db2 are right, so the mistake is in layer 1: dZ1 = W2.T dZ2 * (1 - A1**2), "
        f"dW1 = (1/m) dZ1 X.T, db1 = (1/m) sum(dZ1, axis=1); {fallback(ev)}"
    )


BACKWARD_PROPAGATION = net_spec(
    arg_names=("parameters", "cache", "X", "Y"),
    reference=ref.backward_propagation,
    make_cases=_backward_cases,
    output=Dict("grads", {k: Array(k, _DB_HINT) for k in ("dW1", "db1", "dW2", "db2")}),
    diagnoses=(
        mistake(
            "dZ1 uses 1 - A1 as the derivative of tanh: tanh'(Z1) = 1 - A1**2",
            _grads("tanh as 1 - A"),
        ),
        mistake(
            "dZ1 uses the sigmoid derivative A1 (1 - A1): the hidden layer is tanh, "
            "whose derivative is 1 - A1**2",
            _grads("tanh as A (1 - A)"),
        ),
        mistake(
            "dZ1 uses the sigmoid derivative sigmoid(Z1) (1 - sigmoid(Z1)): the hidden "
            "layer is tanh, whose derivative is 1 - A1**2",
            _grads("sigmoid"),
        ),
        mistake(
            "dZ1 = W2.T dZ2 lacks the factor g'(Z1) = 1 - A1**2 (the derivative of tanh)",
            _grads("none"),
        ),
        mistake(
            "dW2 uses Z1 where A1 belongs: dW2 = (1/m) dZ2 A1.T",
            _grads(dW2_input="Z1"),
        ),
    ),
    late_diagnoses=(_hidden_layer_only,),
    numerical=_backward_numerical,
    scaling_case=lambda rng, m: _backward_case(rng, 3, 4, m, "float64"),
    label_arg="Y",
)
check_backward_propagation = make_check(BACKWARD_PROPAGATION)

seal(sys.modules[__name__])
seal(ref)
seal(dlnotes.activations)
seal(dlnotes.cost)
