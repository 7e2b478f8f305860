"""The child: runs one submission once, the way a kernel would, inside the sandbox.

Forked by :mod:`graders.trusted.zygote` for each submission. Everything here runs in the
same process as the learner's code, so nothing it reports is trusted: the parent
verifies every array and writes every diagnosis itself.

The plan (from the parent, plain data)::

    {"steps": [{"name": "cell:<i>:<id>", "kind": "setup" | "code" | "test",
                "source": str, "function": str | None}],
     "skip": [step names],
     "calls": {function: {"visible": [case], "hidden": [case], "scaling": [case, case] | None}}}

where a case is a list of calls ``{"args": [...], "kwargs": {...}}``. Every code cell runs
in notebook order in one namespace. A test cell runs as written, but ``check_<function>``
is a stand-in that does nothing (there is no reference, no check and no diagnosis in
here); right after the cell, the child calls the exercise's function *as it stands
there* on the parent's inputs (:func:`record`) and keeps what comes back as plain data
(:func:`describe`).

Before each step the child writes ``S <step>`` to the progress pipe, so the zygote knows
which step a hang or a crash belongs to, and after it ``D <json bytes> <npz bytes>`` and
that step's data (so what ran before a crash is kept)::

    {"step": str, "error": {"type", "message", "args", "builtin", "line"} | None,
     "stdout": str, "records": {function: {"missing": true} | [{"hidden": bool,
                                "cases": [[outcome]], "scaling": [lines, lines] | None}]}}

and ``E`` at the very end,
with an outcome ``{"result": node} | {"error": {...}}`` plus ``"fp"`` (floating-point
errors seen), ``"modified"`` (``{argument index: node}`` of inputs changed in place) and
``"rng"`` (whether numpy's global generator was used).
"""

from __future__ import annotations

import ast
import copy
import importlib.abc
import importlib.machinery
import io
import os
import re
import sys
import types
import warnings

import numpy as np

MAX_MESSAGE = 500
MAX_STDOUT = 4000  # characters of each cell's printed output that are kept
MAX_NODES = 20_000  # values described per result
MAX_DEPTH = 12
_array_equal = np.array_equal  # captured before any learner code runs
_ndarray = np.ndarray
_NAME = re.compile(r"[^A-Za-z0-9_]")


# --------------------------------------------------------------- inert modules and shell
class _Inert(types.ModuleType):
    """Stands in for matplotlib, IPython and widgets: every use does nothing.

    Plots are not graded, and importing matplotlib would cost most of the time budget.
    """

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __iter__(self):
        return iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


INERT = ("matplotlib", "mpl_toolkits", "IPython", "ipywidgets", "ipykernel", "tqdm")


class _InertFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in INERT:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        return _Inert(spec.name)

    def exec_module(self, module):
        module.__path__ = []


def _no_progress_bars() -> types.ModuleType:
    """A ``tqdm`` whose bars are the bare iterables."""
    module = types.ModuleType("tqdm")
    module.tqdm = lambda iterable=None, *args, **kwargs: iterable
    module.trange = lambda *args, **kwargs: range(*args)
    module.__path__ = []
    return module


class _Shell:
    """``get_ipython()``: the magics that run code run it as IPython would; others are inert.

    ``%time``/``%%time``, ``%%capture`` and ``%prun`` run their code in the notebook's
    namespace (what they define stays); ``%timeit``/``%%timeit`` run it once in a copy (in
    IPython they define nothing); ``%%writefile`` writes the cell into the working folder,
    importable as in a kernel; ``%matplotlib``, ``!shell`` and the rest do nothing.
    """

    IN_NAMESPACE = {"time", "capture", "prun"}

    def __init__(self, namespace: dict):
        self.user_ns = namespace

    def run_line_magic(self, name, line, *args, **kwargs):
        code = re.sub(r"^(\s*-\S+(\s+\d+)?\s+)*", "", line)  # options like -n 10 -r 3
        if name in self.IN_NAMESPACE - {"capture"}:
            exec(compile(code, "<cell magic>", "exec"), self.user_ns)
        elif name == "timeit":
            exec(compile(code, "<cell magic>", "exec"), dict(self.user_ns))
        return None

    def run_cell_magic(self, name, line, cell, *args, **kwargs):
        if name in self.IN_NAMESPACE:
            exec(compile(cell, "<cell magic>", "exec"), self.user_ns)
        elif name == "timeit":
            scratch = dict(self.user_ns)
            setup = re.sub(r"^(\s*-\S+(\s+\d+)?\s+)*", "", line)
            exec(compile(f"{setup}\n{cell}", "<cell magic>", "exec"), scratch)
        elif name in ("writefile", "file"):
            words = line.split()
            append = "-a" in words or "--append" in words
            target = next((w for w in words if not w.startswith("-")), None)
            if target:
                with open(target, "a" if append else "w") as file:
                    file.write(cell)
        return None

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []

    def __getattr__(self, name):
        return _Inert(name)


