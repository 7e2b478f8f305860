"""What the chapter notebooks import besides numpy: ``FAST``, ``show()`` and ``reuse()``.

nbgrader sets ``NBGRADER_EXECUTION`` while it runs a notebook (Validate, autograde). Then
``FAST`` is true, the chapters' demonstrations run shorter, and ``show()`` closes the
figures instead of drawing them: nobody sees them while grading.

:func:`reuse` lets a later chapter train with the functions the learner wrote in an earlier
one: the learner's own where they pass their check, the course's reference otherwise.

matplotlib is imported inside ``show()`` only, so importing this module costs nothing
and works where matplotlib is absent or replaced by a stand-in.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

FAST: bool = "NBGRADER_EXECUTION" in os.environ


def show() -> None:
    """Draw the figures made so far (close them instead while nbgrader grades)."""
    import matplotlib.pyplot as plt

    if FAST:
        plt.close("all")
    else:
        plt.show()


def reuse(
    chapter: str, module: str, names: Sequence[str], *, notebook: str | Path | None = None
) -> tuple[Callable[..., Any], ...]:
    """The learner's functions ``names`` from their saved ``chapter`` notebook, or the course's.

    Reads ``../<chapter>/<chapter>.ipynb`` (the workspace's layout, seen from another
    chapter's folder) or ``<chapter>.ipynb`` in the current folder, unless ``notebook`` is
    given; runs its setup and solution cells (only those) in a fresh namespace, with their
    output swallowed; then runs each function's check (``graders.checks.<module>``)
    quietly. A function that passes is returned as the learner wrote it, any other one as
    ``dlnotes.<module>``'s reference. Prints one line per function saying which, and why.

    Never raises and never writes to stderr: a missing or broken notebook means the
    references, said in one line. While nbgrader runs the notebook (``FAST``) nothing is
    read and the references are returned.

    Returns
    -------
    functions : tuple of callables, in the order of ``names``
    """
    reference = importlib.import_module(f"dlnotes.{module}")
    references = tuple(getattr(reference, name) for name in names)
    if FAST:
        print(
            f"The course's {module} functions: this notebook is being graded, so your "
            f"{chapter} notebook is not read."
        )
        return references
    path = _find_notebook(chapter, notebook)
    if path is None:
        print(
            f"The course's {module} functions: {chapter}.ipynb was not found (looked in "
            f"../{chapter}/ and here)."
        )
        return references
    try:
        with _quiet():
            namespace = _run_solutions(path)
    except Exception as exc:  # a notebook that cannot be read: the references, said
        print(
            f"The course's {module} functions: {path} could not be read "
            f"({type(exc).__name__}: {_first_line(str(exc))})."
        )
        return references
    print(f"From {path}:")
    return tuple(
        _choose(module, name, namespace.get(name), ref)
        for name, ref in zip(names, references, strict=True)
    )


def _find_notebook(chapter: str, notebook: str | Path | None) -> Path | None:
    if notebook is not None:
        candidates = [Path(notebook)]
    else:
        candidates = [Path("..") / chapter / f"{chapter}.ipynb", Path(f"{chapter}.ipynb")]
    return next((p for p in candidates if p.is_file()), None)


def _run_solutions(path: Path) -> dict[str, Any]:
    """Run the setup and solution cells of the notebook at ``path`` in a fresh namespace.

    A cell that raises is skipped, as it would fail in the notebook; the others still run.
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {"__name__": "__learner__"}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code":
            continue
        if not (meta.get("solution") or meta.get("grade_id") == "setup"):
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        try:
            exec(compile(_python(source), f"<{path.name} cell>", "exec"), namespace)
        except (Exception, SystemExit):  # the cell fails, as it would in the notebook
            continue
    return namespace


def _python(source: str) -> str:
    """Cell source as plain Python (IPython magics transformed, where IPython is there)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def _choose(module: str, name: str, theirs: Any, ref: Callable[..., Any]) -> Callable[..., Any]:
    """The learner's function if it passes its check, else the reference; one line says."""
    if not callable(theirs):
        print(f"  {name}: the course's (your notebook does not define it)")
        return ref
    try:
        checks = importlib.import_module(f"graders.checks.{module}")
        check = getattr(checks, f"check_{name}")
    except (ImportError, AttributeError):
        print(f"  {name}: the course's (there is no check to try yours with)")
        return ref
    try:
        with _quiet():
            check(theirs)
    except BaseException as exc:  # noqa: BLE001 - a learner's function may raise anything
        if isinstance(exc, KeyboardInterrupt):
            raise
        print(f"  {name}: the course's (yours does not pass: {_diagnosis(exc)})")
        return ref
    print(f"  {name}: yours (passes its check)")
    return theirs


def _diagnosis(exc: BaseException) -> str:
    """The first line of a check's message, without its "rerun this case" advice."""
    line = _first_line(str(exc)) or type(exc).__name__
    return line.split("; rerun this case")[0]


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


@contextlib.contextmanager
def _quiet():
    """Swallow stdout, stderr and warnings (and floating-point warnings) inside."""
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        yield
