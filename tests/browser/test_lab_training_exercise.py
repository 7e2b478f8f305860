"""A learner walks one of chapter 2's training exercises, ``predict``, in a real browser:
a typical mistake is diagnosed, the right answer gets its ✓, and the last cell and the
workspace's ``course_overview.ipynb`` show the course overview with the points earned.

Every step is timed and leaves a screenshot in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re

from browser_steps import (
    GRADING_TIMEOUT,
    Steps,
    cell,
    open_from_file_browser,
    open_notebook,
    output_of,
    run_cell,
    save_and_run_last_cell,
    solve_and_check,
    type_into,
)

from graders.catalogue import RIGHT, WRONG
from graders.exercises import CHAPTERS, chapter_exercises, exercise, max_score
from graders.learner.release import OVERVIEW_NOTEBOOK

CHAPTER = "02_logistic"
NOTEBOOK = f"{CHAPTER}/{CHAPTER}.ipynb"
SETUP = "from graders.checks.logistic import"
EXERCISE = "logistic.predict"
MISTAKE = ">= 0.5"  # exactly 0.5 must give 0
USES = "logistic.forward"  # predict calls the learner's forward


def _overview(text: str) -> dict[str, list[str]]:
    """The course overview in ``text``: ``{chapter or "total": its words after the name}``."""
    block = text[text.index("course overview:"):].splitlines()[1:]
    return {line.split()[0]: line.split()[1:] for line in block if line.strip()}


def test_predict_walked_in_the_browser(lab_server, browser_page):
    page = browser_page
    steps = Steps("chapter2-predict", page)
    wrong = next(w for w in WRONG[EXERCISE] if w.name == MISTAKE)
    right = RIGHT[EXERCISE][1]  # not the first: np.where, written differently

    steps.run("open-chapter-2", lambda: open_notebook(page, lab_server, NOTEBOOK, SETUP))

    def forward_first():  # predict uses the learner's own forward
        solution = cell(page, "def forward(w, b, X):")
        type_into(page, solution, RIGHT[USES][0].source)
        run_cell(page, solution)

    steps.run("forward-typed", forward_first)
    solution = cell(page, "def predict(w, b, X):")
    test_cell = cell(page, "check_predict(predict)")

    text = steps.run("predict-mistake-diagnosed",
                     lambda: solve_and_check(page, solution, test_cell, wrong.source))
    assert "✓" not in text, text
    assert re.search(wrong.diagnosis, text, re.I), text
    assert "check_predict(predict, case=" in text, "the failure says how to rerun its case"

    text = steps.run("predict-right-passes",
                     lambda: solve_and_check(page, solution, test_cell, right.source))
    assert re.match(r"✓ predict: \d+ cases", text), text

    # The last cell: the chapter's report, then the course overview of the workspace.
    text = steps.run("last-cell-report-and-overview", lambda: save_and_run_last_cell(page))
    earned = exercise(USES).points + exercise(EXERCISE).points
    assert re.search(rf"✓ predict\s+{exercise(EXERCISE).points}/", text), text
    assert re.search(rf"✓ forward\s+{exercise(USES).points}/", text), text
    assert re.search(r"✗ compute_cost\s+0/2 .*NotImplementedError", text), text
    n = len(chapter_exercises(CHAPTER))
    course = sum(map(max_score, CHAPTERS))
    expected = {CHAPTER: [f"{earned}/{max_score(CHAPTER)}", "2", "of", str(n), "exercises",
                          "pass"],
                "total": [f"{earned}/{course}", "0", "of", str(len(CHAPTERS)), "chapters",
                          "pass"]}
    overview = _overview(text)
    assert {k: overview.get(k) for k in expected} == expected, text
    assert overview["01_numpy"][0] == f"0/{max_score('01_numpy')}", text

    # The workspace's course_overview.ipynb says the same.
    def overview_notebook():
        open_from_file_browser(page, lab_server, OVERVIEW_NOTEBOOK)
        only = cell(page, "show_course_overview()")
        run_cell(page, only, timeout=GRADING_TIMEOUT)
        return output_of(only)

    text = steps.run("course-overview-notebook", overview_notebook)
    assert _overview(text) == overview, text
    assert "(chapter " not in text, "the overview notebook printed a chapter's report"
    steps.save(server_start_seconds=round(lab_server.started_in, 2))
