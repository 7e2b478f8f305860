"""Catalogue: chapter-2 logistic regression ``forward``, ``compute_cost``, ``backward``.

Free names: ``sigmoid`` (the learner's own, from chapter 1), and in a wrong entry the
notebook's ``m_train`` (``NOTEBOOK_NAMES``).
"""

from __future__ import annotations

from textwrap import dedent

from graders.catalogue import Implementation


def _impl(function: str, name: str, source: str, diagnosis: str | None = None):
    return Implementation(function, name, dedent(source).strip() + "\n", diagnosis, "logistic")


_LOOP = "not vectorized"

NOTEBOOK_NAMES = {"m_train": 456}  # the notebook's training set size (breast cancer)

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
    # ------------------------------------------------------------- compute_cost
    _impl("compute_cost", "minus sign missing", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            return float(np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    """, r"wrong sign"),
    _impl("compute_cost", "sum without 1/m", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    """, r"m = 5 times too large"),
    _impl("compute_cost", "divides by A.shape[0]", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / A.shape[0])
    """, r"A.shape\[0\] is 1"),
    _impl("compute_cost", "divides by m twice", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            m = Y.shape[1]
            return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    """, r"m = 5 times too small"),
    _impl("compute_cost", "the notes' misplaced bracket", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            return float(-np.mean(Y * np.log(A) + (1 - Y * np.log(1 - A))))
    """, r"bracket is misplaced"),
    _impl("compute_cost", "logs swapped", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            return float(-np.mean(Y * np.log(1 - A) + (1 - Y) * np.log(A)))
    """, r"swapped"),
    _impl("compute_cost", "squared error", """
        def compute_cost(A, Y):
            return float(np.mean((A - Y) ** 2) / 2)
    """, r"squared error"),
    _impl("compute_cost", "only the y = 1 term", """
        def compute_cost(A, Y):
            return float(-np.mean(Y * np.log(A)))
    """, r"\(1 - Y\) log\(1 - A\) term is missing"),
    _impl("compute_cost", "log10", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            return float(-np.mean(Y * np.log10(A) + (1 - Y) * np.log10(1 - A)))
    """, r"log base 10"),
    _impl("compute_cost", "arguments swapped: log of Y", """
        def compute_cost(Y, A):
            Y = Y.astype(float)
            A = A.astype(float)
            return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    """, r"log\(0\) happened"),
    _impl("compute_cost", "(1, 1) array from np.dot", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            m = A.shape[1]
            return -(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T)) / m
    """, r"array of shape \(1, 1\), expected a number"),
    _impl("compute_cost", "(1,) array from axis=1", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1)
    """, r"array of shape \(1,\), expected a number"),
    _impl("compute_cost", "-Y on boolean labels", """
        def compute_cost(A, Y):
            return float(np.mean(-Y * np.log(A) - (1 - Y) * np.log(1 - A)))
    """, r"works when Y holds floats but not when Y has dtype bool.*booleans cannot be negated"),
    _impl("compute_cost", "-Y wraps around for uint8", """
        def compute_cost(A, Y):
            if Y.dtype == bool:
                Y = Y.astype(int)
            return float(np.mean(-Y * np.log(A) - (1 - Y) * np.log(1 - A)))
    """, r"not when Y has dtype uint8.*-Y wraps around"),
    _impl("compute_cost", "loops over the examples", """
        def compute_cost(A, Y):
            m = A.shape[1]
            total = 0.0
            for i in range(m):
                a, y = min(max(A[0, i], 1e-15), 1 - 1e-15), float(Y[0, i])
                total += -(y * np.log(a) + (1 - y) * np.log(1 - a))
            return total / m
    """, _LOOP),
    _impl("compute_cost", "unclipped: nan where A saturates", """
        def compute_cost(A, Y):
            m = A.shape[1]
            return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    """, r"exactly 0\.0 and 1\.0 \(a saturated sigmoid\).*clip A just inside \(0, 1\)"),
    _impl("compute_cost", "float() of the unsummed losses", """
        def compute_cost(A, Y):
            m = A.shape[1]
            A = np.clip(A, 1e-15, 1 - 1e-15)
            return float(-(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    """, r"float\(\) converts one number.*sum a \(1, m\) row of losses.*raised at your line 4: "
         r"return float\(-\(Y \* np\.log\(A\)"),
    _impl("compute_cost", "rounded to 4 decimals", """
        def compute_cost(A, Y):
            A = np.clip(A, 1e-15, 1 - 1e-15)
            return round(float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))), 4)
    """, r"cost is rounded to 4 decimals"),
    _impl("compute_cost", "outer products, summed", """
        def compute_cost(A, Y):
            m = A.shape[1]
            Y = Y.astype(float)
            A = np.clip(A, 1e-15, 1 - 1e-15)
            return float(-np.sum(np.dot(Y.T, np.log(A)) + np.dot((1 - Y).T, np.log(1 - A))) / m)
    """, r"sums an \(m, m\) outer product"),
    _impl("compute_cost", "one term an outer product", """
        def compute_cost(A, Y):
            m = A.shape[1]
            Y = Y.astype(float)
            A = np.clip(A, 1e-15, 1 - 1e-15)
            cost = np.dot(Y, np.log(A).T) + np.sum(np.dot((1 - Y).T, np.log(1 - A)))
            return float(np.squeeze(-cost / m))
    """, r"sums an \(m, m\) outer product"),
    _impl("compute_cost", "outer products, not summed", """
        def compute_cost(A, Y):
            m = A.shape[1]
            Y = Y.astype(float)
            A = np.clip(A, 1e-15, 1 - 1e-15)
            return -(np.dot(Y.T, np.log(A)) + np.dot((1 - Y).T, np.log(1 - A))) / m
    """, r"shape \(5, 5\), expected a number: an \(m, m\) outer product"),
    _impl("compute_cost", "np.dot of two rows: the second term's .T missing", """
        def compute_cost(A, Y):
            m = A.shape[1]
            A = np.clip(A, 1e-15, 1 - 1e-15)
            cost = -(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A))) / m
            return float(np.squeeze(cost))
    """, r"np\.dot of two arrays of the same shape.*np\.dot\(Y, np\.log\(A\)\.T\)"),
    _impl("compute_cost", "the notebook's m_train", """
        def compute_cost(A, Y):
            A = np.clip(A, 1e-15, 1 - 1e-15)
            return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m_train)
    """, r"divided by \d+ instead of m = 5.*not from a variable of the notebook"),
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
    _impl("compute_cost", "textbook formula, labels as given", """
        def compute_cost(A, Y):
            m = A.shape[1]
            A = np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))
            return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    """),
    _impl("compute_cost", "mean of the losses", """
        def compute_cost(A, Y):
            Y = Y.astype(float)
            A = np.clip(A, 1e-15, 1 - 1e-15)
            return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    """),
    _impl("compute_cost", "np.dot, squeezed", """
        def compute_cost(A, Y):
            Y = np.asarray(Y, dtype=float)
            m = A.shape[1]
            A = np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))
            cost = -(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T)) / m
            return float(np.squeeze(cost))
    """),
    _impl("compute_cost", "np.squeeze: a 0-d array", """
        def compute_cost(A, Y):
            m = A.shape[1]
            A = np.clip(A, 1e-15, 1 - 1e-15)
            cost = -(np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T)) / m
            return np.squeeze(cost)
    """),
    _impl("compute_cost", "log of the probability of the true label", """
        def compute_cost(A, Y):
            p = np.where(Y == 1, A, 1 - A)
            return -np.log(p).sum() / A.shape[1]
    """),
    _impl("compute_cost", "clipped with epsilon 1e-12", """
        def compute_cost(A, Y):
            eps = 1e-12
            A = np.clip(A, eps, 1 - eps)
            return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    """),
    _impl("compute_cost", "clipped", """
        def compute_cost(A, Y):
            A = np.clip(A, 1e-15, 1 - 1e-15)
            Y = Y * 1.0
            return float(-(Y * np.log(A) + (1 - Y) * np.log1p(-A)).mean())
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
