"""Tamper evidence for checks that run inside the learner's kernel.

Code in the learner's kernel can rebind anything: ``np.allclose = lambda *a: True``,
``dlnotes.activations.sigmoid = my_sigmoid``, or a function of this package. So:

- the numpy functions the checks compute with are captured here, at import, in the
  immutable named tuple ``NP`` (checks never look them up on ``numpy`` at check time);
- :func:`seal` snapshots a module's namespace, and :func:`integrity_problem` reports
  any sealed name that no longer refers to the object it referred to at import.

This is evidence, not a sandbox: the trusted out-of-kernel grader is the real defence.
"""

from __future__ import annotations

import builtins
import contextlib
import sys
import warnings
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
import numpy.random


class _NumpyFunctions(NamedTuple):
    ndarray: type
    float64: type
    float32: type
    floating: type
    integer: type
    bool_: type
    array: Any
    asarray: Any
    empty_like: Any
    abs: Any
    add: Any
    subtract: Any
    multiply: Any
    divide: Any
    maximum: Any
    less_equal: Any
    greater: Any
    equal: Any
    isnan: Any
    isfinite: Any
    logical_and: Any
    logical_not: Any
    all: Any
    any: Any
    amax: Any
    argmax: Any
    sum: Any
    unravel_index: Any
    array_equal: Any
    errstate: Any
    default_rng: Any


NP = _NumpyFunctions(
    ndarray=np.ndarray,
    float64=np.float64,
    float32=np.float32,
    floating=np.floating,
    integer=np.integer,
    bool_=np.bool_,
    array=np.array,
    asarray=np.asarray,
    empty_like=np.empty_like,
    abs=np.abs,
    add=np.add,
    subtract=np.subtract,
    multiply=np.multiply,
    divide=np.divide,
    maximum=np.maximum,
    less_equal=np.less_equal,
    greater=np.greater,
    equal=np.equal,
    isnan=np.isnan,
    isfinite=np.isfinite,
    logical_and=np.logical_and,
    logical_not=np.logical_not,
    all=np.all,
    any=np.any,
    amax=np.max,
    argmax=np.argmax,
    sum=np.sum,
    unravel_index=np.unravel_index,
    array_equal=np.array_equal,
    errstate=np.errstate,
    default_rng=np.random.default_rng,
)

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
