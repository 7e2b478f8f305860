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


def variants(function: str, template: str, entries) -> list[Implementation]:
    """Wrong entries made by replacing one fragment of a correct ``template``."""
    out = []
    for name, diagnosis, old, new in entries:
        assert old in template, (name, old)
        out.append(wrong(function, name, diagnosis, template.replace(old, new)))
    return out


# --- initialize_parameters --------------------------------------------------------------

INIT = "initialize_parameters"
_INIT_OK = """\
def initialize_parameters(n_x, n_h, n_y, *, rng):
    W1 = rng.standard_normal((n_h, n_x)) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = rng.standard_normal((n_y, n_h)) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
"""
_W1 = "rng.standard_normal((n_h, n_x)) * 0.01"

WRONG_INIT = variants(INIT, _INIT_OK, [
    ("global_randn", r"np\.random.*rng", _W1, "np.random.randn(n_h, n_x) * 0.01"),
    ("not_scaled", r"standard deviation about .*scale", _W1, "rng.standard_normal((n_h, n_x))"),
    ("zero_weights", r"symmetry", """\
    W1 = rng.standard_normal((n_h, n_x)) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = rng.standard_normal((n_y, n_h)) * 0.01
""", """\
    W1 = np.zeros((n_h, n_x))
    b1 = np.zeros((n_h, 1))
    W2 = np.zeros((n_y, n_h))
"""),
    ("random_biases", r"b1 is not all zeros", "b1 = np.zeros((n_h, 1))",
     "b1 = rng.standard_normal((n_h, 1)) * 0.01"),
    ("rank1_bias", r"b1 has shape .*column", "np.zeros((n_h, 1))", "np.zeros(n_h)"),
    ("transposed_W1", r"W1 has shape .*\(n_h, n_x\): it is transposed", _W1,
     "rng.standard_normal((n_x, n_h)) * 0.01"),
    ("W2_sized_by_inputs", r"W2 has shape .*\(n_y, n_h\): check the sizes",
     "rng.standard_normal((n_y, n_h))", "rng.standard_normal((n_y, n_x))"),
    ("own_unseeded_generator", r"not deterministic given rng", _W1,
     "np.random.default_rng().standard_normal((n_h, n_x)) * 0.01"),
    ("fixed_seed", r"ignores the rng", "    W1 = ",
     "    rng = np.random.default_rng(1)\n    W1 = "),
    ("uniform_weights", r"one sign.*standard_normal", _W1, "rng.random((n_h, n_x)) * 0.01"),
    ("missing_b2", r"missing key.*b2", ', "b2": b2}', "}"),
    ("integer_biases", r"dtype int", "np.zeros((n_h, 1))", "np.zeros((n_h, 1), dtype=int)"),
])

RIGHT_INIT = [
    right(INIT, "textbook", _INIT_OK),
    right(INIT, "W2_first_normal", """\
def initialize_parameters(n_x, n_h, n_y, *, rng):
    W2 = rng.normal(0.0, 0.01, size=(n_y, n_h))
    W1 = rng.normal(loc=0.0, scale=0.01, size=(n_h, n_x))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
"""),
    right(INIT, "one_draw_split", """\
def initialize_parameters(n_x, n_h, n_y, *, rng):
    weights = rng.standard_normal(n_h * n_x + n_y * n_h) / 100
    parameters = {"W1": weights[: n_h * n_x].reshape(n_h, n_x)}
    parameters["b1"] = np.zeros(shape=(n_h, 1), dtype=np.float64)
    parameters["W2"] = weights[n_h * n_x :].reshape(n_y, n_h)
    parameters["b2"] = np.zeros_like(parameters["W2"][:, :1])
    return parameters
"""),
    right(INIT, "loop_over_layers", """\
def initialize_parameters(n_x, n_h, n_y, *, rng):
    sizes = [n_x, n_h, n_y]
    parameters = {}
    for l in (1, 2):
        parameters[f"W{l}"] = 0.01 * rng.standard_normal(size=(sizes[l], sizes[l - 1]))
        parameters[f"b{l}"] = np.zeros((sizes[l], 1))
    return parameters
"""),
]

