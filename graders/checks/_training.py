r"""What the training checks of chapters 3 and 4 share: the initializer's calls and
properties, and the diagnosis of one gradient-descent step.

An initializer (``shallow.initialize_parameters(n_x, n_h, n_y, *, rng)``,
``deep.initialize_parameters_deep(layer_dims, *, rng)``) is called three times per case,
with ``default_rng(seed)`` twice and ``default_rng(seed + 1)`` once, and watched for use of
the global ``np.random``. Its values cannot be compared with the reference's (any order of
random calls is right), so its check verifies properties: keys, shapes, zero biases, the
weights' scale and sign balance, determinism given ``rng``, and dependence on ``rng``.
A case's ``args`` are the initializer's positional arguments followed by the seed.

Parameters hold ``W{l}`` (n[l], n[l-1]) and ``b{l}`` (n[l], 1) for l = 1 .. L; gradients
``dW{l}`` and ``db{l}`` of the same shapes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from graders.checks._diagnose import Evidence, close, key_message
from graders.checks._netspec import quiet
from graders.checks._outputs import Dict
from graders.checks._spec import Case
from graders.checks._tamper import seal

# ------------------------------------------------------------------------ initializers

_get_state = np.random.get_state
_set_state = np.random.set_state


def three_calls(call, case: Case) -> dict:
    """The initializer's calls: ``first`` and ``again`` with ``default_rng(seed)``, ``other``
    with ``default_rng(seed + 1)``, and ``np_random``: 1.0 if the global state changed."""
    *args, seed = case.args
    results = {}
    before = _get_state()
    try:
        for name, s in (("first", seed), ("again", seed), ("other", seed + 1)):
            results[name] = call(*args, rng=np.random.default_rng(s))
    finally:
        after = _get_state()
        _set_state(before)  # leave the learner's global state as it was
    changed = not (before[0] == after[0] and np.array_equal(before[1], after[1]))
    changed = changed or before[2:] != after[2:]
    results["np_random"] = np.array(1.0 if changed else 0.0)
    return results


class InitializerOutput:
    """The three results of :func:`three_calls`, flattened as ``first.W1``, ``again.W1``,
    ..., and ``np_random``."""

    name = "parameters"

    def flatten(self, value, path: str, out: dict) -> None:
        for name in ("first", "again", "other"):
            one: dict = {}
            Dict("parameters", None).flatten(value[name], "parameters", one)
            out.update({f"{name}.{k.split('.', 1)[1]}": v for k, v in one.items()})
        out["np_random"] = np.array(value["np_random"], dtype=np.float64)


def initializer_properties(
    layer_dims: Callable[[Case], list],
    sizes: Callable[[int], tuple[str, str]] | None = None,
    saturates: str = "the sigmoid",
):
    """``properties(flat, case)`` of an initializer whose case has ``layer_dims(case)``.

    ``sizes(l)`` names the sizes of layer l in messages (default ``("n[l]", "n[l-1]")``);
    ``saturates`` is what large weights saturate.
    """
    names = sizes or (lambda l: ("n[l]", "n[l-1]"))

    def properties(flat: dict, case: Case) -> str | None:
        with quiet():
            return _initializer_problem(flat, list(layer_dims(case)), names, saturates)

    return properties


_SCALE = 0.01
_MIN_WEIGHTS = 30  # the statistical checks need this many weights in a case


def _initializer_problem(flat: dict, layer_dims: list, names, saturates: str) -> str | None:
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
        problem = _layer_problem(flat, l, layer_dims[l], layer_dims[l - 1], names(l))
        if problem:
            return problem
    weights = [flat[f"first.W{l}"] for l in range(1, L + 1)]
    if all(not np.any(W) for W in weights):
        return (
            "the weights are all zeros: every unit of a layer would compute the same "
            "function and get the same update (symmetry); draw them at random"
        )
    return _random_problem(flat, L) or _scale_problem(weights, saturates)


def _layer_problem(flat: dict, l: int, n: int, n_prev: int, names) -> str | None:
    W, b = flat[f"first.W{l}"], flat[f"first.b{l}"]
    rows, columns = names
    if W.shape != (n, n_prev):
        hint = "it is transposed" if W.shape == (n_prev, n) else "check the sizes"
        return f"W{l} has shape {W.shape}, expected {(n, n_prev)} = ({rows}, {columns}): {hint}"
    if b.shape != (n, 1):
        return (
            f"b{l} has shape {b.shape}, expected {(n, 1)}: biases are column vectors, "
            f"np.zeros(({rows}, 1))"
        )
    for name, array in (("W", W), ("b", b)):
        if array.dtype != np.float64:
            return f"{name}{l} has dtype {array.dtype}, expected float64"
    if np.any(b):
        return f"b{l} is not all zeros: biases start at zero, np.zeros(({rows}, 1))"
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


def _scale_problem(weights: list, saturates: str) -> str | None:
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
            f"saturate {saturates} and slow learning)"
        )
    return None


# ------------------------------------------------------------------ one update step


def _same(a, b) -> bool:
    return a is not None and a.shape == b.shape and close(a, b, 1e-12, 0.0)


def step_diagnosis(ev: Evidence) -> str | None:
    """``got = p - c * dp``: name c (1, -learning_rate, 1 / learning_rate, 0)."""
    if ev.stage != "value":
        return None
    key, lr = ev.key, ev.inputs["learning_rate"]
    p, g = ev.inputs["parameters"][key], ev.inputs["grads"]["d" + key]
    got = ev.got[key]
    if _same(got, p):
        return f"{key} was not updated: every W[l] and b[l], l = 1 .. L, takes a step"
    for c, message in (
        (1.0, "the learning rate is ignored: the step is learning_rate * d{key}"),
        (-lr, "{key} moves up the gradient (wrong sign): {key} - learning_rate * d{key}"),
        (1.0 / lr, "{key} divides by the learning rate: the step is learning_rate * d{key}"),
    ):
        if _same(got, p - c * g):
            return message.format(key=key)
    return f"{key} is not {key} - learning_rate * d{key}: check which gradient updates it"


seal(sys.modules[__name__])
