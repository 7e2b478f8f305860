"""The child: runs one submission's solution cells and calls its functions, in the sandbox.

Run as ``python -I <course>/graders/trusted/child.py <job>`` with ``<course>`` the
read-only tree of :mod:`graders.trusted.overlay` and ``<job>`` the only writable folder
(also the working directory). Everything here runs in the same process as the learner's
code, so nothing it writes is trusted: the parent re-checks every array and awards the
points itself.

Reads ``plan.json``/``plan.npz``::

    {"chapter": str, "setup": [source], "cells": [[grade_id, source]],
     "skip": [step names], "calls": [{"module", "function", "cases": [inputs]}]}

appends each step's name to ``progress`` before starting it (so the parent knows which
step a crash or a hang belongs to), and writes ``result.json``/``result.npz``::

    {"setup_error": str | None, "cell_errors": {step: message},
     "calls": {function: [{"flat": {name: ndarray}} | {"error": message}]}}
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import types

MAIN_PID = os.getpid()
COURSE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_MESSAGE = 500


class _Inert(types.ModuleType):
    """Stands in for matplotlib and for ``get_ipython()``: every use does nothing.

    Plots are not graded, and importing matplotlib would cost most of the time budget.
    """

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self


class _InertPlotting(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """matplotlib (and tqdm's submodules) as inert modules: they cost time, grade nothing."""

    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib" or name.startswith(("matplotlib.", "mpl_toolkits", "tqdm.")):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        return _Inert(spec.name)

    def exec_module(self, module):
        module.__path__ = []


def _no_progress_bars() -> types.ModuleType:
    """A ``tqdm`` whose bars are the bare iterables (importing tqdm takes ~0.1 s)."""
    module = types.ModuleType("tqdm")
    module.tqdm = lambda iterable=None, *args, **kwargs: iterable
    module.trange = lambda *args, **kwargs: range(*args)
    module.__path__ = []
    return module


def _isolate_imports() -> None:
    """Import dlnotes and graders from the course tree only; plotting and bars are inert."""
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in repr(f)]
    sys.path[:] = [p for p in sys.path if "__editable__" not in p]
    sys.path.insert(0, COURSE)
    sys.meta_path.insert(0, _InertPlotting())
    sys.modules["tqdm"] = _no_progress_bars()


def _only_main_process() -> None:
    """A process the learner forked must not go on to run (or report) the grading."""
    if os.getpid() != MAIN_PID:
        os._exit(0)


def _describe(error: BaseException) -> str:
    try:
        name = type(error).__name__
        text = str(error) if name == "CheckFailure" else f"{name}: {error}"
    except BaseException:  # a hostile __str__
        text = type(error).__name__
    return text[:MAX_MESSAGE]


class _Progress:
    def __init__(self, path: str):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def start(self, step: str) -> None:
        os.write(self.fd, (step + "\n").encode())


def run(job: str) -> dict:
    """Run the plan in ``job`` and return the (untrusted) result dict."""
    from graders.checks import get_spec
    from graders.trusted import wire

    plan = wire.load(os.path.join(job, "plan.json"), os.path.join(job, "plan.npz"), named=True)
    skip = set(plan["skip"])
    progress = _Progress(os.path.join(job, "progress"))
    result = {"setup_error": None, "cell_errors": {}, "calls": {}}
    namespace = {"__name__": "__main__", "get_ipython": _Inert("get_ipython")}

    progress.start("setup")
    try:
        for source in plan["setup"]:
            exec(compile(source, "<setup>", "exec"), namespace)
    except BaseException as error:
        result["setup_error"] = _describe(error)
        return result

    for index, (grade_id, source) in enumerate(plan["cells"]):
        step = f"cell:{index}:{grade_id}"
        if step in skip:
            continue
        progress.start(step)
        try:
            exec(compile(source, f"<cell {grade_id}>", "exec"), namespace)
        except BaseException as error:
            _only_main_process()
            result["cell_errors"][step] = _describe(error)
        _only_main_process()

    for call in plan["calls"]:
        function = call["function"]
        step = f"call:{function}"
        if step in skip:
            continue
        progress.start(step)
        spec = get_spec(call["module"], function)
        result["calls"][function] = [
            _call_case(spec, namespace.get(function), case) for case in call["cases"]
        ]
    return result


def _call_case(spec, fn, sent: dict) -> dict:
    """Call ``fn`` on one case as the kernel-side check does; the flattened result."""
    import numpy as np

    from graders.checks import Case

    if not callable(fn):
        return {"missing": True}
    case = Case(sent["name"], sent["args"], m=sent["m"], hidden=sent["hidden"])
    try:
        try:
            result, fp = spec._call(fn, case, spec.label(case))  # fp: floating-point errors
        finally:
            _only_main_process()
        flat = spec.flatten(result)
        for name, array in flat.items():
            if type(array) is not np.ndarray:
                return {"error": f"{name} is a {type(array).__name__}, not an ndarray"}
        flat = {str(name): np.array(array) for name, array in flat.items()}
        _only_main_process()  # flatten may call learner methods (a tuple subclass's)
        return {"flat": flat, "fp": sorted(fp)}
    except BaseException as error:
        _only_main_process()
        return {"error": _describe(error)}


def main() -> None:
    job = sys.argv[1]
    _isolate_imports()
    from graders.trusted import wire

    result = run(job)
    _only_main_process()
    wire.save(os.path.join(job, "result.json"), os.path.join(job, "result.npz"), result)
    sys.stdout.flush()
    os._exit(0)  # no atexit handlers or finalizers of the learner's code


if __name__ == "__main__":
    main()