# --- update_parameters ------------------------------------------------------------------

UPDATE = "update_parameters"
_UP_OK = """\
def update_parameters(parameters, grads, learning_rate):
    W1 = parameters["W1"] - learning_rate * grads["dW1"]
    b1 = parameters["b1"] - learning_rate * grads["db1"]
    W2 = parameters["W2"] - learning_rate * grads["dW2"]
    b2 = parameters["b2"] - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
"""

WRONG_UPDATE = variants(UPDATE, _UP_OK, [
    ("learning_rate_ignored", r"learning rate is ignored", 'learning_rate * grads["dW1"]',
     'grads["dW1"]'),
    ("plus_sign", r"wrong sign", 'parameters["W2"] - learning_rate',
     'parameters["W2"] + learning_rate'),
    ("divides_by_learning_rate", r"divides by the learning rate", 'learning_rate * grads["db1"]',
     'grads["db1"] / learning_rate'),
    ("b2_not_updated", r"b2 was not updated", 'parameters["b2"] - learning_rate * grads["db2"]',
     'parameters["b2"]'),
    ("W1_with_dW2", r"W1 is not W1 - learning_rate \* dW1", 'learning_rate * grads["dW1"]',
     'learning_rate * grads["dW2"].sum()'),
    ("in_place", r"modified its input parameters in place", """\
    W1 = parameters["W1"] - learning_rate * grads["dW1"]
""", """\
    parameters["W1"] -= learning_rate * grads["dW1"]
    W1 = parameters["W1"]
"""),
    ("returns_grads_keys", r"missing key|unexpected key",
     '{"W1": W1, "b1": b1, "W2": W2, "b2": b2}', '{"dW1": W1, "db1": b1, "dW2": W2, "db2": b2}'),
    ("returns_tuple", r"expected a dict", '{"W1": W1, "b1": b1, "W2": W2, "b2": b2}',
     "W1, b1, W2, b2"),
    ("fixed_learning_rate", r"W1 is not W1 - learning_rate \* dW1|learning rate",
     '    W1 = parameters["W1"] - learning_rate', '    W1 = parameters["W1"] - 1.2'),
])

RIGHT_UPDATE = [
    right(UPDATE, "textbook", _UP_OK),
    right(UPDATE, "dict_comprehension", """\
def update_parameters(parameters, grads, learning_rate):
    return {name: value - learning_rate * grads["d" + name] for name, value in parameters.items()}
"""),
    right(UPDATE, "copy_then_subtract_in_place", """\
def update_parameters(parameters, grads, learning_rate):
    new = {key: np.copy(value) for key, value in parameters.items()}
    for key in ("W1", "b1", "W2", "b2"):
        new[key] -= learning_rate * grads[f"d{key}"]
    return new
"""),
    right(UPDATE, "np_subtract", """\
def update_parameters(parameters, grads, learning_rate):
    keys = ["W1", "b1", "W2", "b2"]
    steps = [np.multiply(learning_rate, grads["d" + k]) for k in keys]
    return dict(zip(keys, [np.subtract(parameters[k], s) for k, s in zip(keys, steps)]))
"""),
]

# --- nn_model ---------------------------------------------------------------------------

MODEL = "nn_model"
_NN_OK = """\
def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, *, rng, record_every=1000):
    n_x, n_y = X.shape[0], Y.shape[0]
    parameters = initialize_parameters(n_x, n_h, n_y, rng=rng)
    costs = []
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % record_every == 0:
            costs.append(compute_cost(A2, Y))
    return parameters, costs
"""
_LOOP = """\
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
"""
_RECORD = """\
        if i % record_every == 0:
            costs.append(compute_cost(A2, Y))
"""

