r"""Checks for chapter 3: the 2-layer network's ``initialize_parameters``,
``forward_propagation``, ``compute_cost``, ``backward_propagation``, ``update_parameters``,
its training loop ``nn_model`` and ``predict``.

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
from graders.checks._netspec import net_spec, quiet
from graders.checks._outputs import Array, Dict, Scalar, Seq, SeqOf, Tuple
from graders.checks._spec import Case, Spec
from graders.checks._tamper import seal
from graders.checks._training import (
    InitializerOutput,
    initializer_properties,
    step_diagnosis,
    three_calls,
)


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


# ------------------------------------------------------------- initialize_parameters

# Called three times per case (twice with default_rng(seed), once with seed + 1) and
# checked by its properties (graders.checks._training): any order of random draws is right.
_INIT_VISIBLE = ((2, 4, 1), (5, 6, 1), (3, 1, 1))  # (n_x, n_h, n_y)
_INIT_HIDDEN = ((20, 7, 1), (1, 1, 1), (3, 10, 1), (6, 6, 2))
_SIZES = {1: ("n_h", "n_x"), 2: ("n_y", "n_h")}


def _initializer_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _INIT_HIDDEN if hidden else _INIT_VISIBLE
    return [
        Case(f"n_x = {n_x}, n_h = {n_h}", (n_x, n_h, n_y, int(rng.integers(2**31))))
        for n_x, n_h, n_y in table
    ]


def _initializer_case(case: Case) -> str:
    n_x, n_h, n_y, seed = case.args
    return f"{case.name!r} (n_x = {n_x}, n_h = {n_h}, n_y = {n_y}, rng seeded {seed})"


INITIALIZE_PARAMETERS = net_spec(
    arg_names=("n_x", "n_h", "n_y", "rng"),
    reference=ref.initialize_parameters,
    make_cases=_initializer_cases,
    output=InitializerOutput(),
    calls=three_calls,
    describe_case=_initializer_case,
    properties=initializer_properties(
        lambda case: list(case.args[:3]), _SIZES.get, "tanh and the sigmoid"
    ),
)
check_initialize_parameters = make_check(INITIALIZE_PARAMETERS)


# ----------------------------------------------------------------- update_parameters
_UPDATE_VISIBLE = ((2, 4, 1.2), (3, 1, 0.5), (4, 3, 0.01))  # (n_x, n_h, learning_rate)
_UPDATE_HIDDEN = ((6, 10, 0.05), (1, 1, 2.5), (5, 2, 1.5))


def _update_case(rng: np.random.Generator, n_x: int, n_h: int, learning_rate: float) -> Case:
    parameters = _parameters(rng, n_x, n_h)
    grads = {"d" + k: rng.standard_normal(v.shape) for k, v in parameters.items()}
    name = f"n_h = {n_h}, learning_rate = {learning_rate}"
    return Case(name, (parameters, grads, learning_rate))


def _update_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_update_case(rng, *row) for row in (_UPDATE_HIDDEN if hidden else _UPDATE_VISIBLE)]


_PARAMETERS = Dict("parameters", {k: Array(k) for k in ("W1", "b1", "W2", "b2")})

UPDATE_PARAMETERS = net_spec(
    arg_names=("parameters", "grads", "learning_rate"),
    reference=ref.update_parameters,
    make_cases=_update_cases,
    output=_PARAMETERS,
    diagnoses=(step_diagnosis,),
)
check_update_parameters = make_check(UPDATE_PARAMETERS)


# -------------------------------------------------------------------------- nn_model

# The learner's nn_model initialises with their own initialize_parameters, whose order of
# random draws may differ from the reference's: so its start is read from a call with
# num_iterations = 0 (which returns the initial parameters and no costs), and the trained
# result must be the reference's run from that start. Two more calls with zero iterations
# show whether the start depends on rng (seed + 1) and only on it (the same seed again).
# Cases are tiny: a few iterations of a few units on a few examples.

# n_x, n_h, m, num_iterations, learning_rate, record_every
_MODEL_VISIBLE = ((2, 3, 6, 5, 1.2, 2), (3, 2, 5, 3, 0.5, 1), (2, 1, 4, 2, 1.2, 100))
_MODEL_HIDDEN = (
    (4, 5, 9, 7, 0.8, 3),
    (1, 1, 3, 4, 1.5, 2),
    (5, 4, 12, 6, 1.2, 5),
    (3, 2, 1, 3, 0.8, 1),
)
_STARTS = ("start", "again", "other")


def _model_case(rng: np.random.Generator, n_x, n_h, m, num_iterations, learning_rate, every):
    X = rng.standard_normal((n_x, m))
    Y = labels(rng, m, "float64")
    name = f"n_h = {n_h}, m = {m}, num_iterations = {num_iterations}"
    args = (X, Y, n_h, num_iterations, learning_rate, every, int(rng.integers(2**31)))
    return Case(name, args, m=m)


def _model_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_model_case(rng, *row) for row in (_MODEL_HIDDEN if hidden else _MODEL_VISIBLE)]


def _model_calls(call, case: Case) -> dict:
    """Three calls with num_iterations = 0 (seed, seed again, seed + 1), then the run."""
    X, Y, n_h, num_iterations, learning_rate, every, seed = case.args
    results = {}
    before = _get_state()
    try:
        for name, s, n in (("start", seed, 0), ("again", seed, 0), ("other", seed + 1, 0),
                           ("trained", seed, num_iterations)):  # fmt: skip
            rng = np.random.default_rng(s)
            results[name] = call(X, Y, n_h, n, learning_rate, rng=rng, record_every=every)
    finally:
        after = _get_state()
        _set_state(before)
    changed = not (before[0] == after[0] and np.array_equal(before[1], after[1]))
    results["np_random"] = np.array(1.0 if changed or before[2:] != after[2:] else 0.0)
    return results


_get_state = np.random.get_state
_set_state = np.random.set_state
_RESULT = Tuple("result", [_PARAMETERS, SeqOf("costs", Scalar("cost"))])


class _ModelOutput:
    """The four results of :func:`_model_calls` as ``start.parameters.W1``,
    ``trained.costs[0]``, ..., and ``np_random``."""

    name = "result"

    def flatten(self, value, path: str, out: dict) -> None:
        for name in (*_STARTS, "trained"):
            one: dict = {}
            _RESULT.flatten(value[name], "", one)
            out.update({f"{name}.{k}": v for k, v in one.items()})
        out["np_random"] = np.array(value["np_random"], dtype=np.float64)


def _model_label(case: Case) -> str:
    X, _, n_h, num_iterations, learning_rate, every, seed = case.args
    return (
        f"{case.name!r} (X {X.shape}, learning_rate = {learning_rate}, "
        f"record_every = {every}, rng seeded {seed})"
    )


def _part(flat: dict, name: str) -> tuple[dict, list]:
    """``(parameters, costs)`` of one call, from the flattened results."""
    prefix = f"{name}.parameters."
    parameters = {k[len(prefix) :]: v for k, v in flat.items() if k.startswith(prefix)}
    costs, i = [], 0
    while f"{name}.costs[{i}]" in flat:
        costs.append(float(flat[f"{name}.costs[{i}]"]))
        i += 1
    return parameters, costs


def _train(X, Y, start: dict, num_iterations: int, learning_rate: float, every: int, *,
           iterations=None, record=None, cost_after=False, rate=None, steps=1, carry=True,
           stale=False, forward_once=False, reinit=None):  # fmt: skip
    """The reference's loop from ``start``, or one of the usual mistakes: the ``i`` it runs
    (``iterations``), when it records (``record(i)``), the cost of the updated parameters
    (``cost_after``), another step size (``rate``), ``steps`` updates per iteration, every
    iteration from the start (``carry=False``: the update kept in another name, or
    ``carry=None``: thrown away), the update before the gradient (``stale``: the previous
    iteration's gradients, zeros at first), one forward pass before the loop
    (``forward_once``), or fresh parameters each iteration (``reinit()``)."""
    iterations = range(num_iterations) if iterations is None else iterations
    record = record or (lambda i: i % every == 0)
    rate = learning_rate if rate is None else rate
    parameters, costs, kept = start, [], start
    grads = {"d" + k: np.zeros_like(v) for k, v in start.items()}
    A2_once, cache_once = ref.forward_propagation(X, start)
    for i in iterations:
        if reinit is not None:
            parameters = reinit()
        current = parameters if carry else start
        A2, cache = (A2_once, cache_once) if forward_once else ref.forward_propagation(X, current)
        if stale:
            updated = ref.update_parameters(current, grads, rate)
            grads = ref.backward_propagation(updated, cache, X, Y)
        else:
            grads = ref.backward_propagation(current, cache, X, Y)
            updated = current
            for _ in range(steps):
                updated = ref.update_parameters(updated, grads, rate)
        if record(i):
            A = ref.forward_propagation(X, updated)[0] if cost_after else A2
            costs.append(ref.compute_cost(A, Y))
        kept = updated
        parameters = updated if carry else start
    return (kept if carry is not None else start), costs


def _loop_mistakes(X, Y, n, lr, every, seed, start, reference_start):
    """(message, trained parameters, costs) of the usual loop mistakes from ``start``."""

    def run(**variant):
        return _train(X, Y, start, n, lr, every, **variant)

    def reinit():
        return ref.initialize_parameters(X.shape[0], start["W1"].shape[0], 1, rng=generator)

    all_steps = "each iteration: forward_propagation, backward_propagation, update_parameters"
    yield (
        "the cost is recorded after the update: record compute_cost(A2, Y) of this "
        "iteration's forward pass, the parameters before their update",
        *run(cost_after=True),
    )
    yield (
        "a cost is recorded at every iteration: record it only when i % record_every == 0",
        *run(record=lambda i: True),
    )
    yield (
        "only costs[0] is recorded: record a cost whenever i % record_every == 0 (a "
        "fixed 100 or 1000 in place of record_every?)",
        *run(record=lambda i: i == 0),
    )
    yield (
        "the costs are recorded at the end of each record_every iterations: record when "
        "i % record_every == 0 (iteration 0 first)",
        *run(record=lambda i: (i + 1) % every == 0),
    )
    yield (
        "the learning rate is applied twice (a step of learning_rate**2 * dW): pass the "
        "gradients to update_parameters as they are, it multiplies by learning_rate",
        *run(rate=lr * lr),
    )
    yield (
        "the parameters are updated twice per iteration: call update_parameters once",
        *run(steps=2),
    )
    yield (
        "every iteration starts again from the initial parameters: assign the update "
        "back, parameters = update_parameters(parameters, grads, learning_rate), so the "
        "next iteration continues from it",
        *run(carry=False),
    )
    yield (
        "the parameters never change: update_parameters returns the new parameters; "
        "assign them, parameters = update_parameters(parameters, grads, learning_rate)",
        *run(carry=None),
    )
    yield (
        "the update comes before the gradient: it uses the previous iteration's "
        f"gradients; {all_steps}, in this order",
        *run(stale=True),
    )
    yield (
        "the forward pass is computed once, before the loop: every iteration needs its "
        f"own; {all_steps}",
        *run(forward_once=True),
    )
    yield (
        f"it runs num_iterations - 1 iterations: {_ALL_ITERATIONS}",
        *run(iterations=range(1, n)),
    )
    yield (
        f"it runs num_iterations + 1 iterations: {_ALL_ITERATIONS}",
        *run(iterations=range(n + 1)),
    )
    if reference_start:
        generator = np.random.default_rng(seed)
        reinit()  # the initialisation before the loop
        yield (
            "the parameters are initialised again inside the loop: initialise once, "
            "before it, so that each iteration continues from the last",
            *run(reinit=reinit),
        )


_ALL_ITERATIONS = "for i in range(num_iterations) runs i = 0 .. num_iterations - 1"
_OWN_FUNCTIONS = (
    "check that your forward_propagation, compute_cost, backward_propagation and "
    "update_parameters pass their checks"
)


def _matches(parameters: dict, costs: list, want: dict, want_costs: list, rtol=1e-7) -> bool:
    return len(costs) == len(want_costs) and all(
        close(np.array(a), np.array(b), rtol, 1e-12) for a, b in zip(costs, want_costs, strict=True)
    ) and all(
        parameters[k].shape == want[k].shape and close(parameters[k], want[k], rtol, 1e-12)
        for k in want
    )  # fmt: skip


def _model_properties(flat: dict, case: Case) -> str | None:
    with quiet():
        return _model_problem(flat, case)


def _model_problem(flat: dict, case: Case) -> str | None:
    X, Y, n_h, n, lr, every, seed = case.args
    if float(flat["np_random"]) != 0.0:
        return (
            "it changed the global np.random state (np.random.seed, np.random.randn, ...): "
            "initialise with initialize_parameters(n_x, n_h, n_y, rng=rng), the rng passed in"
        )
    start, start_costs = _part(flat, "start")
    problem = _start_problem(start, start_costs, X.shape[0], n_h)
    if problem:
        return problem
    again, other = _part(flat, "again")[0], _part(flat, "other")[0]
    if not all(np.array_equal(start[k], again[k]) for k in start):
        return (
            "two runs with equally seeded rngs started from different parameters: "
            "initialise with the rng passed in, initialize_parameters(..., rng=rng)"
        )
    if all(np.array_equal(start[k], other[k]) for k in start):
        return (
            "the initial parameters are the same whatever rng is passed: it ignores the rng "
            "argument (a fixed seed, or the notebook's rng?); pass rng on to "
            "initialize_parameters"
        )
    parameters, costs = _part(flat, "trained")
    want, want_costs = _train(X, Y, start, n, lr, every)
    if _matches(parameters, costs, want, want_costs):
        return None
    reference = ref.initialize_parameters(X.shape[0], n_h, 1, rng=np.random.default_rng(seed))
    from_reference = all(close(start[k], reference[k], 1e-12, 0.0) for k in start)
    for message, wrong, wrong_costs in _loop_mistakes(X, Y, n, lr, every, seed, start,
                                                      from_reference):  # fmt: skip
        if _matches(parameters, costs, wrong, wrong_costs, rtol=1e-6):
            return message
    return _localise(parameters, costs, want, want_costs, n, every)


def _start_problem(start: dict, costs: list, n_x: int, n_h: int) -> str | None:
    """With num_iterations = 0, nn_model returns the initial parameters and no costs."""
    if costs:
        return (
            f"with num_iterations = 0 it recorded {len(costs)} cost(s), so it ran an "
            f"iteration: {_ALL_ITERATIONS}, none for num_iterations = 0"
        )
    for key, shape in (("W1", (n_h, n_x)), ("b1", (n_h, 1)), ("W2", (1, n_h)), ("b2", (1, 1))):
        if start[key].shape != shape:
            return (
                f"with num_iterations = 0 it returned {key} of shape {start[key].shape}, "
                f"expected {shape}: initialise with initialize_parameters(n_x, n_h, n_y, "
                "rng=rng), n_x = X.shape[0] (the features) and n_y = Y.shape[0]"
            )
    if any(np.any(start[k]) for k in ("b1", "b2")):
        return (
            "with num_iterations = 0 it returned biases that are not zero: it should return "
            "the initial parameters, those of initialize_parameters, untrained"
        )
    return None


def _localise(parameters, costs, want, want_costs, n, every) -> str:
    if len(costs) != len(want_costs):
        recorded = ", ".join(str(i) for i in range(n) if i % every == 0)
        return (
            f"costs has {len(costs)} entries, expected {len(want_costs)}: one for each "
            f"iteration i with i % record_every == 0 (here i = {recorded})"
        )
    if costs and not close(np.array(costs[0]), np.array(want_costs[0]), 1e-7, 1e-12):
        return (
            "costs[0] is not the cost of the initial parameters: record compute_cost(A2, Y) "
            f"of iteration 0's forward pass, before the update; {_OWN_FUNCTIONS}"
        )
    for key in want:
        if parameters[key].shape != want[key].shape:
            return (
                f"the trained {key} has shape {parameters[key].shape}, expected "
                f"{want[key].shape}: update_parameters keeps every shape"
            )
    bad = next(
        (k for k in want if not close(parameters[k], want[k], 1e-7, 1e-12)),
        next((f"costs[{i}]" for i in range(len(costs))
              if not close(np.array(costs[i]), np.array(want_costs[i]), 1e-7, 1e-12)), "?"),
    )  # fmt: skip
    return (
        f"the trained {bad} differs from the reference run from the same initial parameters: "
        "each iteration runs forward_propagation, backward_propagation and update_parameters "
        f"on the parameters of the previous one; {_OWN_FUNCTIONS}"
    )


def _variable_hint(exc: BaseException) -> str | None:
    """A variable used before it is set: name the loop order."""
    if not isinstance(exc, NameError):
        return None
    text = str(exc)
    if "'grads'" in text:
        return (
            "the update comes before the gradient: each iteration computes grads with "
            "backward_propagation, then updates"
        )
    if "'parameters'" in text:
        return (
            "initialise the parameters before the loop (with num_iterations = 0 nn_model "
            "returns them untrained)"
        )
    if "'A2'" in text or "'cache'" in text:
        return "each iteration starts with its forward pass, A2, cache = forward_propagation(...)"
    return None


NN_MODEL = Spec(  # checked by properties: net_spec's generic diagnoses do not apply
    arg_names=("X", "Y", "n_h", "num_iterations", "learning_rate"),
    reference=ref.nn_model,
    make_cases=_model_cases,
    output=_ModelOutput(),
    calls=_model_calls,
    describe_case=_model_label,
    properties=_model_properties,
    exception_hints=(_variable_hint,),
)
check_nn_model = make_check(NN_MODEL)


# --------------------------------------------------------------------------- predict
_PREDICT_VISIBLE = ((2, 4, 8), (3, 1, 1), (2, 5, 11))  # (n_x, n_h, m)
_PREDICT_HIDDEN = ((5, 6, 20), (1, 1, 1), (4, 3, 15))


def _predict_case(rng: np.random.Generator, n_x: int, n_h: int, m: int) -> Case:
    """Outputs above and below 0.5, none within 1e-4 of it (b2 shifted to the middle)."""
    for _ in range(100):
        X, parameters = rng.standard_normal((n_x, m)), _parameters(rng, n_x, n_h)
        Z2 = np.sort(_models.shallow_forward(X, parameters)["Z2"][0])
        if m > 1:
            middle = (Z2[m // 2 - 1] + Z2[m // 2]) / 2
        else:
            middle = Z2[0] - rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0)
        parameters["b2"] = parameters["b2"] - middle
        if np.all(np.abs(_models.shallow_forward(X, parameters)["Z2"]) > 1e-4):
            break
    return Case(f"n_h = {n_h}, m = {m}", (parameters, X), m=m)


def _half_case(rng: np.random.Generator, n_x: int, n_h: int, m: int) -> Case:
    """A2 exactly 0.5 for the first example (X[:, 0] = 0 and zero biases make Z2 exactly
    0 there), clearly above or below 0.5 for the others, both present."""
    for _ in range(100):
        X, parameters = rng.standard_normal((n_x, m)), _parameters(rng, n_x, n_h)
        X[:, 0] = 0.0
        parameters["b1"] = np.zeros((n_h, 1))
        parameters["b2"] = np.zeros((1, 1))
        others = _models.shallow_forward(X, parameters)["Z2"][0, 1:]
        if np.all(np.abs(others) > 1e-4) and np.any(others > 0) and np.any(others < 0):
            break
    return Case(f"n_h = {n_h}, m = {m}, A2 = 0.5 for one example", (parameters, X), m=m)


def _predict_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _PREDICT_HIDDEN if hidden else _PREDICT_VISIBLE
    half = (3, 5, 9) if hidden else (2, 4, 6)
    return [*(_predict_case(rng, *row) for row in table), _half_case(rng, *half)]


def _predict_problem(ev: Evidence) -> str | None:
    parameters, X = ev.inputs["parameters"], ev.inputs["X"]
    forward = _models.shallow_forward(X, parameters)
    A2, Z2 = forward["A2"], forward["Z2"]
    got = ev.got["p"]
    if ev.stage == "dtype" and got.dtype == np.bool_:
        return "p has dtype bool: predictions are the numbers 0.0 and 1.0; use .astype(float)"
    if ev.stage != "value":
        return None
    for wrong, message in (
        (A2, "p holds the probabilities A2: predict 1.0 where A2 > 0.5, else 0.0"),
        ((A2 < 0.5) * 1.0, "p is inverted: predict 1.0 where A2 > 0.5 (the network says "
                           "y = 1), else 0.0"),
        ((A2 > 0) * 1.0, "A2 is compared with 0, but it is a probability: compare it with 0.5"),
        ((A2 >= 0.5) * 1.0, "p is 1.0 where A2 is exactly 0.5: the rule predicts 1 only "
                            "where A2 > 0.5, so use >, not >="),
        (
            (Z2 > 0.5) * 1.0,
            "Z2 is compared with 0.5: A2 = sigmoid(Z2) is the probability, compare A2 with 0.5",
        ),
    ):  # fmt: skip
        if wrong.shape == got.shape and close(got, wrong, 1e-12, 0.0):
            return message
    return None


PREDICT = net_spec(
    arg_names=("parameters", "X"),
    reference=ref.predict,
    make_cases=_predict_cases,
    output=Array("p"),
    diagnoses=(_predict_problem,),
    scaling_case=lambda rng, m: _predict_case(rng, 3, 4, m),
)
check_predict = make_check(PREDICT)

seal(sys.modules[__name__])
seal(ref)
seal(dlnotes.activations)
seal(dlnotes.cost)
