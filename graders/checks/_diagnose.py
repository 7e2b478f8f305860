"""Diagnoses: from the relation between the learner's output and the reference to a hint.

A *diagnosis* is a function ``(Evidence) -> str | None``. A spec lists its own specific
diagnoses (tried first); the generic ones below follow; the first message wins. Messages
are one line: what is wrong, then a hint towards the fix, never the solution and never
the expected arrays of a hidden case.

- :func:`mistake` builds the most useful kind: "the output equals what this wrong
  formula computes on the same inputs", e.g.
  ``mistake("uses 1 - Z**2: the derivative is 1 - tanh(Z)**2",
  lambda dA, Z: dA * (1 - Z**2))``.
- :func:`ratio_diagnosis`, :func:`shape_diagnosis`, :func:`nonfinite_diagnosis`,
  :func:`transpose_diagnosis` know the generic mistakes (missing 1/m, sign, keepdims,
  rank-1 arrays, transposes, NaN).
- :func:`exception_diagnosis` explains common exceptions; :func:`fallback` reports the
  worst element when nothing fits.
"""

from __future__ import annotations

import linecache
import os
import re
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graders.checks._tamper import seal

_round = np.round

Diagnosis = Callable[["Evidence"], "str | None"]


@dataclass
class Evidence:
    """What a diagnosis may look at.

    Attributes
    ----------
    function : the graded function's name.
    stage : "keys", "shape", "dtype" or "value": what failed.
    key : the first output array that failed (None at the "keys" stage).
    inputs : the case's inputs by parameter name (fresh copies).
    got, expected : the learner's and the reference's flattened outputs.
    m : the number of examples of the case.
    hidden : whether the case is hidden (then expected values must not be shown).
    extra : the case's extra plain data (e.g. the parameters that produced A).
    """

    function: str
    stage: str
    key: str | None
    inputs: dict[str, Any]
    got: dict[str, np.ndarray]
    expected: dict[str, np.ndarray]
    m: int
    hidden: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def format(self, message: str) -> str:
        """Fill ``{key}``, ``{m}``, ``{got_shape}`` and ``{expected_shape}`` in a message."""
        got = self.got.get(self.key) if self.key else None
        want = self.expected.get(self.key) if self.key else None
        return message.format(
            key=self.key,
            m=self.m,
            got_shape=_shape(got),
            expected_shape=_shape(want),
        )


def _shape(array: Any) -> str:
    return str(tuple(array.shape)) if array is not None else "?"


def close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float, equal_nan=False) -> bool:
    """Elementwise ``|a - b| <= atol + rtol * |b|`` with captured ufuncs (NaN never close)."""
    if a.shape != b.shape:
        return False
    diff = np.abs(np.subtract(a, b))
    ok = np.less_equal(diff, np.add(atol, np.multiply(rtol, np.abs(b))))
    if equal_nan:
        ok = ok | (np.isnan(a) & np.isnan(b))
        ok = ok | (np.equal(a, b) & ~np.isfinite(a))  # the same infinities
    return bool(np.all(ok))


def rel_diff(got: np.ndarray, want: np.ndarray, floor: float = 1e-12) -> float:
    """Largest ``|got - want| / max(|want|, floor)``."""
    if got.size == 0:
        return 0.0
    diff = np.abs(np.subtract(got, want))
    return float(np.max(np.divide(diff, np.maximum(np.abs(want), floor))))


def _as_float(array: np.ndarray) -> np.ndarray | None:
    try:
        return np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def mistake(message: str, model: Callable[..., Any], *, keys: tuple[str, ...] | None = None):
    """A diagnosis that fires when the output equals a wrong formula's output.

    Parameters
    ----------
    message : the one-line diagnosis; may use ``{key}``, ``{m}``, ``{got_shape}``.
    model : called with the case's inputs as keyword arguments (copies) and returns
        either one array (compared with the failing output) or a dict of output name ->
        array (every one must match; the failing output must be among them).
    keys : restrict the diagnosis to these failing outputs.
    """

    def diagnose(ev: Evidence) -> str | None:
        if ev.key is None or (keys is not None and ev.key not in keys):
            return None
        with np.errstate(all="ignore"):
            wrong = model(**{k: _copy(v) for k, v in ev.inputs.items()})
        wrong = wrong if isinstance(wrong, dict) else {ev.key: wrong}
        if ev.key not in wrong:
            return None
        for name, value in wrong.items():
            got = ev.got.get(name)
            value = _as_float(value)
            got = _as_float(got) if got is not None else None
            if got is None or value is None or value.shape != got.shape:
                return None
            if not close(got, value, 1e-6, 1e-9, equal_nan=True):
                return None
        return ev.format(message)

    return diagnose


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def nonfinite_diagnosis(ev: Evidence) -> str | None:
    """NaN or inf where the reference is finite."""
    if ev.stage != "value":
        return None
    got = ev.got[ev.key]
    if bool(np.all(np.isfinite(got))):
        return None
    kind = "nan" if bool(np.any(np.isnan(got))) else "inf"
    return (
        f"{ev.key} contains {kind}: a log(0), a division by zero or an overflowing np.exp "
        "happened; check which array you take the log of or divide by"
    )


