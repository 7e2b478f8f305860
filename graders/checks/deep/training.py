r"""Checks of the steps around the two passes: before, during and after training.

``initialize_parameters_deep`` (chapter 4), ``update_parameters`` (one step of gradient
descent, chapter 4), ``predict`` (chapter 5) and ``deep_model`` (the training loop,
chapter 4). Examples are columns: ``X`` (n[0], m),
``p`` (1, m). ``parameters`` holds ``W{l}`` (n[l], n[l-1]) and ``b{l}`` (n[l], 1) for
l = 1 .. L; ``grads`` holds ``dW{l}`` and ``db{l}`` of the same shapes.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnotes import deep as ref
from graders.checks import _models
from graders.checks._check import make_check
from graders.checks._diagnose import Evidence, close
from graders.checks._netspec import LAYERS_HINT, net_spec, quiet
from graders.checks._outputs import Array, Dict, Scalar, SeqOf, Tuple
from graders.checks._spec import Case
from graders.checks._tamper import seal
from graders.checks._training import (
    InitializerOutput,
    initializer_properties,
    step_diagnosis,
    three_calls,
)
from graders.checks.deep._common import MARGIN, network, same

# ----------------------------------------------------------- initialize_parameters_deep


# The initializer is called three times per case, with ``default_rng(seed)`` twice and
# ``default_rng(seed + 1)`` once, and watched for use of the global ``np.random``. Its
# values cannot be compared with the reference's (any order of random calls is right), so
# its check verifies properties: keys, shapes, zero biases, the weights' scale and sign
# balance, determinism given ``rng``, and dependence on ``rng``.


def _initializer_case(case: Case) -> str:
    layer_dims, seed = case.args
    return f"layer_dims = {list(layer_dims)} (rng seeded {seed})"


_INIT_VISIBLE = ([5, 4, 3, 1], [12, 6, 1], [2, 1])
_INIT_HIDDEN = ([20, 10, 7, 5, 1], [1, 1], [3, 40, 1], [8, 8, 8, 8, 8, 1])


def _initializer_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _INIT_HIDDEN if hidden else _INIT_VISIBLE
    return [Case(f"L = {len(d) - 1}", (list(d), int(rng.integers(2**31))), m=1) for d in table]


INITIALIZE_PARAMETERS_DEEP = net_spec(
    arg_names=("layer_dims", "rng"),
    reference=ref.initialize_parameters_deep,
    make_cases=_initializer_cases,
    output=InitializerOutput(),
    calls=three_calls,
    describe_case=_initializer_case,
    properties=initializer_properties(lambda case: case.args[0]),
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


UPDATE_PARAMETERS = net_spec(
    arg_names=("parameters", "grads", "learning_rate"),
    reference=ref.update_parameters,
    make_cases=_update_cases,
    output=Dict("parameters", None),
    diagnoses=(step_diagnosis,),
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


# ------------------------------------------------------------------------------ deep_model

# The model trains from the parameters it is given, so its check needs no initializer
# (any order of random draws is a right initializer): the learner's loop and the
# reference's run a few iterations from the same start on tiny networks. The usual loop
# mistakes are loops too (:func:`_train`'s switches); a result equal to one names it.

# layer_dims, m, learning_rate, num_iterations, record_every
_MODEL_VISIBLE = (
    ([3, 4, 1], 5, 0.5, 3, 1),  # a cost every iteration
    ([4, 3, 2, 1], 6, 0.3, 7, 3),  # costs of iterations 0, 3 and 6
    ([2, 1], 4, 1.2, 1, 100),  # one iteration: one cost, one update
)
_MODEL_HIDDEN = (
    ([5, 4, 3, 1], 8, 0.2, 6, 3),  # num_iterations a multiple of record_every: 0 and 3
    ([1, 1], 3, 0.7, 4, 2),
    ([6, 5, 1], 10, 0.1, 10, 4),  # 0, 4 and 8
    ([3, 2, 1], 1, 0.4, 5, 2),  # one example
)


def _model_case(rng: np.random.Generator, layer_dims, m, learning_rate, num_iterations, every):
    X, parameters = network(rng, layer_dims, m)
    Y = _models.labels(rng, m, "float64")
    name = (
        f"L = {len(layer_dims) - 1}, m = {m}, learning_rate = {learning_rate}, "
        f"num_iterations = {num_iterations}, record_every = {every}"
    )
    return Case(name, (X, Y, parameters, learning_rate, num_iterations, every), m=m)


def _model_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_model_case(rng, *row) for row in (_MODEL_HIDDEN if hidden else _MODEL_VISIBLE)]


def _model_calls(call, case: Case):
    *args, every = case.args
    return call(*args, record_every=every)


def _model_label(case: Case) -> str:
    return repr(case.name)


def _train(
    X,
    Y,
    parameters,
    learning_rate,
    num_iterations,
    record_every,
    *,
    iterations=None,
    record=None,
    cost_after=False,
    stale=False,
    rate=None,
    steps=1,
    carry=True,
    forward_once=False,
    returns_start=False,
):
    """The course's loop (the reference's), or one of its usual mistakes: ``iterations``
    (the ``i`` it runs), ``record(i)`` (when it records the cost), the cost of the updated
    parameters (``cost_after``), the previous iteration's gradients (``stale``), another
    step size ``rate``, ``steps`` updates per iteration, every iteration from the start
    (``carry=False``), one forward pass for all (``forward_once``), the start returned."""
    start = parameters
    iterations = range(num_iterations) if iterations is None else iterations
    record = record or (lambda i: i % record_every == 0)
    rate = learning_rate if rate is None else rate
    previous = {"d" + k: np.zeros_like(v) for k, v in parameters.items()}
    AL, caches = ref.deep_forward(X, parameters)
    costs, updated = [], parameters
    for i in iterations:
        if not forward_once:
            AL, caches = ref.deep_forward(X, parameters)
        grads = ref.deep_backward(AL, Y, caches)
        updated = parameters
        for _ in range(steps):
            updated = ref.update_parameters(updated, previous if stale else grads, rate)
        previous = grads
        if record(i):
            A = ref.deep_forward(X, updated)[0] if cost_after else AL
            costs.append(ref.compute_cost(A, Y))
        parameters = updated if carry else start
    return (start if returns_start else updated), costs


_ALL_STEPS = "every iteration is forward, backward, then update_parameters"
_LOOP_MISTAKES = (
    (
        "the update uses the gradients of the previous iteration (the update comes before "
        "deep_backward): " + _ALL_STEPS + " with this iteration's grads",
        dict(stale=True),
    ),
    (
        "the gradients are those of the start at every iteration: deep_forward runs once, "
        "before the loop; run it inside the loop, on the current parameters",
        dict(forward_once=True),
    ),
    (
        "the costs are those of the parameters after each update: record the cost of the "
        "forward pass of iteration i, before its update (costs[0] is the cost of the start)",
        dict(cost_after=True),
    ),
    (
        "the learning rate is applied twice (a step of learning_rate² times the gradient): "
        "pass the gradients and learning_rate to update_parameters as they are",
        "rate_squared",
    ),
    (
        "each iteration takes two gradient steps (update_parameters called twice): one "
        "update per iteration",
        dict(steps=2),
    ),
    (
        "the parameters are not carried over: every iteration starts again from the given "
        "parameters; assign the update back, parameters = update_parameters(parameters, ...)",
        dict(carry=False),
    ),
    (
        "the parameters never change: update_parameters returns a new dict, which is lost; "
        "assign it, parameters = update_parameters(parameters, grads, learning_rate)",
        dict(carry=False, returns_start=True),
    ),
    (
        "it returns the parameters it was given, not the trained ones: return the "
        "parameters after the last update",
        dict(returns_start=True),
    ),
    (
        "it records the cost at every iteration: record it only when i % record_every == 0",
        dict(record=lambda i: True),
    ),
    (
        "record_every is ignored (it records every 100 iterations): record the cost when "
        "i % record_every == 0",
        dict(record=lambda i: i % 100 == 0),
    ),
    (
        "it records the costs of iterations record_every - 1, 2 record_every - 1, ... "
        "((i + 1) % record_every, or i counted from 1): record when i % record_every == 0 "
        "with i from 0, so that costs[0] is the cost of the start",
        "record_late",
    ),
    (
        "it runs num_iterations - 1 iterations: for i in range(num_iterations)",
        "one_fewer",
    ),
    (
        "it runs num_iterations + 1 iterations: for i in range(num_iterations)",
        "one_more",
    ),
)


def _loop_options(option, learning_rate, num_iterations, every) -> dict:
    if isinstance(option, dict):
        return option
    return {
        "rate_squared": dict(rate=learning_rate * learning_rate),
        "record_late": dict(record=lambda i: i % every == every - 1),
        "one_fewer": dict(iterations=range(num_iterations - 1)),
        "one_more": dict(iterations=range(num_iterations + 1)),
    }[option]


def _matches(got: dict, wrong: dict) -> bool:
    if set(got) != set(wrong):
        return False
    return all(
        got[k].shape == wrong[k].shape and close(got[k], wrong[k], 1e-6, 1e-9) for k in wrong
    )


def _loop_diagnosis(ev: Evidence) -> str | None:
    """The learner's result is that of one of the usual loop mistakes."""
    if ev.stage not in ("keys", "value"):
        return None
    X, Y, parameters = ev.inputs["X"], ev.inputs["Y"], ev.inputs["parameters"]
    rate, n, every = (ev.inputs[k] for k in ("learning_rate", "num_iterations", "record_every"))
    with quiet():
        for message, option in _LOOP_MISTAKES:
            options = _loop_options(option, rate, n, every)
            wrong = DEEP_MODEL.flatten(_train(X, Y, parameters, rate, n, every, **options))
            if not _matches(ev.got, wrong) or _matches(ev.expected, wrong):
                continue
            return message
    return None


