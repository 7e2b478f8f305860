"""A learner's session in a real browser: chapter 2 in ``dlcourse lab``, as they see it.

Every step is timed and leaves a screenshot in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import re
import urllib.error

import pytest
from browser_steps import (
    CELL_TIMEOUT,
    Steps,
    cell,
    open_notebook,
    run_cell,
    save_and_run_last_cell,
    solve_and_check,
    type_into,
)

from graders.catalogue import RIGHT, WRONG

CHAPTER = "02_logistic"
NOTEBOOK = f"{CHAPTER}/{CHAPTER}.ipynb"
SETUP = "from graders.checks.logistic import"  # the setup cell
EXERCISE = "logistic.compute_cost"
MISTAKE = "no_division_by_m"


def test_chapter2_in_the_browser(lab_server, browser_page):
    page = browser_page
    steps = Steps("chapter2", page)
    right = RIGHT[EXERCISE][0]
    wrong = next(w for w in WRONG[EXERCISE] if w.name == MISTAKE)

    steps.run("open-chapter-2", lambda: open_notebook(page, lab_server, NOTEBOOK, SETUP))
    solution = cell(page, "def compute_cost(A, Y):")
    test_cell = cell(page, "check_compute_cost(compute_cost)")

    text = steps.run("correct-solution-check-passes",
                     lambda: solve_and_check(page, solution, test_cell, right.source))
    assert re.match(r"✓ compute_cost: \d+ cases", text), text

    text = steps.run("mistake-diagnosed",
                     lambda: solve_and_check(page, solution, test_cell, wrong.source))
    assert "✓" not in text
    assert re.search(wrong.diagnosis, text, re.I), text

    def validate():
        type_into(page, solution, right.source)
        page.locator(".jp-Toolbar .jp-ToolbarButtonComponent").filter(has_text="Validate").click()
        dialog = page.locator(".jp-Dialog")
        dialog.get_by_text("Validation Results").wait_for(timeout=CELL_TIMEOUT * 2)
        return dialog.inner_text()

    text = steps.run("validate-dialog", validate)
    # Validate saved the notebook and ran it: the learner's correct compute_cost passes;
    # forward and backward are still the stubs and are listed as failing.
    assert "The following cell failed" in text
    assert "check_forward(forward)" in text and "check_backward(backward)" in text
    assert "check_compute_cost(compute_cost)" not in text
    assert "NotImplementedError" in text
    page.locator(".jp-Dialog").get_by_role("button", name="Ok").click()

    def plot():
        plot_cell = cell(page, "plt.subplots")
        run_cell(page, plot_cell)
        image = plot_cell.locator(".jp-OutputArea img")
        image.wait_for(timeout=CELL_TIMEOUT)
        plot_cell.scroll_into_view_if_needed()
        return image.evaluate("img => [img.naturalWidth, img.naturalHeight]")

    width, height = steps.run("plot-image", plot)
    assert width > 100 and height > 100

    text = steps.run("last-cell-dlcourse-check", lambda: save_and_run_last_cell(page))
    assert re.search(r"✓ compute_cost\s+2/2", text), text
    assert re.search(r"✗ forward\s+0/2", text), text
    assert re.search(r"✗ backward\s+0/3", text), text
    steps.save(server_start_seconds=round(lab_server.started_in, 2))

    # Self-study set-up: Validate's server side is on, the instructor's parts are off.
    import nbgrader

    assert json.loads(lab_server.api(f"/nbgrader_version?version={nbgrader.__version__}"))[
        "success"]
    for instructor_only in ("/formgrader", "/assignments", "/courses"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            lab_server.api(instructor_only)
        assert refused.value.code == 404, instructor_only
