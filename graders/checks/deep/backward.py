r"""Checks of the backward pass (chapter 4).

``linear_backward``, ``linear_activation_backward`` and ``deep_backward``. Examples are
columns: ``dZ`` and ``dA`` (n[l], m), ``dA_prev`` (n[l-1], m), ``dW`` the shape of ``W``
(n[l], n[l-1]), ``db`` (n[l], 1); the course's ``dA`` has no 1/m, ``dW`` and ``db`` do.
Backward functions get caches built by a forward pass, so any correct formula passes
(``dZL = AL - Y`` directly, ``sigmoid(Z) * (1 - sigmoid(Z))`` or ``A * (1 - A)``).
Besides the reference, answers are compared with complex-step numerical gradients
(:mod:`graders.checks._gradients`). Labels come as float, int, bool and uint8.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnotes import deep as ref
from graders.checks import _models
from graders.checks._check import make_check
from graders.checks._diagnose import Evidence, fallback, mistake
from graders.checks._gradients import as_complex, numerical_gradient
from graders.checks._models import ACTIVATIONS, DERIVATIVES, as_float, labels
from graders.checks._netspec import net_spec
from graders.checks._outputs import Array, Dict, Seq
from graders.checks._spec import Case
from graders.checks._tamper import seal
from graders.checks.deep._common import (
    LAF_HIDDEN,
    LAF_VISIBLE,
    LINEAR_HIDDEN,
    LINEAR_VISIBLE,
    MARGIN,
    bias,
    network,
    same,
)

# ------------------------------------------------------------------------- linear_backward

_DB_HINT = (
    "a bias gradient has one row per unit: sum over the examples only, "
    "np.sum(dZ, axis=1, keepdims=True)"
)
_GRADS3 = Seq("result", (Array("dA_prev"), Array("dW"), Array("db", _DB_HINT)))


def _linear_backward_case(rng: np.random.Generator, n_prev: int, n: int, m: int) -> Case:
    A_prev = rng.standard_normal((n_prev, m))
    W = rng.standard_normal((n, n_prev))
    dZ = rng.standard_normal((n, m))
    return Case(f"n = {n}, m = {m}", (dZ, (A_prev, W, bias(rng, n))), m=m)


def _linear_backward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = LINEAR_HIDDEN if hidden else LINEAR_VISIBLE
    return [_linear_backward_case(rng, *s) for s in table]


def _layer_numerical(dA, A_prev, W, b, activation: str) -> dict[str, np.ndarray]:
    """Complex-step gradients of ``f = (1/m) sum(dA * g(W A_prev + b))``; ``dA_prev`` is
    ``m`` times that of ``A_prev`` (the course's dA has no 1/m)."""
    A_prev, W, b = (as_complex(a) for a in (A_prev, W, b))
    m, g = A_prev.shape[1], ACTIVATIONS[activation]

    def f() -> complex:
        return np.sum(dA * g(W @ A_prev + b)) / m

    dA_prev = np.multiply(m, numerical_gradient(f, A_prev))
    return {"dA_prev": dA_prev, "dW": numerical_gradient(f, W), "db": numerical_gradient(f, b)}


def _linear_backward_numerical(case: Case) -> dict[str, np.ndarray]:
    dZ, (A_prev, W, b) = case.args
    return _layer_numerical(dZ, A_prev, W, b, "identity")


def _result_order(names: tuple[str, ...]):
    """A diagnosis: the returned arrays are the right ones in another order."""

    def diagnose(ev: Evidence) -> str | None:
        if ev.stage not in ("shape", "value"):
            return None
        got = [ev.got.get(n) for n in names]
        matched = [next((n for n in names if same(g, ev.expected[n])), None) for g in got]
        if None not in matched and matched != list(names):
            return f"the results are in the wrong order ({', '.join(matched)}): return " + (
                ", ".join(names)
            )
        return None

    return diagnose


LINEAR_BACKWARD = net_spec(
    arg_names=("dZ", "cache"),
    reference=ref.linear_backward,
    make_cases=_linear_backward_cases,
    output=_GRADS3,
    diagnoses=(
        _result_order(("dA_prev", "dW", "db")),
        mistake(
            "dA_prev has no 1/m: dA_prev = W.T dZ (the 1/m belongs to dW and db only)",
            lambda dZ, cache: cache[1].T @ dZ / dZ.shape[1],
            keys=("dA_prev",),
        ),
        mistake(
            "dW is divided by A_prev.shape[0] = n[l-1]: m = A_prev.shape[1], the number "
            "of examples",
            lambda dZ, cache: dZ @ cache[0].T / cache[0].shape[0],
            keys=("dW",),
        ),
    ),
    numerical=_linear_backward_numerical,
    scaling_case=lambda rng, m: _linear_backward_case(rng, 3, 4, m),
)
check_linear_backward = make_check(LINEAR_BACKWARD)


# -------------------------------------------------------------- linear_activation_backward


def _lab_case(rng: np.random.Generator, n_prev: int, n: int, m: int, activation: str) -> Case:
    for _ in range(100):
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = bias(rng, n)
        Z = W @ A_prev + b
        if np.all(np.abs(Z) > MARGIN):
            break
    dA = rng.standard_normal((n, m))
    name = f"{activation}, n = {n}, m = {m}"
    return Case(name, (dA, ((A_prev, W, b), Z), activation), m=m)


def _lab_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_lab_case(rng, *row) for row in (LAF_HIDDEN if hidden else LAF_VISIBLE)]