def _agree(ev: Evidence, prefix: str) -> bool:
    keys = [k for k in ev.expected if k.startswith(prefix)]
    return all(
        k in ev.got
        and ev.got[k].shape == ev.expected[k].shape
        and close(ev.got[k], ev.expected[k], 1e-7, 1e-12)
        for k in keys
    )


def _costs_count_diagnosis(ev: Evidence) -> str | None:
    """How many costs, and which iterations they belong to."""
    got = sum(key.startswith("costs[") for key in ev.got)
    want = sum(key.startswith("costs[") for key in ev.expected)
    if ev.stage != "keys" or got == want:
        return None
    n, every = ev.inputs["num_iterations"], ev.inputs["record_every"]
    return (
        f"costs has {got} entries, expected {want}: one cost for each iteration "
        f"i < num_iterations = {n} with i % record_every == 0 (record_every = {every})"
    )


def _model_localised(ev: Evidence) -> str | None:
    """No loop mistake fits: say which part agrees with the reference run."""
    if ev.stage != "value":
        return None
    if not _agree(ev, "costs[0]"):
        return (
            "costs[0] is not the cost of the parameters passed in: train from the given "
            "start (do not initialize again inside deep_model) and record the cost of each "
            "forward pass before its update; if you do, check that your deep_forward and "
            "compute_cost pass their checks"
        )
    if _agree(ev, "costs["):
        return (
            f"the costs are right but {ev.key} is not: return the parameters after the last update"
        )
    return (
        f"{ev.key} differs from the reference run although costs[0] (the start) agrees: "
        + _ALL_STEPS
        + ", and the next iteration continues from the updated parameters; "
        "check that your deep_backward and update_parameters pass their checks"
    )


DEEP_MODEL = net_spec(
    arg_names=("X", "Y", "parameters", "learning_rate", "num_iterations", "record_every"),
    reference=ref.deep_model,
    make_cases=_model_cases,
    output=Tuple("result", [Dict("parameters", None), SeqOf("costs", Scalar("cost"))]),
    calls=_model_calls,
    describe_case=_model_label,
    diagnoses=(_loop_diagnosis, _costs_count_diagnosis, _model_localised),
    key_error_hint=LAYERS_HINT,
)

check_deep_model = make_check(DEEP_MODEL)

seal(sys.modules[__name__])
