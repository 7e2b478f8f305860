"""Catalogue: sigmoid, sigmoid_derivative, tanh_backward, relu_backward, leaky_relu_backward.

Free names: ``sigmoid`` (the learner's own, from the chapter-1 cell before).
"""

from __future__ import annotations

from textwrap import dedent

from graders.catalogue import Implementation


def _impl(function: str, name: str, source: str, diagnosis: str | None = None):
    return Implementation(function, name, dedent(source).strip() + "\n", diagnosis, "activations")


_LOOP = "not vectorized"
_MODIFIED = r"modified its input"

WRONG = [
    # ------------------------------------------------------------------ sigmoid
    _impl("sigmoid", "sign of the exponent", """
        def sigmoid(Z):
            return 1 / (1 + np.exp(Z))
    """, r"sigmoid\(-Z\): the sign"),
    _impl("sigmoid", "1 - sigmoid written as e^-z / (1 + e^-z)", """
        def sigmoid(Z):
            E = np.exp(-np.abs(Z))
            return np.where(Z >= 0, E / (1 + E), 1 / (1 + E))
    """, r"sigmoid\(-Z\): the sign"),
    _impl("sigmoid", "naive formula overflows", """
        def sigmoid(Z):
            return 1 / (1 + np.exp(-Z))
    """, r"overflowed.*not numerically stable"),
    _impl("sigmoid", "np.where evaluates both branches", """
        def sigmoid(Z):
            return np.where(Z >= 0, 1 / (1 + np.exp(-Z)), np.exp(Z) / (1 + np.exp(Z)))
    """, r"overflowed.*np.where evaluates both"),
    _impl("sigmoid", "e^z / (1 + e^z) gives nan for large z", """
        def sigmoid(Z):
            return np.exp(Z) / (1 + np.exp(Z))
    """, r"nan for large \|Z\|"),
    _impl("sigmoid", "operator precedence", """
        def sigmoid(Z):
            return 1/1 + np.exp(-Z)
    """, r"precedence"),
    _impl("sigmoid", "minus in the denominator", """
        def sigmoid(Z):
            return 1 / (1 - np.exp(-Z))
    """, r"1 / \(1 - e\^\(-Z\)\)"),
    _impl("sigmoid", "ReLU instead", """
        def sigmoid(Z):
            return np.maximum(0, Z)
    """, r"ReLU\(Z\), not sigmoid"),
    _impl("sigmoid", "tanh instead", """
        def sigmoid(Z):
            return np.tanh(Z)
    """, r"tanh\(Z\), not sigmoid"),
    _impl("sigmoid", "the derivative instead", """
        def sigmoid(Z):
            s = np.exp(-np.logaddexp(0, -Z))
            return s * (1 - s)
    """, r"derivative s\(1 - s\), not sigmoid"),
    _impl("sigmoid", "math.exp on an array", """
        import math

        def sigmoid(Z):
            return 1 / (1 + math.exp(-Z))
    """, r"math.exp / math.log work on single numbers"),
    _impl("sigmoid", "clips its input in place", """
        def sigmoid(Z):
            np.clip(Z, -500, 500, out=Z)
            return 1 / (1 + np.exp(-Z))
    """, _MODIFIED + r" Z"),
    _impl("sigmoid", "loops over every entry", """
        def sigmoid(Z):
            A = np.zeros(Z.shape)
            for i in range(Z.shape[0]):
                for j in range(Z.shape[1]):
                    z = Z[i, j]
                    A[i, j] = 1 / (1 + np.exp(-z)) if z >= 0 else np.exp(z) / (1 + np.exp(z))
            return A
    """, _LOOP),
    _impl("sigmoid", "returns a list", """
        def sigmoid(Z):
            return [[float(np.exp(-np.logaddexp(0, -z))) for z in row] for row in Z]
    """, r"A is a list, expected a numpy ndarray"),
    _impl("sigmoid", "stub", """
        def sigmoid(Z):
            raise NotImplementedError()
    """, r"raises NotImplementedError"),
    # ------------------------------------------------------- sigmoid_derivative
    _impl("sigmoid_derivative", "s * (1 - Z)", """
        def sigmoid_derivative(Z):
            s = sigmoid(Z)
            return s * (1 - Z)
    """, r"s \* \(1 - Z\)"),
    _impl("sigmoid_derivative", "a(1 - a) applied to Z", """
        def sigmoid_derivative(Z):
            return Z * (1 - Z)
    """, r"Z \* \(1 - Z\).*compute s first"),
    _impl("sigmoid_derivative", "returns sigmoid", """
        def sigmoid_derivative(Z):
            return sigmoid(Z)
    """, r"sigmoid\(Z\) itself"),
    _impl("sigmoid_derivative", "s * (1 + s)", """
        def sigmoid_derivative(Z):
            s = sigmoid(Z)
            return s * (1 + s)
    """, r"s \* \(1 \+ s\)"),
    _impl("sigmoid_derivative", "tanh's formula", """
        def sigmoid_derivative(Z):
            return 1 - sigmoid(Z) ** 2
    """, r"tanh's derivative formula"),
    _impl("sigmoid_derivative", "sigmoid(Z) * (1 - sigmoid(-Z))", """
        def sigmoid_derivative(Z):
            return sigmoid(Z) * (1 - sigmoid(-Z))
    """, r"s\*\*2"),
    _impl("sigmoid_derivative", "unstable closed form", """
        def sigmoid_derivative(Z):
            return np.exp(-Z) / (1 + np.exp(-Z)) ** 2
    """, r"nan for large \|Z\|"),
    _impl("sigmoid_derivative", "negated", """
        def sigmoid_derivative(Z):
            s = sigmoid(Z)
            return s * (s - 1)
    """, r"wrong sign"),
    _impl("sigmoid_derivative", "overwrites Z with sigmoid(Z)", """
        def sigmoid_derivative(Z):
            Z[...] = sigmoid(Z)
            return Z * (1 - Z)
    """, _MODIFIED + r" Z"),
    _impl("sigmoid_derivative", "matrix product instead of elementwise", """
        def sigmoid_derivative(Z):
            s = sigmoid(Z)
            return np.dot(s, (1 - s).T)
    """, r"shape \(3, 3\), expected \(3, 5\): that is a matrix product"),
    _impl("sigmoid_derivative", "loops over the examples", """
        def sigmoid_derivative(Z):
            out = np.zeros(Z.shape)
            for j in range(Z.shape[1]):
                s = sigmoid(Z[:, j])
                out[:, j] = s * (1 - s)
            return out
    """, _LOOP),
    # ------------------------------------------------------------ tanh_backward
    _impl("tanh_backward", "1 - Z**2", """
        def tanh_backward(dA, Z):
            return dA * (1 - Z ** 2)
    """, r"1 - Z\*\*2"),
    _impl("tanh_backward", "1 - A instead of 1 - A**2", """
        def tanh_backward(dA, Z):
            A = np.tanh(Z)
            return dA * (1 - A)
    """, r"\(1 - A\) with A = tanh\(Z\)"),
    _impl("tanh_backward", "(1 - A)**2", """
        def tanh_backward(dA, Z):
            return dA * (1 - np.tanh(Z)) ** 2
    """, r"\(1 - A\)\*\*2"),
    _impl("tanh_backward", "sigmoid's derivative where tanh belongs", """
        def tanh_backward(dA, Z):
            s = 1 / (1 + np.exp(-Z))
            return dA * s * (1 - s)
    """, r"sigmoid's derivative"),
    _impl("tanh_backward", "forgets dA", """
        def tanh_backward(dA, Z):
            return 1 - np.tanh(Z) ** 2
    """, r"multiply by the incoming gradient dA"),
    _impl("tanh_backward", "1 + A**2", """
        def tanh_backward(dA, Z):
            return dA * (1 + np.tanh(Z) ** 2)
    """, r"1 \+ A\*\*2"),
    _impl("tanh_backward", "derivative at dA", """
        def tanh_backward(dA, Z):
            return dA * (1 - np.tanh(dA) ** 2)
    """, r"evaluated at Z, not at dA"),
    _impl("tanh_backward", "arguments swapped", """
        def tanh_backward(Z, dA):
            return dA * (1 - np.tanh(Z) ** 2)
    """, r"arguments look swapped"),
    _impl("tanh_backward", "in-place on dA", """
        def tanh_backward(dA, Z):
            dA *= 1 - np.tanh(Z) ** 2
            return dA
    """, _MODIFIED + r" dA"),
    _impl("tanh_backward", "matrix product", """
        def tanh_backward(dA, Z):
            return np.dot(dA, (1 - np.tanh(Z) ** 2).T)
    """, r"shape \(3, 3\), expected \(3, 5\): that is a matrix product"),
    _impl("tanh_backward", "loops over the examples", """
        def tanh_backward(dA, Z):
            dZ = np.empty_like(dA)
            for i in range(Z.shape[1]):
                dZ[:, i] = dA[:, i] * (1 - np.tanh(Z[:, i]) ** 2)
            return dZ
    """, _LOOP),
    # ------------------------------------------------------------ relu_backward
    _impl("relu_backward", "mask from dA", """
        def relu_backward(dA, Z):
            return dA * (dA > 0)
    """, r"mask is taken from dA"),
    _impl("relu_backward", "ReLU applied to dA", """
        def relu_backward(dA, Z):
            return np.maximum(0, dA)
    """, r"mask is taken from dA"),
    _impl("relu_backward", "inverted mask", """
        def relu_backward(dA, Z):
            return dA * (Z < 0)
    """, r"mask is inverted"),
    _impl("relu_backward", "forgets dA", """
        def relu_backward(dA, Z):
            return (Z > 0) * 1.0
    """, r"mask alone"),
    _impl("relu_backward", "returns the forward pass", """
        def relu_backward(dA, Z):
            return np.maximum(0, Z)
    """, r"relu\(Z\), the forward pass"),
    _impl("relu_backward", "multiplies by relu(Z)", """
        def relu_backward(dA, Z):
            return dA * np.maximum(0, Z)
    """, r"not by relu\(Z\)"),
    _impl("relu_backward", "leaky slope", """
        def relu_backward(dA, Z):
            return np.where(Z > 0, dA, 0.01 * dA)
    """, r"slope on the negative side"),
    _impl("relu_backward", "arguments swapped", """
        def relu_backward(Z, dA):
            return dA * (Z > 0)
    """, r"arguments look swapped"),
    _impl("relu_backward", "zeroes dA in place", """
        def relu_backward(dA, Z):
            dZ = dA
            dZ[Z <= 0] = 0
            return dZ
    """, _MODIFIED + r" dA"),
    _impl("relu_backward", "returns dA unchanged", """
        def relu_backward(dA, Z):
            return dA
    """, r"dZ is the input dA, unchanged"),
    _impl("relu_backward", "returns the bool mask", """
        def relu_backward(dA, Z):
            return Z > 0
    """, r"mask alone"),
    _impl("relu_backward", "loops over the examples", """
        def relu_backward(dA, Z):
            dZ = np.zeros(dA.shape)
            for i in range(dA.shape[1]):
                dZ[:, i] = np.where(Z[:, i] > 0, dA[:, i], 0)
            return dZ
    """, _LOOP),
    # ------------------------------------------------------ leaky_relu_backward
    _impl("leaky_relu_backward", "mask from dA", """
        def leaky_relu_backward(dA, Z):
            return np.where(dA > 0, dA, 0.01 * dA)
    """, r"mask is taken from dA"),
    _impl("leaky_relu_backward", "plain ReLU's derivative", """
        def leaky_relu_backward(dA, Z):
            return dA * (Z > 0)
    """, r"slope 0\b.*0\.01"),
    _impl("leaky_relu_backward", "slope 0.1", """
        def leaky_relu_backward(dA, Z):
            return np.where(Z > 0, dA, 0.1 * dA)
    """, r"slope 0\.1: leaky"),
    _impl("leaky_relu_backward", "negative slope sign", """
        def leaky_relu_backward(dA, Z):
            return np.where(Z > 0, dA, -0.01 * dA)
    """, r"slope -0\.01"),
    _impl("leaky_relu_backward", "slopes swapped", """
        def leaky_relu_backward(dA, Z):
            return np.where(Z > 0, 0.01 * dA, dA)
    """, r"slopes are swapped"),
    _impl("leaky_relu_backward", "forgets dA", """
        def leaky_relu_backward(dA, Z):
            return np.where(Z > 0, 1.0, 0.01)
    """, r"derivative alone"),
    _impl("leaky_relu_backward", "returns the forward pass", """
        def leaky_relu_backward(dA, Z):
            return np.maximum(0.01 * Z, Z)
    """, r"leaky_relu\(Z\), the forward pass"),
    _impl("leaky_relu_backward", "arguments swapped", """
        def leaky_relu_backward(Z, dA):
            return np.where(Z > 0, dA, 0.01 * dA)
    """, r"arguments look swapped"),
    _impl("leaky_relu_backward", "scales dA in place", """
        def leaky_relu_backward(dA, Z):
            dA[Z <= 0] *= 0.01
            return dA
    """, _MODIFIED + r" dA"),
    _impl("leaky_relu_backward", "loops over the examples", """
        def leaky_relu_backward(dA, Z):
            dZ = dA.copy()
            for i in range(dA.shape[1]):
                dZ[:, i] = np.where(Z[:, i] > 0, dA[:, i], 0.01 * dA[:, i])
            return dZ
    """, _LOOP),
    # Both passed every check until a case had Z exactly 0 (they were RIGHT entries).
    _impl("relu_backward", "int mask with Z >= 0", """
        def relu_backward(dA, Z):
            return dA * (Z >= 0).astype(int)
    """, r"wrong where Z is exactly 0.*ReLU's derivative at 0.*\(0\).*Z > 0, not Z >= 0"),
    _impl("leaky_relu_backward", "slope array, 0.01 only where Z < 0", """
        def leaky_relu_backward(dA, Z):
            slope = np.ones_like(Z)
            slope[Z < 0] = 0.01
            return dA * slope
    """, r"wrong where Z is exactly 0.*leaky ReLU's derivative at 0.*\(0\.01\)"),
]  # fmt: skip

