r"""Checks for chapter 4 (an L-layer network, step by step) and ``predict`` (chapter 5).

Examples are columns: ``X = A[0]`` (n[0], m), ``Y`` and ``AL`` (1, m); layer l has
``W[l]`` (n[l], n[l-1]) and ``b[l]`` (n[l], 1); hidden layers use ReLU, the output layer
the sigmoid. Caches are ``(A_prev, W, b)`` for ``linear_forward`` and
``(linear_cache, Z)`` for a layer; a learner's caches may be tuples, lists or named
tuples. Backward functions get caches built by a forward pass, so any correct formula
passes (``dZL = AL - Y`` directly, ``sigmoid(Z) * (1 - sigmoid(Z))`` or ``A * (1 - A)``).
Every hidden ``|Z|`` is kept above 1e-3, away from ReLU's kink, where the derivative is
a convention and a recomputed ``Z`` could round to the other side. Labels come as float,
int, bool and uint8.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

import dlnotes.activations
import dlnotes.cost
from dlnotes import deep as ref
from graders.checks import _nets
from graders.checks._core import Array, Case, CheckFailure, Dict, Scalar, make_check, register
from graders.checks._diagnose import Evidence, close, fallback, key_message, mistake
from graders.checks._gradients import as_complex, numerical_gradient
from graders.checks._nets import (
    ACTIVATIONS,
    DERIVATIVES,
    LAYERS_HINT,
    NetSpec,
    Seq,
    SeqOf,
    as_float,
    cost_case,
    cost_cases,
    cost_diagnoses,
    labels,
    quiet,
)
from graders.checks._tamper import NP, seal

_MARGIN = 1e-3  # smallest |Z| of a ReLU layer in a case


# --------------------------------------------------------------------------- networks


def _bias(rng: np.random.Generator, n: int) -> np.ndarray:
    """Biases of size 0.3-1 with random signs: never near 0, so a missing b shows."""
    return rng.choice([-1.0, 1.0], size=(n, 1)) * rng.uniform(0.3, 1.0, size=(n, 1))


def _network(rng: np.random.Generator, layer_dims, m: int) -> tuple[np.ndarray, dict]:
    """``X`` and parameters whose ReLU layers have every ``|Z| > _MARGIN``."""
    for _ in range(100):
        parameters = {}
        for l in range(1, len(layer_dims)):
            n, n_prev = layer_dims[l], layer_dims[l - 1]
            parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * 1.5 / np.sqrt(n_prev)
            parameters[f"b{l}"] = _bias(rng, n) * 0.5
        X = rng.standard_normal((layer_dims[0], m))
        _, layers = _nets.deep_forward(X, parameters)
        if all(NP.all(NP.abs(Z) > _MARGIN) for *_, Z in layers[:-1]):
            break
    return X, parameters


def _ref_caches(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
    """The reference forward pass with its caches as plain tuples (plain data)."""
    AL, caches = ref.deep_forward(X, parameters)
    return AL, [(tuple(linear), Z) for linear, Z in caches]


def _layers(caches) -> list:
    """``[(A_prev, W, b, Z), ...]`` from plain caches, as :mod:`_nets` models use them."""
    return [(A_prev, W, b, Z) for (A_prev, W, b), Z in caches]


# ----------------------------------------------------------- initialize_parameters_deep


@dataclass(frozen=True)
class _InitializerSpec(NetSpec):
    """The initializer is called three times per case, with ``default_rng(seed)`` twice
    and ``default_rng(seed + 1)`` once, and watched for use of the global ``np.random``.
    Its values cannot be compared with the reference's (any order of random calls is
    right), so :meth:`verify` checks properties: keys, shapes, zero biases, the weights'
    scale and sign balance, determinism given ``rng``, and dependence on ``rng``."""

    def _call(self, fn, case: Case, label: str):
        layer_dims, seed = case.args
        results, fp = {}, set()
        before = _get_state()
        try:
            for name, s in (("first", seed), ("again", seed), ("other", seed + 1)):
                one = Case(case.name, (list(layer_dims), s), case.m, case.extra, case.hidden)
                results[name], more = NetSpec._call(self, _with_rng(fn), one, label)
                fp |= more
        finally:
            after = _get_state()
            _set_state(before)  # leave the learner's global state as it was
        changed = not (before[0] == after[0] and NP.array_equal(before[1], after[1]))
        changed = changed or before[2:] != after[2:]
        results["np_random"] = NP.array(1.0 if changed else 0.0)
        return results, fp

    def label(self, case: Case) -> str:
        layer_dims, seed = case.args
        tier = "hidden case" if case.hidden else "case"
        return f"{self.function}, {tier} layer_dims = {list(layer_dims)} (rng seeded {seed})"

    def verify(self, flat: dict, case: Case) -> tuple[float, None]:
        label = self.label(case)
        with quiet():
            problem = _initializer_problem(flat, list(case.args[0]))
        if problem:
            raise CheckFailure(f"{label}: {problem}")
        return 0.0, None


_get_state = np.random.get_state
_set_state = np.random.set_state


def _with_rng(fn):
    def call(layer_dims, seed):
        return fn(layer_dims, rng=NP.default_rng(seed))

    return call


class _InitializerOutput:
    name = "parameters"

    def flatten(self, value, path: str, out: dict) -> None:
        for name in ("first", "again", "other"):
            one: dict = {}
            Dict("parameters", None).flatten(value[name], "parameters", one)
            out.update({f"{name}.{k.split('.', 1)[1]}": v for k, v in one.items()})
        out["np_random"] = NP.array(value["np_random"], dtype=NP.float64)


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
    if all(not NP.any(W) for W in weights):
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
        if array.dtype != NP.float64:
            return f"{name}{l} has dtype {array.dtype}, expected float64"
    if NP.any(b):
        return f"b{l} is not all zeros: biases start at zero, np.zeros((n[l], 1))"
    return None


def _random_problem(flat: dict, L: int) -> str | None:
    def same(a: str, b: str) -> bool:
        return all(
            NP.array_equal(flat[f"{a}.W{l}"], flat[f"{b}.W{l}"]) for l in range(1, L + 1)
        )

    if not same("first", "again"):
        return (
            "two calls with equally seeded rngs gave different weights, so it is not "
            "deterministic given rng: draw from the rng argument, not from a new "
            "np.random.default_rng()"
        )
    if same("first", "other"):
        return (
            "the weights are the same whatever rng is passed: it ignores the rng "
            "argument (a fixed seed inside?); draw with rng.standard_normal"
        )
    return None


def _scale_problem(weights: list) -> str | None:
    values = NP.array([w for W in weights for w in W.ravel()])
    if values.size < _MIN_WEIGHTS:
        return None
    positive = float(NP.sum(values > 0)) / values.size
    if positive > 0.9 or positive < 0.1:
        return (
            "the weights are nearly all of one sign: rng.random is uniform on [0, 1); "
            "draw from a normal distribution with rng.standard_normal"
        )
    rms = float(np.sqrt(NP.sum(values * values) / values.size))
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
    return [
        Case(f"L = {len(d) - 1}", (list(d), int(rng.integers(2**31))), m=1) for d in table
    ]


INITIALIZE_PARAMETERS_DEEP = register(
    _InitializerSpec(
        module="deep",
        function="initialize_parameters_deep",
        arg_names=("layer_dims", "rng"),
        reference=ref.initialize_parameters_deep,
        make_cases=_initializer_cases,
        output=_InitializerOutput(),
    )
)
check_initialize_parameters_deep = make_check(INITIALIZE_PARAMETERS_DEEP)


# ------------------------------------------------------------------------ linear_forward

_LINEAR_CACHE = Seq("cache", (Array("A_prev"), Array("W"), Array("b")))
_LINEAR_VISIBLE = ((3, 4, 5), (2, 3, 1), (5, 2, 7))  # (n_prev, n, m)
_LINEAR_HIDDEN = ((6, 8, 20), (1, 1, 1), (4, 4, 6), (7, 3, 1))


def _linear_case(rng: np.random.Generator, n_prev: int, n: int, m: int, *extra) -> Case:
    A_prev = rng.standard_normal((n_prev, m))
    W = rng.standard_normal((n, n_prev))
    return Case(f"n = {n}, m = {m}", (A_prev, W, _bias(rng, n), *extra), m=m)


def _linear_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_linear_case(rng, *s) for s in (_LINEAR_HIDDEN if hidden else _LINEAR_VISIBLE)]


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
            if z is not None and _same(array, z) and not _same(array, inputs[i]):
                return f"cache[{i}] holds Z, not {names[i]}: the cache is {order}"
        pairs = tuple(zip(names, inputs, strict=True))
        matched = [next((n for n, a in pairs if _same(g, a)), None) for g in got]

        if None not in matched and matched != list(names):
            return f"the cache is in the wrong order ({', '.join(matched)}): it must be {order}"
        return None

    return diagnose


def _same(a, b) -> bool:
    return a is not None and a.shape == b.shape and close(a, b, 1e-12, 0.0)


LINEAR_FORWARD = register(
    NetSpec(
        module="deep",
        function="linear_forward",
        arg_names=("A_prev", "W", "b"),
        reference=ref.linear_forward,
        make_cases=_linear_cases,
        output=Seq("result", (Array("Z"), _LINEAR_CACHE)),
        diagnoses=(
            mistake(
                "Z = W A_prev without b: you forgot the bias b", lambda A_prev, W, b: W @ A_prev
            ),
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
)
check_linear_forward = make_check(LINEAR_FORWARD)


# -------------------------------------------------------------- linear_activation_forward

_LAYER_CACHE = Seq("cache", (Seq("linear_cache", _LINEAR_CACHE.items), Array("Z")))
_LAF_VISIBLE = ((3, 4, 5, "relu"), (4, 1, 6, "sigmoid"), (2, 3, 1, "relu"), (3, 2, 1, "sigmoid"))
_LAF_HIDDEN = ((6, 8, 20, "relu"), (5, 1, 13, "sigmoid"), (1, 1, 1, "relu"), (4, 4, 9, "sigmoid"))


def _laf_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _LAF_HIDDEN if hidden else _LAF_VISIBLE
    return [_linear_case(rng, n_prev, n, m, g) for n_prev, n, m, g in table]


def _which_activation(ev: Evidence) -> str | None:
    """A is another activation of Z (or Z itself), or the cache holds A instead of Z."""
    if ev.stage != "value":
        return None
    asked = ev.inputs["activation"]
    Z = ev.inputs["W"] @ ev.inputs["A_prev"] + ev.inputs["b"]
    if ev.key == "cache.Z" and _same(ev.got["cache.Z"], ev.expected["A"]):
        return "the cache holds A where Z belongs: the cache is (linear_cache, Z)"
    if ev.key != "A":
        return None
    got = ev.got["A"]
    if _same(got, Z):
        return f"A equals Z: apply the activation, A = {asked}(Z)"
    for name in ("sigmoid", "relu", "tanh", "leaky_relu"):
        if name != asked and _same(got, ACTIVATIONS[name](Z)):
            if name in ("sigmoid", "relu"):
                return (
                    f"with activation={asked!r}, A looks like {name}(Z): use relu for "
                    "'relu' and sigmoid for 'sigmoid'"
                )
            return f"A is {name}(Z): activation={asked!r} asks for {asked}(Z)"
    return None


LINEAR_ACTIVATION_FORWARD = register(
    NetSpec(
        module="deep",
        function="linear_activation_forward",
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
)
check_linear_activation_forward = make_check(LINEAR_ACTIVATION_FORWARD)


# ---------------------------------------------------------------------------- deep_forward

_DF_VISIBLE = (([3, 4, 1], 5), ([4, 3, 2, 1], 1), ([2, 5, 3, 1], 6))  # (layer_dims, m)
_DF_HIDDEN = (([5, 1], 7), ([3, 4, 4, 3, 1], 9), ([1, 1, 1], 1), ([6, 5, 1], 12))


def _network_case(rng: np.random.Generator, layer_dims, m: int) -> Case:
    X, parameters = _network(rng, layer_dims, m)
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
        if _same(ev.got["AL"], before_last):
            return f"AL is the activation of layer {L - 1}: return the output of the last layer"
    if ev.key.startswith("caches[") and L > 1:
        reversed_ok = all(
            _same(ev.got.get(key), ev.expected[key.replace(f"[{i}]", f"[{L - 1 - i}]", 1)])
            for i in range(L)
            for key in ev.expected
            if key.startswith(f"caches[{i}]")
        )
        if reversed_ok:
            return "caches are in the wrong order: caches[l - 1] belongs to layer l"
    return None


def _forward_variant(hidden: str = "relu", output: str = "sigmoid"):
    return lambda X, parameters: _nets.deep_forward(X, parameters, hidden, output)[0]


DEEP_FORWARD = register(
    NetSpec(
        module="deep",
        function="deep_forward",
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
)
check_deep_forward = make_check(DEEP_FORWARD)


# ---------------------------------------------------------------------------- compute_cost

COMPUTE_COST = register(
    NetSpec(
        module="deep",
        function="compute_cost",
        arg_names=("AL", "Y"),
        reference=ref.compute_cost,
        make_cases=cost_cases,
        output=Scalar("cost", hint="return a float, e.g. float(np.squeeze(cost))"),
        diagnoses=cost_diagnoses("AL"),
        scaling_case=lambda rng, m: cost_case(rng, m, "float64"),
        label_arg="Y",
    )
)
check_compute_cost = make_check(COMPUTE_COST)


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
    return Case(f"n = {n}, m = {m}", (dZ, (A_prev, W, _bias(rng, n))), m=m)


def _linear_backward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    table = _LINEAR_HIDDEN if hidden else _LINEAR_VISIBLE
    return [_linear_backward_case(rng, *s) for s in table]


def _layer_numerical(dA, A_prev, W, b, activation: str) -> dict[str, np.ndarray]:
    """Complex-step gradients of ``f = (1/m) sum(dA * g(W A_prev + b))``; ``dA_prev`` is
    ``m`` times that of ``A_prev`` (the course's dA has no 1/m)."""
    A_prev, W, b = (as_complex(a) for a in (A_prev, W, b))
    m, g = A_prev.shape[1], ACTIVATIONS[activation]

    def f() -> complex:
        return NP.sum(dA * g(W @ A_prev + b)) / m

    dA_prev = NP.multiply(m, numerical_gradient(f, A_prev))
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
        matched = [next((n for n in names if _same(g, ev.expected[n])), None) for g in got]
        if None not in matched and matched != list(names):
            return f"the results are in the wrong order ({', '.join(matched)}): return " + (
                ", ".join(names)
            )
        return None

    return diagnose



LINEAR_BACKWARD = register(
    NetSpec(
        module="deep",
        function="linear_backward",
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
)



check_linear_backward = make_check(LINEAR_BACKWARD)


# -------------------------------------------------------------- linear_activation_backward


def _lab_case(rng: np.random.Generator, n_prev: int, n: int, m: int, activation: str) -> Case:
    for _ in range(100):
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n, n_prev))
        b = _bias(rng, n)
        Z = W @ A_prev + b
        if NP.all(NP.abs(Z) > _MARGIN):
            break
    dA = rng.standard_normal((n, m))
    name = f"{activation}, n = {n}, m = {m}"
    return Case(name, (dA, ((A_prev, W, b), Z), activation), m=m)


