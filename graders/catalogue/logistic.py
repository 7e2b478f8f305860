"""Catalogue: chapter-2 logistic regression ``forward``, ``compute_cost``, ``backward``, and
the training code ``initialize_with_zeros``, ``optimize``, ``predict``, ``model``.

Free names: ``sigmoid`` (the learner's own, from chapter 1), and in a wrong entry the
notebook's ``m_train`` (``NOTEBOOK_NAMES``).
"""

from __future__ import annotations

from textwrap import dedent

from graders.catalogue import Implementation
from graders.catalogue._cost import cost_implementations


def _impl(function: str, name: str, source: str, diagnosis: str | None = None):
    return Implementation(function, name, dedent(source).strip() + "\n", diagnosis, "logistic")


_LOOP = "not vectorized"

NOTEBOOK_NAMES = {"m_train": 456}  # the notebook's training set size (breast cancer)

WRONG_COST, RIGHT_COST = cost_implementations("A", "m_train")

WRONG = [
    # ------------------------------------------------------------------ forward
    _impl("forward", "w not transposed", """
        def forward(w, b, X):
            return sigmoid(np.dot(w, X) + b)
    """, r"matrix product got incompatible shapes.*transpose"),
    _impl("forward", "forgotten bias", """
        def forward(w, b, X):
            return sigmoid(np.dot(w.T, X))
    """, r"bias is missing"),
    _impl("forward", "bias added after the sigmoid", """
        def forward(w, b, X):
            return sigmoid(np.dot(w.T, X)) + b
    """, r"bias is added after the sigmoid"),
    _impl("forward", "rounded to 6 decimals", """
        def forward(w, b, X):
            return np.round(sigmoid(np.dot(w.T, X) + b), 6)
    """, r"A is rounded to 6 decimals"),
    _impl("forward", "bias subtracted", """
        def forward(w, b, X):
            return sigmoid(w.T @ X - b)
    """, r"added, not subtracted"),
    _impl("forward", "no sigmoid", """
        def forward(w, b, X):
            return np.dot(w.T, X) + b
    """, r"apply sigmoid to Z"),
    _impl("forward", "tanh instead of sigmoid", """
        def forward(w, b, X):
            return np.tanh(np.dot(w.T, X) + b)
    """, r"uses tanh"),
    _impl("forward", "sign of the exponent", """
        def forward(w, b, X):
            return 1 / (1 + np.exp(np.dot(w.T, X) + b))
    """, r"sigmoid\(-Z\)"),
    _impl("forward", "elementwise w * X", """
        def forward(w, b, X):
            return sigmoid(w * X + b)
    """, r"multiplies elementwise"),
    _impl("forward", "X.T w: one row per example", """
        def forward(w, b, X):
            return sigmoid(np.dot(X.T, w) + b)
    """, r"shape \(5, 1\), expected \(1, 5\): it is transposed"),
    _impl("forward", "rank-1 result", """
        def forward(w, b, X):
            return sigmoid(np.dot(w.ravel(), X) + b)
    """, r"rank-1"),
    _impl("forward", "normalises X in place", """
        def forward(w, b, X):
            X /= np.linalg.norm(X, axis=0, keepdims=True)
            return sigmoid(w.T @ X + b)
    """, r"modified its input X"),
    _impl("forward", "loops over the examples", """
        def forward(w, b, X):
            A = np.zeros((1, X.shape[1]))
            for i in range(X.shape[1]):
                A[:, i:i + 1] = sigmoid(w.T @ X[:, i:i + 1] + b)
            return A
    """, _LOOP),























    # ----------------------------------------------------------------- backward
    _impl("backward", "dZ = Y - A", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = Y - A
            return {"dw": X @ dZ.T / m, "db": float(np.sum(dZ) / m)}
    """, r"wrong sign: dZ = A - Y"),
    _impl("backward", "dw without 1/m", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dw": X @ dZ.T, "db": float(np.sum(dZ) / m)}
    """, r"dw is X \(A - Y\)\^T without 1/m"),
    _impl("backward", "db without 1/m", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dw": X @ dZ.T / m, "db": float(np.sum(dZ))}
    """, r"db is the sum of dZ without 1/m"),
    _impl("backward", "dw divides by n_x", """
        def backward(X, A, Y):
            dZ = A - Y
            return {"dw": X @ dZ.T / X.shape[0], "db": float(np.mean(dZ))}
    """, r"divides by n_x"),
    _impl("backward", "dZ not transposed", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dw": np.dot(X, dZ) / m, "db": float(np.sum(dZ) / m)}
    """, r"matrix product got incompatible shapes"),
    _impl("backward", "dw transposed", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dw": np.dot(dZ, X.T) / m, "db": float(np.sum(dZ) / m)}
    """, r"dw has shape \(1, 3\), expected \(3, 1\)"),
    _impl("backward", "extra sigmoid derivative", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = (A - Y) * A * (1 - A)
            return {"dw": X @ dZ.T / m, "db": float(np.sum(dZ) / m)}
    """, r"sigmoid's derivative A\(1 - A\) again"),
    _impl("backward", "db as a (1, 1) array", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dw": X @ dZ.T / m, "db": np.sum(dZ, axis=1, keepdims=True) / m}
    """, r"db is an array of shape \(1, 1\), expected a number"),
    _impl("backward", "rank-1 dw", """
        def backward(X, A, Y):
            dZ = A - Y
            return {"dw": np.mean(X * dZ, axis=1), "db": float(np.mean(dZ))}
    """, r"dw has shape \(3,\).*rank-1"),
    _impl("backward", "capitalised keys", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dW": X @ dZ.T / m, "db": float(np.sum(dZ) / m)}
    """, r"key 'dW' should be 'dw'"),
    _impl("backward", "returns a tuple", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return X @ dZ.T / m, float(np.sum(dZ) / m)
    """, r"grads is a tuple, expected a dict with keys 'dw', 'db'"),
    _impl("backward", "A -= Y in place", """
        def backward(X, A, Y):
            m = X.shape[1]
            A -= Y
            return {"dw": X @ A.T / m, "db": float(np.sum(A) / m)}
    """, r"modified its input A"),
    _impl("backward", "the notebook's m_train", """
        def backward(X, A, Y):
            dZ = A - Y
            return {"dw": X @ dZ.T / m_train, "db": float(np.sum(dZ) / m_train)}
    """, r"dw is divided by \d+ instead of m = 5.*not from a variable of the notebook"),
    _impl("backward", "rounded gradients", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dw": np.round(X @ dZ.T / m, 4), "db": round(float(np.sum(dZ) / m), 4)}
    """, r"dw is rounded to 4 decimals"),
    _impl("backward", "loops over the examples", """
        def backward(X, A, Y):
            n_x, m = X.shape
            dw, db = np.zeros((n_x, 1)), 0.0
            for i in range(m):
                dz = A[0, i] - Y[0, i]
                dw += X[:, i:i + 1] * dz
                db += dz
            return {"dw": dw / m, "db": float(db / m)}
    """, _LOOP),
]  # fmt: skip
WRONG += WRONG_COST

