"""Tamper evidence for checks that run inside the learner's kernel.

Code in the learner's kernel can rebind anything: ``np.allclose = lambda *a: True``,
``dlnotes.activations.sigmoid = my_sigmoid``, or a function of this package. So:

- :func:`seal` snapshots a module's namespace (numpy's, numpy.random's, the builtins the
  checks use, each check module's), and :func:`integrity_problem` reports any sealed
  name that no longer refers to the object it referred to at import;
- a check asks before it starts, after every call of the learner's function and before
  it reports a pass, so the checks can use ``np`` as ordinary code does: a patched
  ``np.allclose`` is named and the check refuses to judge, rather than being trusted.

This is evidence, not a sandbox: the trusted out-of-kernel grader is the real defence.
"""

from __future__ import annotations

import builtins
import contextlib
import sys
import warnings
from types import ModuleType
from typing import Any

import numpy as np
import numpy.random

# Builtins and stdlib functions the checks rely on; learner code could rebind them.
_BUILTIN_NAMES = (
    "isinstance", "type", "len", "float", "int", "abs", "max", "min", "print", "getattr",
    "range", "sorted", "str", "repr", "dict", "list", "tuple", "zip", "enumerate", "any",
    "all", "sum", "round", "callable", "set", "vars", "id", "format",
)  # fmt: skip

_seals: list[tuple[str, ModuleType, dict[str, Any]]] = []


def seal(module: ModuleType, names: tuple[str, ...] | None = None) -> None:
    """Remember what ``module``'s names refer to now (all names, or only ``names``)."""
    space = vars(module)
    keys = tuple(space) if names is None else names
    snapshot = {name: space[name] for name in keys if name in space}
    _seals.append((module.__name__, module, snapshot))


def integrity_problem() -> str | None:
    """Describe the first sealed name that was rebound since import, or return None."""
    for name, module, snapshot in _seals:
        if sys.modules.get(name) is not module:
            return f"the module {name} was replaced"
        space = vars(module)
        for attr, obj in snapshot.items():
            if space.get(attr, _MISSING) is not obj:
                shown = "builtins" if module is builtins else name
                return f"{shown}.{attr} was replaced or deleted"
    return None


_MISSING = object()

seal(np)
seal(numpy.random)
seal(builtins, _BUILTIN_NAMES)
seal(sys, ("settrace", "gettrace"))
seal(warnings, ("catch_warnings", "simplefilter"))
seal(contextlib, ("redirect_stderr",))
seal(sys.modules[__name__])
