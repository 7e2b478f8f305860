"""What the learner reads about the whole course, beside one notebook's report.

:func:`answer_key_pointer` names the modules of ``dlnotes``, the course's reference, that
hold the chapter's graded functions, with their paths on this machine. ``dlcourse check``
prints it under a chapter whose every exercise passes.

:func:`find_workspace` finds the workspace a notebook belongs to (the folder holding the
manifest ``dlcourse lab`` writes), whose chapters the course overview sums up. This module
imports nothing heavy: the notebook's kernel imports it.
"""

from __future__ import annotations

from pathlib import Path

from graders.exercises import CHAPTERS, chapter_exercises

MANIFEST = ".dlnotes-workspace.json"  # written by graders.learner.workspace


def answer_modules(chapter: str) -> dict[str, list[str]]:
    """``{dlnotes module: [graded functions of chapter]}``, in the chapter's order."""
    if chapter not in CHAPTERS:
        raise ValueError(f"chapter is {chapter!r}, expected one of {', '.join(CHAPTERS)}")
    modules: dict[str, list[str]] = {}
    for exercise in chapter_exercises(chapter):
        modules.setdefault(exercise.module, []).append(exercise.function)
    return modules


def answer_key_pointer(chapter: str) -> str:
    """One line pointing a learner who passed ``chapter`` to the worked answers.

    Example: ``worked answers: dlnotes/logistic.py (forward, compute_cost, backward), in
    /home/me/dlnotes/dlnotes``.
    """
    import dlnotes

    parts = [f"dlnotes/{module}.py ({', '.join(functions)})"
             for module, functions in answer_modules(chapter).items()]
    folder = Path(dlnotes.__file__).resolve().parent
    return f"worked answers: {'; '.join(parts)}, in {folder}"


def find_workspace(path: Path) -> Path | None:
    """The ``dlcourse lab`` workspace that holds ``path`` (a notebook or a folder): the
    nearest folder, ``path`` itself or above it, with the workspace manifest; None if
    there is none."""
    path = Path(path).resolve()
    for folder in (path, *path.parents):
        if (folder / MANIFEST).is_file():
            return folder
    return None
