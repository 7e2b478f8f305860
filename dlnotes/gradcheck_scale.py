r"""The machinery that makes :func:`dlnotes.gradcheck.gradient_check` scale to big networks.

Examples are columns (``X`` of shape ``(n_x, m)``); parameters and gradients are dicts
keyed ``"W1", "b1", ...`` and ``"dW1", "db1", ...``.

The course's check (:mod:`dlnotes.gradcheck`) perturbs one coordinate at a time, which costs
two cost evaluations per parameter: fine for 50 parameters, many minutes for the 250 000 of
a real network. :func:`gradient_check` instead checks *directional* derivatives: for a
random unit direction :math:`v` in one parameter array,

.. math:: \frac{J(\theta + \varepsilon v) - J(\theta - \varepsilon v)}{2 \varepsilon}
          \approx \langle \nabla J, v \rangle ,

so a few cost evaluations per array suffice, and a wrong array is named. What makes that
reliable: directions that cross a ReLU kink are re-drawn (:class:`_Probe`), steps are
lengthened while roundoff hides a tiny derivative (:func:`_lengthen`), entries on an exact
corner of the cost are left out (:func:`_off_the_corners`), and the deep network's cost is
computed without cancellation and without recomputing the unchanged layers
(:class:`_DeepCost`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlnotes.gradcheck import (
    Array,
    dict_to_vector,
    gradients_to_vector,
    relative_difference,
    vector_to_dict,
)

# Roundoff in a cost computed without cancellation is a few dozen ulps of its value;
# divided by eps it bounds the noise of a centred difference. The analytic side has its
# own roundoff, a few dozen ulps of O(1) for a cross-entropy (dZ = A - Y is at most 1).
# Two directional derivatives closer than that noise count as equal.
_ROUNDOFF_ULPS = 64


@dataclass(frozen=True)
class ArrayCheck:
    """The directional checks of one gradient array.

    ``numerical`` and ``analytic`` hold one directional derivative per direction;
    ``redraws`` counts directions thrown away because they crossed a kink (a ReLU
    switching on or off) where centred differences are wrong; ``unresolved`` counts
    directions given up after ``max_redraws`` such draws (not compared at all).
    """

    name: str
    relative_difference: float
    agrees: bool
    numerical: tuple[float, ...]
    analytic: tuple[float, ...]
    redraws: int = 0
    unresolved: int = 0


@dataclass(frozen=True)
class GradientCheckResult:
    """Per-array outcome of :func:`gradient_check`; ``str()`` gives the report."""

    arrays: tuple[ArrayCheck, ...]
    threshold: float

    @property
    def passed(self) -> bool:
        return all(check.agrees for check in self.arrays)

    @property
    def disagreeing(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.arrays if not check.agrees)

    @property
    def max_relative_difference(self) -> float:
        return max((check.relative_difference for check in self.arrays), default=0.0)

    @property
    def unchecked(self) -> tuple[str, ...]:
        """Arrays for which every direction crossed a kink, so nothing was compared."""
        return tuple(check.name for check in self.arrays if not check.numerical)

    def __str__(self) -> str:
        bad = [check for check in self.arrays if not check.agrees]
        agreeing = [c.name for c in self.arrays if c.agrees and c.name not in self.unchecked]
        good = ", ".join(agreeing) + (" agree" if len(agreeing) > 1 else " agrees")
        if not bad:
            checked = len(self.arrays) - len(self.unchecked)
            text = (
                f"all {checked} gradient arrays checked agree with the numerical gradient "
                f"(largest relative difference {self.max_relative_difference:.1e})"
            )
        else:
            parts = [
                f"{check.name} disagrees with the numerical gradient: "
                f"relative difference {check.relative_difference:.2g}"
                for check in bad
            ]
            text = "; ".join(parts) + (f"; {good}" if agreeing else "")
        if self.unchecked:
            text += f" ({', '.join(self.unchecked)} not checked: on or among ReLU kinks)"
        return text


def gradient_check(
    cost: Callable[[dict[str, Array]], float],
    parameters: Mapping[str, ArrayLike],
    grads: Mapping[str, ArrayLike],
    *,
    rng: np.random.Generator,
    n_directions: int = 2,
    eps: float = 1e-6,
    threshold: float = 1e-6,
    max_redraws: int = 12,
    masks: Mapping[str, ArrayLike] | None = None,
) -> GradientCheckResult:
    r"""Check ``grads`` against ``cost`` with random directional derivatives, array by array.

    For each parameter array :math:`P` (alone) and a few random unit directions
    :math:`v` shaped like it, compare :math:`(J(P + \varepsilon v) - J(P - \varepsilon
    v)) / 2\varepsilon` with :math:`\langle dP, v \rangle`. The cost is also evaluated at
    :math:`P \pm \tfrac{\varepsilon}{2} v`: if the four slopes between these five points
    do not vary linearly, the segment crosses a kink (a ReLU unit switching on or off)
    where centred differences are wrong, and the direction is re-drawn with a smaller
    step. So a correct gradient does not fail, on ReLU networks included. When a
    derivative is so small that the step changes the cost by mere roundoff, the step is
    lengthened (while the segment stays smooth), so that errors in it still show.

    Parameters
    ----------
    cost : callable
        ``cost(parameters) -> float``; called with new dicts sharing the unchanged
        arrays, which it must not modify. Compute it without cancellation (from logits
        rather than ``log(1 - a)``): centred differences divide its roundoff by ``eps``.
    parameters : dict of str to ndarray, e.g. ``"W1"`` of shape (n1, n0)
    grads : dict of str to ndarray holding ``"d" + name`` for every parameter name,
        each of that parameter's shape (extra keys such as ``"dA0"`` are ignored)
    rng : numpy.random.Generator
        Draws the directions.
    n_directions : int
        Directions per array.
    eps : float
        Step along a unit direction.
    threshold : float
        An array agrees when the relative difference of its numerical and analytic
        directional derivatives is at most this (or their gap is within roundoff).
    max_redraws : int
        Kinked directions re-drawn (halving the step, down to ``eps / 64``) before a
        direction is given up and left out of the comparison.
    masks : dict of str to bool ndarray, optional
        ``masks[name]`` (shaped like the parameter) says which entries a direction may
        move; entries on a corner of the cost (where it has no gradient) are left out.
        An array whose mask is all False is reported as not checked.

    Returns
    -------
    GradientCheckResult
        ``.passed``, ``.disagreeing`` (names such as ``"dW2"``) and a readable ``str()``.
    """
    if n_directions < 1:
        raise ValueError(f"n_directions is {n_directions}, expected at least 1")
    base = {name: np.asarray(value, dtype=np.float64) for name, value in parameters.items()}
    _, layout = dict_to_vector(base)
    gradients = vector_to_dict(gradients_to_vector(grads, layout), layout)  # validated
    cost_0 = float(cost(_with(base, {})))
    checks = []
    for name, shape in layout:
        grad = gradients[name]
        mask = np.ones(shape, dtype=bool) if masks is None else masks.get(name, True)
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), shape)
        if not mask.any():
            checks.append(ArrayCheck(f"d{name}", 0.0, True, (), ()))
            continue
        probe = functools.partial(_probe, cost, base, name, cost_0)
        checks.append(
            _check_array(
                f"d{name}", probe, grad, mask, rng, n_directions, eps, threshold, max_redraws
            )
        )
    return GradientCheckResult(tuple(checks), threshold)


def check_deep_gradients(
    parameters: Mapping[str, ArrayLike],
    X: ArrayLike,
    Y: ArrayLike,
    *,
    rng: np.random.Generator,
    backward: Callable | None = None,
    **options,
) -> GradientCheckResult:
    """:func:`gradient_check` for an L-layer network of :mod:`dlnotes.deep`.

    The cost is the reference network's cross-entropy (computed from ``ZL`` so that it
    loses no digits, see :class:`_DeepCost`); the gradients checked are
    ``backward(AL, Y, caches)`` on the reference ``deep_forward``'s output. Entries that
    sit exactly on a ReLU corner are left out of the directions (see
    :func:`_off_the_corners`).

    Parameters
    ----------
    parameters : dict ``"W1"`` (n1, n_x), ``"b1"`` (n1, 1), ..., ``"WL"``, ``"bL"``
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    rng : numpy.random.Generator
    backward : callable, optional
        The backward pass to check (a learner's ``deep_backward``); defaults to the
        reference :func:`dlnotes.deep.deep_backward`.
    **options
        Passed on to :func:`gradient_check` (``n_directions``, ``eps``, ``threshold``).
    """
    from dlnotes import deep  # deferred: deep is a chapter module, gradcheck a tool

    backward = deep.deep_backward if backward is None else backward
    parameters = {name: np.asarray(value, dtype=np.float64) for name, value in parameters.items()}
    AL, caches = deep.deep_forward(X, parameters)
    grads = backward(AL, Y, caches)
    cost = _DeepCost(deep, parameters, [cache.linear_cache.A_prev for cache in caches], Y)
    masks = _off_the_corners(caches)
    return gradient_check(cost, parameters, grads, rng=rng, masks=masks, **options)


def _off_the_corners(caches) -> dict[str, NDArray[np.bool_]]:
    """Masks of the parameter entries that can move without moving a corner.

    A hidden pre-activation exactly 0 is a corner of the cost (ReLU's derivative at 0 is
    a convention, not a limit), and no finite difference across it checks anything. It
    is common, not rare: when a whole layer is dead for an example and the next biases
    are 0, the next ``Z`` is exactly 0 there. Directions then leave alone the entries
    that would move such a ``Z[l][j, i]``: ``b[l][j]``, and ``W[l][j, k]`` when
    ``A[l-1][k, i] != 0``. Lower layers reach ``Z[l][:, i]`` only through units active
    in ``A[l-1][:, i]``; when there are some, those layers are not checked at all.
    """
    masks, unreachable_below = {}, 0
    for l, cache in enumerate(caches[:-1], start=1):  # the sigmoid output is smooth
        corner = cache.Z == 0  # (n[l], m)
        live = cache.linear_cache.A_prev != 0  # (n[l-1], m)
        masks[f"b{l}"] = ~corner.any(axis=1, keepdims=True)  # (n[l], 1)
        masks[f"W{l}"] = (corner.astype(np.int64) @ live.T.astype(np.int64)) == 0
        if (corner & live.any(axis=0)).any():
            unreachable_below = l - 1
    for l in range(1, unreachable_below + 1):
        masks[f"W{l}"] = np.zeros_like(masks[f"W{l}"])
        masks[f"b{l}"] = np.zeros_like(masks[f"b{l}"])
    return masks


class _DeepCost:
    r"""The cross-entropy cost of an L-layer network, computed for gradient checking.

    Two differences from ``compute_cost(deep_forward(X, parameters)[0], Y)``, neither
    changing the value: the cost is computed from the output layer's ``ZL`` as
    :math:`\log(1 + e^{\mp z})`, because ``log(1 - a)`` for ``a`` near 1 loses digits
    that centred differences would amplify into false alarms; and the layers below the
    perturbed one are not recomputed (:func:`gradient_check` perturbs one array at a
    time and passes the others unchanged, as the very same objects), so on
    ``[12288, 20, 7, 5, 1]`` only a change in layer 1 needs the big product ``W1 @ X``.
    """

    def __init__(self, deep, parameters: dict[str, Array], inputs: list[Array], Y):
        self.deep, self.parameters = deep, parameters
        self.sign = 1.0 - 2.0 * np.asarray(Y, dtype=np.float64)  # -1 where y = 1, +1 where y = 0
        self.inputs = inputs  # inputs[l - 1] = A[l-1] of the unperturbed network
        self.L = len(inputs)

    def __call__(self, params: dict[str, Array]) -> float:
        first = next((l for l in range(1, self.L + 1) if not self._unchanged(params, l)), self.L)
        A = self.inputs[first - 1]
        for l in range(first, self.L):
            A, _ = self.deep.linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], "relu")
        ZL, _ = self.deep.linear_forward(A, params[f"W{self.L}"], params[f"b{self.L}"])
        # -log(sigmoid(z)) = log(1 + e^-z) for y = 1; -log(1 - sigmoid(z)) = log(1 + e^z).
        return float(np.mean(np.logaddexp(0.0, self.sign * ZL)))

    def _unchanged(self, params: dict[str, Array], l: int) -> bool:
        return all(params[f"{kind}{l}"] is self.parameters[f"{kind}{l}"] for kind in "Wb")


def _check_array(name, probe_at, grad, mask, rng, n_directions, eps, threshold, max_redraws):
    """Compare ``grad`` with ``n_directions`` numerical directional derivatives.

    ``probe_at(v, step)`` gives the finite differences of the cost along ``v``.
    """
    numerical, analytic, within_noise, redraws, unresolved = [], [], [], 0, 0
    for _ in range(n_directions):
        step = eps
        for _attempt in range(max_redraws + 1):
            v = _unit_direction(rng, mask)
            probe = probe_at(v, step)
            if probe.smooth(threshold):
                probe = _lengthen(probe_at, v, step, eps, threshold, probe)
                break
            redraws += 1
            # Kinks are dense when pre-activations are tiny: look closer, but not so close
            # that roundoff hides them.
            step = max(step / 2, eps / 64)
        else:
            unresolved += 1
            continue
        numerical.append(probe.numerical)
        analytic.append(float(np.sum(grad * v)))
        within_noise.append(abs(probe.numerical - analytic[-1]) <= probe.resolution)
    rel = relative_difference(numerical, analytic)
    # Tiny derivatives (a dead layer, a zero gradient) are all roundoff: compare absolutely.
    agrees = rel <= threshold or all(within_noise)
    return ArrayCheck(name, rel, agrees, tuple(numerical), tuple(analytic), redraws, unresolved)


def _lengthen(probe_at, v, step, eps, threshold, probe):
    """Longer steps (up to ``1000 * eps``) while the cost's roundoff hides the derivative.

    With the notes' ``0.01`` initialisation, the derivatives along dW1 are about 1e-8:
    a step of 1e-6 changes the cost by a few ulps, and even a wrong dW1 would agree
    "within roundoff". A longer step is kept only if it is still smooth.
    """
    while probe.resolution > 1e-3 * abs(probe.numerical) and step < 1000 * eps:
        longer = probe_at(v, step * 10)
        if not longer.smooth(threshold):
            break
        probe, step = longer, step * 10
    return probe


@dataclass(frozen=True)
class _Probe:
    """Finite differences of the cost along one direction."""

    numerical: float  # the centred difference, the estimate of <grad, v>
    kink: float  # how far the slopes on [-eps, eps] are from varying linearly
    noise: float  # a bound on the roundoff in ``numerical``

    def smooth(self, threshold: float) -> bool:
        # A kink changes the centred difference by at most 1.5 * kink (worked out for
        # one kink anywhere in [-eps, eps]); a smooth cost gives kink = O(eps**2). The
        # kink measure adds 4 noisy slopes, so allow it 8 * noise.
        return self.kink <= 0.5 * threshold * abs(self.numerical) + 8 * self.noise

    @property
    def resolution(self) -> float:
        """The error a smooth-looking probe may hold beyond the relative threshold:
        roundoff plus a kink hidden in the roundoff (1.5 * 8 * noise)."""
        return 13 * self.noise


def _probe(cost, base, name, cost_0, v, eps) -> _Probe:
    """Evaluate the cost at ``base[name] + t * eps * v`` for t = 1, 1/2, -1/2, -1."""
    f = [float(cost(_with(base, {name: base[name] + t * eps * v}))) for t in (1, 0.5, -0.5, -1)]
    f.insert(2, cost_0)  # f at t = 1, 1/2, 0, -1/2, -1
    slopes = [(f[i] - f[i + 1]) / (eps / 2) for i in range(4)]  # from right to left
    kink = max(abs(slopes[i] - 2 * slopes[i + 1] + slopes[i + 2]) for i in range(2))
    noise = _ROUNDOFF_ULPS * np.finfo(np.float64).eps * (max(map(abs, f)) / eps + 1.0)
    return _Probe((f[0] - f[4]) / (2 * eps), kink, noise)


def _unit_direction(rng: np.random.Generator, mask: NDArray[np.bool_]) -> Array:
    v = rng.standard_normal(mask.shape) * mask
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def _with(base: dict[str, Array], changes: dict[str, Array]) -> dict[str, Array]:
    """A new dict sharing the unchanged arrays (the cost must not modify its input)."""
    return {**base, **changes}
