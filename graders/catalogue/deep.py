"""Wrong and right implementations of the chapter 4 (deep network) exercises and of
``predict`` (chapter 5).

Free names a source may use: ``np`` and the chapter's contract names ``sigmoid``,
``relu``, ``sigmoid_backward``, ``relu_backward``, ``linear_forward``,
``linear_activation_forward``, ``deep_forward``, ``linear_backward``,
``linear_activation_backward``, and in a wrong entry the notebook's ``m``
(``NOTEBOOK_NAMES``). Each wrong entry's ``diagnosis`` is a regular
expression that the check's failure message must match.
"""

from __future__ import annotations

from graders.catalogue._cost import cost_implementations
from graders.catalogue.shallow import right, variants, wrong

# --- initialize_parameters_deep --------------------------------------------------------

INIT = "initialize_parameters_deep"
_INIT_OK = """\
def initialize_parameters_deep(layer_dims, *, rng):
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters
"""
_W = "rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01"
_B = "np.zeros((layer_dims[l], 1))"

WRONG_INIT = variants(INIT, _INIT_OK, [
    ("global_randn", r"np\.random.*rng", _W,
     "np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01"),
    ("global_seed", r"np\.random.*rng", "    parameters = {}\n",
     "    np.random.seed(3)\n    parameters = {}\n"),
    ("not_scaled", r"scale", _W, "rng.standard_normal((layer_dims[l], layer_dims[l - 1]))"),
    ("zero_weights", r"symmetry", _W, "np.zeros((layer_dims[l], layer_dims[l - 1]))"),
    ("random_biases", r"biases .*zero", _B, "rng.standard_normal((layer_dims[l], 1)) * 0.01"),
    ("rank1_biases", r"column", _B, "np.zeros(layer_dims[l])"),
    ("transposed_weights", r"transpos", _W,
     "rng.standard_normal((layer_dims[l - 1], layer_dims[l])) * 0.01"),
    ("misses_last_layer", r"missing key", "range(1, L)", "range(1, L - 1)"),
    ("own_unseeded_generator", r"determin", _W,
     "np.random.default_rng().standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01"),
    ("ignores_rng", r"ignor", _W,
     "np.random.default_rng(1).standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01"),
    ("uniform_weights", r"standard_normal", _W,
     "rng.random((layer_dims[l], layer_dims[l - 1])) * 0.01"),
    ("keys_from_zero", r"keys", 'parameters["W" + str(l)]', 'parameters["W" + str(l - 1)]'),
])

RIGHT_INIT = [
    right(INIT, "textbook", _INIT_OK),
    right(INIT, "normal_with_scale", """\
def initialize_parameters_deep(layer_dims, rng):
    return {
        key: value
        for l in range(1, len(layer_dims))
        for key, value in (
            (f"W{l}", rng.normal(0.0, 0.01, size=(layer_dims[l], layer_dims[l - 1]))),
            (f"b{l}", np.zeros((layer_dims[l], 1))),
        )
    }
"""),
    right(INIT, "last_layer_first", """\
def initialize_parameters_deep(layer_dims, *, rng):
    parameters = {}
    for l in reversed(range(1, len(layer_dims))):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"b{l}"] = np.zeros(shape=(n, 1))
        parameters[f"W{l}"] = 0.01 * rng.standard_normal(size=(n, n_prev))
    return parameters
"""),
    right(INIT, "zip_sizes", """\
def initialize_parameters_deep(layer_dims, *, rng):
    parameters = {}
    pairs = zip(layer_dims[:-1], layer_dims[1:])
    for l, (n_prev, n) in enumerate(pairs, start=1):
        parameters["W%d" % l] = rng.standard_normal(n * n_prev).reshape(n, n_prev) / 100
        parameters["b%d" % l] = np.zeros((n, 1), dtype=np.float64)
    return parameters
"""),
]

# --- linear_forward --------------------------------------------------------------------