def _lab_numerical(case: Case) -> dict[str, np.ndarray]:
    dA, ((A_prev, W, b), _), activation = case.args
    return _layer_numerical(dA, A_prev, W, b, activation)


def _lab_variant(dZ_of):
    """A mistake model: ``linear_backward`` of a wrong ``dZ = dZ_of(dA, Z, activation)``."""

    def model(dA, cache, activation):
        (A_prev, W, _), Z = cache
        dA_prev, dW, db = _models.linear_backward(dZ_of(dA, Z, activation), A_prev, W)
        return {"dA_prev": dA_prev, "dW": dW, "db": db}

    return model


def _swapped_activation(ev: Evidence) -> str | None:
    if ev.stage != "value":
        return None
    asked = ev.inputs["activation"]
    other = "sigmoid" if asked == "relu" else "relu"
    model = _lab_variant(lambda dA, Z, g: dA * DERIVATIVES[other](Z))
    if all(same(ev.got[k], v) for k, v in model(**ev.inputs).items()):
        return f"with activation={asked!r}, dZ looks like the {other} derivative: use " + (
            "relu_backward for 'relu' and sigmoid_backward for 'sigmoid'"
        )
    return None


LINEAR_ACTIVATION_BACKWARD = net_spec(
    arg_names=("dA", "cache", "activation"),
    reference=ref.linear_activation_backward,
    make_cases=_lab_cases,
    output=_GRADS3,
    diagnoses=(
        _result_order(("dA_prev", "dW", "db")),
        _swapped_activation,
        mistake(
            "the ReLU mask is taken from dA: dZ = dA where Z > 0, else 0",
            _lab_variant(lambda dA, Z, g: dA * (dA > 0)),
        ),
        mistake(
            "dZ = dA * Z: the ReLU derivative is a 0/1 mask, dZ = dA * (Z > 0)",
            _lab_variant(lambda dA, Z, g: dA * Z),
        ),
        mistake(
            "the sigmoid derivative is s * (1 - s) with s = sigmoid(Z), not s * (1 - Z)",
            _lab_variant(lambda dA, Z, g: dA * DERIVATIVES["sigmoid as s * (1 - Z)"](Z)),
        ),
        mistake(
            "the derivative is taken at A = g(Z) instead of Z: pass Z from the cache",
            _lab_variant(lambda dA, Z, g: dA * DERIVATIVES["sigmoid at A"](Z)),
        ),
        mistake(
            "dZ = dA lacks the factor g'(Z): dZ = dA * g'(Z), relu_backward or sigmoid_backward",
            _lab_variant(lambda dA, Z, g: dA),
        ),
    ),
    numerical=_lab_numerical,
    scaling_case=lambda rng, m: _lab_case(rng, 3, 4, m, "relu"),
)
check_linear_activation_backward = make_check(LINEAR_ACTIVATION_BACKWARD)


