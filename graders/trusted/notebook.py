"""Reading a submission, and the plan of its one execution: which cells run, in what order.

Only text leaves this module: the trusted parent never executes anything it reads here.
A submission is untrusted JSON, so everything is read defensively and any malformation
becomes a :class:`NotebookError` with a fixed message fit for the instructor.

The plan is the notebook as a kernel would run it: every code cell in notebook order,
with the instructor's setup and test cells (``grade_id`` ``setup*`` and
``test_<function>``) taken from the source notebook instead of the submission. A locked
cell the learner deleted is put back after the cell that precedes it in the source; a
copy of a locked cell runs once, where it first stands.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from graders.errors import DlcourseError

MAX_NOTEBOOK_BYTES = 20_000_000  # a course notebook is well under 1 MB; outputs may add some
_ID = re.compile(r"[^A-Za-z0-9_]")
HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)
_MAGIC = re.compile(r"^\s*(%|!)|^\s*[\w.]+\s*=\s*(%|!)|\?\s*$", re.M)


class NotebookError(DlcourseError):
    """The notebook cannot be read as an nbgrader notebook."""


@dataclass(frozen=True)
class Step:
    """One code cell of the execution.

    ``name`` is ``cell:<position>:<grade_id>`` (unique in the plan); ``kind`` is
    ``setup`` or ``test`` (the instructor's, from the source notebook) or ``code`` (the
    submission's: solution cells and any cell the learner wrote); ``function`` is the
    exercise of a test cell; ``cell`` the index of the submission cell it stands for
    (None for a locked cell the learner deleted, put back).
    """

    name: str
    kind: str
    source: str
    grade_id: str | None = None
    function: str | None = None
    cell: int | None = None

    def as_plan(self) -> dict:
        return {"name": self.name, "kind": self.kind, "source": self.source,
                "function": self.function}


def read_cells(path: Path) -> list[dict]:
    """The cells of a notebook file, as dicts, or :class:`NotebookError`."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"the notebook is {size} bytes, more than {MAX_NOTEBOOK_BYTES}")
        notebook = json.loads(path.read_bytes())
    except NotebookError:
        raise
    except (OSError, ValueError, RecursionError):
        raise NotebookError("not a readable notebook (not valid JSON)") from None
    if isinstance(notebook, dict) and notebook.get("nbformat") == 3:
        notebook = _from_version_3(notebook)
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise NotebookError("not a readable notebook (it has no list of cells)")
    return cells


def _from_version_3(notebook: dict) -> dict:
    import nbformat

    try:
        return json.loads(nbformat.writes(nbformat.convert(nbformat.from_dict(notebook), 4)))
    except Exception:  # nbformat's own refusals: the notebook is not one
        raise NotebookError("not a readable notebook (a malformed nbformat 3 file)") from None


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
    raise NotebookError("not a readable notebook (a cell has a malformed source)")


def grade_ids(cells: list[dict]) -> list[str]:
    """Every ``grade_id`` in a notebook's cells."""
    return [gid for cell in cells if (gid := grade_id(cell)) is not None]


def locked_cells(source_cells: list[dict], functions: list[str]) -> dict[str, str]:
    """``{grade_id: source}`` of the instructor's setup and test cells, in source order."""
    tests = {f"test_{f}" for f in functions}
    return {gid: cell_source(cell) for cell in source_cells
            if cell.get("cell_type") == "code" and (gid := grade_id(cell)) is not None
            and (gid.startswith("setup") or gid in tests)}


def plan_steps(cells: list[dict], source_cells: list[dict], functions: list[str]) -> list[Step]:
    """The execution of a submission's ``cells`` (see the module docstring)."""
    locked = locked_cells(source_cells, functions)
    order = [g for c in source_cells if c.get("cell_type") == "code" and (g := grade_id(c))]
    planned: list[tuple[str | None, str, int | None]] = []  # in execution order
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        gid = grade_id(cell)
        if gid in locked:
            if all(g != gid for g, _, _ in planned):
                planned.append((gid, locked[gid], index))
        else:
            planned.append((gid, cell_source(cell), index))
    for gid in locked:
        if any(g == gid for g, _, _ in planned):
            continue
        before = set(order[: order.index(gid)]) if gid in order else set()
        at = next((i + 1 for i in range(len(planned) - 1, -1, -1) if planned[i][0] in before), 0)
        planned.insert(at, (gid, locked[gid], None))
    steps = []
    for position, (gid, source, index) in enumerate(planned):
        kind = ("setup" if gid.startswith("setup") else "test") if gid in locked else "code"
        function = gid.removeprefix("test_") if kind == "test" else None
        name = f"cell:{position}:{_ID.sub('', gid or '')[:60]}"
        steps.append(Step(name, kind, to_python(source), gid, function, index))
    return steps


def calls_among(sources: dict[str, str]) -> dict[str, frozenset[str]]:
    """For each function of ``sources`` (its name -> the source that defines it), the
    others it calls, directly or through another one. A source that does not parse calls
    nothing. Cached: the grading of every submission asks again for the same answers."""
    return _closure(tuple(sorted(sources.items())))


@functools.lru_cache(maxsize=32)
def _closure(sources: tuple[tuple[str, str], ...]) -> dict[str, frozenset[str]]:
    names = {name for name, _ in sources}
    direct = {}
    for name, source in sources:
        try:
            tree = ast.parse(to_python(source))
        except SyntaxError:
            tree = ast.Module(body=[], type_ignores=[])
        direct[name] = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & names - {name}
    closed = {}
    for name in direct:
        found, todo = set(), [name]
        while todo:
            new = direct[todo.pop()] - found - {name}
            found |= new
            todo += sorted(new)
        closed[name] = frozenset(found)
    return closed


def answer_calls(source_cells: list[dict], functions: list[str]) -> dict[str, frozenset[str]]:
    """Which of ``functions`` each one's worked answer (its solution cell in the instructor's
    source notebook, never learner text) calls, directly or through another: in chapter 2,
    ``optimize`` -> ``{forward, compute_cost, backward}``."""
    return calls_among({gid: cell_source(cell) for cell in source_cells
                        if (gid := grade_id(cell)) in functions})


def hidden_lines(source_cells: list[dict]) -> list[str]:
    """The lines of the source notebook's hidden tests, markers included (of at least 8
    characters each)."""
    lines = []
    for cell in source_cells:
        for block in HIDDEN.findall(cell_source(cell)):
            lines += [ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 8]
    return lines


def redact(text: str, secret: list[str]) -> str:
    """``text`` (learner output) with every hidden-test line replaced by ``[hidden test]``."""
    for line in secret:
        text = text.replace(line, "[hidden test]")
    return text


def to_python(source: str) -> str:
    """Cell source with IPython syntax (``%magic``, ``!cmd``, ``x?``) turned into Python.

    The result calls ``get_ipython()``, which the child provides; IPython is imported only
    for the cells that need it.
    """
    if not _MAGIC.search(source):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # malformed IPython syntax: let the child report the SyntaxError
        return source
