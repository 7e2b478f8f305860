"""The canary: a known-wrong submission graded after each batch must score 0.

If it gets any point, grading itself is broken (or the "known-wrong" answers are right),
and every result of the batch is flagged.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from graders.exercises import chapter_exercises


def canary_problems(course, chapters: list[str], grader) -> list[str]:
    """Grade a known-wrong submission of each chapter with ``grader``; any point is a problem.

    The canary answers every exercise with a plausible wrong formula from
    ``graders.catalogue`` (or a function returning None where the catalogue has none).
    """
    problems = []
    with tempfile.TemporaryDirectory(prefix="dlcourse-canary-") as tmp:
        for chapter in chapters:
            path = Path(tmp) / f"{chapter}.ipynb"
            path.write_text(json.dumps(canary_notebook(course.source_notebook(chapter), chapter)))
            result = grader.grade(path, chapter, source_notebook=course.source_notebook(chapter))
            if result.status != "graded" or result.score != 0:
                problems.append(f"the known-wrong canary of {chapter} was {result.status} with "
                                f"{result.score}/{result.max_score} points (expected 0)")
    return problems


def canary_notebook(source: Path, chapter: str) -> dict:
    """The source notebook with every solution cell replaced by a wrong answer."""
    notebook = json.loads(source.read_text())
    wrong = {e.function: wrong_source(e.module, e.function) for e in chapter_exercises(chapter)}
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in wrong:
            cell["source"] = wrong[grade_id]
    return notebook


def wrong_source(module: str, function: str) -> str:
    """A wrong answer for ``module.function``: the catalogue's first, else ``return None``."""
    try:
        from graders.catalogue import WRONG

        return WRONG[f"{module}.{function}"][0].source
    except (ImportError, KeyError, IndexError):
        return f"def {function}(*args, **kwargs):\n    return None\n"
