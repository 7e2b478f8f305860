r"""Checks for the activation exercises: ``sigmoid``, ``sigmoid_derivative`` (chapter 1) and
``tanh_backward``, ``relu_backward``, ``leaky_relu_backward`` (chapter 3).

Each function works elementwise on an ``(n, m)`` array (examples are columns). Random
inputs stay at least 0.01 away from 0; the ReLU derivatives also get one case per tier
with exact zeros, where the instructions fix the convention (the value for z < 0).
Numerical derivatives are complex-step ones (:mod:`graders.checks._gradients`), exact to
rounding even where they are tiny.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnotes import activations as ref
from graders.checks._check import make_check
from graders.checks._diagnose import Evidence, close, mistake
from graders.checks._gradients import derivative, leaky_relu, relu, sigmoid
from graders.checks._outputs import Array
from graders.checks._spec import Case, Spec
from graders.checks._tamper import seal

_VISIBLE = ((3, 5), (1, 1), (4, 1), (2, 7))
_HIDDEN = ((5, 13), (1, 20), (6, 1), (7, 9))


def _z(rng: np.random.Generator, shape: tuple[int, int], scale: float = 2.0) -> np.ndarray:
    """Normal values, pushed at least 0.01 away from 0."""
    Z = rng.standard_normal(shape) * scale
    return np.add(Z, np.multiply(0.01, np.sign(Z)))


def _extreme(rng: np.random.Generator, hidden: bool) -> np.ndarray:
    """Large |z| where a naive np.exp overflows, plus moderate and tiny values."""
    big = 1000.0 if hidden else 800.0
    values = [-big, -710.0, -40.0, -1e-3, 1e-3, 40.0, 710.0, big]
    rng.shuffle(values)
    return np.array(values).reshape(2, 4)


def _z_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = _HIDDEN if hidden else _VISIBLE
    cases = [Case(f"n = {s[0]}, m = {s[1]}", (_z(rng, s),), m=s[1]) for s in shapes]
    cases.append(Case("large |Z|", (_extreme(rng, hidden),), m=4))
    return cases


def _dz_cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = _HIDDEN if hidden else _VISIBLE
    cases = [
        Case(f"n = {s[0]}, m = {s[1]}", (rng.standard_normal(s), _z(rng, s)), m=s[1])
        for s in shapes
    ]
    extreme = _extreme(rng, hidden) / (100.0 if hidden else 80.0)  # |Z| up to 10
    cases.append(Case("large |Z|", (rng.standard_normal(extreme.shape), extreme), m=4))
    return cases


def _dz_cases_with_zeros(rng: np.random.Generator, hidden: bool) -> list[Case]:
    """The ``dA, Z`` cases plus one whose Z is exactly 0 in places (a ReLU's kink)."""
    shape = (4, 6) if hidden else (3, 4)
    Z = _z(rng, shape)
    Z[rng.random(shape) < 0.4] = 0.0
    Z[0, 0] = 0.0
    zeros = Case("Z = 0 in places", (rng.standard_normal(shape), Z), m=shape[1])
    return [*_dz_cases(rng, hidden), zeros]


def _at_zero(slope: float, name: str):
    """A diagnosis: ``Z >= 0`` where the instructions say ``Z > 0``."""
    return mistake(
        f"dZ is wrong where Z is exactly 0: the instructions take {name}'s derivative at 0 "
        f"as its value for z < 0 ({slope:g}); compare with Z > 0, not Z >= 0",
        lambda dA, Z: np.where(Z >= 0, dA, slope * dA),
    )


def _z_scaling(rng: np.random.Generator, m: int) -> Case:
    return Case(f"m={m}", (_z(rng, (3, m)),), m=m)


def _dz_scaling(rng: np.random.Generator, m: int) -> Case:
    return Case(f"m={m}", (rng.standard_normal((3, m)), _z(rng, (3, m))), m=m)


def _sig(Z: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return ref.sigmoid(Z)


_sigmoid = ref.sigmoid
_tanh = np.tanh
_exp = np.exp

# -------------------------------------------------------------------------- sigmoid
SIGMOID_UNSTABLE = (
    "np.exp overflowed for large |Z| (numpy would print a RuntimeWarning, and nbgrader "
    "scores a cell that prints warnings 0): the values are right but the formula is not "
    "numerically stable; only ever take np.exp of non-positive numbers (note that "
    "np.where evaluates both branches)"
)


def _sigmoid_nan(ev: Evidence) -> str | None:
    got = ev.got[ev.key]
    if ev.stage == "value" and bool(np.any(np.isnan(got))):
        return (
            "A contains nan for large |Z|: np.exp overflowed to inf and inf/inf is nan; "
            "use a form that only exponentiates non-positive numbers"
        )
    return None


SIGMOID = Spec(
    arg_names=("Z",),
    reference=ref.sigmoid,
    make_cases=_z_cases,
    output=Array("A"),
    diagnoses=(
        mistake(
            "A is sigmoid(-Z): the sign in the exponent is wrong, sigmoid is 1 / (1 + e^(-Z))",
            lambda Z: _sig(-Z),
        ),
        mistake(
            "A is 1 + e^(-Z): operator precedence, 1/1 + x is 1 + x; put the "
            "denominator in parentheses",
            lambda Z: 1 + _exp(-Z),
        ),
        mistake(
            "A is 1 / (1 - e^(-Z)): the denominator is 1 + e^(-Z)",
            lambda Z: 1 / (1 - _exp(-Z)),
        ),
        mistake("A is ReLU(Z), not sigmoid(Z)", lambda Z: np.maximum(0, Z)),
        mistake("A is tanh(Z), not sigmoid(Z)", lambda Z: _tanh(Z)),
        mistake(
            "A is sigmoid's derivative s(1 - s), not sigmoid itself",
            lambda Z: _sig(Z) * (1 - _sig(Z)),
        ),
        mistake("A is e^(-Z): the 1 / (1 + ...) is missing", lambda Z: _exp(-Z)),
        _sigmoid_nan,
    ),
    scaling_case=_z_scaling,
    fail_on_fp=frozenset({"overflow", "invalid", "divide"}),
    fp_message=SIGMOID_UNSTABLE,
)
check_sigmoid = make_check(SIGMOID)


# --------------------------------------------------------------- sigmoid_derivative
SIGMOID_DERIVATIVE = Spec(
    arg_names=("Z",),
    reference=ref.sigmoid_derivative,
    make_cases=_z_cases,
    output=Array("dZ"),
    diagnoses=(
        mistake(
            "the result is s * (1 - Z): the second factor is 1 - s with s = sigmoid(Z), not 1 - Z",
            lambda Z: _sig(Z) * (1 - Z),
        ),
        mistake(
            "the result is Z * (1 - Z): s(1 - s) applies to s = sigmoid(Z), compute s first",
            lambda Z: Z * (1 - Z),
        ),
        mistake(
            "the result is sigmoid(Z) itself: multiply by (1 - sigmoid(Z))",
            lambda Z: _sig(Z),
        ),
        mistake("the result is s * (1 + s): it is s * (1 - s)", lambda Z: _sig(Z) * (1 + _sig(Z))),
        mistake(
            "the result is 1 - s**2, tanh's derivative formula: sigmoid's is s * (1 - s)",
            lambda Z: 1 - _sig(Z) ** 2,
        ),
        mistake("the result is s**2: the second factor is 1 - s", lambda Z: _sig(Z) ** 2),
        mistake(
            "the result contains nan for large |Z|: np.exp overflowed; build the "
            "derivative from a stable sigmoid(Z)",
            lambda Z: _exp(-Z) / (1 + _exp(-Z)) ** 2,
        ),
    ),
    numerical=lambda case: {"dZ": derivative(sigmoid, case.args[0])},
    scaling_case=_z_scaling,
)
check_sigmoid_derivative = make_check(SIGMOID_DERIVATIVE)


# ------------------------------------------------------------------ the backward passes
def _chain_rule(g):
    """The check's own answer for a backward pass: dZ = dA * g'(Z), with g' from centred
    differences of the forward function ``g``, independent of the reference."""

    def numerical(case: Case) -> dict[str, np.ndarray]:
        dA, Z = case.args
        return {"dZ": np.multiply(dA, derivative(g, Z))}

    return numerical


# -------------------------------------------------------------------- tanh_backward
_SWAPPED = "the arguments look swapped: the signature is {f}(dA, Z), dA first"

TANH_BACKWARD = Spec(
    arg_names=("dA", "Z"),
    reference=ref.tanh_backward,
    make_cases=_dz_cases,
    output=Array("dZ"),
    diagnoses=(
        mistake(
            "dZ is dA * (1 - Z**2): the derivative is 1 - A**2 with A = tanh(Z), not Z",
            lambda dA, Z: dA * (1 - Z**2),
        ),
        mistake(
            "dZ is dA * (1 - A) with A = tanh(Z): tanh's derivative is 1 - A**2",
            lambda dA, Z: dA * (1 - _tanh(Z)),
        ),
        mistake(
            "dZ is dA * (1 - A)**2: the square belongs to A alone, 1 - A**2",
            lambda dA, Z: dA * (1 - _tanh(Z)) ** 2,
        ),
        mistake(
            "dZ uses sigmoid's derivative s(1 - s) where tanh's 1 - tanh(Z)**2 belongs",
            lambda dA, Z: dA * _sig(Z) * (1 - _sig(Z)),
        ),
        mistake(
            "dZ is g'(Z) alone: multiply by the incoming gradient dA (chain rule)",
            lambda dA, Z: 1 - _tanh(Z) ** 2,
        ),
        mistake("dZ is dA * (1 + A**2): it is 1 - A**2", lambda dA, Z: dA * (1 + _tanh(Z) ** 2)),
        mistake(
            "dZ is dA * (1 - tanh(dA)**2): the derivative is evaluated at Z, not at dA",
            lambda dA, Z: dA * (1 - _tanh(dA) ** 2),
        ),
        mistake(_SWAPPED.format(f="tanh_backward"), lambda dA, Z: Z * (1 - _tanh(dA) ** 2)),
        mistake(
            "dZ is dA * tanh(Z): the derivative is 1 - tanh(Z)**2", lambda dA, Z: dA * _tanh(Z)
        ),
    ),
    numerical=_chain_rule(_tanh),
    scaling_case=_dz_scaling,
)
check_tanh_backward = make_check(TANH_BACKWARD)


# -------------------------------------------------------------------- relu_backward
def _step(Z: np.ndarray, slope: float) -> np.ndarray:
    return np.where(Z > 0, 1.0, slope)


RELU_BACKWARD = Spec(
    arg_names=("dA", "Z"),
    reference=ref.relu_backward,
    make_cases=_dz_cases_with_zeros,
    output=Array("dZ"),
    diagnoses=(
        _at_zero(0.0, "ReLU"),
        mistake(
            "the ReLU mask is taken from dA: the derivative depends on Z (where Z > 0)",
            lambda dA, Z: dA * (dA > 0),
        ),
        mistake(
            "the mask is inverted: dZ = dA where Z > 0 and 0 elsewhere",
            lambda dA, Z: dA * (Z <= 0),
        ),
        mistake(
            "dZ is the mask alone: multiply the step by the incoming gradient dA",
            lambda dA, Z: _step(Z, 0.0),
        ),
        mistake(
            "dZ is relu(Z), the forward pass: the backward pass is dA where Z > 0",
            lambda dA, Z: np.maximum(0.0, Z),
        ),
        mistake(
            "dZ is dA * relu(Z): multiply by the derivative (1 where Z > 0), not by relu(Z)",
            lambda dA, Z: dA * np.maximum(0.0, Z),
        ),
        mistake(
            "dZ has a slope on the negative side (leaky ReLU): ReLU's derivative is 0 there",
            lambda dA, Z: dA * _step(Z, 0.01),
        ),
        mistake(_SWAPPED.format(f="relu_backward"), lambda dA, Z: Z * (dA > 0)),
        mistake("dZ is dA * Z: multiply by the step (Z > 0), not by Z", lambda dA, Z: dA * Z),
    ),
    numerical=_chain_rule(relu),
    scaling_case=_dz_scaling,
)
check_relu_backward = make_check(RELU_BACKWARD)


# -------------------------------------------------------------- leaky_relu_backward
def _wrong_slope(ev: Evidence) -> str | None:
    """Right for Z > 0, a constant but wrong slope for Z <= 0."""
    if ev.stage != "value":
        return None
    dA, Z = ev.inputs["dA"], ev.inputs["Z"]
    got = ev.got[ev.key]
    pos, neg = Z > 0, Z <= 0
    if not bool(np.any(neg)) or not close(got[pos], dA[pos], 1e-7, 1e-12):
        return None
    slopes = np.divide(got[neg], dA[neg])
    slope = float(np.median(slopes))
    constant = np.add(np.multiply(0.0, slopes), slope)  # the median, in the shape of slopes
    if close(slopes, constant, 1e-6, 1e-12) and abs(slope - 0.01) > 1e-9:
        return f"the negative side uses slope {slope:.4g}: leaky ReLU's slope is 0.01"
    return None


LEAKY_RELU_BACKWARD = Spec(
    arg_names=("dA", "Z"),
    reference=ref.leaky_relu_backward,
    make_cases=_dz_cases_with_zeros,
    output=Array("dZ"),
    diagnoses=(
        _at_zero(0.01, "leaky ReLU"),
        mistake(
            "the mask is taken from dA: the slope depends on the sign of Z",
            lambda dA, Z: np.where(dA > 0, dA, 0.01 * dA),
        ),
        mistake(
            "the slopes are swapped: dZ = dA where Z > 0 and 0.01 * dA elsewhere",
            lambda dA, Z: np.where(Z > 0, 0.01 * dA, dA),
        ),
        mistake(
            "dZ is the derivative alone: multiply it by the incoming gradient dA",
            lambda dA, Z: _step(Z, 0.01),
        ),
        mistake(
            "dZ is leaky_relu(Z), the forward pass: the backward pass multiplies dA by the slope",
            lambda dA, Z: np.where(Z > 0, Z, 0.01 * Z),
        ),
        mistake(
            _SWAPPED.format(f="leaky_relu_backward"),
            lambda dA, Z: np.where(dA > 0, Z, 0.01 * Z),
        ),
        mistake(
            "dZ is dA * leaky_relu(Z): multiply by the slope (1 or 0.01), not by the output",
            lambda dA, Z: dA * np.where(Z > 0, Z, 0.01 * Z),
        ),
        _wrong_slope,
    ),
    numerical=_chain_rule(leaky_relu),
    scaling_case=_dz_scaling,
)
check_leaky_relu_backward = make_check(LEAKY_RELU_BACKWARD)

seal(sys.modules[__name__])
seal(ref)