def ratio_diagnosis(ev: Evidence) -> str | None:
    """The output is the reference times a constant: 1/m missing or doubled, sign, factor."""
    if ev.stage != "value":
        return None
    got, want = ev.got[ev.key], ev.expected[ev.key]
    if got.shape != want.shape or not bool(np.all(np.isfinite(got))):
        return None
    norm = float(np.sum(np.multiply(want, want)))
    if norm == 0.0:
        return None
    c = float(np.sum(np.multiply(got, want))) / norm
    if c == 0.0 or not close(got, np.multiply(c, want), 1e-6, 1e-12):
        return None
    m, key = ev.m, ev.key
    checks = [
        (m, f"{key} is exactly m = {m} times too large: divide by m (the mean over examples)"),
        (
            -m,
            f"{key} has the wrong sign and is m = {m} times too large: check the sign, "
            "and divide by m",
        ),
        (
            1 / m,
            f"{key} is m = {m} times too small: you divide by m twice (or by m where "
            "no 1/m belongs)",
        ),
        (
            -1,
            f"{key} has the wrong sign (it is exactly -1 times the expected value): check "
            "the minus signs",
        ),
    ]
    if m == 1 and abs(c + 1) < 1e-6:
        return checks[3][1]
    for factor, message in checks:
        if m != 1 and abs(c / factor - 1) < 1e-6:
            return message
    if abs(c - 1) < 1e-3 or got.size < 2:  # any number is a multiple of another number
        return None  # (and a factor that shows as 1 is no scale: rounding is diagnosed apart)
    return f"{key} is off by a constant factor of {c:.4g}: look for a wrong constant or scale"


def other_m_diagnosis(ev: Evidence) -> str | None:
    """The output is divided by some count N other than this case's m (not a small multiple
    of m): the m of another data set, typically a notebook variable such as ``m_train``."""
    if ev.stage != "value" or ev.m < 2:
        return None
    got, want = ev.got[ev.key], ev.expected[ev.key]
    if got.shape != want.shape or not bool(np.all(np.isfinite(got))):
        return None
    norm = float(np.sum(np.multiply(want, want)))
    c = float(np.sum(np.multiply(got, want))) / norm if norm else 0.0
    if c <= 0.0 or not close(got, np.multiply(c, want), 1e-9, 1e-15):
        return None
    n = ev.m / c
    count = round(n)
    if not 2 <= count <= 10**6 or abs(n - count) > 1e-6 * count:
        return None
    if count % ev.m == 0 and count // ev.m <= 10:  # a small constant factor, not another m
        return None
    return (
        f"{ev.key} is divided by {count} instead of m = {ev.m}, the number of examples of "
        "this call: take m from the function's own arguments (their number of columns), "
        "not from a variable of the notebook such as m_train"
    )


def rounding_diagnosis(ev: Evidence) -> str | None:
    """The output is the reference rounded to a number of decimals."""
    if ev.stage != "value":
        return None
    got, want = ev.got[ev.key], ev.expected[ev.key]
    if got.shape != want.shape or not bool(np.all(np.isfinite(want))):
        return None
    for decimals in range(13):
        rounded = _round(want, decimals)
        if close(got, rounded, 1e-12, 1e-15):
            return (
                f"{ev.key} is rounded to {decimals} decimals: return the full-precision "
                "value and round only when you print it"
            )
    return None


def input_diagnosis(ev: Evidence) -> str | None:
    """The output is one of the inputs, unchanged, or all zeros."""
    if ev.stage != "value":
        return None
    got = ev.got[ev.key]
    for name, value in ev.inputs.items():
        if isinstance(value, np.ndarray) and value.shape == got.shape:
            if value.dtype.kind in "fiub" and bool(np.array_equal(got, value)):
                return f"{ev.key} is the input {name}, unchanged: a step is missing"
    if got.size > 1 and not bool(np.any(got)) and bool(np.any(ev.expected[ev.key])):
        return f"{ev.key} is all zeros: is it only initialised, or multiplied by a zero mask?"
    return None


def transpose_diagnosis(ev: Evidence) -> str | None:
    """A square output that equals the transpose of the reference."""
    if ev.stage != "value":
        return None
    got, want = ev.got[ev.key], ev.expected[ev.key]
    if got.ndim == 2 and got.shape == want.shape and close(got, want.T, 1e-7, 1e-12):
        return f"{ev.key} is transposed: check the order of the matrix product and the .T"
    return None


