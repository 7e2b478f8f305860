"""Check for the chapter-1 shape exercise ``row_means(X: (n, m)) -> (n, 1)``.

Examples are columns: the mean of each row averages over the m examples (axis=1), and
the result is a column vector, not the rank-1 ``(n,)`` that ``X.mean(axis=1)`` gives.
Shapes are never square, so a transposed or wrong-axis answer always shows in the shape.
"""

from __future__ import annotations

import sys

import numpy as np

from dlnotes import basics as ref
from graders.checks._check import make_check
from graders.checks._diagnose import mistake
from graders.checks._outputs import Array
from graders.checks._spec import Case, Spec
from graders.checks._tamper import seal

_VISIBLE = ((3, 5), (4, 1), (1, 6), (2, 7))
_HIDDEN = ((6, 11), (1, 1), (7, 3), (5, 40))


def _cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = _HIDDEN if hidden else _VISIBLE
    return [Case(f"m = {s[1]}", (rng.normal(2.0, 3.0, s),), m=s[1]) for s in shapes]


def _scaling(rng: np.random.Generator, m: int) -> Case:
    return Case(f"m={m}", (rng.standard_normal((3, m)),), m=m)


ROW_MEANS = Spec(
    arg_names=("X",),
    reference=ref.row_means,
    make_cases=_cases,
    output=Array(
        "mu",
        hint="np.mean without axis averages every entry of X; average each row "
        "with axis=1 (and keepdims=True)",
    ),
    diagnoses=(
        mistake(
            "mu holds the row sums: divide by the number of examples m = X.shape[1]",
            lambda X: X.sum(axis=1, keepdims=True),
        ),
        mistake(
            "mu divides the row sums by n = X.shape[0] (the rows): the mean divides by "
            "m = X.shape[1], the number of examples (columns)",
            lambda X: X.sum(axis=1, keepdims=True) / X.shape[0],
        ),
        mistake(
            "mu averages each column (axis=0): the mean of each row averages along axis=1",
            lambda X: X.mean(axis=0, keepdims=True),
        ),
        mistake(
            "mu holds the column means reshaped (axis=0): average along axis=1 instead",
            lambda X: X.mean(axis=0).reshape(-1, 1),
        ),
        mistake(
            "mu holds the row medians: the exercise asks for means",
            lambda X: np.median(X, axis=1, keepdims=True),
        ),
        mistake(
            "mu has shape {got_shape}, expected {expected_shape}: X.mean(axis=1) drops the "
            "axis; keep the column shape with keepdims=True (or .reshape(-1, 1))",
            lambda X: X.mean(axis=1),
        ),
        mistake(
            "mu is a row, shape {got_shape}: the result must be a column vector "
            "{expected_shape}; keepdims=True keeps the right axis",
            lambda X: X.mean(axis=1).reshape(1, -1),
        ),
    ),
    scaling_case=_scaling,
)
check_row_means = make_check(ROW_MEANS)

seal(sys.modules[__name__])
seal(ref)
