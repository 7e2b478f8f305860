"""The spec of the network chapters: :func:`net_spec`.

Its labels summarise dicts and caches (no array values), it knows two more generic
mistakes (:data:`NET_DIAGNOSES`: m² factors, a bias gradient summed over the wrong axis),
and it explains a ``KeyError`` on a parameter key. :func:`quiet` keeps warnings from
escaping a diagnosis.
"""

from __future__ import annotations

import contextlib
import re
import sys
import warnings

import numpy as np

from graders.checks._diagnose import GENERIC, Evidence, close
from graders.checks._spec import Spec
from graders.checks._tamper import seal


def net_spec(*, key_error_hint: str = "", **fields) -> Spec:
    """A :class:`Spec` for the network chapters: its labels summarise dicts and caches (no
    array values), it knows two more generic mistakes (:data:`NET_DIAGNOSES`), and it
    explains a ``KeyError`` on a parameter key ``W<l>`` / ``b<l>`` with ``key_error_hint``.
    ``fields`` are the Spec's own (``late_diagnoses`` localise rather than name a mistake).
    """
    hints = (_parameter_key_hint(key_error_hint),) if key_error_hint else ()
    return Spec(
        generic=(*NET_DIAGNOSES, *GENERIC),
        describe_arg=_summary_text,
        exception_hints=hints,
        **fields,
    )


def _parameter_key_hint(hint: str):
    def explain(exc: BaseException) -> str | None:
        is_key = isinstance(exc, KeyError) and _PARAMETER_KEY.fullmatch(str(exc))
        return hint if is_key else None

    return explain


_PARAMETER_KEY = re.compile(r"'[Wb]\d+'")
_catch_warnings = warnings.catch_warnings
_simplefilter = warnings.simplefilter


@contextlib.contextmanager
def quiet():
    """No floating-point warnings and no ``warnings`` at all inside (nbgrader scores a
    cell with anything on stderr as 0)."""
    with np.errstate(all="ignore"), _catch_warnings():
        _simplefilter("ignore")
        yield


LAYERS_HINT = (
    "parameters holds a W and a b for each layer, so there are L = len(parameters) // 2 layers"
)


def _ratio(got, want) -> float | None:
    """The constant ``c`` with ``got == c * want``, if there is one."""
    if got.shape != want.shape or not bool(np.all(np.isfinite(got))):
        return None
    norm = float(np.sum(np.multiply(want, want)))
    if norm == 0.0:
        return None
    c = float(np.sum(np.multiply(got, want))) / norm
    return c if close(got, np.multiply(c, want), 1e-6, 1e-12) else None


def m_squared_diagnosis(ev: Evidence) -> str | None:
    """``* m`` where ``/ m`` belongs (m² too large), or ``/ m`` twice (m² too small)."""
    if ev.stage != "value" or ev.m < 2:
        return None
    c, m2 = _ratio(ev.got[ev.key], ev.expected[ev.key]), ev.m * ev.m
    if c is not None and abs(c / m2 - 1) < 1e-6:
        return (
            f"{ev.key} is exactly m² = {m2} times too large: it multiplies by m = {ev.m} "
            "where it should divide by m"
        )
    if c is not None and abs(c * m2 - 1) < 1e-6:
        return f"{ev.key} is exactly m² = {m2} times too small: it divides by m = {ev.m} twice"
    return None


def wrong_axis_diagnosis(ev: Evidence) -> str | None:
    """A bias gradient ``(n, 1)`` summed over axis 0 instead: shape ``(1, m)``."""
    if ev.stage != "shape":
        return None
    got, want = ev.got[ev.key].shape, ev.expected[ev.key].shape
    if len(want) == 2 and want[1] == 1 and got == (1, ev.m) and got != want:
        return (
            f"{ev.key} has shape {got}, expected {want}: it sums over axis 0, the units; "
            "sum over the examples, axis=1 with keepdims=True"
        )
    return None


NET_DIAGNOSES = (m_squared_diagnosis, wrong_axis_diagnosis)


def _summary_text(value) -> str:
    return " " + _summary(value)


def _summary(value) -> str:
    if type(value) is np.ndarray:
        return str(tuple(value.shape))
    if isinstance(value, dict):
        return f"with {len(value)} arrays"
    if isinstance(value, (list, tuple)):
        return f"of {len(value)} items"
    if isinstance(value, float):
        return f"= {value:g}"
    return f"= {value!r}"[:40]


seal(sys.modules[__name__])