def _display(*objects, **kwargs) -> None:
    """``display()`` while grading: nothing is shown."""
    return None


def _run_cell(source: str, filename: str, namespace: dict) -> None:
    """Run a cell as IPython does: a last expression's value becomes ``_`` (then ``__``...)."""
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is None:
        exec(compile(tree, filename, "exec"), namespace)
        return
    exec(compile(ast.Module(tree.body[:-1], type_ignores=[]), filename, "exec"), namespace)
    value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
    if value is not None:
        namespace["___"], namespace["__"] = namespace.get("__", ""), namespace.get("_", "")
        namespace["_"] = value


# ----------------------------------------------------------------------- the recorders
MAIN_PID = os.getpid()


def only_main_process() -> None:
    """A process the learner forked must not go on to run (or report) the grading."""
    if os.getpid() != MAIN_PID:
        os._exit(0)


def _no_check(*args, **kwargs) -> None:
    """``check_<function>`` while grading: the child records the function itself."""
    return None


def record(fn, calls: dict | None) -> dict | list:
    """Call ``fn`` (the exercise's function as it stands, or None) on the parent's
    ``calls``: visible and hidden inputs, and the two vectorization calls. The records,
    or ``{"missing": True}``."""
    if calls is None:
        return []
    if fn is None:
        return {"missing": True}
    records = []
    for tier in ("visible", "hidden"):
        cases = []
        for case in calls[tier]:
            cases.append([call_once(fn, call) for call in case])
            only_main_process()
        records.append({"hidden": tier == "hidden", "cases": cases, "scaling": None})
    if calls.get("scaling") and callable(fn):
        records[-1]["scaling"] = [count_lines(fn, case[0]) for case in calls["scaling"]]
        only_main_process()
    return records


class _Checks(types.ModuleType):
    """The module ``graders.checks`` (and its submodules) while grading: no checks."""

    def __getattr__(self, name):
        if name.startswith("check_"):
            return _no_check
        raise AttributeError(name)