def shape_diagnosis(ev: Evidence) -> str | None:
    """Generic shape mistakes: keepdims, rank-1, transposes, sums over the wrong axis."""
    if ev.stage != "shape":
        return None
    got, want = ev.got[ev.key].shape, ev.expected[ev.key].shape
    key = ev.key
    head = f"{key} has shape {got}, expected {want}"
    if len(want) == 2 and got == (want[0],) and want[1] == 1:
        return (
            f"{head}: a rank-1 array; keep the column shape with keepdims=True (or .reshape(-1, 1))"
        )
    if len(want) == 2 and want[0] != want[1] and got in ((want[0],) * 2, (want[1],) * 2):
        return f"{head}: that is a matrix product (np.dot or @); use * for elementwise products"
    if len(got) == 1:
        return f"{head}: a rank-1 array; use 2-D arrays such as (n, 1) or (1, m)"
    if len(want) == 2 and got == want[::-1]:
        return f"{head}: it is transposed; check the .T and the order of the product"
    if len(want) == 2 and len(got) == 2 and want[1] == 1 and got[0] == want[0]:
        return f"{head}: sum or average over the examples (axis=1, keepdims=True)"
    if len(got) == 0 or got == (1, 1) and want != (1, 1):
        return f"{head}: you reduced over every entry; reduce along one axis only"
    if len(got) == len(want) and got != want and _prod(got) == _prod(want):
        return f"{head}: right number of entries, wrong arrangement; check reshapes"
    return f"{head}: check the dimensions of each step"


def _prod(shape: tuple[int, ...]) -> int:
    out = 1
    for n in shape:
        out *= n
    return out


def dtype_diagnosis(ev: Evidence) -> str | None:
    """A non-float64 output."""
    if ev.stage != "dtype":
        return None
    dtype = ev.got[ev.key].dtype
    if dtype.kind == "f":
        return f"{ev.key} has dtype {dtype}, expected float64: do not cast to lower precision"
    if dtype.kind == "b":
        return f"{ev.key} has dtype bool: a mask alone is not the answer; turn it into numbers"
    return f"{ev.key} has dtype {dtype}, expected float64: convert with .astype(float)"


def key_diagnosis(ev: Evidence) -> str | None:
    """Missing, extra or mis-cased dictionary keys."""
    if ev.stage != "keys":
        return None
    return key_message(set(ev.got), set(ev.expected))


def key_message(got: set[str], want: set[str]) -> str:
    """Name the missing, extra or mis-cased keys of a result dict."""
    missing, extra = sorted(want - got), sorted(got - want)
    lowered = {k.lower(): k for k in extra}
    for k in missing:
        if k.lower() in lowered:
            return (
                f"key {lowered[k.lower()]!r} should be {k!r}: keys are case-sensitive "
                f"(expected keys {sorted(want)})"
            )
    parts = []
    if missing:
        parts.append(f"missing keys {missing}")
    if extra:
        parts.append(f"unexpected keys {extra}")
    return f"{' and '.join(parts)}: the result must have exactly the keys {sorted(want)}"


GENERIC: tuple[Diagnosis, ...] = (
    key_diagnosis,
    shape_diagnosis,
    dtype_diagnosis,
    nonfinite_diagnosis,
    input_diagnosis,
    rounding_diagnosis,
    other_m_diagnosis,
    ratio_diagnosis,
    transpose_diagnosis,
)


def fallback(ev: Evidence) -> str:
    """No diagnosis fits: the worst element, and which outputs agree."""
    got, want = ev.got[ev.key], ev.expected[ev.key]
    diff = np.abs(np.subtract(got, want))
    diff = np.array(diff)
    diff[np.isnan(diff)] = np.inf
    flat = int(np.argmax(diff))
    index = tuple(int(i) for i in np.unravel_index(flat, got.shape)) if got.ndim else ()
    g, w = float(got[index]), float(want[index])
    rel = abs(g - w) / max(abs(w), 1e-12)
    where = f" at index {index}" if index else ""
    shown = f"got {g:.6g}" if ev.hidden else f"got {g:.6g}, expected {w:.6g}"
    message = f"{ev.key} is wrong{where}: {shown} (relative error {rel:.2g})"
    agree = [k for k in ev.expected if k != ev.key and k in ev.got and _agrees(ev, k)]
    differ = [k for k in ev.expected if k != ev.key and k in ev.got and not _agrees(ev, k)]
    if agree or differ:
        message += f"; agree with the reference: {', '.join(agree) or 'none'}"
        message += f"; differ: {', '.join([ev.key, *differ])}"
    return message


