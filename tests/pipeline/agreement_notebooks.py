"""Submissions for the agreement test between ``dlcourse autograde`` and plain nbgrader.

Each chapter gets a small class (:func:`write_class`):

- ``solved``: the instructor's solutions, nothing else;
- ``helpers``, ``scratch``, ``magics``: CORRECT notebooks written the way learners write
  them: helper functions, imports and constants in cells of their own (some of them after
  the solution cell), a solution written in an added cell below the untouched stub, a
  scratch cell after a test cell that redefines the function wrongly, added cells that
  raise, IPython magics (``%timeit``, ``%%time`` around a solution cell, ``%matplotlib
  inline``, ``!echo hi``, ``%load_ext``, ``name?``);
- ``wrong0``, ``wrong1``: every solution cell replaced with a ``graders.catalogue.WRONG``
  entry (a different one in each); ``onewrong``: the solutions with one mistake;
- ``untouched``: the release notebook as handed out; ``broken``: invalid JSON;
- ``ipython`` (chapters 2 and 4): one IPython feature per exercise, the others solved:
  ``display()`` in a solution cell, a helper module written with ``%%writefile`` and
  imported, ``%%timeit`` around a solution cell (which in IPython defines nothing), the
  last output ``_`` kept in a constant.

The edits are plain cell insertions and source replacements on the released notebook,
keyed by nbgrader ``grade_id``; nothing here knows what either grader will give.
"""

from __future__ import annotations

from collections.abc import Callable

import nbformat
from nbformat.v4 import new_code_cell

from graders.catalogue import WRONG
from graders.exercises import chapter_exercises
from graders.pipeline.course import Course
from graders.pipeline.submissions import learner_notebook

CORRECT = ("solved", "helpers", "scratch", "magics")
IPYTHON = "ipython"  # one more learner notebook: IPython features beyond the magics above


