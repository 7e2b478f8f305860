r"""Pieces shared by the network checks of chapters 3-5 (``shallow``, ``deep``).

- *Mistake models*: forward and backward passes with one step done the way a learner
  might get it wrong (a sigmoid where tanh belongs, ``1 - A`` as the tanh derivative,
  ...). A wrong answer that matches a model is named by it; nothing else is guessed.
- The cost from the output's ``Z``, in a form that numerical gradients
  (:mod:`graders.checks._gradients`, the independent witness for backward functions)
  can differentiate.
- Output structures the engine lacks: caches that may be tuples or lists.
- :func:`net_spec`: a spec with compact labels, two more generic diagnoses and a hint for
  a missing parameter key; :func:`quiet` keeps warnings from escaping a diagnosis.


Examples are columns: ``X`` has shape ``(n_x, m)``, ``Y`` ``(1, m)``.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable

import numpy as np

from graders.checks import _gradients
from graders.checks._core import CheckFailure, Spec
from graders.checks._diagnose import GENERIC, Evidence, close
from graders.checks._gradients import softplus
from graders.checks._tamper import NP

_tanh = np.tanh
_log = np.log

_matmul = np.matmul
_sigmoid = _gradients.sigmoid


# --- activations and their derivatives, by name ----------------------------------------

# Real or complex (see _gradients): the mistake models and the numerical gradients share them.
ACTIVATIONS: dict[str, Callable] = {
    "sigmoid": _sigmoid,
    "tanh": _gradients.tanh,
    "relu": _gradients.relu,
    "leaky_relu": _gradients.leaky_relu,
    "identity": lambda Z: Z,
}

# g'(Z) written the right way and in the ways learners get it wrong.
DERIVATIVES: dict[str, Callable] = {
    "sigmoid": lambda Z: _sigmoid(Z) * (1.0 - _sigmoid(Z)),
    "tanh": lambda Z: 1.0 - _tanh(Z) ** 2,
    "relu": lambda Z: (Z > 0).astype(float),
    "none": lambda Z: Z * 0.0 + 1.0,
    "tanh as 1 - A": lambda Z: 1.0 - _tanh(Z),
    "tanh as A (1 - A)": lambda Z: _tanh(Z) * (1.0 - _tanh(Z)),
    "sigmoid as s * (1 - Z)": lambda Z: _sigmoid(Z) * (1.0 - Z),
    "sigmoid at A": lambda Z: DERIVATIVES["sigmoid"](_sigmoid(Z)),
}


# --- the cost from the output's Z ------------------------------------------------------


def cross_entropy_of_logits(Z, Y):
    """The cost of ``A = sigmoid(Z)``, ``-(1/m) sum(y log a + (1 - y) log(1 - a))``,
    computed from ``Z`` as ``(1/m) sum(y softplus(-z) + (1 - y) softplus(z))``.

    ``log(1 - a)`` for ``a`` near 1 would lose digits that this form keeps. ``Z`` may be
    complex (a complex-step nudge): the cost is then complex too, and its imaginary part
    carries the derivative.
    """
    m = Z.shape[1]
    return NP.sum(Y * softplus(-Z) + (1.0 - Y) * softplus(Z)) / m


# --- the shallow network and its mistake models -----------------------------------------


def shallow_forward(
    X, p: dict, hidden="tanh", output="sigmoid", bias1=True, bias2=True, late_bias=()
):
    """``{"Z1", "A1", "Z2", "A2"}`` of the 2-layer network, optionally with one mistake;
    the layers in ``late_bias`` add their bias after the activation, ``g(W A) + b``."""
    b1, b2 = (p["b1"] if bias1 else 0.0), (p["b2"] if bias2 else 0.0)
    Z1 = _matmul(p["W1"], X) + (0.0 if 1 in late_bias else b1)
    A1 = ACTIVATIONS[hidden](Z1) + (b1 if 1 in late_bias else 0.0)
    Z2 = _matmul(p["W2"], A1) + (0.0 if 2 in late_bias else b2)
    A2 = ACTIVATIONS[output](Z2) + (b2 if 2 in late_bias else 0.0)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def shallow_backward(p: dict, cache: dict, X, Y, derivative="tanh", dW2_input="A1"):
    """``{"dW1", "db1", "dW2", "db2"}``, optionally with one mistake (the derivative
    used for the hidden layer, or ``Z1`` where ``A1`` belongs in ``dW2``)."""
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = _matmul(dZ2, cache[dW2_input].T) / m
    db2 = NP.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = _matmul(p["W2"].T, dZ2) * DERIVATIVES[derivative](cache["Z1"])
    dW1 = _matmul(dZ1, X.T) / m
    db1 = NP.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


# --- the deep network and its mistake models --------------------------------------------


def layer_forward(A_prev, W, b, activation: str):
    """``(A, Z)`` of one layer, ``Z = W A_prev + b``."""
    Z = _matmul(W, A_prev) + b
    return ACTIVATIONS[activation](Z), Z


def deep_forward(X, p: dict, hidden="relu", output="sigmoid", start: int = 1):
    """``(AL, [(A_prev, W, b, Z), ...])`` from layer ``start`` (fed ``X``) to the last."""
    L = len(p) // 2
    A, layers = X, []
    for l in range(start, L + 1):
        W, b = p[f"W{l}"], p[f"b{l}"]
        A_prev = A
        A, Z = layer_forward(A_prev, W, b, output if l == L else hidden)
        layers.append((A_prev, W, b, Z))
    return A, layers


def linear_backward(dZ, A_prev, W):
    """``(dA_prev, dW, db)`` of ``Z = W A_prev + b``, the course's scaling."""
    m = A_prev.shape[1]
    return _matmul(W.T, dZ), _matmul(dZ, A_prev.T) / m, NP.sum(dZ, axis=1, keepdims=True) / m


