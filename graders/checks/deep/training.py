r"""Checks of the steps around the two passes: before, during and after training.

``initialize_parameters_deep`` (chapter 4), ``update_parameters`` (one step of gradient
descent, chapter 4) and ``predict`` (chapter 5). Examples are columns: ``X`` (n[0], m),
``p`` (1, m). ``parameters`` holds ``W{l}`` (n[l], n[l-1]) and ``b{l}`` (n[l], 1) for
l = 1 .. L; ``grads`` holds ``dW{l}`` and ``db{l}`` of the same shapes.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnotes import deep as ref
from graders.checks import _models
from graders.checks._check import make_check
from graders.checks._diagnose import Evidence, key_message
from graders.checks._netspec import LAYERS_HINT, net_spec, quiet
from graders.checks._outputs import Array, Dict
from graders.checks._spec import Case
from graders.checks._tamper import seal
from graders.checks.deep._common import MARGIN, network, same

# ----------------------------------------------------------- initialize_parameters_deep


# The initializer is called three times per case, with ``default_rng(seed)`` twice and
# ``default_rng(seed + 1)`` once, and watched for use of the global ``np.random``. Its
# values cannot be compared with the reference's (any order of random calls is right), so
# its check verifies properties: keys, shapes, zero biases, the weights' scale and sign
# balance, determinism given ``rng``, and dependence on ``rng``.


def _three_calls(call, case: Case) -> dict:
    layer_dims, seed = case.args
    results = {}
    before = _get_state()
    try:
        for name, s in (("first", seed), ("again", seed), ("other", seed + 1)):
            results[name] = call(list(layer_dims), rng=np.random.default_rng(s))
    finally:
        after = _get_state()
        _set_state(before)  # leave the learner's global state as it was
    changed = not (before[0] == after[0] and np.array_equal(before[1], after[1]))
    changed = changed or before[2:] != after[2:]
    results["np_random"] = np.array(1.0 if changed else 0.0)
    return results


def _initializer_case(case: Case) -> str:
    layer_dims, seed = case.args
    return f"layer_dims = {list(layer_dims)} (rng seeded {seed})"


def _initializer_properties(flat: dict, case: Case) -> str | None:
    with quiet():
        return _initializer_problem(flat, list(case.args[0]))


_get_state = np.random.get_state
_set_state = np.random.set_state


class _InitializerOutput:
    name = "parameters"

    def flatten(self, value, path: str, out: dict) -> None:
        for name in ("first", "again", "other"):
            one: dict = {}
            Dict("parameters", None).flatten(value[name], "parameters", one)
            out.update({f"{name}.{k.split('.', 1)[1]}": v for k, v in one.items()})
        out["np_random"] = np.array(value["np_random"], dtype=np.float64)


_SCALE = 0.01
_MIN_WEIGHTS = 30  # the statistical checks need this many weights in a case


def _initializer_problem(flat: dict, layer_dims: list) -> str | None:
    if float(flat["np_random"]) != 0.0:
        return (
            "it changed the global np.random state (np.random.seed, np.random.randn, ...): "
            "draw every random number from the rng argument, e.g. rng.standard_normal"
        )
    L = len(layer_dims) - 1
    want = {f"{k}{l}" for l in range(1, L + 1) for k in "Wb"}
    got = {key.split(".", 1)[1] for key in flat if key.startswith("first.")}
    if got != want:
        return f"parameters: {key_message(got, want)}"
    for l in range(1, L + 1):
        problem = _layer_problem(flat, l, layer_dims[l], layer_dims[l - 1])
        if problem:
            return problem
    weights = [flat[f"first.W{l}"] for l in range(1, L + 1)]
    if all(not np.any(W) for W in weights):
        return (
            "the weights are all zeros: every unit of a layer would compute the same "
            "function and get the same update (symmetry); draw them at random"
        )
    return _random_problem(flat, L) or _scale_problem(weights)


def _layer_problem(flat: dict, l: int, n: int, n_prev: int) -> str | None:
    W, b = flat[f"first.W{l}"], flat[f"first.b{l}"]
    if W.shape != (n, n_prev):
        hint = "it is transposed" if W.shape == (n_prev, n) else "check the sizes"
        return f"W{l} has shape {W.shape}, expected {(n, n_prev)} = (n[l], n[l-1]): {hint}"
    if b.shape != (n, 1):
        return (
            f"b{l} has shape {b.shape}, expected {(n, 1)}: biases are column vectors, "
            "np.zeros((n[l], 1))"
        )
    for name, array in (("W", W), ("b", b)):
        if array.dtype != np.float64:
            return f"{name}{l} has dtype {array.dtype}, expected float64"
    if np.any(b):
        return f"b{l} is not all zeros: biases start at zero, np.zeros((n[l], 1))"
    return None


def _random_problem(flat: dict, L: int) -> str | None:
    def same_weights(a: str, b: str) -> bool:
        return all(np.array_equal(flat[f"{a}.W{l}"], flat[f"{b}.W{l}"]) for l in range(1, L + 1))

    if not same_weights("first", "again"):
        return (
            "two calls with equally seeded rngs gave different weights, so it is not "
            "deterministic given rng: draw from the rng argument, not from a new "
            "np.random.default_rng()"
        )
    if same_weights("first", "other"):
        return (
            "the weights are the same whatever rng is passed: it ignores the rng "
            "argument (a fixed seed inside?); draw with rng.standard_normal"
        )
    return None


def _scale_problem(weights: list) -> str | None:
    values = np.array([w for W in weights for w in W.ravel()])
    if values.size < _MIN_WEIGHTS:
        return None
    positive = float(np.sum(values > 0)) / values.size
    if positive > 0.9 or positive < 0.1:
        return (
            "the weights are nearly all of one sign: rng.random is uniform on [0, 1); "
            "draw from a normal distribution with rng.standard_normal"
        )
    rms = float(np.sqrt(np.sum(values * values) / values.size))
    if not 0.5 * _SCALE < rms < 2 * _SCALE:
        return (
            f"the weights have standard deviation about {rms:.2g}, expected about "
            f"{_SCALE}: scale the standard normal draws by {_SCALE} (large weights "
            "saturate the sigmoid and slow learning)"
        )
    return None


_INIT_VISIBLE = ([5, 4, 3, 1], [12, 6, 1], [2, 1])
_INIT_HIDDEN = ([20, 10, 7, 5, 1], [1, 1], [3, 40, 1], [8, 8, 8, 8, 8, 1])


def _initializer_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _INIT_HIDDEN if hidden else _INIT_VISIBLE
    return [Case(f"L = {len(d) - 1}", (list(d), int(rng.integers(2**31))), m=1) for d in table]


INITIALIZE_PARAMETERS_DEEP = net_spec(
    arg_names=("layer_dims", "rng"),
    reference=ref.initialize_parameters_deep,
    make_cases=_initializer_cases,
    output=_InitializerOutput(),
    calls=_three_calls,
    describe_case=_initializer_case,
    properties=_initializer_properties,
)
check_initialize_parameters_deep = make_check(INITIALIZE_PARAMETERS_DEEP)


# ----------------------------------------------------------------------- update_parameters

_UPDATE_VISIBLE = (([3, 4, 1], 0.1), ([4, 3, 2, 1], 0.0075), ([2, 1], 1.2))
_UPDATE_HIDDEN = (([5, 6, 4, 3, 1], 0.05), ([1, 1], 0.5), ([6, 8, 1], 2.5))


def _update_case(rng: np.random.Generator, layer_dims, learning_rate: float) -> Case:
    _, parameters = network(rng, layer_dims, 1)
    grads = {"d" + k: rng.standard_normal(v.shape) for k, v in parameters.items()}
    name = f"L = {len(layer_dims) - 1}, learning_rate = {learning_rate}"
    return Case(name, (parameters, grads, learning_rate), m=1)


def _update_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_update_case(rng, *row) for row in (_UPDATE_HIDDEN if hidden else _UPDATE_VISIBLE)]


def _step_diagnosis(ev: Evidence) -> str | None:
    """``got = p - c * dp``: name c (1, -learning_rate, 1 / learning_rate, 0)."""
    if ev.stage != "value":
        return None
    key, lr = ev.key, ev.inputs["learning_rate"]
    p, g = ev.inputs["parameters"][key], ev.inputs["grads"]["d" + key]
    got = ev.got[key]
    if same(got, p):
        return f"{key} was not updated: every W[l] and b[l], l = 1 .. L, takes a step"
    for c, message in (
        (1.0, "the learning rate is ignored: the step is learning_rate * d{key}"),
        (-lr, "{key} moves up the gradient (wrong sign): {key} - learning_rate * d{key}"),
        (1.0 / lr, "{key} divides by the learning rate: the step is learning_rate * d{key}"),
    ):
        if same(got, p - c * g):
            return message.format(key=key)
    return f"{key} is not {key} - learning_rate * d{key}: check which gradient updates it"


UPDATE_PARAMETERS = net_spec(
    arg_names=("parameters", "grads", "learning_rate"),
    reference=ref.update_parameters,
    make_cases=_update_cases,
    output=Dict("parameters", None),
    diagnoses=(_step_diagnosis,),
    key_error_hint=LAYERS_HINT,
)
check_update_parameters = make_check(UPDATE_PARAMETERS)


# --------------------------------------------------------------------------------- predict

_PREDICT_VISIBLE = (([3, 4, 1], 8), ([4, 3, 2, 1], 1), ([2, 5, 1], 11))
_PREDICT_HIDDEN = (([5, 1], 20), ([3, 4, 4, 1], 1), ([6, 5, 1], 15))


def _predict_case(rng: np.random.Generator, layer_dims, m: int) -> Case:
    """A network whose outputs are both above and below 0.5, none within 1e-4 of it."""
    X, parameters = network(rng, layer_dims, m)
    L = len(layer_dims) - 1
    for _ in range(100):
        _, layers = _models.deep_forward(X, parameters)
        ZL = layers[-1][3]
        parameters[f"b{L}"] = parameters[f"b{L}"] - float(np.median(ZL))
        if m == 1:
            parameters[f"b{L}"] += rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0)
        ZL = _models.deep_forward(X, parameters)[1][-1][3]
        if np.all(np.abs(ZL) > 1e-4):
            break
        X = rng.standard_normal(X.shape)
    return Case(f"L = {L}, m = {m}", (parameters, X), m=m)


def _half_case(rng: np.random.Generator, layer_dims, m: int) -> Case:
    """A network whose output is exactly 0.5 for the first example (every hidden unit off
    for X[:, 0] = 0, and b[L] = 0, so Z[L] is exactly 0 there) and clearly above or below
    0.5 for the others, both classes present."""
    L = len(layer_dims) - 1
    for _ in range(100):
        X, parameters = network(rng, layer_dims, m)
        X[:, 0] = 0.0
        for l in range(1, L):
            parameters[f"b{l}"] = -np.abs(parameters[f"b{l}"])
        parameters[f"b{L}"] = np.multiply(0.0, parameters[f"b{L}"])
        _, layers = _models.deep_forward(X, parameters)
        ZL = layers[-1][3]
        others = ZL[0, 1:]
        hidden_ok = all(np.all(np.abs(Z) > MARGIN) for *_, Z in layers[:-1])
        if hidden_ok and ZL[0, 0] == 0.0 and np.all(np.abs(others) > 1e-4):
            if np.any(others > 0) and np.any(others < 0):
                break
    return Case(f"L = {L}, m = {m}, AL = 0.5 for one example", (parameters, X), m=m)


def _predict_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _PREDICT_HIDDEN if hidden else _PREDICT_VISIBLE
    half = ([4, 5, 1], 9) if hidden else ([3, 4, 1], 6)
    return [*(_predict_case(rng, *row) for row in table), _half_case(rng, *half)]


def _predict_problem(ev: Evidence) -> str | None:
    parameters, X = ev.inputs["parameters"], ev.inputs["X"]
    AL = _models.deep_forward(X, parameters)[0]
    got = ev.got["p"]
    if ev.stage == "dtype" and got.dtype == np.bool_:
        return "p has dtype bool: predictions are the numbers 0.0 and 1.0; use .astype(float)"
    if ev.stage != "value":
        return None
    if same(got, AL):
        return "p holds the probabilities AL: predict 1.0 where AL > 0.5, else 0.0"
    if same(got, (AL < 0.5) * 1.0):
        return "p is inverted: predict 1.0 where AL > 0.5 (the network says y = 1), else 0.0"
    if same(got, (AL > 0) * 1.0):
        return "AL is compared with 0, but it is a probability: compare it with 0.5"
    if same(got, (AL >= 0.5) * 1.0):
        return (
            "p is 1.0 where AL is exactly 0.5: the rule predicts 1 only where AL > 0.5, "
            "so use >, not >="
        )
    return None


PREDICT = net_spec(
    arg_names=("parameters", "X"),
    reference=ref.predict,
    make_cases=_predict_cases,
    output=Array("p"),
    diagnoses=(_predict_problem,),
    scaling_case=lambda rng, m: _predict_case(rng, [3, 4, 1], m),
)
check_predict = make_check(PREDICT)

seal(sys.modules[__name__])