LINEAR_FORWARD = "linear_forward"
_LF_OK = """\
def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    cache = (A_prev, W, b)
    return Z, cache
"""
WRONG_LINEAR_FORWARD = variants(LINEAR_FORWARD, _LF_OK, [
    ("forgot_bias", r"forgot the bias", "np.dot(W, A_prev) + b", "np.dot(W, A_prev)"),
    ("bias_subtracted", r"subtract", "np.dot(W, A_prev) + b", "np.dot(W, A_prev) - b"),
    ("cache_wrong_order", r"order", "cache = (A_prev, W, b)", "cache = (W, A_prev, b)"),
    ("cache_without_b", r"3 entries", "cache = (A_prev, W, b)", "cache = (A_prev, W)"),
    ("cache_holds_Z", r"cache\[2\]", "cache = (A_prev, W, b)", "cache = (A_prev, W, Z)"),
    ("returns_only_Z", r"tuple", "return Z, cache", "return Z"),
    ("returns_cache_first", r"\(Z, cache\)", "return Z, cache", "return cache, Z"),
    ("transposed_output", r"transpos", "np.dot(W, A_prev) + b", "np.dot(A_prev.T, W.T) + b.T"),
    ("loop_over_examples", r"loop", "    Z = np.dot(W, A_prev) + b\n", """\
    Z = np.zeros((W.shape[0], A_prev.shape[1]))
    for i in range(A_prev.shape[1]):
        Z[:, i] = W @ A_prev[:, i] + b[:, 0]
"""),
])
RIGHT_LINEAR_FORWARD = [
    right(LINEAR_FORWARD, "textbook", _LF_OK),
    right(LINEAR_FORWARD, "matmul_list_cache", """\
def linear_forward(A_prev, W, b):
    return W @ A_prev + b, [A_prev, W, b]
"""),
    right(LINEAR_FORWARD, "einsum_copies", """\
def linear_forward(A_prev, W, b):
    Z = np.einsum("ij,jm->im", W, A_prev) + b.reshape(-1, 1)
    return Z, (A_prev.copy(), W.copy(), b.copy())
"""),
    right(LINEAR_FORWARD, "add_then_matmul", """\
def linear_forward(A_prev, W, b):
    Z = np.add(np.matmul(W, A_prev), b)
    assert Z.shape == (W.shape[0], A_prev.shape[1])
    return Z, (A_prev, W, b)
"""),
]

# --- linear_activation_forward ---------------------------------------------------------

LAF = "linear_activation_forward"
_LAF_OK = """\
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = sigmoid(Z)
    elif activation == "relu":
        A = relu(Z)
    cache = (linear_cache, Z)
    return A, cache
"""
WRONG_LAF = variants(LAF, _LAF_OK, [
    ("activations_swapped", r"activation=.*looks like", "A = sigmoid(Z)\n    elif",
     "A = relu(Z)\n    elif"),
    ("no_activation", r"A equals Z", "    if activation == \"sigmoid\":\n        A = sigmoid(Z)\n"
     "    elif activation == \"relu\":\n        A = relu(Z)\n", "    A = Z\n"),

    ("cache_order_swapped", r"\(linear_cache, Z\)", "(linear_cache, Z)", "(Z, linear_cache)"),
    ("cache_holds_A", r"holds A", "(linear_cache, Z)", "(linear_cache, A)"),
    ("always_relu", r"sigmoid", "    if activation == \"sigmoid\":\n        A = sigmoid(Z)\n"
     "    elif activation == \"relu\":\n        A = relu(Z)\n", "    A = relu(Z)\n"),
    ("flat_cache", r"linear_cache", "(linear_cache, Z)", "(*linear_cache, Z)"),
    ("leaky_relu", r"leaky", "A = relu(Z)", "A = np.maximum(0.01 * Z, Z)"),
    ("tanh_for_relu", r"tanh", "A = relu(Z)", "A = np.tanh(Z)"),
    ("forgot_bias", r"forgot the bias", "    Z, linear_cache = linear_forward(A_prev, W, b)\n",
     "    Z = np.dot(W, A_prev)\n    linear_cache = (A_prev, W, b)\n"),

])
RIGHT_LAF = [
    right(LAF, "textbook", _LAF_OK),
    right(LAF, "inline_math", """\
def linear_activation_forward(A_prev, W, b, activation):
    Z = W @ A_prev + b
    if activation == "relu":
        A = Z * (Z > 0)
    else:
        A = 1 / (1 + np.exp(-Z))
    return A, ((A_prev, W, b), Z)
"""),
    right(LAF, "dispatch_dict", """\
def linear_activation_forward(A_prev, W, b, activation):
    functions = {"relu": relu, "sigmoid": sigmoid}
    Z, linear_cache = linear_forward(A_prev, W, b)
    return functions[activation](Z), [list(linear_cache), Z.copy()]
"""),
]