def _agrees(ev: Evidence, key: str) -> bool:
    got, want = ev.got[key], ev.expected[key]
    return got.shape == want.shape and close(got, want, 1e-7, 1e-12)


_TO_SCALAR = r"only (length-1|0-dimensional|size-1) arrays? can be converted"
_MATH_HINT = "math.exp / math.log work on single numbers: use np.exp / np.log on whole arrays"
_FLOAT_HINT = (
    "float() converts one number, not an array (numpy converts only 0-d arrays): sum a "
    "(1, m) row of losses over the examples first, or np.squeeze a (1, 1) result of np.dot"
)

_EXCEPTIONS: tuple[tuple[str, str], ...] = (
    (r"shapes \((\d+),(\d+)\) and \(\1,\2\) not aligned",
     "np.dot of two arrays of the same shape (two (1, m) rows, say) is undefined: to sum a "
     "product over the examples, transpose the second one, np.dot(Y, np.log(A).T) (a (1, m) "
     "by (m, 1) product), or use np.sum(Y * np.log(A))"),
    (r"boolean (subtract|negative)",
     "labels may come as booleans, which numpy cannot subtract or negate: convert them "
     "first, e.g. Y = Y.astype(float)"),
    (r"not aligned|matmul: Input operand|mismatch in its core dimension",
     "a matrix product got incompatible shapes: check which operand needs a transpose "
     "(.T) and the order of the product"),
    (r"could not be broadcast|operands could not be broadcast",
     "two arrays with incompatible shapes were combined: print the shapes of each step"),
    (r"is not defined",
     "a name is not defined: define it inside your function or use the function's "
     "parameters (and run the earlier cells)"),
)  # fmt: skip


def exception_diagnosis(function: str, exc: BaseException) -> str:
    """Explain an exception raised by the learner's function."""
    if isinstance(exc, NotImplementedError):
        return (
            f"{function} raises NotImplementedError: replace `raise NotImplementedError()` "
            "with your implementation"
        )
    if isinstance(exc, AssertionError):
        detail = f": {exc}" if str(exc) else ""
        return f"an assert in {function} failed{detail}; print the shapes it checks"
    if isinstance(exc, SystemExit):
        return f"{function} called exit() or sys.exit(): return a value instead"
    text = f"{type(exc).__name__}: {exc}"
    if re.search(_TO_SCALAR, str(exc)):
        return f"{function} raised {text}; {_scalar_hint(exc)}"
    for pattern, hint in _EXCEPTIONS:
        if re.search(pattern, str(exc)):
            return f"{function} raised {text}; {hint}"
    return f"{function} raised {text}"


def _scalar_hint(exc: BaseException) -> str:
    """Which single-number function got an array: read the names the failing code uses."""
    frame = learner_frame(exc)
    names = set(frame.tb_frame.f_code.co_names) if frame is not None else set()
    uses_math = "math" in names
    uses_float = bool(names & {"float", "int"})
    if uses_float and not uses_math:
        return _FLOAT_HINT
    if uses_math and not uses_float:
        return _MATH_HINT
    return f"{_MATH_HINT}; {_FLOAT_HINT}"


# ------------------------------------------------------------- the learner's own line

_LINE_LIMIT = 100


def _not_learner_dirs() -> tuple[str, ...]:
    """Folders whose code is ours or a library's, never the learner's cell."""
    import dlnotes  # the package of references (lazily: it imports this package's kin)

    paths = sysconfig.get_paths()
    folders = [paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    folders += [os.path.dirname(m.__file__) for m in (np, dlnotes)]
    folders.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # graders
    return tuple(os.path.join(os.path.realpath(f), "") for f in folders)


def learner_frame(exc: BaseException):
    """The last traceback entry of ``exc`` in the learner's code (not in graders, dlnotes,
    numpy or any installed library), or None."""
    found = None
    skip = _not_learner_dirs()
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        ours = os.path.isabs(filename) and os.path.realpath(filename).startswith(skip)
        if not ours and not filename.startswith("<frozen"):
            found = tb
        tb = tb.tb_next
    return found


def learner_line(exc: BaseException) -> str | None:
    """``"line N: <source>"`` of the learner's line that raised ``exc``: whitespace collapsed,
    control characters dropped, at most about 100 characters; None without a source."""
    tb = learner_frame(exc)
    if tb is None:
        return None
    filename, lineno = tb.tb_frame.f_code.co_filename, tb.tb_lineno
    source = " ".join(linecache.getline(filename, lineno).split())
    source = "".join(ch for ch in source if ch.isprintable())
    if not source:
        return None
    if len(source) > _LINE_LIMIT:
        source = source[: _LINE_LIMIT - 3].rstrip() + "..."
    return f"line {lineno}: {source}"


seal(sys.modules[__name__])
