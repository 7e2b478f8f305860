"""Build the chapter notebooks from their readable sources.

Each chapter ``C`` is written as plain text in ``notebooks/C.cells`` and built into the
nbgrader source notebook ``notebooks/C/C.ipynb`` (committed without outputs). The text is a
list of cells, each opened by a marker line:

``# %% [markdown]``
    a markdown cell;
``# %%``
    an ordinary code cell (a demonstration);
``# %% setup``
    the locked, read-only setup cell (grade_id ``setup``); the import of the chapter's
    checks is added here, after the source's own imports, from ``graders.exercises``;
``# %% solution <function>``
    the learner's solution cell (grade_id ``<function>``);
``# %% test <function>``
    the locked test cell (grade_id ``test_<function>``); its body is generated here from
    ``graders.exercises``: the visible check and, as hidden tests, the stricter one.

The sources live beside the chapter folders, not in them, because nbgrader copies every
file of an assignment folder into the learners' release.

Usage: ``python notebooks/build.py`` rebuilds every chapter; ``--check`` exits 1 when a
committed notebook differs from what its source builds.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

from graders.exercises import CHAPTERS, chapter_exercises

HERE = Path(__file__).resolve().parent
MARKER = re.compile(r"^# %%(?: (?P<kind>\[markdown\]|setup|solution|test)(?: (?P<name>\w+))?)?\s*$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def source_path(chapter: str) -> Path:
    return HERE / f"{chapter}.cells"


def notebook_path(chapter: str) -> Path:
    return HERE / chapter / f"{chapter}.ipynb"


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def test_source(function: str) -> str:
    """The body of the test cell of ``function``: visible check, then hidden cases."""
    return "\n".join(
        [
            f"check_{function}({function})",
            "### BEGIN HIDDEN TESTS",
            f"check_{function}({function}, hidden=True)",
            "### END HIDDEN TESTS",
        ]
    )


def checks_import(chapter: str) -> list[str]:
    """The setup cell's import of the chapter's ``check_<function>``s, formatted as ruff
    formats it (one line when it fits in 100 characters)."""
    names: dict[str, list[str]] = {}
    for exercise in chapter_exercises(chapter):
        names.setdefault(exercise.check_module, []).append(f"check_{exercise.function}")
    lines = []
    for module, checks in sorted(names.items()):
        one = f"from {module} import {', '.join(sorted(checks))}"
        if len(one) <= 100:
            lines.append(one)
        else:
            lines += [f"from {module} import (", *(f"    {c}," for c in sorted(checks)), ")"]
    return lines


def setup_source(chapter: str, body: str) -> str:
    """The setup cell: ``body`` with the checks' import after its last import."""
    if "graders.checks" in body:
        raise ValueError(f"{chapter}: the setup cell's check imports are generated; remove them")
    imports = [n for n in ast.parse(body).body if isinstance(n, ast.Import | ast.ImportFrom)]
    lines = body.splitlines()
    end = imports[-1].end_lineno if imports else 0
    return "\n".join([*lines[:end], *checks_import(chapter), *lines[end:]])


def parse(text: str) -> list[tuple[str, str | None, str]]:
    """Split a ``.cells`` text into ``(kind, name, body)`` triples."""
    cells: list[tuple[str, str | None, list[str]]] = []
    for line in text.splitlines():
        match = MARKER.match(line)
        if match:
            cells.append((match["kind"] or "code", match["name"], []))
        elif cells:
            cells[-1][2].append(line)
        elif line.strip():
            raise ValueError(f"text before the first cell marker: {line!r}")
    return [(kind, name, "\n".join(body).strip("\n")) for kind, name, body in cells]


def build(chapter: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``chapter``, built from ``notebooks/<chapter>.cells``."""
    points = {e.function: e.points for e in chapter_exercises(chapter)}
    cells = []
    for index, (kind, name, body) in enumerate(parse(source_path(chapter).read_text())):
        cell_id = f"{chapter}-{index:02d}"
        if kind == "[markdown]":
            cells.append(nbformat.v4.new_markdown_cell(body, id=cell_id))
        elif kind == "code":
            cells.append(nbformat.v4.new_code_cell(body, id=cell_id))
        elif kind == "setup":
            meta = _nbgrader("setup", locked=True)
            source = setup_source(chapter, body)
            cells.append(nbformat.v4.new_code_cell(source, id=cell_id, metadata=meta))
        elif kind == "solution":
            if name not in points:
                raise ValueError(f"{chapter}: {name!r} is not an exercise of this chapter")
            meta = _nbgrader(name, solution=True)
            cells.append(nbformat.v4.new_code_cell(body, id=name, metadata=meta))
        elif kind == "test":
            if name not in points or body:
                raise ValueError(f"{chapter}: test cell {name!r} must be an empty exercise")
            meta = _nbgrader(f"test_{name}", grade=True, locked=True, points=points[name])
            cells.append(
                nbformat.v4.new_code_cell(test_source(name), id=f"test_{name}", metadata=meta)
            )
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.nbformat_minor = 5
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nbformat.validate(nb)
    return nb


def render(chapter: str) -> str:
    """The exact text of the committed notebook of ``chapter``."""
    return nbformat.writes(build(chapter)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("chapters", nargs="*", default=list(CHAPTERS))
    args = parser.parse_args(argv)
    stale = []
    for chapter in args.chapters:
        path = notebook_path(chapter)
        text = render(chapter)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(chapter)
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text)
    for chapter in stale:
        print(f"{notebook_path(chapter)} is stale: run python notebooks/build.py {chapter}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