def _lab_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_lab_case(rng, *row) for row in (_LAF_HIDDEN if hidden else _LAF_VISIBLE)]


def _lab_numerical(case: Case) -> dict[str, np.ndarray]:
    dA, ((A_prev, W, b), _), activation = case.args
    return _layer_numerical(dA, A_prev, W, b, activation)


def _lab_variant(dZ_of):
    """A mistake model: ``linear_backward`` of a wrong ``dZ = dZ_of(dA, Z, activation)``."""

    def model(dA, cache, activation):
        (A_prev, W, _), Z = cache
        dA_prev, dW, db = _nets.linear_backward(dZ_of(dA, Z, activation), A_prev, W)
        return {"dA_prev": dA_prev, "dW": dW, "db": db}

    return model


def _swapped_activation(ev: Evidence) -> str | None:
    if ev.stage != "value":
        return None
    asked = ev.inputs["activation"]
    other = "sigmoid" if asked == "relu" else "relu"
    model = _lab_variant(lambda dA, Z, g: dA * DERIVATIVES[other](Z))
    if all(_same(ev.got[k], v) for k, v in model(**ev.inputs).items()):
        return f"with activation={asked!r}, dZ looks like the {other} derivative: use " + (
            "relu_backward for 'relu' and sigmoid_backward for 'sigmoid'"
        )
    return None