WRONG_MODEL = variants(MODEL, _NN_OK, [
    ("update_before_gradient", r"update comes before the gradient", _LOOP, """\
        A2, cache = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, grads, learning_rate)
        grads = backward_propagation(parameters, cache, X, Y)
"""),
    ("stale_gradients", r"update comes before the gradient", _LOOP, """\
        A2, cache = forward_propagation(X, parameters)
        parameters = update_parameters(parameters, grads, learning_rate)
        grads = backward_propagation(parameters, cache, X, Y)
""".replace("        A2, cache", "        if i == 0:\n"
            "            grads = {'d' + k: 0 * v for k, v in parameters.items()}\n"
            "        A2, cache")),
    ("cost_after_update", r"cost is recorded after the update", _RECORD, """\
        if i % record_every == 0:
            A2_new, _ = forward_propagation(X, parameters)
            costs.append(compute_cost(A2_new, Y))
"""),
    ("cost_every_iteration", r"every iteration: record it only when", _RECORD,
     "        costs.append(compute_cost(A2, Y))\n"),
    ("cost_every_100", r"only costs\[0\] is recorded", "i % record_every == 0", "i % 100 == 0"),
    ("cost_at_end_of_interval", r"end of each record_every", "i % record_every == 0",
     "(i + 1) % record_every == 0"),
    ("learning_rate_twice", r"learning rate is applied twice", _LOOP, """\
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        grads = {key: learning_rate * value for key, value in grads.items()}
        parameters = update_parameters(parameters, grads, learning_rate)
"""),
    ("update_discarded", r"parameters never change",
     "        parameters = update_parameters(parameters, grads, learning_rate)\n",
     "        update_parameters(parameters, grads, learning_rate)\n"),
    ("one_iteration_short", r"num_iterations - 1 iterations", "range(num_iterations)",
     "range(1, num_iterations)"),
    ("one_iteration_more", r"ran an iteration|num_iterations \+ 1", "range(num_iterations)",
     "range(num_iterations + 1)"),
    ("reinitialised_in_loop", r"initialised again inside the loop",
     "        A2, cache = forward_propagation(X, parameters)\n",
     "        parameters = initialize_parameters(n_x, n_h, n_y, rng=rng)\n"
     "        A2, cache = forward_propagation(X, parameters)\n"),
    ("new_generator", r"equally seeded rngs started from different", "rng=rng)",
     "rng=np.random.default_rng())"),
    ("fixed_seed", r"ignores the rng", "rng=rng)", "rng=np.random.default_rng(2017))"),
    ("global_seed", r"global np.random", "    costs = []\n",
     "    np.random.seed(1)\n    costs = []\n"),
    ("inputs_as_n_x", r"W1 (of|has) shape .*expected", "n_x, n_y = X.shape[0], Y.shape[0]",
     "n_x, n_y = X.shape[1], Y.shape[0]"),
    ("forward_once", r"forward pass is computed once", """\
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
""", """\
    A2, cache = forward_propagation(X, parameters)
    for i in range(num_iterations):
"""),
    ("update_twice", r"updated twice per iteration", _LOOP, _LOOP + """\
        parameters = update_parameters(parameters, grads, learning_rate)
"""),
])

WRONG_MODEL.append(wrong(
    MODEL, "not_carried_over", r"starts again from the initial parameters",
    _NN_OK.replace("    costs = []\n", "    trained = parameters\n    costs = []\n")
    .replace("        parameters = update_parameters(", "        trained = update_parameters(")
    .replace("    return parameters, costs", "    return trained, costs"),
))

