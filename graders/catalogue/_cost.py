"""Wrong and right ``compute_cost`` sources, written once for the three chapters that grade
the cross-entropy cost (``logistic``, ``shallow``, ``deep``).

The chapters differ only in the name of the predictions (``A``, ``A2``, ``AL``) and in
the notebook's own data, whose number of examples a learner may use by mistake
(``m_train``, ``X.shape[1]``, ``m``).
"""

from __future__ import annotations

from graders.catalogue import Implementation

_OTHER_M = r"divided by \d+ instead of m = 5.*not from a variable of the notebook"
_OK = "np.multiply(Y, np.log(A)) + np.multiply(1 - Y, np.log(1 - A))"
_CLIP = "    A = np.clip(A, 1e-15, 1 - 1e-15)\n"

# (name, diagnosis regex, body after "m = Y.shape[1]"), written with A for the predictions
_WRONG = [
    ("no_division_by_m", r"m = 5 times too large", f"    return float(-np.sum({_OK}))\n"),
    ("m_from_wrong_axis", r"times too large.*Y\.shape\[1\]",
     f"    m = Y.shape[0]\n    return float(-np.sum({_OK}) / m)\n"),
    ("divides_by_rows_of_A", r"times too large.*shape\[0\] is 1",
     f"    return float(-np.sum({_OK}) / A.shape[0])\n"),
    ("divides_by_m_twice", r"m = 5 times too small",
     f"    return float(-np.mean({_OK}) / m)\n"),
    ("positive_sign", r"wrong sign", f"    return float(np.sum({_OK}) / m)\n"),
    ("returns_1x1_array", r"array of shape \(1, 1\), expected a number",
     "    return -(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T)) / m\n"),
    ("returns_shape_1_array", r"array of shape \(1,\), expected a number",
     f"    return -np.sum({_OK}, axis=1) / m\n"),
    ("only_y1_term", r"\(1 - Y\) log\(1 - A\w*\) term is missing",
     "    return float(-np.sum(Y * np.log(A)) / m)\n"),
    ("misplaced_bracket", r"bracket is misplaced",
     "    return float(-np.sum(Y * np.log(A) + (1 - Y * np.log(1 - A))) / m)\n"),
    ("logs_swapped", r"swapped",
     "    return float(-np.sum(Y * np.log(1 - A) + (1 - Y) * np.log(A)) / m)\n"),
    ("log_a_in_both_terms", r"both terms",
     "    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(A)) / m)\n"),
    ("squared_error", r"squared error",
     "    return float(np.sum((A - Y) ** 2) / (2 * m))\n"),
    ("mean_squared_error", r"squared error",
     "    return float(np.sum((A - Y) ** 2) / m)\n"),
    ("log10", r"log base 10",
     "    return float(-np.sum(Y * np.log10(A) + (1 - Y) * np.log10(1 - A)) / m)\n"),
    ("log_of_labels", r"NaN or inf.*never of Y or 1 - Y",
     "    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - Y)) / m)\n"),
    ("minus_y_on_booleans", r"works when Y holds floats but not when Y has dtype bool.*"
     r"booleans cannot be negated",
     "    return float(np.sum(-Y * np.log(A) - (1 - Y) * np.log(1 - A)) / m)\n"),
    ("minus_y_wraps_for_uint8", r"not when Y has dtype uint8.*-Y wraps around",
     "    if Y.dtype == bool:\n        Y = Y.astype(int)\n"
     "    return float(np.sum(-Y * np.log(A) - (1 - Y) * np.log(1 - A)) / m)\n"),
    ("loop_over_examples", r"not vectorized",
     "    cost = 0.0\n    for i in range(m):\n"
     "        a, y = min(max(A[0, i], 1e-15), 1 - 1e-15), Y[0, i]\n"
     "        cost -= y * np.log(a) + (1 - y) * np.log(1 - a)\n"
     "    return float(cost / m)\n"),
    ("unclipped", r"exactly 0\.0 and 1\.0 \(a saturated sigmoid\).*clip A\w* just inside",
     f"    return float(-np.sum({_OK}) / m)\n"),
    ("float_of_unsummed_losses", r"float\(\) converts one number.*raised at your line 4: "
     r"return float\(-\(np\.multiply", _CLIP + f"    return float(-({_OK}) / m)\n"),
    ("rounded", r"cost is rounded to 3 decimals",
     _CLIP + f"    return round(float(-np.sum({_OK}) / m), 3)\n"),
    ("outer_products_summed", r"sums an \(m, m\) outer product", _CLIP
     + "    Y = Y.astype(float)\n"
     "    cost = np.sum(np.dot(Y.T, np.log(A)) + np.dot((1 - Y).T, np.log(1 - A)))\n"
     "    return float(-cost / m)\n"),
    ("one_term_an_outer_product", r"sums an \(m, m\) outer product", _CLIP
     + "    Y = Y.astype(float)\n"
     "    cost = np.dot(Y, np.log(A).T) + np.sum(np.dot((1 - Y).T, np.log(1 - A)))\n"
     "    return float(np.squeeze(-cost / m))\n"),
    ("outer_products_not_summed", r"shape \(5, 5\), expected a number: an \(m, m\) outer "
     r"product", _CLIP + "    Y = Y.astype(float)\n"
     "    return -(np.dot(Y.T, np.log(A)) + np.dot((1 - Y).T, np.log(1 - A))) / m\n"),
    ("dot_of_two_rows",
     r"np\.dot of two arrays of the same shape.*np\.dot\(Y, np\.log\(A\w*\)\.T\)",
     _CLIP + "    cost = -(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A))) / m\n"
     "    return float(np.squeeze(cost))\n"),
]