# --- deep_forward ----------------------------------------------------------------------

DEEP_FORWARD = "deep_forward"
_DF_OK = """\
def deep_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(
            A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches
"""
WRONG_DEEP_FORWARD = variants(DEEP_FORWARD, _DF_OK, [
    ("relu_output", r"output layer uses sigmoid", '"sigmoid")', '"relu")'),
    ("sigmoid_hidden", r"hidden layers use ReLU", '"relu")', '"sigmoid")'),
    ("output_cache_not_kept", r"one per layer", "    caches.append(cache)\n    return",
     "    return"),
    ("L_is_len_parameters", r"len\(parameters\) // 2", "len(parameters) // 2",
     "len(parameters)"),
    ("caches_reversed", r"order", "caches.append(cache)", "caches.insert(0, cache)"),

    ("linear_caches_only", r"\(linear_cache, Z\)", "caches.append(cache)\n    AL",
     "caches.append(cache[0])\n    AL"),
    ("tanh_hidden", r"hidden layers use ReLU", "    for l in range(1, L):\n", """\
    for l in range(1, L):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        caches.append(((A, W, b), W @ A + b))
        A = np.tanh(W @ A + b)
        continue
"""),
    ("returns_last_hidden", r"last layer", "return AL, caches", "return A, caches"),
])
RIGHT_DEEP_FORWARD = [
    right(DEEP_FORWARD, "textbook", _DF_OK),
    right(DEEP_FORWARD, "inline_math", """\
def deep_forward(X, parameters):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(0, Z)
    return A, caches
"""),
    right(DEEP_FORWARD, "while_loop_tuple", """\
def deep_forward(X, parameters):
    L = len([k for k in parameters if k.startswith("W")])
    l, A, caches = 1, X, ()
    while l <= L:
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], "sigmoid" if l == L else "relu")
        caches = caches + (cache,)
        l += 1
    return A, list(caches)
"""),
]

# --- compute_cost ----------------------------------------------------------------------

NOTEBOOK_NAMES = {"m": 7}  # the notebook's shape-table example: layer_dims, m = [...], 7

WRONG_COST, RIGHT_COST = cost_implementations("AL", "m")

# --- linear_backward -------------------------------------------------------------------

