r"""What the chapter 4 checks share: random networks, layer shapes, exact comparison.

Examples are columns: ``X`` (n[0], m); layer l has ``W[l]`` (n[l], n[l-1]) and ``b[l]``
(n[l], 1). Every hidden ``|Z|`` of a case is kept above :data:`MARGIN`, away from ReLU's
kink, where the derivative is a convention and a recomputed ``Z`` could round to the
other side.
"""

from __future__ import annotations

import sys

import numpy as np

from graders.checks import _models
from graders.checks._diagnose import close
from graders.checks._tamper import seal

MARGIN = 1e-3  # smallest |Z| of a ReLU layer in a case

# One layer's shapes, shared by the forward checks and their backward twins.
LINEAR_VISIBLE = ((3, 4, 5), (2, 3, 1), (5, 2, 7))  # (n_prev, n, m)
LINEAR_HIDDEN = ((6, 8, 20), (1, 1, 1), (4, 4, 6), (7, 3, 1))
LAF_VISIBLE = ((3, 4, 5, "relu"), (4, 1, 6, "sigmoid"), (2, 3, 1, "relu"), (3, 2, 1, "sigmoid"))
LAF_HIDDEN = ((6, 8, 20, "relu"), (5, 1, 13, "sigmoid"), (1, 1, 1, "relu"), (4, 4, 9, "sigmoid"))


def bias(rng: np.random.Generator, n: int) -> np.ndarray:
    """Biases of size 0.3-1 with random signs: never near 0, so a missing b shows."""
    return rng.choice([-1.0, 1.0], size=(n, 1)) * rng.uniform(0.3, 1.0, size=(n, 1))


def network(rng: np.random.Generator, layer_dims, m: int) -> tuple[np.ndarray, dict]:
    """``X`` and parameters whose ReLU layers have every ``|Z| > MARGIN``."""
    for _ in range(100):
        parameters = {}
        for l in range(1, len(layer_dims)):
            n, n_prev = layer_dims[l], layer_dims[l - 1]
            parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * 1.5 / np.sqrt(n_prev)
            parameters[f"b{l}"] = bias(rng, n) * 0.5
        X = rng.standard_normal((layer_dims[0], m))
        _, layers = _models.deep_forward(X, parameters)
        if all(np.all(np.abs(Z) > MARGIN) for *_, Z in layers[:-1]):
            break
    return X, parameters


def same(a, b) -> bool:
    """``a`` (a learner's array, or None when missing) equals ``b`` to rounding."""
    return a is not None and a.shape == b.shape and close(a, b, 1e-12, 0.0)


seal(sys.modules[__name__])
