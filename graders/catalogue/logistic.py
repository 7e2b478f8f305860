"""Catalogue: chapter-2 logistic regression ``forward``, ``compute_cost``, ``backward``.

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