class _ChecksFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``graders.checks`` as stand-ins; ``graders.learner`` (the in-notebook "check your
    whole notebook" cell) inert: grading does not grade itself."""

    def find_spec(self, name, path=None, target=None):
        if name.startswith(("graders.checks", "graders.learner")):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        if spec.name.startswith("graders.learner"):
            return _Inert(spec.name)
        return _Checks(spec.name)

    def exec_module(self, module):
        module.__path__ = []


# ------------------------------------------------------------------- calling a function
def call_once(fn, call: dict) -> dict:
    """Call ``fn`` on fresh copies of one call's inputs; what happened, as plain data."""
    args = copy.deepcopy(call["args"])
    kwargs = copy.deepcopy(call["kwargs"])
    before = copy.deepcopy(args)
    state = np.random.get_state()
    fp: set[str] = set()
    outcome: dict = {}
    try:
        if not callable(fn):
            raise TypeError(f"{describe_type(fn)} object is not callable")
        with warnings.catch_warnings(), np.errstate(all="call", call=lambda kind, _: fp.add(kind)):
            warnings.simplefilter("ignore")
            saved, sys.stderr = sys.stderr, io.StringIO()
            try:
                result = fn(*args, **kwargs)
            finally:
                sys.stderr = saved
        outcome["result"] = describe(result)
    except BaseException as error:  # noqa: BLE001 - learner code may raise anything
        outcome = {"error": error_info(error)}
    after = np.random.get_state()
    outcome["fp"] = sorted(fp)
    outcome["rng"] = not (state[0] == after[0] and _array_equal(state[1], after[1])
                          and state[2:] == after[2:])
    pairs = enumerate(zip(before, args, strict=True))
    outcome["modified"] = {str(i): describe(a) for i, (b, a) in pairs if not _same(b, a)}
    return outcome


def _same(before, after) -> bool:
    if isinstance(before, _ndarray):
        return (type(after) is _ndarray and after.shape == before.shape
                and after.dtype == before.dtype
                and bool(_array_equal(before, after, equal_nan=before.dtype.kind == "f")))
    if isinstance(before, dict):
        return (type(after) is dict and set(before) == set(after)
                and all(_same(before[k], after[k]) for k in before))
    if isinstance(before, list | tuple):
        return (type(after) is type(before) and len(before) == len(after)
                and all(_same(b, a) for b, a in zip(before, after, strict=True)))
    return True


def count_lines(fn, call: dict) -> int:
    """Python lines run in the learner's own cells during one call (for vectorization)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith("<cell") else None

    args, kwargs = copy.deepcopy(call["args"]), copy.deepcopy(call["kwargs"])
    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
    except BaseException:  # noqa: BLE001 - the cases already say what it raises
        pass
    finally:
        sys.settrace(previous)
    return count


# ----------------------------------------------------------------- describing values
def describe_type(value) -> str:
    return _NAME.sub("_", type(value).__name__)[:40] or "object"


def describe(value, depth: int = 0, budget: list | None = None):
    """A plain-data node for ``value`` (see :mod:`graders.trusted.protocol`)."""
    budget = [MAX_NODES] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        return {"object": "too large a value"}
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        if kind is str and len(value) > 200:
            value = value[:200]
        if kind is int and abs(value) > 2**63:
            return {"object": "int"}
        return {"plain": value}
    if kind is _ndarray:
        if value.dtype.kind not in "biufc" or value.nbytes > 16_000_000:
            return {"object": f"ndarray of dtype {value.dtype.name}"}
        return {"array": np.array(value, copy=True)}
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        if value.dtype.kind not in "biufc":
            return {"object": kind.__name__}
        return {"scalar": np.array(value)}
    if isinstance(value, _ndarray):
        return {"subarray": describe_type(value)}
    if kind in (tuple, list):
        return {kind.__name__: [describe(v, depth + 1, budget) for v in value]}
    if kind is dict:
        return {"dict": [[describe(k, depth + 1, budget), describe(v, depth + 1, budget)]
                         for k, v in dict.items(value)]}
    for base in (tuple, list, dict, float, int, str):
        if isinstance(value, base):
            try:
                inner = describe(base(value), depth + 1, budget)
            except BaseException:  # noqa: BLE001 - a hostile subclass
                inner = {"object": base.__name__}
            module = str(getattr(kind, "__module__", ""))[:80]
            return {"subclass": [describe_type(value), module, base.__name__, inner]}
    return {"object": describe_type(value)}


def error_info(error: BaseException) -> dict:
    """An exception as plain data: type, message (or plain args), the learner's line."""
    try:
        name = describe_type(error)
        args = [a for a in error.args if type(a) in (str, int, float)][:3]
        plain = len(args) == len(error.args)
        message = str(error)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        name, args, plain, message = "Exception", [], False, ""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<cell"):
            line = [tb.tb_frame.f_code.co_filename, tb.tb_lineno]
        tb = tb.tb_next
    if isinstance(error, SyntaxError) and error.lineno:
        line = [str(error.filename), error.lineno]
    return {"type": name, "message": message[:MAX_MESSAGE],
            "args": [a[:MAX_MESSAGE] if isinstance(a, str) else a for a in args] if plain else None,
            "builtin": type(error).__module__ == "builtins", "line": line}


# ------------------------------------------------------------------------- running
class _Capture(io.TextIOBase):
    """A cell's ``sys.stdout``: keeps the first ``MAX_STDOUT`` characters."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def write(self, text):
        text = str(text)
        if self.size < MAX_STDOUT:
            self.parts.append(text[: MAX_STDOUT - self.size])
        self.size += len(text)
        return len(text)

    def text(self) -> str:
        return "".join(self.parts)


def isolate_imports(views: str) -> None:
    """Import dlnotes from this chapter's view only (and, as in a kernel, the learner's own
    files from the working folder); graders.checks are stand-ins."""
    sys.path[:] = [os.getcwd(), views] + [p for p in sys.path if "__editable__" not in p]
    sys.meta_path[:] = [_ChecksFinder(), _InertFinder()] + [
        f for f in sys.meta_path if "__editable__" not in repr(f)
    ]
    for name in list(sys.modules):
        if name.split(".")[0] in ("dlnotes", *INERT) or name.startswith("graders.checks"):
            del sys.modules[name]
    sys.modules["tqdm"] = _no_progress_bars()


def run(plan: dict, started, finished) -> None:
    """Run the plan: ``started(step)`` before each step, ``finished(data)`` after it."""
    global MAIN_PID
    MAIN_PID = os.getpid()
    skip = set(plan["skip"])
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "display": _display}
    namespace["get_ipython"] = (lambda shell: lambda: shell)(_Shell(namespace))
    stdout = sys.stdout
    for step in plan["steps"]:
        if step["name"] in skip:
            continue
        started(step["name"])
        capture = _Capture()
        sys.stdout = capture
        error = None
        try:
            _run_cell(step["source"], f"<cell {step['name']}>", namespace)
        except BaseException as exc:  # noqa: BLE001 - a cell that raises stops only itself
            error = error_info(exc)
        finally:
            only_main_process()
            sys.stdout = stdout
        records = {}
        if step["kind"] == "test" and step.get("function"):
            function = step["function"]
            records[function] = record(namespace.get(function), plan["calls"].get(function))
        finished({"step": step["name"], "error": error, "stdout": capture.text(),
                  "records": records})
