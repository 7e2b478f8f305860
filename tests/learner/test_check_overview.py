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


def test_overview_says_which_chapters_pass():
    shallow = len(chapter_exercises("03_shallow"))
    text = format_overview([result("01_numpy"), result("03_shallow", lost=1)])
    lines = {line.split()[0]: line for line in text.splitlines()[1:]}
    assert lines["03_shallow"].split()[1:] == [
        f"{max_score('03_shallow') - 1}/{max_score('03_shallow')}",
        str(shallow - 1), "of", str(shallow), "exercises", "pass"]
    assert lines["total"].endswith(f"1 of {len(CHAPTERS)} chapters pass")
    first = chapter_exercises("05_application")[0]
    one = NotebookResult(Path("05_application.ipynb"), "05_application",
                         [ExerciseResult(first.function, 0, first.points, "wrong")])
    assert format_overview([one]).splitlines()[5].endswith("0 of 1 exercise passes")