RIGHT = [
    _impl("forward", "np.dot", """
        def forward(w, b, X):
            return sigmoid(np.dot(w.T, X) + b)
    """),
    _impl("forward", "sum over features", """
        def forward(w, b, X):
            return sigmoid(np.sum(w * X, axis=0, keepdims=True) + b)
    """),
    _impl("forward", "X.T @ w, transposed back, own sigmoid", """
        def forward(w, b, X):
            Z = (X.T @ w).T + b
            return 0.5 * (1 + np.tanh(0.5 * Z))
    """),
    _impl("forward", "einsum", """
        def forward(w, b, X):
            return sigmoid(np.einsum("i,im->m", w[:, 0], X)[np.newaxis, :] + b)
    """),
    _impl("backward", "matrix products", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = A - Y
            return {"dw": np.dot(X, dZ.T) / m, "db": float(np.sum(dZ) / m)}
    """),
    _impl("backward", "broadcast and mean", """
        def backward(X, A, Y):
            dZ = A - Y
            dw = np.mean(X * dZ, axis=1, keepdims=True)
            return {"db": np.mean(dZ), "dw": dw}
    """),
    _impl("backward", "einsum, numpy scalar db", """
        def backward(X, A, Y):
            m = X.shape[1]
            dZ = (A - Y.astype(float))[0]
            dw = np.einsum("im,m->i", X, dZ).reshape(-1, 1) / m
            return {"dw": dw, "db": dZ.sum() / m}
    """),
]  # fmt: skip
RIGHT += RIGHT_COST


# ===================================================================== training code
# Free names: the learner's earlier functions of this chapter (``forward``,
# ``compute_cost``, ``backward``, ``initialize_with_zeros``, ``optimize``, ``predict``).

_OPTIMIZE_OK = '''
def optimize(w, b, X, Y, num_iterations=2000, learning_rate=0.005, record_every=100):
    costs = []
    for i in range(num_iterations):
        A = forward(w, b, X)
        cost = compute_cost(A, Y)
        grads = backward(X, A, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % record_every == 0:
            costs.append(cost)
    return {"w": w, "b": b}, grads, costs
'''

_MODEL_OK = '''
def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
          record_every=100):
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate,
                                    record_every)
    w, b = params["w"], params["b"]
    Y_prediction_train = predict(w, b, X_train)
    Y_prediction_test = predict(w, b, X_test)
    train_accuracy = float(np.mean(Y_prediction_train == Y_train))
    test_accuracy = float(np.mean(Y_prediction_test == Y_test))
    return {"w": w, "b": b, "costs": costs,
            "Y_prediction_train": Y_prediction_train, "Y_prediction_test": Y_prediction_test,
            "train_accuracy": train_accuracy, "test_accuracy": test_accuracy,
            "learning_rate": learning_rate, "num_iterations": num_iterations}
'''


def _edit(function: str, template: str, name: str, diagnosis: str, *changes):
    """A wrong entry: ``template`` with each ``(old, new)`` fragment replaced."""
    source = template
    for old, new in changes:
        assert old in source, (name, old)
        source = source.replace(old, new)
    return _impl(function, name, source, diagnosis)


_STEP_W = 'w = w - learning_rate * grads["dw"]'
_STEP_B = 'b = b - learning_rate * grads["db"]'
_RECORD = "        if i % record_every == 0:\n            costs.append(cost)\n"
_CALL = "optimize(w, b, X_train, Y_train, num_iterations, learning_rate,\n" \
        "                                    record_every)"  # fmt: skip

WRONG += [
    # ---------------------------------------------------------- initialize_with_zeros
    _impl("initialize_with_zeros", "rank-1 w", """
        def initialize_with_zeros(dim):
            return np.zeros(dim), 0.0
    """, r"w has shape \(\d+,\), a rank-1 array: w is a column"),
    _impl("initialize_with_zeros", "w a row", """
        def initialize_with_zeros(dim):
            return np.zeros((1, dim)), 0.0
    """, r"w has shape \(1, \d+\), a row: w is a column"),
    _impl("initialize_with_zeros", "one weight too many", """
        def initialize_with_zeros(dim):
            return np.zeros((dim + 1, 1)), 0.0
    """, r"expected \(\d+, 1\): one weight per feature"),
    _impl("initialize_with_zeros", "integer weights", """
        def initialize_with_zeros(dim):
            return np.zeros((dim, 1), dtype=int), 0.0
    """, r"w has dtype int64: the weights are floats"),
    _impl("initialize_with_zeros", "b the int 0", """
        def initialize_with_zeros(dim):
            w = np.zeros((dim, 1))
            b = 0
            return w, b
    """, r"b is a int, expected a float: b is the number 0\.0"),
    _impl("initialize_with_zeros", "b a (1, 1) array", """
        def initialize_with_zeros(dim):
            return np.zeros((dim, 1)), np.zeros((1, 1))
    """, r"b is an array of shape \(1, 1\), expected a number"),
    _impl("initialize_with_zeros", "random weights", """
        def initialize_with_zeros(dim):
            return np.random.randn(dim, 1) * 0.01, 0.0
    """, r"w is not all zeros"),
    _impl("initialize_with_zeros", "ones", """
        def initialize_with_zeros(dim):
            return np.ones((dim, 1)), 0.0
    """, r"w is all ones"),
    _impl("initialize_with_zeros", "b starts at 1", """
        def initialize_with_zeros(dim):
            return np.zeros((dim, 1)), 1.0
    """, r"b is 1: b starts at 0\.0"),
    _impl("initialize_with_zeros", "returns (b, w)", """
        def initialize_with_zeros(dim):
            return 0.0, np.zeros((dim, 1))
    """, r"result is in the wrong order: it must be \(w, b\)"),
    _impl("initialize_with_zeros", "returns a dict", """
        def initialize_with_zeros(dim):
            return {"w": np.zeros((dim, 1)), "b": 0.0}
    """, r"result is a dict, expected a tuple \(w, b\)"),
    # ----------------------------------------------------------------------- optimize
    _edit("optimize", _OPTIMIZE_OK, "update before the gradient",
          r"one step behind .*updates w and b before computing its gradient",
          ("    costs = []\n", '    costs = []\n    grads = {"dw": np.zeros_like(w), "db": 0.0}\n'),
          (f"        {_STEP_W}\n        {_STEP_B}\n", ""),
          ("        A = forward", f"        {_STEP_W}\n        {_STEP_B}\n        A = forward")),
    _edit("optimize", _OPTIMIZE_OK, "cost recorded after the update",
          r"costs are recorded after the update",
          ("costs.append(cost)", "costs.append(compute_cost(forward(w, b, X), Y))")),
    _edit("optimize", _OPTIMIZE_OK, "cost every iteration", r"a cost for every iteration",
          (_RECORD, "        costs.append(cost)\n")),
    _edit("optimize", _OPTIMIZE_OK, "cost every 100 iterations, always",
          r"every 100 iterations whatever record_every is", ("i % record_every", "i % 100")),
    _edit("optimize", _OPTIMIZE_OK, "cost at the end of each block",
          r"at the end of each block", ("i % record_every", "(i + 1) % record_every")),
    _edit("optimize", _OPTIMIZE_OK, "learning rate applied twice",
          r"learning rate is applied twice",
          (_STEP_W, 'dw = learning_rate * grads["dw"]\n        w = w - learning_rate * dw'),
          (_STEP_B, 'db = learning_rate * grads["db"]\n        b = b - learning_rate * db')),
    _edit("optimize", _OPTIMIZE_OK, "learning rate ignored", r"learning rate is ignored",
          (_STEP_W, 'w = w - grads["dw"]'), (_STEP_B, 'b = b - grads["db"]')),
    _edit("optimize", _OPTIMIZE_OK, "up the gradient", r"move up the gradient",
          (_STEP_W, 'w = w + learning_rate * grads["dw"]'),
          (_STEP_B, 'b = b + learning_rate * grads["db"]')),
    _edit("optimize", _OPTIMIZE_OK, "parameters not carried over",
          r"parameters are not carried over",
          (_STEP_W, 'w_new = w - learning_rate * grads["dw"]'),
          (_STEP_B, 'b_new = b - learning_rate * grads["db"]'),
          ('{"w": w, "b": b}', '{"w": w_new, "b": b_new}')),
    _edit("optimize", _OPTIMIZE_OK, "one iteration too many",
          r"params are what \d+ steps of gradient descent give, expected num_iterations",
          ("range(num_iterations)", "range(num_iterations + 1)")),
    _edit("optimize", _OPTIMIZE_OK, "re-initialised inside", r"the given start is ignored",
          ("    costs = []\n", "    w, b = initialize_with_zeros(X.shape[0])\n    costs = []\n")),
    _edit("optimize", _OPTIMIZE_OK, "w updated in place", r"modified its input w in place",
          (_STEP_W, 'w -= learning_rate * grads["dw"]')),
    _edit("optimize", _OPTIMIZE_OK, "gradients recomputed after the loop",
          r"grads are computed after the last step",
          ("    return", "    grads = backward(X, forward(w, b, X), Y)\n    return")),
    _edit("optimize", _OPTIMIZE_OK, "params as a tuple",
          r"params is a tuple, expected a dict with keys 'w', 'b'",
          ('{"w": w, "b": b}', "(w, b)")),
    _edit("optimize", _OPTIMIZE_OK, "costs as an array", r"costs is an array .*expected a list",
          ("    return", "    costs = np.array(costs)\n    return")),
    # ------------------------------------------------------------------------ predict
    _impl("predict", "the probabilities", """
        def predict(w, b, X):
            return forward(w, b, X)
    """, r"holds the probabilities A"),
    _impl("predict", ">= 0.5", """
        def predict(w, b, X):
            return (forward(w, b, X) >= 0.5).astype(float)
    """, r"1\.0 where A is exactly 0\.5.*use >, not >="),
    _impl("predict", "a boolean mask", """
        def predict(w, b, X):
            return forward(w, b, X) > 0.5
    """, r"dtype bool: predictions are the numbers 0\.0 and 1\.0"),
    _impl("predict", "integer labels", """
        def predict(w, b, X):
            return (forward(w, b, X) > 0.5).astype(int)
    """, r"dtype int64, expected float64"),
    _impl("predict", "inverted", """
        def predict(w, b, X):
            return (forward(w, b, X) < 0.5) * 1.0
    """, r"is inverted"),
    _impl("predict", "A compared with 0", """
        def predict(w, b, X):
            return np.where(forward(w, b, X) > 0, 1.0, 0.0)
    """, r"A is compared with 0"),
    _impl("predict", "Z compared with 0.5", """
        def predict(w, b, X):
            return (np.dot(w.T, X) + b > 0.5).astype(float)
    """, r"Z = w\.T X \+ b is compared with 0\.5"),
    _impl("predict", "bias forgotten", """
        def predict(w, b, X):
            return (sigmoid(w.T @ X) > 0.5).astype(float)
    """, r"ignore b"),
    _impl("predict", "rank-1 result", """
        def predict(w, b, X):
            return (forward(w, b, X) > 0.5).astype(float).ravel()
    """, r"rank-1"),
    _impl("predict", "loops over the examples", """
        def predict(w, b, X):
            A = forward(w, b, X)
            Y_prediction = np.zeros((1, X.shape[1]))
            for i in range(A.shape[1]):
                Y_prediction[0, i] = 1.0 if A[0, i] > 0.5 else 0.0
            return Y_prediction
    """, _LOOP),
    # -------------------------------------------------------------------------- model
    _edit("model", _MODEL_OK, "record_every not passed on", r"pass record_every on to optimize",
          (_CALL, "optimize(w, b, X_train, Y_train, num_iterations, learning_rate)")),
    _edit("model", _MODEL_OK, "learning_rate not passed on",
          r"learning_rate = 0\.005 gives: pass learning_rate on",
          (_CALL, "optimize(w, b, X_train, Y_train, num_iterations,\n"
                  "                                    record_every=record_every)")),
    _edit("model", _MODEL_OK, "optimize's defaults", r"optimize's defaults",
          (_CALL, "optimize(w, b, X_train, Y_train)")),
    _edit("model", _MODEL_OK, "trained on the test set", r"trained on the test set",
          (_CALL, "optimize(w, b, X_test, Y_test, num_iterations, learning_rate,\n"
                  "                                    record_every)")),
    _edit("model", _MODEL_OK, "random start", r"w is not what num_iterations steps from w = 0",
          ("w, b = initialize_with_zeros(X_train.shape[0])",
           "w, b = np.random.randn(X_train.shape[0], 1) * 0.01, 0.0")),
    _edit("model", _MODEL_OK, "accuracy in percent", r"train_accuracy is a percentage",
          ("float(np.mean(Y_prediction_train == Y_train))",
           "100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100")),
    _edit("model", _MODEL_OK, "error rate", r"fraction of wrong predictions",
          ("np.mean(Y_prediction_test == Y_test)", "np.mean(Y_prediction_test != Y_test)")),
    _edit("model", _MODEL_OK, "test predictions against the training labels",
          r"could not be broadcast",
          ("Y_prediction_test == Y_test", "Y_prediction_test == Y_train")),
    _edit("model", _MODEL_OK, "one accuracy for both", r"test_accuracy is the accuracy of the "
          "other set", ('"test_accuracy": test_accuracy', '"test_accuracy": train_accuracy')),
    _edit("model", _MODEL_OK, "predictions swapped",
          r"Y_prediction_train has the shape of the predictions for X_test",
          ('"Y_prediction_train": Y_prediction_train, "Y_prediction_test": Y_prediction_test',
           '"Y_prediction_train": Y_prediction_test, "Y_prediction_test": Y_prediction_train')),
    _edit("model", _MODEL_OK, "w, b left in params", r"w is a dict, expected a numpy ndarray",
          ('    w, b = params["w"], params["b"]\n', ""),
          ("predict(w, b, X_train)", 'predict(params["w"], params["b"], X_train)'),
          ("predict(w, b, X_test)", 'predict(params["w"], params["b"], X_test)'),
          ('{"w": w, "b": b,', '{"w": params, "b": b,')),
    _edit("model", _MODEL_OK, "num_iterations not returned",
          r"missing keys \['num_iterations'\]",
          (', "num_iterations": num_iterations}', "}")),
]  # fmt: skip

RIGHT += [
    _impl("initialize_with_zeros", "textbook", """
        def initialize_with_zeros(dim):
            w = np.zeros((dim, 1))
            b = 0.0
            return w, b
    """),
    _impl("initialize_with_zeros", "reshape, a list, float(0)", """
        def initialize_with_zeros(dim):
            w = np.zeros(dim).reshape(dim, 1)
            return [w, float(0)]
    """),
    _impl("initialize_with_zeros", "np.full of a column, numpy zero b", """
        def initialize_with_zeros(dim):
            w = np.full(shape=(dim, 1), fill_value=0.0)
            return w, np.float64(0)
    """),
    _impl("initialize_with_zeros", "zeros times ones, row transposed", """
        def initialize_with_zeros(dim):
            w = 0.0 * np.ones((1, dim)).T
            return w, float(w.sum())
    """),
    _impl("initialize_with_zeros", "list comprehension", """
        def initialize_with_zeros(dim):
            return np.array([[0.0] for _ in range(dim)]), 0.0 * 1
    """),
    _impl("optimize", "textbook", _OPTIMIZE_OK),
    _impl("optimize", "cost computed only when recorded, tuple step", """
        def optimize(w, b, X, Y, num_iterations=2000, learning_rate=0.005, record_every=100):
            costs = []
            for i in range(num_iterations):
                A = forward(w, b, X)
                grads = backward(X, A, Y)
                if i % record_every == 0:
                    costs.append(compute_cost(A, Y))
                w, b = w - learning_rate * grads["dw"], b - learning_rate * grads["db"]
            return {"w": w, "b": b}, grads, costs
    """),
    _impl("optimize", "a params dict, keyword arguments", """
        def optimize(w, b, X, Y, num_iterations=2000, learning_rate=0.005, record_every=100):
            params, costs = {"w": w.copy(), "b": b}, []
            for i in range(num_iterations):
                A = forward(params["w"], params["b"], X)
                if not i % record_every:
                    costs.append(compute_cost(A=A, Y=Y))
                grads = backward(X=X, A=A, Y=Y)
                params = {key: value - learning_rate * grads["d" + key]
                          for key, value in params.items()}
            return params, grads, costs
    """),
    _impl("optimize", "the recorded iterations as a set", """
        def optimize(w, b, X, Y, num_iterations=2000, learning_rate=0.005, record_every=100):
            recorded = set(range(0, num_iterations, record_every))
            costs = []
            for i in range(num_iterations):
                A = forward(w, b, X)
                grads = backward(X, A, Y)
                if i in recorded:
                    costs += [compute_cost(A, Y)]
                step_w, step_b = grads["dw"] * learning_rate, grads["db"] * learning_rate
                w, b = w - step_w, b - step_b
            return dict(w=w, b=b), grads, costs
    """),
    _impl("predict", "astype(float)", """
        def predict(w, b, X):
            return (forward(w, b, X) > 0.5).astype(float)
    """),
    _impl("predict", "np.where", """
        def predict(w, b, X):
            A = forward(w, b, X)
            return np.where(A > 0.5, 1.0, 0.0)
    """),
    _impl("predict", "Z > 0, the same rule", """
        def predict(w, b, X):
            Z = np.dot(w.T, X) + b
            return 1.0 * (Z > 0)
    """),
    _impl("predict", "np.round: halves round to even", """
        def predict(w, b, X):
            return np.round(forward(w, b, X))
    """),
    _impl("model", "textbook", _MODEL_OK),
    _impl("model", "keyword arguments, 1 - mean |error|, prints its accuracies", """
        def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
                  record_every=100):
            w0, b0 = initialize_with_zeros(X_train.shape[0])
            params, _, costs = optimize(w0, b0, X_train, Y_train, learning_rate=learning_rate,
                                        num_iterations=num_iterations, record_every=record_every)
            result = {"w": params["w"], "b": params["b"], "costs": costs,
                      "learning_rate": learning_rate, "num_iterations": num_iterations}
            for name, X, Y in (("train", X_train, Y_train), ("test", X_test, Y_test)):
                P = predict(params["w"], params["b"], X)
                result[f"Y_prediction_{name}"] = P
                result[f"{name}_accuracy"] = 1 - float(np.mean(np.abs(P - Y)))
                print(f"{name} accuracy: {result[name + '_accuracy']:.1%}")
            return result
    """),
    _impl("model", "dict(), counts over m", """
        def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
                  record_every=100):
            n_x, m_train = X_train.shape
            w, b = initialize_with_zeros(n_x)
            trained, grads, costs = optimize(w, b, X_train, Y_train, num_iterations,
                                             learning_rate, record_every)
            w, b = trained["w"], trained["b"]
            P_train, P_test = predict(w, b, X_train), predict(w, b, X_test)
            return dict(
                w=w, b=b, costs=list(costs), Y_prediction_train=P_train,
                Y_prediction_test=P_test,
                train_accuracy=np.sum(P_train == Y_train) / m_train,
                test_accuracy=np.sum(P_test == Y_test) / Y_test.shape[1],
                learning_rate=learning_rate, num_iterations=num_iterations,
            )
    """),
]  # fmt: skip