RIGHT = [
    _impl("sigmoid", "logaddexp", """
        def sigmoid(Z):
            return np.exp(-np.logaddexp(0, -Z))
    """),
    _impl("sigmoid", "tanh identity", """
        def sigmoid(Z):
            return 0.5 * (1 + np.tanh(0.5 * Z))
    """),
    _impl("sigmoid", "exp of non-positive numbers only", """
        def sigmoid(Z):
            E = np.exp(-np.abs(Z))
            return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))
    """),
    _impl("sigmoid", "clipped input", """
        def sigmoid(Z):
            return 1 / (1 + np.exp(-np.clip(Z, -500, 500)))
    """),
    _impl("sigmoid", "masks, no np.where", """
        def sigmoid(Z):
            A = np.empty_like(Z, dtype=float)
            pos = Z >= 0
            A[pos] = 1 / (1 + np.exp(-Z[pos]))
            E = np.exp(Z[~pos])
            A[~pos] = E / (1 + E)
            return A
    """),
    _impl("sigmoid_derivative", "s * (1 - s)", """
        def sigmoid_derivative(Z):
            s = sigmoid(Z)
            return s * (1 - s)
    """),
    _impl("sigmoid_derivative", "s - s**2", """
        def sigmoid_derivative(Z):
            s = sigmoid(Z)
            return s - s ** 2
    """),
    _impl("sigmoid_derivative", "sigmoid(Z) * sigmoid(-Z)", """
        def sigmoid_derivative(Z):
            return sigmoid(Z) * sigmoid(-Z)
    """),
    _impl("sigmoid_derivative", "stable closed form", """
        def sigmoid_derivative(Z):
            E = np.exp(-np.abs(Z))
            return E / (1 + E) ** 2
    """),
    _impl("tanh_backward", "1 - A**2", """
        def tanh_backward(dA, Z):
            A = np.tanh(Z)
            return dA * (1 - A ** 2)
    """),
    _impl("tanh_backward", "1 / cosh**2", """
        def tanh_backward(dA, Z):
            return dA / np.cosh(Z) ** 2
    """),
    _impl("tanh_backward", "(1 - A)(1 + A)", """
        def tanh_backward(dA, Z):
            A = np.tanh(Z)
            return dA * (1 - A) * (1 + A)
    """),
    _impl("tanh_backward", "via sigmoid: tanh(z) = 2 sigmoid(2z) - 1", """
        def tanh_backward(dA, Z):
            s = sigmoid(2 * Z)
            return dA * 4 * s * (1 - s)
    """),
    _impl("relu_backward", "copy then zero", """
        def relu_backward(dA, Z):
            dZ = np.array(dA, copy=True)
            dZ[Z <= 0] = 0
            return dZ
    """),
    _impl("relu_backward", "np.where", """
        def relu_backward(dA, Z):
            return np.where(Z > 0, dA, 0.0)
    """),
    _impl("relu_backward", "multiply by an int mask", """
        def relu_backward(dA, Z):
            return dA * (Z > 0).astype(int)
    """),
    _impl("relu_backward", "heaviside", """
        def relu_backward(dA, Z):
            return dA * np.heaviside(Z, 0.0)
    """),
    _impl("leaky_relu_backward", "np.where", """
        def leaky_relu_backward(dA, Z):
            return np.where(Z > 0, dA, 0.01 * dA)
    """),
    _impl("leaky_relu_backward", "copy then scale", """
        def leaky_relu_backward(dA, Z):
            dZ = dA.copy()
            dZ[Z <= 0] *= 0.01
            return dZ
    """),
    _impl("leaky_relu_backward", "slope array from a mask", """
        def leaky_relu_backward(dA, Z):
            slope = np.ones_like(Z)
            slope[Z <= 0] = 0.01
            return dA * slope
    """),
    _impl("leaky_relu_backward", "maximum of 0.01 and the step", """
        def leaky_relu_backward(dA, Z, slope=0.01):
            return dA * np.maximum(slope, (Z > 0).astype(float))
    """),
]  # fmt: skip