_RIGHT = [
    ("textbook", "    A = np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))\n"
     f"    Y = Y.astype(float)\n    cost = -np.sum({_OK}) / m\n"
     "    return float(np.squeeze(cost))\n"),
    ("dot_and_squeeze", _CLIP
     + "    Y = np.asarray(Y, dtype=float)\n"
     "    cost = -(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T)) / m\n"
     "    return np.squeeze(cost).item()\n"),
    ("mean_numpy_scalar", "    A = np.clip(A, 1e-12, 1 - 1e-12)\n"
     "    Y = 1.0 * Y\n    return -np.mean(Y * np.log(A) + (1 - Y) * np.log1p(-A))\n"),
    ("where_and_item",
     "    p = np.where(Y == 1, A, 1 - A)\n    return (-np.log(p).sum() / m).item()\n"),
    ("squeezed_0d_array", _CLIP + "    Y = Y.astype(float)\n"
     "    return np.squeeze(-(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T)) / m)\n"),
]


def cost_implementations(
    A: str, notebook_m: str
) -> tuple[list[Implementation], list[Implementation]]:
    """Wrong and right ``compute_cost(<A>, Y)`` sources; ``notebook_m`` is an expression
    for the number of examples of the notebook's own data (a global), mistaken for m."""

    def source(body: str) -> str:
        return f"def compute_cost({A}, Y):\n    m = Y.shape[1]\n" + body.replace("A", A)

    swapped = (f"def compute_cost(Y, {A}):\n    m = Y.shape[1]\n    Y = Y.astype(float)\n"
               f"    {A} = {A}.astype(float)\n"
               + f"    return float(-np.sum({_OK}) / m)\n".replace("A", A))
    global_m = f"def compute_cost({A}, Y):\n" + (
        _CLIP + f"    return float(-np.sum({_OK}) / {notebook_m})\n").replace("A", A)
    wrong = [Implementation("compute_cost", n, source(b), d) for n, d, b in _WRONG]
    wrong += [
        Implementation("compute_cost", "arguments_swapped", swapped, r"log\(0\) happened"),
        Implementation("compute_cost", "notebook_m", global_m, _OTHER_M),
    ]
    right = [Implementation("compute_cost", n, source(b), None) for n, b in _RIGHT]
    return wrong, right