LINEAR_ACTIVATION_BACKWARD = register(
    NetSpec(
        module="deep",
        function="linear_activation_backward",
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
                "dZ = dA lacks the factor g'(Z): dZ = dA * g'(Z), relu_backward or "
                "sigmoid_backward",
                _lab_variant(lambda dA, Z, g: dA),
            ),
        ),
        numerical=_lab_numerical,
        scaling_case=lambda rng, m: _lab_case(rng, 3, 4, m, "relu"),
    )
)
check_linear_activation_backward = make_check(LINEAR_ACTIVATION_BACKWARD)


# --------------------------------------------------------------------------- deep_backward

_DB_VISIBLE = (([3, 4, 1], 5, "float64"), ([4, 3, 2, 1], 1, "float64"),
               ([2, 5, 3, 1], 6, "int64"), ([3, 2, 1], 7, "bool"), ([2, 3, 1], 4, "uint8"))
_DB_HIDDEN = (([5, 1], 7, "float64"), ([3, 4, 4, 3, 1], 9, "bool"), ([1, 1, 1], 1, "uint8"),
              ([6, 5, 1], 12, "int64"), ([4, 6, 1], 1, "float64"))  # fmt: skip


def _deep_backward_case(rng: np.random.Generator, layer_dims, m: int, dtype: str) -> Case:
    X, parameters = _network(rng, layer_dims, m)
    AL, caches = _ref_caches(X, parameters)
    Y = labels(rng, m, dtype)
    name = f"L = {len(layer_dims) - 1}, m = {m}, Y {dtype}"
    return Case(name, (AL, Y, caches), m=m, extra={"label_dtype": dtype})


