r"""Checks of the forward pass (chapter 4) and of its cost.

``linear_forward``, ``linear_activation_forward``, ``deep_forward`` and ``compute_cost``.
Examples are columns: ``A_prev`` (n[l-1], m); ``Z`` and ``A`` (n[l], m); ``X = A[0]``
(n[0], m); ``AL`` and ``Y`` (1, m). Hidden layers use ReLU, the output layer the sigmoid.
Caches are ``(A_prev, W, b)`` for ``linear_forward`` and ``(linear_cache, Z)`` for a
layer; a learner's caches may be tuples, lists or named tuples, and ``deep_forward``
returns one per layer, in layer order. Labels come as float, int, bool and uint8.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnotes import deep as ref
from graders.checks import _models
from graders.checks._check import make_check
from graders.checks._cost import cost_spec
from graders.checks._diagnose import Evidence, mistake
from graders.checks._models import ACTIVATIONS, as_float
from graders.checks._netspec import LAYERS_HINT, net_spec
from graders.checks._outputs import Array, Seq, SeqOf
from graders.checks._spec import Case
from graders.checks._tamper import seal
from graders.checks.deep._common import (
    LAF_HIDDEN,
    LAF_VISIBLE,
    LINEAR_HIDDEN,
    LINEAR_VISIBLE,
    bias,
    network,
    same,
)

# ------------------------------------------------------------------------ linear_forward

_LINEAR_CACHE = Seq("cache", (Array("A_prev"), Array("W"), Array("b")))


def _linear_case(rng: np.random.Generator, n_prev: int, n: int, m: int, *extra) -> Case:
    A_prev = rng.standard_normal((n_prev, m))
    W = rng.standard_normal((n, n_prev))
    return Case(f"n = {n}, m = {m}", (A_prev, W, bias(rng, n), *extra), m=m)


def _linear_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_linear_case(rng, *s) for s in (LINEAR_HIDDEN if hidden else LINEAR_VISIBLE)]


def _cache_order(names: tuple[str, ...], prefix: str):
    """A diagnosis: the cache holds the inputs, but in another order (or holds Z)."""

    def diagnose(ev: Evidence) -> str | None:
        if ev.stage not in ("shape", "value") or not ev.key.startswith(prefix):
            return None
        got = [ev.got.get(prefix + n) for n in names]
        inputs = [as_float(ev.inputs[n]) for n in names]
        order = "(" + ", ".join(names) + ")"
        for i, array in enumerate(got):
            z = ev.expected.get("Z")
            if z is not None and same(array, z) and not same(array, inputs[i]):
                return f"cache[{i}] holds Z, not {names[i]}: the cache is {order}"
        pairs = tuple(zip(names, inputs, strict=True))
        matched = [next((n for n, a in pairs if same(g, a)), None) for g in got]

        if None not in matched and matched != list(names):
            return f"the cache is in the wrong order ({', '.join(matched)}): it must be {order}"
        return None

    return diagnose


LINEAR_FORWARD = net_spec(
    arg_names=("A_prev", "W", "b"),
    reference=ref.linear_forward,
    make_cases=_linear_cases,
    output=Seq("result", (Array("Z"), _LINEAR_CACHE)),
    diagnoses=(
        mistake("Z = W A_prev without b: you forgot the bias b", lambda A_prev, W, b: W @ A_prev),
        mistake(
            "Z = W A_prev - b: the bias is added, not subtracted",
            lambda A_prev, W, b: W @ A_prev - b,
        ),
        mistake(
            "Z uses W.T: Z = W A_prev + b, with W of shape (n[l], n[l-1])",
            lambda A_prev, W, b: W.T @ A_prev + b,
        ),
        _cache_order(("A_prev", "W", "b"), "cache."),
    ),
    scaling_case=lambda rng, m: _linear_case(rng, 3, 4, m),
)
check_linear_forward = make_check(LINEAR_FORWARD)


# -------------------------------------------------------------- linear_activation_forward

_LAYER_CACHE = Seq("cache", (Seq("linear_cache", _LINEAR_CACHE.items), Array("Z")))


def _laf_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = LAF_HIDDEN if hidden else LAF_VISIBLE
    return [_linear_case(rng, n_prev, n, m, g) for n_prev, n, m, g in table]


def _which_activation(ev: Evidence) -> str | None:
    """A is another activation of Z (or Z itself), or the cache holds A instead of Z."""
    if ev.stage != "value":
        return None
    asked = ev.inputs["activation"]
    Z = ev.inputs["W"] @ ev.inputs["A_prev"] + ev.inputs["b"]
    if ev.key == "cache.Z" and same(ev.got["cache.Z"], ev.expected["A"]):
        return "the cache holds A where Z belongs: the cache is (linear_cache, Z)"
    if ev.key != "A":
        return None
    got = ev.got["A"]
    if same(got, Z):
        return f"A equals Z: apply the activation, A = {asked}(Z)"
    for name in ("sigmoid", "relu", "tanh", "leaky_relu"):
        if name != asked and same(got, ACTIVATIONS[name](Z)):
            if name in ("sigmoid", "relu"):
                return (
                    f"with activation={asked!r}, A looks like {name}(Z): use relu for "
                    "'relu' and sigmoid for 'sigmoid'"
                )
            return f"A is {name}(Z): activation={asked!r} asks for {asked}(Z)"
    return None


LINEAR_ACTIVATION_FORWARD = net_spec(
    arg_names=("A_prev", "W", "b", "activation"),
    reference=ref.linear_activation_forward,
    make_cases=_laf_cases,
    output=Seq("result", (Array("A"), _LAYER_CACHE)),
    diagnoses=(
        _which_activation,
        mistake(
            "Z = W A_prev without b: you forgot the bias b",
            lambda A_prev, W, b, activation: ACTIVATIONS[activation](W @ A_prev),
            keys=("A",),
        ),
        _cache_order(("A_prev", "W", "b"), "cache.linear_cache."),
    ),
    scaling_case=lambda rng, m: _linear_case(rng, 3, 4, m, "relu"),
)
check_linear_activation_forward = make_check(LINEAR_ACTIVATION_FORWARD)


# ---------------------------------------------------------------------------- deep_forward

_DF_VISIBLE = (([3, 4, 1], 5), ([4, 3, 2, 1], 1), ([2, 5, 3, 1], 6))  # (layer_dims, m)
_DF_HIDDEN = (([5, 1], 7), ([3, 4, 4, 3, 1], 9), ([1, 1, 1], 1), ([6, 5, 1], 12))


def _network_case(rng: np.random.Generator, layer_dims, m: int) -> Case:
    X, parameters = network(rng, layer_dims, m)
    return Case(f"L = {len(layer_dims) - 1}, m = {m}", (X, parameters), m=m)


def _deep_forward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_network_case(rng, *row) for row in (_DF_HIDDEN if hidden else _DF_VISIBLE)]


def _caches_count(ev: Evidence) -> int:
    return len({k.split("]", 1)[0] for k in ev.got if k.startswith("caches[")})


def _caches_problem(ev: Evidence) -> str | None:
    L = len(ev.inputs["parameters"]) // 2
    if ev.stage == "keys":
        count = _caches_count(ev)
        if count != L:
            return f"caches has {count} entries, expected {L}: one per layer, in layer order"
        return None
    if ev.key == "AL" and L > 1 and ev.stage in ("shape", "value"):
        before_last = ev.expected[f"caches[{L - 1}].linear_cache.A_prev"]
        if same(ev.got["AL"], before_last):
            return f"AL is the activation of layer {L - 1}: return the output of the last layer"
    if ev.key.startswith("caches[") and L > 1:
        reversed_ok = all(
            same(ev.got.get(key), ev.expected[key.replace(f"[{i}]", f"[{L - 1 - i}]", 1)])
            for i in range(L)
            for key in ev.expected
            if key.startswith(f"caches[{i}]")
        )
        if reversed_ok:
            return "caches are in the wrong order: caches[l - 1] belongs to layer l"
    return None


def _forward_variant(hidden: str = "relu", output: str = "sigmoid"):
    return lambda X, parameters: _models.deep_forward(X, parameters, hidden, output)[0]


DEEP_FORWARD = net_spec(
    arg_names=("X", "parameters"),
    reference=ref.deep_forward,
    make_cases=_deep_forward_cases,
    output=Seq("result", (Array("AL"), SeqOf("caches", _LAYER_CACHE))),
    diagnoses=(
        _caches_problem,
        mistake(
            "AL is relu(ZL): the output layer uses sigmoid (a probability)",
            _forward_variant(output="relu"),
            keys=("AL",),
        ),
        mistake(
            "the hidden layers use ReLU (here: sigmoid); only the output layer is sigmoid",
            _forward_variant(hidden="sigmoid"),
            keys=("AL",),
        ),
        mistake(
            "the hidden layers use ReLU (here: tanh); only the output layer is sigmoid",
            _forward_variant(hidden="tanh"),
            keys=("AL",),
        ),
    ),
    scaling_case=lambda rng, m: _network_case(rng, [3, 4, 1], m),
    key_error_hint=LAYERS_HINT,
)
check_deep_forward = make_check(DEEP_FORWARD)


# ---------------------------------------------------------------------------- compute_cost

COMPUTE_COST = cost_spec(ref.compute_cost, "AL")
check_compute_cost = make_check(COMPUTE_COST)

seal(sys.modules[__name__])