# --------------------------------------------------------------------------- deep_backward

_DB_VISIBLE = (
    ([3, 4, 1], 5, "float64"),
    ([4, 3, 2, 1], 1, "float64"),
    ([2, 5, 3, 1], 6, "int64"),
    ([3, 2, 1], 7, "bool"),
    ([2, 3, 1], 4, "uint8"),
)
_DB_HIDDEN = (([5, 1], 7, "float64"), ([3, 4, 4, 3, 1], 9, "bool"), ([1, 1, 1], 1, "uint8"),
              ([6, 5, 1], 12, "int64"), ([4, 6, 1], 1, "float64"))  # fmt: skip


def _ref_caches(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
    """The reference forward pass with its caches as plain tuples (plain data)."""
    AL, caches = ref.deep_forward(X, parameters)
    return AL, [(tuple(linear), Z) for linear, Z in caches]


def _layers(caches) -> list:
    """``[(A_prev, W, b, Z), ...]`` from plain caches, as :mod:`_models` uses them."""
    return [(A_prev, W, b, Z) for (A_prev, W, b), Z in caches]


def _deep_backward_case(rng: np.random.Generator, layer_dims, m: int, dtype: str) -> Case:
    X, parameters = network(rng, layer_dims, m)
    AL, caches = _ref_caches(X, parameters)
    Y = labels(rng, m, dtype)
    name = f"L = {len(layer_dims) - 1}, m = {m}, Y {dtype}"
    return Case(name, (AL, Y, caches), m=m, extra={"label_dtype": dtype})


def _confident_case(rng: np.random.Generator, layer_dims, dtype: str) -> Case:
    """One example predicted with AL = sigmoid(-40), about 4e-18, but labelled 1: the
    output layer's dZ is AL - Y = -1, which clipping AL (to [1e-15, ...]) gets wrong."""
    X, parameters = network(rng, layer_dims, 1)
    L = len(layer_dims) - 1
    ZL = _models.deep_forward(X, parameters)[1][-1][3]
    parameters[f"b{L}"] = parameters[f"b{L}"] - ZL - 40.0
    AL, caches = _ref_caches(X, parameters)
    Y = np.asarray([[1]]).astype(dtype)
    name = f"L = {L}, m = 1, Y {dtype}, AL < 1e-15"
    return Case(name, (AL, Y, caches), m=1, extra={"label_dtype": dtype})


def _deep_backward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _DB_HIDDEN if hidden else _DB_VISIBLE
    confident = ([4, 3, 3, 1], "int64") if hidden else ([3, 4, 1], "float64")
    return [*(_deep_backward_case(rng, *row) for row in table), _confident_case(rng, *confident)]


def _cost_from(A, p: dict, l: int, Y) -> complex:
    """The cost of the network from layer ``l`` on (fed ``A``), from the output's Z."""
    _, layers = _models.deep_forward(A, p, start=l)
    return _models.cross_entropy_of_logits(layers[-1][3], Y)


def _deep_backward_numerical(case: Case) -> dict[str, np.ndarray]:
    """Complex-step derivatives of J = cost(forward) in every W, b and every layer input
    A[l-1] (times m: the course's dA has no 1/m)."""
    _, Y, caches = case.args
    Y = as_float(Y)
    m = Y.shape[1]
    p, inputs = {}, []
    for l, ((A_prev, W, b), _) in enumerate(caches, start=1):
        p[f"W{l}"], p[f"b{l}"] = as_complex(W), as_complex(b)
        inputs.append(as_complex(A_prev))

    def cost_from(l: int):
        return lambda: _cost_from(inputs[l - 1], p, l, Y)

    grads = {"d" + k: numerical_gradient(cost_from(1), v) for k, v in p.items()}
    for l, A_prev in enumerate(inputs, start=1):
        grads[f"dA{l - 1}"] = np.multiply(m, numerical_gradient(cost_from(l), A_prev))
    return grads


def _backward_variant(dAL=None, **variant):
    """A mistake model: the backward pass with another derivative or ``dAL``."""

    def model(AL, Y, caches):
        Y = as_float(Y)
        extra = {} if dAL is None else {"dAL": dAL(AL, Y)}
        return _models.deep_backward(AL, Y, _layers(caches), **variant, **extra)

    return model


def _clipped_dAL(ev: Evidence) -> str | None:  # noqa: N802 (the notes' name)
    """The gradient of a backward pass whose AL was clipped to [eps, 1 - eps] first."""
    if ev.stage != "value":
        return None
    AL = ev.inputs["AL"]
    for eps in (1e-15, 1e-12, 1e-10, 1e-8, 1e-7):
        if not bool(np.any(AL < eps) or np.any(AL > 1 - eps)):
            continue
        clipped = np.clip(AL, eps, 1 - eps)
        model = _backward_variant(dAL=lambda AL, Y, c=clipped: -(Y / c - (1.0 - Y) / (1.0 - c)))
        if all(same(ev.got.get(k), v) for k, v in model(**ev.inputs).items()):
            return (
                f"AL is clipped to [{eps:g}, 1 - {eps:g}]: that changes the gradient of "
                f"predictions closer than {eps:g} to 0 or 1 (here dZ{len(ev.inputs['caches'])}"
                " must be AL - Y); do not clip AL in the backward pass"
            )
    return None


def _output_layer_only(ev: Evidence) -> str | None:
    """Localise: the layers below pass the learner's own ``dA{L-1}`` down correctly, so
    the mistake is in ``dAL`` or the output layer's ``dZ``."""
    caches = ev.inputs["caches"]
    L = len(caches)
    if ev.stage != "value" or L < 2:
        return None
    dA = ev.got[f"dA{L - 1}"]
    for l in range(L - 1, 0, -1):
        (A_prev, W, _), Z = caches[l - 1]
        dA, dW, db = _models.linear_backward(dA * DERIVATIVES["relu"](Z), A_prev, W)
        for key, value in ((f"dA{l - 1}", dA), (f"dW{l}", dW), (f"db{l}", db)):
            if not same(ev.got[key], value):
                return None
    return (
        f"the hidden layers pass your dA{L - 1} down correctly, so the mistake is in the "
        f"output layer {L}: check dAL = -(Y/AL - (1 - Y)/(1 - AL)) and its sigmoid "
        f"backward; {fallback(ev)}"
    )


def _grads_keys(ev: Evidence) -> str | None:
    if ev.stage != "keys":
        return None
    L = len(ev.inputs["caches"])
    shifted = {f"dA{l}" for l in range(1, L + 1)}
    if shifted <= set(ev.got) and "dA0" not in ev.got:
        return (
            f"the dA keys are shifted by one (dA1 .. dA{L}): the gradient that layer l "
            f"passes down is dA{{l-1}}, so the keys are dA0 .. dA{L - 1}"
        )
    return None


DEEP_BACKWARD = net_spec(
    arg_names=("AL", "Y", "caches"),
    reference=ref.deep_backward,
    make_cases=_deep_backward_cases,
    output=Dict("grads", None),
    diagnoses=(
        _grads_keys,
        _clipped_dAL,
        mistake(
            "the output layer's backward uses relu: layer L is a sigmoid layer",
            _backward_variant(output="relu"),
        ),
        mistake(
            "the hidden layers' backward uses sigmoid: layers 1 .. L-1 are relu layers",
            _backward_variant(hidden="sigmoid"),
        ),
        mistake(
            "dAL is -Y/AL: it has a second term, dAL = -(Y/AL - (1 - Y)/(1 - AL))",
            _backward_variant(dAL=lambda AL, Y: -Y / AL),
        ),
    ),
    late_diagnoses=(_output_layer_only,),
    numerical=_deep_backward_numerical,
    scaling_case=lambda rng, m: _deep_backward_case(rng, [3, 4, 1], m, "float64"),
    label_arg="Y",
)
check_deep_backward = make_check(DEEP_BACKWARD)

seal(sys.modules[__name__])