RIGHT_MODEL = [
    right(MODEL, "textbook", _NN_OK),
    right(MODEL, "record_first_while_loop", """\
def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, *, rng, record_every=1000):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng=rng)
    costs = []
    i = 0
    while i < num_iterations:
        A2, cache = forward_propagation(X, parameters)
        if not i % record_every:
            costs.append(compute_cost(A2, Y))
        parameters = update_parameters(
            parameters, backward_propagation(parameters, cache, X, Y), learning_rate
        )
        i += 1
    return parameters, costs
"""),
    right(MODEL, "inline_update", """\
def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, *, rng, record_every=1000):
    params = initialize_parameters(X.shape[0], n_h, 1, rng=rng)
    history = []
    for step in range(num_iterations):
        A2, cache = forward_propagation(X, params)
        if step % record_every == 0:
            history.append(float(compute_cost(A2, Y)))
        grads = backward_propagation(params, cache, X, Y)
        params = {k: v - learning_rate * grads["d" + k] for k, v in params.items()}
    return params, history
"""),
    right(MODEL, "recorded_steps_list", """\
def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, *, rng, record_every=1000):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], rng=rng)
    recorded = set(range(0, num_iterations, record_every))
    costs = []
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        if i in recorded:
            costs.append(compute_cost(A2, Y))
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs
"""),
]

# --- predict ----------------------------------------------------------------------------

PREDICT = "predict"
_PREDICT_OK = """\
def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(float)
"""

WRONG_PREDICT = variants(PREDICT, _PREDICT_OK, [
    ("probabilities", r"probabilities A2", "(A2 > 0.5).astype(float)", "A2"),
    ("inverted", r"inverted", "A2 > 0.5", "A2 < 0.5"),
    ("compared_with_0", r"compared with 0", "A2 > 0.5", "A2 > 0"),
    ("greater_or_equal", r"exactly 0\.5.*not >=", "A2 > 0.5", "A2 >= 0.5"),
    ("bool_predictions", r"dtype bool", "(A2 > 0.5).astype(float)", "A2 > 0.5"),
    ("int_predictions", r"dtype int", "(A2 > 0.5).astype(float)", "np.where(A2 > 0.5, 1, 0)"),
    ("rank1", r"shape \(\d+,\)", "(A2 > 0.5).astype(float)", "(A2 > 0.5).astype(float).ravel()"),
    ("Z2_with_0.5", r"Z2 is compared with 0\.5", "(A2 > 0.5).astype(float)",
     '(cache["Z2"] > 0.5).astype(float)'),
    ("examples_as_rows", r"shape|transpos", "(A2 > 0.5).astype(float)",
     "(A2 > 0.5).astype(float).T"),
])

RIGHT_PREDICT = [
    right(PREDICT, "textbook", _PREDICT_OK),
    right(PREDICT, "sign_of_Z2", """\
def predict(parameters, X):
    _, cache = forward_propagation(X, parameters)
    return np.where(cache["Z2"] > 0, 1.0, 0.0)
"""),
    right(PREDICT, "round_half_to_even", """\
def predict(parameters, X):
    A2 = forward_propagation(X, parameters)[0]
    return np.round(A2)  # numpy rounds 0.5 to 0, the even neighbour
"""),
    right(PREDICT, "multiply_boolean", """\
def predict(parameters, X):
    probabilities, _ = forward_propagation(X, parameters)
    return 1.0 * (probabilities > 0.5)
"""),
]


NOTEBOOK_NAMES = {"X": np.zeros((2, 400))}  # the notebook's planar data set: 400 examples

WRONG_COST, RIGHT_COST = cost_implementations("A2", "X.shape[1]")

WRONG = {INIT: WRONG_INIT, FORWARD: WRONG_FORWARD, "compute_cost": WRONG_COST,
         BACKWARD: WRONG_BACKWARD, UPDATE: WRONG_UPDATE, MODEL: WRONG_MODEL,
         PREDICT: WRONG_PREDICT}
RIGHT = {INIT: RIGHT_INIT, FORWARD: RIGHT_FORWARD, "compute_cost": RIGHT_COST,
         BACKWARD: RIGHT_BACKWARD, UPDATE: RIGHT_UPDATE, MODEL: RIGHT_MODEL,
         PREDICT: RIGHT_PREDICT}
