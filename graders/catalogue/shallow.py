"""Wrong and right implementations of the chapter 3 (shallow network) exercises.

Free names a source may use: ``np``, ``sigmoid``, ``tanh``, ``tanh_backward``,
``relu``, ``relu_backward``, and in a wrong entry the notebook's data ``X``
(``NOTEBOOK_NAMES``). Each wrong entry's ``diagnosis`` is a regular expression
that the check's failure message must match.
"""

from __future__ import annotations

import numpy as np

from graders.catalogue import Implementation
from graders.catalogue._cost import cost_implementations


def wrong(function: str, name: str, diagnosis: str, source: str) -> Implementation:
    return Implementation(function, name, source, diagnosis)


def right(function: str, name: str, source: str) -> Implementation:
    return Implementation(function, name, source, None)

FORWARD = "forward_propagation"
BACKWARD = "backward_propagation"

_FORWARD_HEAD = """\
def forward_propagation(X, parameters):
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
"""

_BACKWARD_HEAD = """\
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
"""


def _forward(body: str) -> str:
    return _FORWARD_HEAD + body


def _backward(body: str) -> str:
    return _BACKWARD_HEAD + body


_FORWARD_OK = """\
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
"""

WRONG_FORWARD = [
    wrong(FORWARD, "sigmoid_hidden", r"sigmoid\(Z1\).*hidden layer uses tanh", _forward(
        _FORWARD_OK.replace("A1 = np.tanh(Z1)", "A1 = sigmoid(Z1)")
        + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "relu_hidden", r"relu\(Z1\).*hidden layer uses tanh"
, _forward(
        _FORWARD_OK.replace("A1 = np.tanh(Z1)", "A1 = np.maximum(0, Z1)")
        + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "tanh_output", r"output layer uses sigmoid", _forward(
        _FORWARD_OK.replace("A2 = sigmoid(Z2)", "A2 = np.tanh(Z2)")
        + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "forgot_b1", r"forgot the bias b1", _forward(
        _FORWARD_OK.replace("np.dot(W1, X) + b1", "np.dot(W1, X)")
        + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "forgot_b2", r"forgot the bias b2", _forward(
        _FORWARD_OK.replace("np.dot(W2, A1) + b2", "np.dot(W2, A1)")
        + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "b2_after_sigmoid", r"bias is added after the sigmoid", _forward(
        _FORWARD_OK.replace("np.dot(W2, A1) + b2", "np.dot(W2, A1)")
        .replace("A2 = sigmoid(Z2)", "A2 = sigmoid(Z2) + b2")
        + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "b1_after_tanh", r"bias is added after tanh", _forward(
        _FORWARD_OK.replace("np.dot(W1, X) + b1", "np.dot(W1, X)")
        .replace("A1 = np.tanh(Z1)", "A1 = np.tanh(Z1) + b1")
        + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "biases_after_activations", r"biases are added after the activations",
          _forward(_FORWARD_OK.replace("np.dot(W1, X) + b1", "np.dot(W1, X)")
                   .replace("A1 = np.tanh(Z1)", "A1 = np.tanh(Z1) + b1")
                   .replace("np.dot(W2, A1) + b2", "np.dot(W2, A1)")
                   .replace("A2 = sigmoid(Z2)", "A2 = sigmoid(Z2) + b2")
                   + '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "cache_z_a_swapped", r"Z1.*swapped", _forward(
        _FORWARD_OK + '    return A2, {"Z1": A1, "A1": Z1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "cache_missing_keys", r"missing key.*Z1", _forward(
        _FORWARD_OK + '    return A2, {"A1": A1, "A2": A2}\n')),
    wrong(FORWARD, "cache_as_tuple", r"cache .*dict", _forward(
        _FORWARD_OK + "    return A2, (Z1, A1, Z2, A2)\n")),
    wrong(FORWARD, "rank1_output", r"rank-1", _forward(
        _FORWARD_OK + '    return A2.ravel(), {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "transposed_output", r"transpos", _forward(
        _FORWARD_OK + '    return A2.T, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
    wrong(FORWARD, "returns_cache_first", r"\(A2, cache\)", _forward(
        _FORWARD_OK + '    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}, A2\n')),
    wrong(FORWARD, "loop_over_examples", r"loop", _forward("""\
    m = X.shape[1]
    Z1 = np.zeros((W1.shape[0], m))
    for i in range(m):
        Z1[:, i:i + 1] = W1 @ X[:, i:i + 1] + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
""")),
    wrong(FORWARD, "stores_cache_in_parameters", r"modif", _forward(
        _FORWARD_OK + '    parameters.update({"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2})\n'
        '    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n')),
]

RIGHT_FORWARD = [
    right(FORWARD, "textbook", _forward(
        _FORWARD_OK + '    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}\n'
        "    return A2, cache\n")),
    right(FORWARD, "matmul_inline_math", """\
def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = (np.exp(Z1) - np.exp(-Z1)) / (np.exp(Z1) + np.exp(-Z1))
    Z2 = np.matmul(parameters["W2"], A1) + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2)
"""),
    right(FORWARD, "dot_method_and_tanh_name", """\
def forward_propagation(X, parameters):
    cache = {}
    cache["Z1"] = parameters["W1"].dot(X) + parameters["b1"]
    cache["A1"] = tanh(cache["Z1"])
    cache["Z2"] = parameters["W2"].dot(cache["A1"]) + parameters["b2"]
    cache["A2"] = sigmoid(cache["Z2"])
    return cache["A2"], cache
"""),
    right(FORWARD, "einsum_with_copy", """\
def forward_propagation(X, parameters):
    p = {k: np.array(v, dtype=float) for k, v in parameters.items()}
    Z1 = np.einsum("hx,xm->hm", p["W1"], X) + p["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.einsum("oh,hm->om", p["W2"], A1) + p["b2"]
    A2 = 0.5 * (1 + np.tanh(Z2 / 2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
"""),
]

_BACKWARD_OK = """\
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
"""
_RETURN = '    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}\n'


def _backward_variant(old: str, new: str) -> str:
    assert old in _BACKWARD_OK, old
    return _backward(_BACKWARD_OK.replace(old, new) + _RETURN)


WRONG_BACKWARD = [
    wrong(BACKWARD, "no_one_over_m", r"dW1 is exactly m = \d+ times too large", _backward(
        _BACKWARD_OK.replace(" / m", "") + _RETURN)),
    wrong(BACKWARD, "db2_missing_one_over_m", r"db2 is exactly m = \d+ times too large",
          _backward_variant("db2 = np.sum(dZ2, axis=1, keepdims=True) / m",
                            "db2 = np.sum(dZ2, axis=1, keepdims=True)")),
    wrong(BACKWARD, "sign_of_dZ2", r"sign", _backward_variant("dZ2 = A2 - Y", "dZ2 = Y - A2")),
    wrong(BACKWARD, "tanh_derivative_one_minus_A", r"1 - A1\*\*2",
          _backward_variant("(1 - np.power(A1, 2))", "(1 - A1)")),
    wrong(BACKWARD, "sigmoid_derivative_in_hidden", r"sigmoid derivative",
          _backward_variant("(1 - np.power(A1, 2))", "A1 * (1 - A1)")),
    wrong(BACKWARD, "no_activation_derivative", r"g'\(Z1\)",
          _backward_variant("np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))", "np.dot(W2.T, dZ2)")),
    wrong(BACKWARD, "missing_keepdims", r"keepdims",
          _backward_variant("np.sum(dZ1, axis=1, keepdims=True)", "np.sum(dZ1, axis=1)")),
    wrong(BACKWARD, "db_summed_over_everything", r"one axis",
          _backward_variant("np.sum(dZ1, axis=1, keepdims=True)", "np.sum(dZ1)")),
    wrong(BACKWARD, "dW1_transposed", r"transpos",
          _backward_variant("np.dot(dZ1, X.T) / m", "np.dot(X, dZ1.T) / m")),
    wrong(BACKWARD, "Z1_instead_of_A1", r"uses Z1 where A1",
          _backward(_BACKWARD_OK.replace("np.dot(dZ2, A1.T)", 'np.dot(dZ2, cache["Z1"].T)')
                    + _RETURN)),
    wrong(BACKWARD, "lowercase_keys", r"keys", _backward(
        _BACKWARD_OK + '    return {"dw1": dW1, "db1": db1, "dw2": dW2, "db2": db2}\n')),
    wrong(BACKWARD, "cache_modified_in_place", r"modif", _backward("""\
    dZ2 = A2
    dZ2 -= Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
""" + _RETURN)),
    wrong(BACKWARD, "tanh_applied_twice", r"agree with the reference: dW2, db2",
          _backward_variant("(1 - np.power(A1, 2))", "(1 - np.tanh(A1) ** 2)")),
]

RIGHT_BACKWARD = [
    right(BACKWARD, "textbook", _backward(_BACKWARD_OK + _RETURN)),
    right(BACKWARD, "tanh_of_Z1", """\
def backward_propagation(parameters, cache, X, Y):
    m = Y.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = (1 / m) * dZ2 @ cache["A1"].T
    db2 = (1 / m) * dZ2.sum(axis=1, keepdims=True)
    dZ1 = parameters["W2"].T @ dZ2 * (1 - np.tanh(cache["Z1"]) ** 2)
    dW1 = (1 / m) * dZ1 @ X.T
    db1 = (1 / m) * dZ1.sum(axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""),
    right(BACKWARD, "tanh_backward_and_mean", """\
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    grads = {}
    dZ2 = cache["A2"] - Y
    grads["dW2"] = dZ2 @ cache["A1"].T / m
    grads["db2"] = np.mean(dZ2, axis=1, keepdims=True)
    dZ1 = tanh_backward(parameters["W2"].T @ dZ2, cache["Z1"])
    grads["dW1"] = dZ1 @ X.T / m
    grads["db1"] = np.mean(dZ1, axis=1, keepdims=True)
    return grads
"""),
    right(BACKWARD, "einsum_int_labels", """\
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y.astype(float)
    dZ1 = np.einsum("oh,om->hm", parameters["W2"], dZ2) * (1 - cache["A1"] * cache["A1"])
    return {
        "dW1": np.einsum("hm,xm->hx", dZ1, X) / m,
        "db1": dZ1.sum(axis=1)[:, None] / m,
        "dW2": np.einsum("om,hm->oh", dZ2, cache["A1"]) / m,
        "db2": dZ2.sum(axis=1).reshape(-1, 1) / m,
    }
"""),
]



NOTEBOOK_NAMES = {"X": np.zeros((2, 400))}  # the notebook's planar data set: 400 examples

WRONG_COST, RIGHT_COST = cost_implementations("A2", "X.shape[1]")

WRONG = {FORWARD: WRONG_FORWARD, "compute_cost": WRONG_COST, BACKWARD: WRONG_BACKWARD}
RIGHT = {FORWARD: RIGHT_FORWARD, "compute_cost": RIGHT_COST, BACKWARD: RIGHT_BACKWARD}
