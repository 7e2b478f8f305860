"""Build learner notebooks from a course's released chapters (for the demo and the tests).

A sample submission is the student version of a chapter (``release/``) with some solution
cells filled in: with the instructor's solution (from ``source/``), or with any other
source text, e.g. a typical mistake from ``graders.catalogue.WRONG``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graders.pipeline.course import Course

if TYPE_CHECKING:
    import nbformat


def solution_sources(notebook: Path) -> dict[str, str]:
    """Source of every solution cell of a notebook, by ``grade_id``."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def learner_notebook(
    course: Course,
    chapter: str,
    *,
    solved: bool = True,
    answers: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The released notebook of ``chapter``, as a learner might hand it in.

    Parameters
    ----------
    course : Course
    chapter : str
    solved : bool
        Fill every solution cell with the instructor's solution (else leave the stubs).
    answers : dict, optional
        ``grade_id -> source`` replacing those solution cells (applied last).

    Returns
    -------
    NotebookNode
    """
    import nbformat

    nb = nbformat.read(course.release_notebook(chapter), as_version=4)
    sources = solution_sources(course.source_notebook(chapter)) if solved else {}
    sources.update(answers or {})
    unknown = set(answers or {}) - {
        c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
    }
    if unknown:
        raise ValueError(f"{chapter} has no solution cell {', '.join(sorted(unknown))}")
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in sources:
            cell.source = sources[meta["grade_id"]]
    return nb