def deep_backward(AL, Y, layers, hidden="relu", output="sigmoid", dAL=None):
    """The grads dict of ``deep_backward`` from ``layers`` (as :func:`deep_forward`
    returns them), optionally with one mistake: the derivative of the hidden or output
    layers, or another ``dAL``."""
    L = len(layers)
    dA = -(Y / AL - (1.0 - Y) / (1.0 - AL)) if dAL is None else dAL
    grads = {}
    for l in range(L, 0, -1):
        A_prev, W, _, Z = layers[l - 1]
        dZ = dA * DERIVATIVES[output if l == L else hidden](Z)
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, A_prev, W)
        grads[f"dA{l - 1}"] = dA
    return grads


# --- labels ----------------------------------------------------------------------------


def labels(rng: np.random.Generator, m: int, dtype: str):
    """0/1 labels ``(1, m)`` of the given dtype, both classes present when m > 1."""
    Y = rng.integers(0, 2, size=(1, m))
    if m > 1:
        Y[0, :2] = (0, 1)
        rng.shuffle(Y[0])
    return Y.astype(dtype)


def as_float(Y):
    return NP.asarray(Y, dtype=NP.float64)


# --- outputs the engine's Tuple does not cover -----------------------------------------


class Seq:
    """A tuple or list of named items in a fixed order, e.g. a cache ``(A_prev, W, b)``.

    Named tuples pass (they are tuples). When the items come in another order, say so.
    """

    def __init__(self, name: str, items):
        self.name = name
        self.items = tuple(items)

    @property
    def order(self) -> str:
        return "(" + ", ".join(item.name for item in self.items) + ")"

    def flatten(self, value, path: str, out: dict) -> None:
        label = path or self.name
        if not isinstance(value, (tuple, list)):
            raise CheckFailure(f"{label} is {_describe(value)}, expected a tuple {self.order}")
        if len(value) != len(self.items):
            raise CheckFailure(
                f"{label} has {len(value)} entries, expected {len(self.items)} entries {self.order}"
            )
        try:
            self._flatten_items(value, path, out)
        except CheckFailure:
            if len(value) == 2 and self._fits(value[::-1], path):
                raise CheckFailure(
                    f"{label} is in the wrong order: it must be {self.order}"
                ) from None
            raise

    def _flatten_items(self, value, path: str, out: dict) -> None:
        for item, spec in zip(value, self.items, strict=True):
            spec.flatten(item, f"{path}.{spec.name}" if path else spec.name, out)

    def _fits(self, value, path: str) -> bool:
        try:
            self._flatten_items(value, path, {})
        except CheckFailure:
            return False
        return True


