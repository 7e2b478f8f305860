"""A tiny nbgrader source chapter for testing the workspace machinery.

It stands in for the real chapter notebooks where a test needs a course it can change
(a "newer version"); the real notebooks are tested in ``test_real_course.py``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat


def _cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if nbgrader:
        meta = {"schema_version": 3, "solution": False, "grade": False, "locked": False}
        meta.update(nbgrader)
        cell.metadata["nbgrader"] = meta
    return cell


def write_toy_chapter(notebooks_dir: Path, chapter: str = "02_logistic",
                      intro: str = "Toy chapter") -> Path:
    """Write ``notebooks_dir/<chapter>/<chapter>.ipynb`` with one graded exercise.

    The exercise asks for ``double(x) = 2 * x``; the visible test tries one value, the
    hidden test another.
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        _cell("markdown", f"# {intro}", grade_id="md_intro", locked=True),
        _cell("code", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n"
              "    ### END SOLUTION", grade_id="double", solution=True),
        _cell("code", "assert double(3) == 6, 'double(3) should be 6'\nprint('ok')\n"
              "### BEGIN HIDDEN TESTS\nassert double(-1) == -2\n### END HIDDEN TESTS",
              grade_id="test_double", grade=True, locked=True, points=2),
    ]
    folder = notebooks_dir / chapter
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chapter}.ipynb"
    nbformat.write(nb, path)
    return path
