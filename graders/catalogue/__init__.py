"""Wrong and right implementations of every graded function, kept as source text.

Tests of the checks, the notebooks' mutation tests and the demo's sample submissions
all reuse these entries. Each submodule (``activations.py``, ``logistic.py``, ...) defines
``WRONG`` and ``RIGHT``, either as lists of :class:`Implementation` or as dicts
``function -> list``; this package merges them, setting each entry's ``module`` from the
submodule's file name. Merged keys are ``"<module>.<function>"`` and, when only one
module has that function, the bare function name too (``compute_cost`` exists in
logistic, shallow and deep, so it is only reachable as ``"logistic.compute_cost"`` ...):

>>> from graders.catalogue import WRONG, RIGHT, load
>>> impl = WRONG["sigmoid"][0]              # == WRONG["activations.sigmoid"][0]
>>> sigmoid = load(impl, {})                # exec the source with np (and given names)

A source defines exactly its function. It may use ``np`` and other contract names of its
chapter (``sigmoid``, ``linear_activation_backward``, ...) as free names: tests pass them
from dlnotes in ``namespace``, notebooks take them from the learner's earlier cells.
To add a module, add a file with ``WRONG`` and ``RIGHT``: nothing else to register.

A wrong entry may also use a variable that the chapter's notebook defines before its
exercises, as a learner would by mistake (``m_train`` instead of the argument's ``m``).
A module lists those in ``NOTEBOOK_NAMES`` (name -> a stand-in value); tests pass them in
``namespace``, notebooks have the real ones. ``NOTEBOOK_NAMES[module]`` merges them.
"""

from __future__ import annotations

import importlib
import linecache
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Implementation:
    """One implementation of a graded function.

    Attributes
    ----------
    function : the function's name, e.g. ``"sigmoid"``.
    name : a short description of the variant, e.g. ``"sign of the exponent"``.
    source : Python source defining ``function``.
    diagnosis : for wrong ones, a regex that the check's failure message must match
        (``re.search``, case-insensitive); None for right ones.
    module : the dlnotes module, e.g. ``"activations"`` (set when the catalogue merges).
    """

    function: str
    name: str
    source: str
    diagnosis: str | None = None
    module: str = ""

    @property
    def key(self) -> str:
        return f"{self.module}.{self.function}"


def load(impl: Implementation, namespace: dict[str, Any]) -> Callable[..., Any]:
    """Execute ``impl.source`` with ``np`` and ``namespace``; return the function it defines.

    The code is compiled with the file name ``<catalogue module.function: name>``, which
    the vectorization check counts as learner code; its lines are registered with
    ``linecache``, as IPython registers a cell's, so a check can quote the line that raised.
    """
    scope: dict[str, Any] = {"np": np, **namespace}
    filename = f"<catalogue {impl.key}: {impl.name}>"
    linecache.cache[filename] = (len(impl.source), None, impl.source.splitlines(True), filename)
    exec(compile(impl.source, filename, "exec"), scope)
    return scope[impl.function]


def _entries(module: Any, kind: str) -> list[Implementation]:
    found = getattr(module, kind, [])
    if isinstance(found, dict):
        found = [impl for impls in found.values() for impl in impls]
    short = module.__name__.rsplit(".", 1)[-1]
    return [impl if impl.module else replace(impl, module=short) for impl in found]


def _merge(kind: str) -> dict[str, list[Implementation]]:
    merged: dict[str, list[Implementation]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for impl in _entries(module, kind):
                merged.setdefault(impl.key, []).append(impl)
    functions = [key.split(".", 1)[1] for key in merged]
    for key in list(merged):
        function = key.split(".", 1)[1]
        if functions.count(function) == 1:
            merged[function] = merged[key]
    return merged


def _notebook_names() -> dict[str, dict[str, Any]]:
    names: dict[str, dict[str, Any]] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            names[info.name] = dict(getattr(module, "NOTEBOOK_NAMES", {}))
    return names


WRONG: dict[str, list[Implementation]] = _merge("WRONG")
RIGHT: dict[str, list[Implementation]] = _merge("RIGHT")
NOTEBOOK_NAMES: dict[str, dict[str, Any]] = _notebook_names()