# ------------------------------------------------------------------------ cell edits
def _index(nb, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(f"no cell {grade_id}")


def after(nb, grade_id: str, *sources: str) -> None:
    """Insert learner cells (no nbgrader metadata) right after the cell ``grade_id``."""
    at = _index(nb, grade_id) + 1
    nb.cells[at:at] = [new_code_cell(s) for s in sources]


def before(nb, grade_id: str, *sources: str) -> None:
    at = _index(nb, grade_id)
    nb.cells[at:at] = [new_code_cell(s) for s in sources]


def solution(nb, grade_id: str, source: str) -> None:
    nb.cells[_index(nb, grade_id)].source = source


def prefix(nb, grade_id: str, line: str) -> None:
    cell = nb.cells[_index(nb, grade_id)]
    cell.source = f"{line}\n{cell.source}"


def _common_magics(nb) -> None:
    after(nb, "setup", "%matplotlib inline", "!echo hi", "%load_ext autoreload\n%autoreload 2")


def _raising_cells(nb) -> None:
    after(nb, "setup", 'raise RuntimeError("does an error stop the notebook?")',
          "print(not_defined_yet)")


# ------------------------------------------------------------------ 01_numpy
def _numpy_helpers(nb) -> None:
    before(nb, "sigmoid", "import math", "HALF = 0.5",
           "def stable_exp_neg_abs(Z):\n    return np.exp(-np.abs(Z))")
    solution(nb, "sigmoid",
             "def sigmoid(Z):\n    E = stable_exp_neg_abs(Z)\n"
             "    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))")
    solution(nb, "sigmoid_derivative",
             "def sigmoid_derivative(Z):\n    s = sigmoid(Z)\n    return one_minus(s) * s")
    after(nb, "sigmoid_derivative", "def one_minus(a):\n    return 1 - a")
    solution(nb, "row_means", "def row_means(X):\n    return X.mean(axis=AXIS, keepdims=True)")
    before(nb, "row_means", "AXIS = 1")


def _numpy_scratch(nb) -> None:
    _raising_cells(nb)
    after(nb, "sigmoid", "print(sigmoid(np.array([0.0, 2.0])))\nassert False, 'my own test'")
    after(nb, "test_sigmoid_derivative",
          "def sigmoid_derivative(Z):\n    return sigmoid(Z) * (1 - Z)  # what if...")
    after(nb, "row_means",
          "def row_means(X):\n    return np.mean(X, axis=1, keepdims=True)  # in an added cell")
    solution(nb, "row_means", "def row_means(X):\n    # YOUR CODE HERE\n"
             "    raise NotImplementedError()")
    after(nb, "test_row_means", "def row_means(X):\n    return X.mean(axis=0)")


def _numpy_magics(nb) -> None:
    _common_magics(nb)
    prefix(nb, "sigmoid", "%%time")
    after(nb, "test_sigmoid", "Z = np.linspace(-5, 5, 1000)\n%timeit -n 20 -r 2 sigmoid(Z)",
          "%time s = sigmoid_derivative(Z)", "sigmoid?")


# ---------------------------------------------------------------- 02_logistic
def _logistic_helpers(nb) -> None:
    before(nb, "forward", "from numpy import clip, log", "TINY = np.nextafter(0, 1)",
           "ALMOST_ONE = np.nextafter(1, 0)",
           "def linear_part(w, b, X):\n    \"\"\"wᵀX + b, for every example.\"\"\"\n"
           "    return np.dot(w.T, X) + b")
    solution(nb, "forward", "def forward(w, b, X):\n    return sigmoid(linear_part(w, b, X))")
    solution(nb, "compute_cost",
             "def compute_cost(A, Y):\n    m = Y.shape[1]\n    A = clip(A, TINY, ALMOST_ONE)\n"
             "    return float(-np.sum(Y * log(A) + (1 - Y) * log(1 - A)) / m)")
    solution(nb, "backward",
             "def backward(X, A, Y):\n    dZ = A - Y\n"
             "    return {\"dw\": mean_over_examples(X * dZ), \"db\": float(np.mean(dZ))}")
    after(nb, "backward",  # the helper after the solution, before the test
          "def mean_over_examples(T):\n    return np.mean(T, axis=1, keepdims=True)")


def _logistic_scratch(nb) -> None:
    _raising_cells(nb)
    before(nb, "forward",  # defines the helper, then raises: the helper stands
           "def linear_part(w, b, X):\n    return np.dot(w.T, X) + b\n\n\n"
           "print(linear_part(np.ones((2, 1)), 0.0, np.ones((3, 4))))")
    solution(nb, "forward", "def forward(w, b, X):\n    return sigmoid(linear_part(w, b, X))")
    # The wrong redefinitions come after the last test: the training exercises (optimize,
    # model) call the learner's forward and compute_cost, so a wrong one earlier would
    # rightly cost them their points.
    after(nb, "test_model",
          "def forward(w, b, X):\n    return sigmoid(np.dot(w, X) + b)  # without the .T?",
          "def compute_cost(A, Y):\n    return np.sum((A - Y) ** 2)")
    after(nb, "compute_cost", "compute_cost(np.array([[0.5]]), np.array([[1]])) / 0")
    after(nb, "backward",  # the stub stays; the answer is in an added cell below it
          "def backward(X, A, Y):\n    m = X.shape[1]\n    dZ = A - Y\n"
          "    return {\"dw\": X @ dZ.T / m, \"db\": float(dZ.sum() / m)}")
    solution(nb, "backward", "def backward(X, A, Y):\n    # YOUR CODE HERE\n"
             "    raise NotImplementedError()")


def _logistic_magics(nb) -> None:
    _common_magics(nb)
    prefix(nb, "forward", "%%time")
    after(nb, "test_forward", "w, b, X = np.zeros((30, 1)), 0.5, np.ones((30, 50))",
          "%timeit forward(w, b, X)", "forward?")
    after(nb, "compute_cost", "%time cost = compute_cost(forward(w, b, X), np.ones((1, 50)))",
          "print(cost)")


# ------------------------------------------------------------------ 03_shallow
def _shallow_helpers(nb) -> None:
    before(nb, "tanh_backward", "from numpy import tanh as np_tanh", "SLOPE = 0.01",
           "def positive(Z):\n    return Z > 0")
    solution(nb, "tanh_backward",
             "def tanh_backward(dA, Z):\n    return dA * (1 - np_tanh(Z) ** 2)")
    solution(nb, "relu_backward", "def relu_backward(dA, Z):\n    return dA * positive(Z)")
    solution(nb, "leaky_relu_backward",
             "def leaky_relu_backward(dA, Z):\n    return np.where(positive(Z), dA, SLOPE * dA)")
    solution(nb, "forward_propagation",
             "def forward_propagation(X, parameters):\n"
             "    Z1 = layer(parameters['W1'], X, parameters['b1'])\n    A1 = np.tanh(Z1)\n"
             "    Z2 = layer(parameters['W2'], A1, parameters['b2'])\n    A2 = sigmoid(Z2)\n"
             "    return A2, {'Z1': Z1, 'A1': A1, 'Z2': Z2, 'A2': A2}")
    before(nb, "forward_propagation", "def layer(W, A, b):\n    return W @ A + b")


def _shallow_scratch(nb) -> None:
    _raising_cells(nb)
    after(nb, "test_tanh_backward", "def tanh_backward(dA, Z):\n    return dA * (1 - Z ** 2)")
    after(nb, "relu_backward",
          "def relu_backward(dA, Z):\n    return np.where(Z > 0, dA, 0.0)  # moved here")
    solution(nb, "relu_backward", "def relu_backward(dA, Z):\n    # YOUR CODE HERE\n"
             "    raise NotImplementedError()")
    after(nb, "test_backward_propagation",
          "def backward_propagation(parameters, cache, X, Y):\n    return {}")


def _shallow_magics(nb) -> None:
    _common_magics(nb)
    prefix(nb, "tanh_backward", "%%time")
    after(nb, "test_tanh_backward", "Z = np.linspace(-3, 3, 500)",
          "%timeit -n 10 -r 2 tanh_backward(np.ones_like(Z), Z)", "tanh_backward?")


# --------------------------------------------------------------------- 04_deep
def _deep_helpers(nb) -> None:
    before(nb, "initialize_parameters_deep", "WEIGHT_SCALE = 0.01",
           "from dlnotes.activations import relu_backward as relu_grad, "
           "sigmoid_backward as sigmoid_grad")
    solution(nb, "initialize_parameters_deep",
             "def initialize_parameters_deep(layer_dims, *, rng):\n    parameters = {}\n"
             "    for l in range(1, len(layer_dims)):\n"
             "        shape = (layer_dims[l], layer_dims[l - 1])\n"
             "        parameters[f'W{l}'] = rng.standard_normal(shape) * WEIGHT_SCALE\n"
             "        parameters[f'b{l}'] = np.zeros((layer_dims[l], 1))\n"
             "    return parameters")
    before(nb, "linear_activation_forward",
           "def activate(Z, activation):\n"
           "    return relu(Z) if activation == 'relu' else sigmoid(Z)")
    solution(nb, "linear_activation_forward",
             "def linear_activation_forward(A_prev, W, b, activation):\n"
             "    Z, linear_cache = linear_forward(A_prev, W, b)\n"
             "    return activate(Z, activation), (linear_cache, Z)")
    before(nb, "deep_forward", "HIDDEN, OUTPUT = 'relu', 'sigmoid'")
    solution(nb, "deep_forward",
             "def deep_forward(X, parameters):\n    caches, A = [], X\n"
             "    L = layer_count(parameters)\n    for l in range(1, L + 1):\n"
             "        A, cache = linear_activation_forward(\n"
             "            A, parameters[f'W{l}'], parameters[f'b{l}'],\n"
             "            OUTPUT if l == L else HIDDEN)\n"
             "        caches.append(cache)\n    return A, caches")
    after(nb, "deep_forward", "def layer_count(parameters):\n    return len(parameters) // 2")
    solution(nb, "linear_activation_backward",
             "def linear_activation_backward(dA, cache, activation):\n"
             "    linear_cache, Z = cache\n"
             "    grad = relu_grad if activation == HIDDEN else sigmoid_grad\n"
             "    return linear_backward(grad(dA, Z), linear_cache)")


def _deep_scratch(nb) -> None:
    _raising_cells(nb)
    after(nb, "test_initialize_parameters_deep",
          "def initialize_parameters_deep(layer_dims, *, rng):\n    return {}")
    after(nb, "linear_forward", "Z, cache = linear_forward(np.ones((3, 2)), np.ones((4, 4)), 0)")
    # after the last test that uses them: the graded deep_model calls the learner's own
    after(nb, "test_deep_model",
          "def compute_cost(AL, Y):\n    return float(np.mean((AL - Y) ** 2))  # squared?")
    after(nb, "deep_backward",
          "def deep_backward(AL, Y, caches):\n    grads, L = {}, len(caches)\n"
          "    dA, grads[f'dW{L}'], grads[f'db{L}'] = linear_backward(AL - Y, caches[-1][0])\n"
          "    grads[f'dA{L - 1}'] = dA\n    for l in reversed(range(1, L)):\n"
          "        dA, grads[f'dW{l}'], grads[f'db{l}'] = linear_activation_backward(\n"
          "            dA, caches[l - 1], 'relu')\n        grads[f'dA{l - 1}'] = dA\n"
          "    return grads")
    solution(nb, "deep_backward", "def deep_backward(AL, Y, caches):\n    grads = {}\n"
             "    # YOUR CODE HERE\n    raise NotImplementedError()\n    return grads")
    after(nb, "test_deep_model",
          "def update_parameters(parameters, grads, learning_rate):\n    return parameters")


def _deep_magics(nb) -> None:
    _common_magics(nb)
    prefix(nb, "deep_forward", "%%time")
    after(nb, "test_linear_forward",
          "A, W, b = np.ones((20, 30)), np.ones((5, 20)), np.zeros((5, 1))",
          "%timeit linear_forward(A, W, b)", "linear_forward?")
    after(nb, "test_compute_cost",
          "%time cost = compute_cost(np.full((1, 4), 0.3), np.ones((1, 4)))")


LEARNER_STYLE: dict[str, dict[str, Callable]] = {
    "01_numpy": {"helpers": _numpy_helpers, "scratch": _numpy_scratch, "magics": _numpy_magics},
    "02_logistic": {"helpers": _logistic_helpers, "scratch": _logistic_scratch,
                    "magics": _logistic_magics},
    "03_shallow": {"helpers": _shallow_helpers, "scratch": _shallow_scratch,
                   "magics": _shallow_magics},
    "04_deep": {"helpers": _deep_helpers, "scratch": _deep_scratch, "magics": _deep_magics},
}


# ------------------------------------------------------- IPython beyond the magics
def _display_in(nb, grade_id: str, expression: str) -> None:
    prefix(nb, grade_id, f"display({expression})")


def _writefile(nb, grade_id: str, helper: str) -> None:
    before(nb, grade_id, f"%%writefile learner_helpers.py\nimport numpy as np\n\n\n{helper}\n",
           "from learner_helpers import *")


def _logistic_ipython(nb) -> None:
    _display_in(nb, "forward", "X_train.shape")
    _writefile(nb, "compute_cost", "def clipped(A):\n"
               "    return np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))")
    solution(nb, "compute_cost", "def compute_cost(A, Y):\n    A = clipped(A)\n"
             "    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))")
    prefix(nb, "backward", "%%timeit")


def _deep_ipython(nb) -> None:
    _display_in(nb, "initialize_parameters_deep", "np.zeros(2)")
    prefix(nb, "linear_forward", "%%timeit")
    _writefile(nb, "compute_cost", "def clipped(A):\n"
               "    return np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))")
    solution(nb, "compute_cost", "def compute_cost(AL, Y):\n    AL = clipped(AL)\n"
             "    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))")
    before(nb, "update_parameters", "np.float64(0.5) * 2", "ONE = _")
    solution(nb, "update_parameters",
             "def update_parameters(parameters, grads, learning_rate):\n"
             "    return {k: v - ONE * learning_rate * grads['d' + k]\n"
             "            for k, v in parameters.items()}")


IPYTHON_STYLE: dict[str, Callable] = {"02_logistic": _logistic_ipython, "04_deep": _deep_ipython}


# -------------------------------------------------------------------- mistakes
def wrong_answers(chapter: str, variant: int) -> dict[str, str]:
    """Every exercise of ``chapter`` with a catalogue mistake, a different one per variant."""
    answers = {}
    for i, e in enumerate(chapter_exercises(chapter)):
        entries = WRONG[f"{e.module}.{e.function}"]
        answers[e.solution_id] = entries[(5 * variant + 3 * i) % len(entries)].source
    return answers


def one_wrong(chapter: str) -> dict[str, str]:
    exercises = chapter_exercises(chapter)
    e = exercises[len(exercises) // 2]
    entries = WRONG[f"{e.module}.{e.function}"]
    return {e.solution_id: entries[-1].source}


# ------------------------------------------------------------------------ the class
def write_class(course: Course, chapters: list[str]) -> dict[tuple[str, str], str]:
    """Write ``submitted/<student>/<chapter>/<chapter>.ipynb``; ``{(student, chapter): kind}``."""
    kinds = {}
    for chapter in chapters:
        notebooks: dict[str, str | nbformat.NotebookNode] = {
            "solved": learner_notebook(course, chapter)}
        for kind, edit in LEARNER_STYLE[chapter].items():
            nb = learner_notebook(course, chapter)
            edit(nb)
            notebooks[kind] = nb
        if chapter in IPYTHON_STYLE:
            nb = learner_notebook(course, chapter)
            IPYTHON_STYLE[chapter](nb)
            notebooks[IPYTHON] = nb
        for variant in (0, 1):
            notebooks[f"wrong{variant}"] = learner_notebook(
                course, chapter, answers=wrong_answers(chapter, variant))
        notebooks["onewrong"] = learner_notebook(course, chapter, answers=one_wrong(chapter))
        notebooks["untouched"] = learner_notebook(course, chapter, solved=False)
        notebooks["broken"] = nbformat.writes(learner_notebook(course, chapter))[:3000]
        for kind, nb in notebooks.items():
            folder = course.submitted_dir(kind, chapter)
            folder.mkdir(parents=True, exist_ok=True)
            text = nb if isinstance(nb, str) else nbformat.writes(nb)
            (folder / f"{chapter}.ipynb").write_text(text)
            kinds[(kind, chapter)] = kind
    return kinds