class SeqOf:
    """A list (or tuple) of any length, every item flattened by ``item`` as ``name[i]``."""

    def __init__(self, name: str, item):
        self.name = name
        self.item = item

    def flatten(self, value, path: str, out: dict) -> None:
        label = path or self.name
        if not isinstance(value, (tuple, list)):
            raise CheckFailure(f"{label} is {_describe(value)}, expected a list")
        for i, entry in enumerate(value):
            self.item.flatten(entry, f"{label}[{i}]", out)


def _describe(value) -> str:
    if type(value) is NP.ndarray:
        return f"an array of shape {value.shape}"
    if value is None:
        return "None (did you forget to return it?)"
    return f"a {type(value).__name__}"


# --- a spec with network-shaped labels and hints for network-shaped exceptions ---------


def net_spec(*, key_error_hint: str = "", **fields) -> Spec:
    """A :class:`Spec` for the network chapters: its labels summarise dicts and caches (no
    array values), it knows two more generic mistakes (:data:`NET_DIAGNOSES`), and it
    explains a ``KeyError`` on a parameter key ``W<l>`` / ``b<l>`` with ``key_error_hint``.
    ``fields`` are the Spec's own (``late_diagnoses`` localise rather than name a mistake).
    """
    hints = (_parameter_key_hint(key_error_hint),) if key_error_hint else ()
    return Spec(generic=(*NET_DIAGNOSES, *GENERIC), describe_arg=_summary_text,
                exception_hints=hints, **fields)


def _parameter_key_hint(hint: str):
    def explain(exc: BaseException) -> str | None:
        is_key = isinstance(exc, KeyError) and _PARAMETER_KEY.fullmatch(str(exc))
        return hint if is_key else None

    return explain


_PARAMETER_KEY = re.compile(r"'[Wb]\d+'")
_catch_warnings = warnings.catch_warnings
_simplefilter = warnings.simplefilter


@contextlib.contextmanager
def quiet():
    """No floating-point warnings and no ``warnings`` at all inside (nbgrader scores a
    cell with anything on stderr as 0)."""
    with NP.errstate(all="ignore"), _catch_warnings():
        _simplefilter("ignore")
        yield


LAYERS_HINT = (
    "parameters holds a W and a b for each layer, so there are L = len(parameters) // 2 layers"
)


def _ratio(got, want) -> float | None:
    """The constant ``c`` with ``got == c * want``, if there is one."""
    if got.shape != want.shape or not bool(NP.all(NP.isfinite(got))):
        return None
    norm = float(NP.sum(NP.multiply(want, want)))
    if norm == 0.0:
        return None
    c = float(NP.sum(NP.multiply(got, want))) / norm
    return c if close(got, NP.multiply(c, want), 1e-6, 1e-12) else None


def m_squared_diagnosis(ev: Evidence) -> str | None:
    """``* m`` where ``/ m`` belongs (m² too large), or ``/ m`` twice (m² too small)."""
    if ev.stage != "value" or ev.m < 2:
        return None
    c, m2 = _ratio(ev.got[ev.key], ev.expected[ev.key]), ev.m * ev.m
    if c is not None and abs(c / m2 - 1) < 1e-6:
        return (
            f"{ev.key} is exactly m² = {m2} times too large: it multiplies by m = {ev.m} "
            "where it should divide by m"
        )
    if c is not None and abs(c * m2 - 1) < 1e-6:
        return f"{ev.key} is exactly m² = {m2} times too small: it divides by m = {ev.m} twice"
    return None


def wrong_axis_diagnosis(ev: Evidence) -> str | None:
    """A bias gradient ``(n, 1)`` summed over axis 0 instead: shape ``(1, m)``."""
    if ev.stage != "shape":
        return None
    got, want = ev.got[ev.key].shape, ev.expected[ev.key].shape
    if len(want) == 2 and want[1] == 1 and got == (1, ev.m) and got != want:
        return (
            f"{ev.key} has shape {got}, expected {want}: it sums over axis 0, the units; "
            "sum over the examples, axis=1 with keepdims=True"
        )
    return None


NET_DIAGNOSES = (m_squared_diagnosis, wrong_axis_diagnosis)


def _summary_text(value) -> str:
    return " " + _summary(value)


def _summary(value) -> str:
    if type(value) is NP.ndarray:
        return str(tuple(value.shape))
    if isinstance(value, dict):
        return f"with {len(value)} arrays"
    if isinstance(value, (list, tuple)):
        return f"of {len(value)} items"
    if isinstance(value, float):
        return f"= {value:g}"
    return f"= {value!r}"[:40]
