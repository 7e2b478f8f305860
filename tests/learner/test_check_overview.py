"""``dlcourse check DIR`` ends with the course overview: points per chapter and the total."""

from __future__ import annotations

from pathlib import Path

from graders.exercises import CHAPTERS, chapter_exercises, max_score
from graders.learner.grading import NotebookResult, format_overview
from graders.results import ExerciseResult


def result(chapter: str, lost: int = 0, error: str | None = None) -> NotebookResult:
    exercises = [ExerciseResult(e.function, e.points, e.points) for e in chapter_exercises(chapter)]
    if lost:
        first = exercises[0]
        exercises[0] = ExerciseResult(first.function, first.points - lost, first.max_points,
                                      "wrong")
    return NotebookResult(Path(f"{chapter}.ipynb"), chapter, [] if error else exercises, error)


def test_overview_counts_each_chapter_once_and_the_total():
    results = [result("01_numpy"), result("02_logistic", lost=2),
               result("02_logistic"),  # a second copy that passes: the best one counts
               result("04_deep", error="not a readable notebook")]
    text = format_overview(results)
    lines = {line.split()[0]: line for line in text.splitlines()[1:]}
    assert set(lines) == {*CHAPTERS, "total"}
    assert lines["01_numpy"].split()[1:] == [f"{max_score('01_numpy')}/{max_score('01_numpy')}",
                                             "passes"]
    assert "passes" in lines["02_logistic"]
    assert lines["03_shallow"].endswith("not found")
    assert lines["04_deep"].endswith("could not be graded")
    expected = max_score("01_numpy") + max_score("02_logistic")
    assert lines["total"].split()[1] == f"{expected}/{sum(map(max_score, CHAPTERS))}"