LINEAR_BACKWARD = "linear_backward"
_LB_OK = """\
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
"""
WRONG_LINEAR_BACKWARD = variants(LINEAR_BACKWARD, _LB_OK, [
    ("no_one_over_m", r"dW is exactly m = \d+ times too large", "np.dot(dZ, A_prev.T) / m",
     "np.dot(dZ, A_prev.T)"),
    ("dA_prev_divided_by_m", r"dA_prev has no 1/m", "np.dot(W.T, dZ)",
     "np.dot(W.T, dZ) / m"),
    ("missing_keepdims", r"keepdims", "np.sum(dZ, axis=1, keepdims=True)",
     "np.sum(dZ, axis=1)"),
    ("db_summed_over_everything", r"axis=1", "np.sum(dZ, axis=1, keepdims=True)",
     "np.sum(dZ)"),
    ("dW_transposed", r"transpos", "np.dot(dZ, A_prev.T) / m", "np.dot(A_prev, dZ.T) / m"),
    ("returns_in_wrong_order", r"order", "return dA_prev, dW, db", "return dW, db, dA_prev"),
    ("sign", r"sign", "dW = np.dot(dZ, A_prev.T) / m\n    db = np.sum(",
     "dW = -np.dot(dZ, A_prev.T) / m\n    db = -np.sum("),
    ("m_from_wrong_axis", r"A_prev\.shape\[1\]", "A_prev.shape[1]", "A_prev.shape[0]"),
    ("returns_dZ_too", r"expected 3", "return dA_prev, dW, db", "return dA_prev, dW, db, dZ"),
    ("notebook_m", r"dW is divided by 7 instead of m = 5.*not from a variable of the notebook",
     "    m = A_prev.shape[1]\n", "    # m: the notebook's own\n"),
    ("rounded", r"dW is rounded to 5 decimals", "dW = np.dot(dZ, A_prev.T) / m",
     "dW = np.round(np.dot(dZ, A_prev.T) / m, 5)"),
])
RIGHT_LINEAR_BACKWARD = [
    right(LINEAR_BACKWARD, "textbook", _LB_OK),
    right(LINEAR_BACKWARD, "mean_and_matmul", """\
def linear_backward(dZ, cache):
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T / dZ.shape[1], dZ.mean(axis=1, keepdims=True)
"""),
    right(LINEAR_BACKWARD, "einsum_named_fields", """\
def linear_backward(dZ, cache):
    A_prev, W = cache[0], cache[1]
    m = dZ.shape[1]
    dW = np.einsum("nm,pm->np", dZ, A_prev) / m
    db = (dZ @ np.ones((m, 1))) / m
    dA_prev = np.einsum("np,nm->pm", W, dZ)
    return dA_prev, dW, db
"""),
]

# --- linear_activation_backward --------------------------------------------------------

LAB = "linear_activation_backward"
_LAB_OK = """\
def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = relu_backward(dA, Z)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, Z)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db
"""
_RELU = "dZ = relu_backward(dA, Z)"
_SIG = "dZ = sigmoid_backward(dA, Z)"
WRONG_LAB = variants(LAB, _LAB_OK, [
    ("relu_mask_from_dA", r"mask .*dA", _RELU, "dZ = dA * (dA > 0)"),
    ("sigmoid_derivative_s_times_1_minus_z", r"s \* \(1 - s\)", _SIG,
     "s = sigmoid(Z)\n        dZ = dA * s * (1 - Z)"),
    ("activations_swapped", r"activation=.*looks like",
     'relu_backward(dA, Z)\n    elif activation == "sigmoid":\n        dZ = sigmoid_backward',
     'sigmoid_backward(dA, Z)\n    elif activation == "sigmoid":\n        dZ = relu_backward'),

    ("no_activation_derivative", r"g'\(Z\)", _SIG, "dZ = dA"),
    ("relu_in_place", r"modif", _RELU, "dZ = dA\n        dZ[Z <= 0] = 0"),
    ("derivative_at_A", r"at A = g\(Z\)", _SIG, "dZ = sigmoid_backward(dA, sigmoid(Z))"),
    ("no_one_over_m", r"times too large",
     "    dA_prev, dW, db = linear_backward(dZ, linear_cache)\n", """\
    A_prev, W, b = linear_cache
    dW = dZ @ A_prev.T
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = W.T @ dZ
"""),
    ("relu_derivative_as_Z", r"0/1 mask", _RELU, "dZ = dA * Z"),
    ("returns_dZ_too", r"expected 3", "return dA_prev, dW, db", "return dA_prev, dW, db, dZ"),
])
RIGHT_LAB = [
    right(LAB, "textbook", _LAB_OK),
    right(LAB, "inline_math", """\
def linear_activation_backward(dA, cache, activation):
    (A_prev, W, b), Z = cache
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    else:
        dZ = np.where(Z > 0, dA, 0)
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m
"""),
    right(LAB, "copy_then_mask", """\
def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache[0], cache[1]
    dZ = np.array(dA, copy=True)
    if activation == "relu":
        dZ[Z <= 0] = 0
    else:
        s = sigmoid(Z)
        dZ = dZ * s * (1 - s)
    return linear_backward(dZ, linear_cache)
"""),
]

