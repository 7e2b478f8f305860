"""Reading a submission: the source of its solution cells, found by nbgrader ``grade_id``.

Only text leaves this module: the trusted parent never executes anything it reads here.
A submission is untrusted JSON, so everything is read defensively and any malformation
becomes a :class:`NotebookError` with a message fit for the instructor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from IPython.core.inputtransformer2 import TransformerManager

MAX_NOTEBOOK_BYTES = 20_000_000  # a course notebook is well under 1 MB; outputs may add some


class NotebookError(Exception):
    """The notebook cannot be read as an nbgrader notebook."""


@dataclass(frozen=True)
class Cell:
    """One code cell to run in the child: its ``grade_id`` and plain Python source."""

    grade_id: str
    source: str


def read_cells(path: Path) -> list[dict]:
    """The cells of a notebook file, as dicts, or :class:`NotebookError`."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"the notebook is {size} bytes, more than {MAX_NOTEBOOK_BYTES}")
        notebook = json.loads(path.read_bytes())
    except NotebookError:
        raise
    except (OSError, ValueError, RecursionError) as error:
        raise NotebookError(f"the notebook is not valid JSON ({type(error).__name__})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise NotebookError("the notebook has no list of cells")
    return cells


def grade_id(cell: dict) -> str | None:
    """The nbgrader ``grade_id`` of a cell, or None."""
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    value = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return value if isinstance(value, str) else None


def cell_source(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a string or a list of lines)."""
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise NotebookError(f"cell {grade_id(cell)!r} has a malformed source")


def solution_cells(path: Path, functions: list[str]) -> list[Cell]:
    """The code cells whose ``grade_id`` names one of ``functions``, in notebook order.

    Duplicated cells are all kept (they run in order, as in the learner's kernel); a cell
    re-typed as markdown or raw is not code and is left out, as the kernel would.
    """
    wanted = set(functions)
    return [
        Cell(gid, to_python(cell_source(cell)))
        for cell in read_cells(path)
        if cell.get("cell_type") == "code" and (gid := grade_id(cell)) in wanted
    ]


def setup_cells(source_notebook: Path) -> list[Cell]:
    """The instructor's locked setup cells (``grade_id`` ``setup*``), from the source notebook."""
    return [
        Cell(gid, to_python(cell_source(cell)))
        for cell in read_cells(source_notebook)
        if cell.get("cell_type") == "code"
        and (gid := grade_id(cell)) is not None
        and gid.startswith("setup")
    ]


def grade_ids(path: Path) -> list[str]:
    """Every ``grade_id`` in a notebook (to say which chapter a wrong notebook belongs to)."""
    return [gid for cell in read_cells(path) if (gid := grade_id(cell)) is not None]


def to_python(source: str) -> str:
    """Cell source with IPython syntax (``%magic``, ``!cmd``, ``x?``) turned into Python.

    The result calls ``get_ipython()``, which the child defines as an inert stand-in:
    magics do nothing there, as they should when only functions are being graded.
    """
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # malformed IPython syntax: let the child report the SyntaxError
        return source