def _deep_backward_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_deep_backward_case(rng, *row) for row in (_DB_HIDDEN if hidden else _DB_VISIBLE)]


def _cost_from(A, p: dict, l: int, Y) -> complex:
    """The cost of the network from layer ``l`` on (fed ``A``), from the output's Z."""
    _, layers = _nets.deep_forward(A, p, start=l)
    return _nets.cross_entropy_of_logits(layers[-1][3], Y)


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
        grads[f"dA{l - 1}"] = NP.multiply(m, numerical_gradient(cost_from(l), A_prev))
    return grads



def _backward_variant(dAL=None, **variant):
    """A mistake model: the backward pass with another derivative or ``dAL``."""

    def model(AL, Y, caches):
        Y = as_float(Y)
        extra = {} if dAL is None else {"dAL": dAL(AL, Y)}
        return _nets.deep_backward(AL, Y, _layers(caches), **variant, **extra)

    return model


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
        dA, dW, db = _nets.linear_backward(dA * DERIVATIVES["relu"](Z), A_prev, W)
        for key, value in ((f"dA{l - 1}", dA), (f"dW{l}", dW), (f"db{l}", db)):
            if not _same(ev.got[key], value):
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


DEEP_BACKWARD = register(
    NetSpec(
        module="deep",
        function="deep_backward",
        arg_names=("AL", "Y", "caches"),
        reference=ref.deep_backward,
        make_cases=_deep_backward_cases,
        output=Dict("grads", None),
        diagnoses=(
            _grads_keys,
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
)
check_deep_backward = make_check(DEEP_BACKWARD)


# ----------------------------------------------------------------------- update_parameters

_UPDATE_VISIBLE = (([3, 4, 1], 0.1), ([4, 3, 2, 1], 0.0075), ([2, 1], 1.2))
_UPDATE_HIDDEN = (([5, 6, 4, 3, 1], 0.05), ([1, 1], 0.5), ([6, 8, 1], 2.5))


def _update_case(rng: np.random.Generator, layer_dims, learning_rate: float) -> Case:
    _, parameters = _network(rng, layer_dims, 1)
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


UPDATE_PARAMETERS = register(
    NetSpec(
        module="deep",
        function="update_parameters",
        arg_names=("parameters", "grads", "learning_rate"),
        reference=ref.update_parameters,
        make_cases=_update_cases,
        output=Dict("parameters", None),
        diagnoses=(_step_diagnosis,),
        key_error_hint=LAYERS_HINT,
    )
)
check_update_parameters = make_check(UPDATE_PARAMETERS)


# --------------------------------------------------------------------------------- predict

_PREDICT_VISIBLE = (([3, 4, 1], 8), ([4, 3, 2, 1], 1), ([2, 5, 1], 11))
_PREDICT_HIDDEN = (([5, 1], 20), ([3, 4, 4, 1], 1), ([6, 5, 1], 15))


def _predict_case(rng: np.random.Generator, layer_dims, m: int) -> Case:
    """A network whose outputs are both above and below 0.5, none within 1e-4 of it."""
    X, parameters = _network(rng, layer_dims, m)
    L = len(layer_dims) - 1
    for _ in range(100):
        _, layers = _nets.deep_forward(X, parameters)
        ZL = layers[-1][3]
        parameters[f"b{L}"] = parameters[f"b{L}"] - float(np.median(ZL))
        if m == 1:
            parameters[f"b{L}"] += rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0)
        ZL = _nets.deep_forward(X, parameters)[1][-1][3]
        if NP.all(NP.abs(ZL) > 1e-4):
            break
        X = rng.standard_normal(X.shape)
    return Case(f"L = {L}, m = {m}", (parameters, X), m=m)


def _predict_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [_predict_case(rng, *row) for row in (_PREDICT_HIDDEN if hidden else _PREDICT_VISIBLE)]


def _predict_problem(ev: Evidence) -> str | None:
    parameters, X = ev.inputs["parameters"], ev.inputs["X"]
    AL = _nets.deep_forward(X, parameters)[0]
    got = ev.got["p"]
    if ev.stage == "dtype" and got.dtype == NP.bool_:
        return "p has dtype bool: predictions are the numbers 0.0 and 1.0; use .astype(float)"
    if ev.stage != "value":
        return None
    if _same(got, AL):
        return "p holds the probabilities AL: predict 1.0 where AL > 0.5, else 0.0"
    if _same(got, (AL < 0.5) * 1.0):
        return "p is inverted: predict 1.0 where AL > 0.5 (the network says y = 1), else 0.0"
    if _same(got, (AL > 0) * 1.0):
        return "AL is compared with 0, but it is a probability: compare it with 0.5"
    return None


PREDICT = register(
    NetSpec(
        module="deep",
        function="predict",
        arg_names=("parameters", "X"),
        reference=ref.predict,
        make_cases=_predict_cases,
        output=Array("p"),
        diagnoses=(_predict_problem,),
        scaling_case=lambda rng, m: _predict_case(rng, [3, 4, 1], m),
    )
)
check_predict = make_check(PREDICT)

seal(sys.modules[__name__])
seal(_nets)
seal(ref)
seal(dlnotes.activations)
seal(dlnotes.cost)