# --- deep_backward ---------------------------------------------------------------------

DEEP_BACKWARD = "deep_backward"
_DB_OK = """\
def deep_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
"""
WRONG_DEEP_BACKWARD = variants(DEEP_BACKWARD, _DB_OK, [
    ("dA_keys_shifted", r"shifted", """\
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev
""", """\
    grads["dA" + str(L)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 2)], current_cache, "relu")
        grads["dA" + str(l + 1)] = dA_prev
"""),
    ("dAL_sign", r"sign", "dAL = -(np.divide", "dAL = (np.divide"),
    ("relu_for_output", r"output layer.*sigmoid", 'current_cache, "sigmoid")',
     'current_cache, "relu")'),
    ("sigmoid_for_hidden", r"hidden layers.*relu", 'current_cache, "relu")',
     'current_cache, "sigmoid")'),
    ("dAL_divided_by_m", r"times too small", "np.divide(1 - Y, 1 - AL))",
     "np.divide(1 - Y, 1 - AL)) / Y.shape[1]"),
    ("dAL_one_term", r"dAL", "-(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
     "-np.divide(Y, AL)"),
    ("stops_before_first_layer", r"missing key.*dW1", "reversed(range(L - 1))",
     "reversed(range(1, L - 1))"),

    ("AL_clipped_to_1e-15", r"AL is clipped to \[1e-15, 1 - 1e-15\].*do not clip AL",
     "    dAL = -(", "    AL = np.clip(AL, 1e-15, 1 - 1e-15)\n    dAL = -("),
    ("AL_clipped_to_1e-7", r"AL is clipped to \[1e-07, 1 - 1e-07\]",
     "    dAL = -(", "    AL = np.clip(AL, 1e-7, 1 - 1e-7)\n    dAL = -("),
    ("AL_modified_in_place", r"modified its input AL",
     "    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))\n",
     "    dAL = AL\n    dAL -= Y\n    dAL /= AL * (1 - AL)\n"),
])
WRONG_DEEP_BACKWARD.append(wrong(DEEP_BACKWARD, "tanh_derivative_in_hidden_layers",
                                 r"agree with the reference: dW\d, db\d", """\
def deep_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        if l == L:
            dZ = sigmoid_backward(dA, Z)
        else:
            dZ = dA * (1 - np.tanh(Z) ** 2)
        grads["dW" + str(l)] = dZ @ A_prev.T / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = W.T @ dZ
        grads["dA" + str(l - 1)] = dA
    return grads
"""))

RIGHT_DEEP_BACKWARD = [

    right(DEEP_BACKWARD, "textbook", _DB_OK),
    right(DEEP_BACKWARD, "dZL_directly", """\
def deep_backward(AL, Y, caches):
    L = len(caches)
    grads = {}
    dZ = AL - Y
    for l in range(L, 0, -1):
        linear_cache, Z = caches[l - 1]
        if l < L:
            dZ = relu_backward(grads[f"dA{l}"], Z)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, linear_cache)
    return grads
"""),
    right(DEEP_BACKWARD, "inline_loop", """\
def deep_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dA = -(Y / AL) + (1 - Y) / (1 - AL)
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        if l == L:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = dA * (Z > 0)
        grads["dW" + str(l)] = dZ @ A_prev.T / m
        grads["db" + str(l)] = dZ.sum(axis=1, keepdims=True) / m
        dA = W.T @ dZ
        grads["dA" + str(l - 1)] = dA
    return grads
"""),
]

# --- update_parameters -----------------------------------------------------------------

