"""Checks for the course's graded functions: instant, honest, diagnostic feedback.

A notebook's test cell calls ``graders.checks.<module>.check_<function>(fn)``, e.g.
``check_sigmoid(sigmoid)``: it runs the learner's function on fresh seeded cases, compares
with the ``dlnotes`` reference, prints one line on success and raises ``AssertionError``
with a diagnosis of the likely mistake otherwise. ``hidden=True`` adds the hidden cases.

This package imports only numpy, dlnotes and the standard library, because it runs
inside the learner's kernel. How to write a spec: see :mod:`graders.checks._spec`.
The trusted out-of-kernel grader reuses the same specs through :func:`get_spec`.
"""

from __future__ import annotations

import importlib
import sys

from graders.checks._check import make_check, run_check
from graders.checks._diagnose import Evidence, close, mistake, rel_diff
from graders.checks._outputs import Array, Dict, Scalar, Tuple
from graders.checks._spec import Case, CheckFailure, Spec
from graders.checks._tamper import seal

__all__ = [
    "Array",
    "Case",
    "CheckFailure",
    "Dict",
    "Evidence",
    "Scalar",
    "Spec",
    "Tuple",
    "close",
    "get_spec",
    "make_check",
    "mistake",
    "rel_diff",
    "run_check",
]


def get_spec(module: str, function: str) -> Spec:
    """The spec of ``dlnotes.<module>.<function>``: the one its ``check_<function>`` in
    ``graders.checks.<module>`` runs (a check is found where its test cell imports it)."""
    check = getattr(importlib.import_module(f"graders.checks.{module}"), f"check_{function}", None)
    spec = getattr(check, "spec", None)
    if not isinstance(spec, Spec):
        raise KeyError(f"no check for {module}.{function}")
    return spec


seal(sys.modules[__name__])
