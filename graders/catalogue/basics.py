"""Catalogue: the chapter-1 shape exercise ``row_means(X) -> (n, 1)``."""

from __future__ import annotations

from textwrap import dedent

from graders.catalogue import Implementation


def _impl(name: str, source: str, diagnosis: str | None = None) -> Implementation:
    return Implementation("row_means", name, dedent(source).strip() + "\n", diagnosis, "basics")


WRONG = [
    _impl("rank-1 result", """
        def row_means(X):
            return np.mean(X, axis=1)
    """, r"keepdims=True"),
    _impl("wrong axis, keepdims", """
        def row_means(X):
            return np.mean(X, axis=0, keepdims=True)
    """, r"averages each column \(axis=0\)"),
    _impl("wrong axis, reshaped", """
        def row_means(X):
            return X.mean(axis=0).reshape(-1, 1)
    """, r"column means reshaped"),
    _impl("sum, not mean", """
        def row_means(X):
            return np.sum(X, axis=1, keepdims=True)
    """, r"row sums: divide by the number of examples"),
    _impl("divides by the number of rows", """
        def row_means(X):
            return X.sum(axis=1, keepdims=True) / X.shape[0]
    """, r"divides the row sums by n = X.shape\[0\]"),
    _impl("mean of everything", """
        def row_means(X):
            return np.mean(X)
    """, r"numpy scalar.*averages every entry"),
    _impl("a row instead of a column", """
        def row_means(X):
            return np.mean(X, axis=1).reshape(1, -1)
    """, r"is a row, shape \(1, 3\)"),
    _impl("transposed keepdims", """
        def row_means(X):
            return np.mean(X, axis=1, keepdims=True).T
    """, r"is a row|transposed"),
    _impl("median", """
        def row_means(X):
            return np.median(X, axis=1, keepdims=True)
    """, r"medians"),
    _impl("centres X in place", """
        def row_means(X):
            mu = X.mean(axis=1, keepdims=True)
            X -= mu
            return mu
    """, r"modified its input X"),
    _impl("list of means", """
        def row_means(X):
            return [[row.mean()] for row in X]
    """, r"mu is a list, expected a numpy ndarray"),
    _impl("loops over the examples", """
        def row_means(X):
            total = np.zeros((X.shape[0], 1))
            for j in range(X.shape[1]):
                total += X[:, j:j + 1]
            return total / X.shape[1]
    """, r"not vectorized"),
]  # fmt: skip

RIGHT = [
    _impl("keepdims", """
        def row_means(X):
            return np.mean(X, axis=1, keepdims=True)
    """),
    _impl("reshape", """
        def row_means(X):
            return X.mean(axis=1).reshape(X.shape[0], 1)
    """),
    _impl("matrix product with ones", """
        def row_means(X):
            m = X.shape[1]
            return X @ np.ones((m, 1)) / m
    """),
    _impl("newaxis and a loop over rows", """
        def row_means(X):
            sums = np.array([row.sum() for row in X])
            return sums[:, np.newaxis] / X.shape[1]
    """),
]  # fmt: skip