UPDATE = "update_parameters"
_UP_OK = """\
def update_parameters(parameters, grads, learning_rate):
    new = {}
    L = len(parameters) // 2
    for l in range(1, L + 1):
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return new
"""
WRONG_UPDATE = variants(UPDATE, _UP_OK, [
    ("learning_rate_ignored", r"learning rate", "learning_rate * grads", "grads"),
    ("plus_sign", r"sign", "] - learning_rate", "] + learning_rate"),
    ("arrays_updated_in_place", r"modif", """\
        new["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
""", """\
        parameters["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] -= learning_rate * grads["db" + str(l)]
        new["W" + str(l)] = parameters["W" + str(l)]
        new["b" + str(l)] = parameters["b" + str(l)]
"""),
    ("dict_updated_in_place", r"modif", "    new = {}\n", "    new = parameters\n"),
    ("last_layer_not_updated", r"W\d+ was not updated",
     "    new = {}\n    L = len(parameters) // 2\n    for l in range(1, L + 1):",

     "    new = dict(parameters)\n    L = len(parameters) // 2\n    for l in range(1, L):"),
    ("biases_not_updated", r"b\d+ was not updated", """\
parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]""", 'parameters["b" + str(l)]'),
    ("L_is_len_parameters", r"len\(parameters\) // 2", "len(parameters) // 2",
     "len(parameters)"),
    ("bias_updated_with_dW", r"db1", 'learning_rate * grads["db" + str(l)]',
     'learning_rate * grads["dW" + str(l)].mean(axis=1, keepdims=True)'),
    ("divides_by_learning_rate", r"learning rate", 'learning_rate * grads["dW" + str(l)]',
     'grads["dW" + str(l)] / learning_rate'),
])
RIGHT_UPDATE = [
    right(UPDATE, "textbook", _UP_OK),
    right(UPDATE, "dict_comprehension", """\
def update_parameters(parameters, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}
"""),
    right(UPDATE, "copy_then_in_place", """\
def update_parameters(parameters, grads, learning_rate):
    parameters = {key: value.copy() for key, value in parameters.items()}
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters
"""),
    right(UPDATE, "np_subtract", """\
def update_parameters(parameters, grads, learning_rate):
    new = dict(parameters)
    for l in range(1, len(parameters) // 2 + 1):
        for p in ("W", "b"):
            new[f"{p}{l}"] = np.subtract(parameters[f"{p}{l}"], learning_rate * grads[f"d{p}{l}"])
    return new
"""),
]

# --- deep_model ------------------------------------------------------------------------

MODEL = "deep_model"
_DM_OK = """\
def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
    costs = []
    for i in range(num_iterations):
        AL, caches = deep_forward(X, parameters)
        if i % record_every == 0:
            costs.append(compute_cost(AL, Y))
        grads = deep_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs
"""
_DM_COST = """\
        if i % record_every == 0:
            costs.append(compute_cost(AL, Y))
"""
_DM_STEP = """\
        grads = deep_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
"""
_DM_LOOP = """\
    for i in range(num_iterations):
        AL, caches = deep_forward(X, parameters)
"""
_DM_SIZES = (
    '[X.shape[0]] + [parameters["W" + str(l)].shape[0] for l in range(1, len(parameters) // 2 + 1)]'
)
WRONG_MODEL = variants(MODEL, _DM_OK, [
    ("forward_outside_the_loop", r"deep_forward runs once", _DM_LOOP, """\
    AL, caches = deep_forward(X, parameters)
    for i in range(num_iterations):
"""),
    ("cost_after_the_update", r"after each update", _DM_COST + _DM_STEP, _DM_STEP + """\
        if i % record_every == 0:
            costs.append(compute_cost(deep_forward(X, parameters)[0], Y))
"""),
    ("learning_rate_twice", r"learning rate is applied twice", _DM_STEP, """\
        grads = deep_backward(AL, Y, caches)
        grads = {key: learning_rate * value for key, value in grads.items()}
        parameters = update_parameters(parameters, grads, learning_rate)
"""),
    ("two_updates", r"two gradient steps", _DM_STEP, _DM_STEP + """\
        parameters = update_parameters(parameters, grads, learning_rate)
"""),
    ("not_carried_over", r"not carried over", _DM_STEP + "    return parameters, costs\n", """\
        grads = deep_backward(AL, Y, caches)
        trained = update_parameters(parameters, grads, learning_rate)
    return trained, costs
"""),
    ("update_not_assigned", r"never change", _DM_STEP, """\
        grads = deep_backward(AL, Y, caches)
        update_parameters(parameters, grads, learning_rate)
"""),
    ("cost_every_iteration", r"every iteration: record it only when", _DM_COST, """\
        costs.append(compute_cost(AL, Y))
"""),
    ("record_every_ignored", r"record_every is ignored", "i % record_every == 0",
     "i % 100 == 0"),
    ("records_at_the_end_of_each_period", r"record_every - 1", "i % record_every == 0",
     "(i + 1) % record_every == 0"),
    ("one_iteration_fewer", r"num_iterations - 1 iterations", "range(num_iterations)",
     "range(num_iterations - 1)"),
    ("counts_from_one", r"i counted from 1", "range(num_iterations)",
     "range(1, num_iterations + 1)"),
    ("initializes_again", r"costs\[0\] is not the cost of the parameters passed in",
     "    costs = []\n", f"""\
    layer_dims = {_DM_SIZES}
    parameters = initialize_parameters_deep(layer_dims, rng=np.random.default_rng(1))
    costs = []
"""),
    ("initializes_inside_the_loop", r"costs\[0\] is not the cost of the parameters passed in",
     _DM_LOOP, f"""\
    for i in range(num_iterations):
        layer_dims = {_DM_SIZES}
        parameters = initialize_parameters_deep(layer_dims, rng=np.random.default_rng(i))
        AL, caches = deep_forward(X, parameters)
"""),
    ("returns_costs_first", r"expected a dict", "return parameters, costs",
     "return costs, parameters"),
])
WRONG_MODEL += [
    wrong(MODEL, "update_before_gradient", r"previous iteration", """\
def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
    costs = []
    grads = {"d" + key: np.zeros_like(value) for key, value in parameters.items()}
    for i in range(num_iterations):
        AL, caches = deep_forward(X, parameters)
        if i % record_every == 0:
            costs.append(compute_cost(AL, Y))
        parameters = update_parameters(parameters, grads, learning_rate)
        grads = deep_backward(AL, Y, caches)
    return parameters, costs
"""),
    wrong(MODEL, "returns_the_start", r"returns the parameters it was given", """\
def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
    costs = []
    current = parameters
    for i in range(num_iterations):
        AL, caches = deep_forward(X, current)
        if i % record_every == 0:
            costs.append(compute_cost(AL, Y))
        grads = deep_backward(AL, Y, caches)
        current = update_parameters(current, grads, learning_rate)
    return parameters, costs
"""),
]
RIGHT_MODEL = [
    right(MODEL, "textbook", _DM_OK),
    right(MODEL, "while_loop_cost_after_backward", """\
def deep_model(X, Y, parameters, learning_rate, num_iterations, *, record_every=100):
    costs, i = [], 0
    while i < num_iterations:
        AL, caches = deep_forward(X, parameters)
        grads = deep_backward(AL, Y, caches)
        if not i % record_every:
            costs.append(float(compute_cost(AL, Y)))
        parameters = update_parameters(parameters, grads, learning_rate)
        i += 1
    return (parameters, costs)
"""),
    right(MODEL, "own_cost_and_step", """\
def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
    params = {key: value.copy() for key, value in parameters.items()}
    costs = []
    for iteration in range(num_iterations):
        AL, caches = deep_forward(X, params)
        if iteration % record_every == 0:
            m = Y.shape[1]
            costs.append(float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m))
        grads = deep_backward(AL, Y, caches)
        for key in params:
            params[key] = params[key] - learning_rate * grads["d" + key]
    return params, costs
"""),
    right(MODEL, "costs_then_steps_from_a_range", """\
def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
    recorded = set(range(0, num_iterations, record_every))
    costs = []
    for i in range(num_iterations):
        AL, caches = deep_forward(X, parameters)
        if i in recorded:
            costs += [compute_cost(AL, Y)]
        parameters = update_parameters(parameters, deep_backward(AL, Y, caches), learning_rate)
    return parameters, costs
"""),
]

# --- predict ---------------------------------------------------------------------------

PREDICT = "predict"
_PR_OK = """\
def predict(parameters, X):
    AL, caches = deep_forward(X, parameters)
    p = (AL > 0.5).astype(float)
    return p
"""
WRONG_PREDICT = variants(PREDICT, _PR_OK, [
    ("returns_probabilities", r"0\.5", "(AL > 0.5).astype(float)", "AL"),
    ("bool_labels", r"float", "(AL > 0.5).astype(float)", "AL > 0.5"),
    ("int_labels", r"float", "(AL > 0.5).astype(float)", "np.where(AL > 0.5, 1, 0)"),
    ("inverted", r"inverted", "AL > 0.5", "AL < 0.5"),
    ("threshold_zero", r"compared with 0\b", "AL > 0.5", "AL > 0"),
    ("rank1", r"rank-1", "return p", "return p.ravel()"),
    ("transposed", r"transpos", "return p", "return p.T"),
    ("loop_over_examples", r"loop", "    p = (AL > 0.5).astype(float)\n", """\
    p = np.zeros((1, AL.shape[1]))
    for i in range(AL.shape[1]):
        if AL[0, i] > 0.5:
            p[0, i] = 1
"""),
    ("returns_accuracy_too", r"tuple|ndarray", "return p", "return p, float(np.mean(p))"),
    # A RIGHT entry ("where_float") until a case had AL exactly 0.5.
    ("greater_equal", r"1\.0 where AL is exactly 0\.5.*use >, not >=", "AL > 0.5", "AL >= 0.5"),
])
RIGHT_PREDICT = [
    right(PREDICT, "textbook", _PR_OK),
    right(PREDICT, "round", """\
def predict(parameters, X):
    return np.round(deep_forward(X, parameters)[0])
"""),
    right(PREDICT, "where_float", """\
def predict(parameters, X):
    AL, _ = deep_forward(X, parameters)
    return np.where(AL > 0.5, 1.0, 0.0)
"""),
    right(PREDICT, "greater_equal_out", """\
def predict(parameters, X):
    AL, _ = deep_forward(X, parameters)
    return np.greater(AL, 0.5) * 1.0
"""),
]

WRONG = {
    INIT: WRONG_INIT,
    LINEAR_FORWARD: WRONG_LINEAR_FORWARD,
    LAF: WRONG_LAF,
    DEEP_FORWARD: WRONG_DEEP_FORWARD,
    "compute_cost": WRONG_COST,
    LINEAR_BACKWARD: WRONG_LINEAR_BACKWARD,
    LAB: WRONG_LAB,
    DEEP_BACKWARD: WRONG_DEEP_BACKWARD,
    UPDATE: WRONG_UPDATE,
    MODEL: WRONG_MODEL,
    PREDICT: WRONG_PREDICT,
}
RIGHT = {
    INIT: RIGHT_INIT,
    LINEAR_FORWARD: RIGHT_LINEAR_FORWARD,
    LAF: RIGHT_LAF,
    DEEP_FORWARD: RIGHT_DEEP_FORWARD,
    "compute_cost": RIGHT_COST,
    LINEAR_BACKWARD: RIGHT_LINEAR_BACKWARD,
    LAB: RIGHT_LAB,
    DEEP_BACKWARD: RIGHT_DEEP_BACKWARD,
    UPDATE: RIGHT_UPDATE,
    MODEL: RIGHT_MODEL,
    PREDICT: RIGHT_PREDICT,
}
