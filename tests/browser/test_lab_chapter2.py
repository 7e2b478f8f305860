"""A learner's session in a real browser: chapter 2 in ``dlcourse lab``, as they see it.

Every step is timed and leaves a screenshot in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import re
import urllib.error

import nbformat
import pytest
from browser_steps import Steps

from graders.catalogue import RIGHT, WRONG

CHAPTER = "02_logistic"
NOTEBOOK = f"{CHAPTER}/{CHAPTER}.ipynb"
EXERCISE = "logistic.compute_cost"
MISTAKE = "no_division_by_m"
CELL_TIMEOUT = 120_000  # ms; the machine may be busy with other test workers
GRADING_TIMEOUT = 600_000  # ms; the last cell runs the whole of `dlcourse check`

_PROMPT_DONE = """([el, before]) => {
    const prompt = el.querySelector('.jp-InputPrompt').textContent;
    return /\\[\\d+\\]/.test(prompt) && prompt !== before;
}"""


def _cell(page, text: str):
    return page.locator(".jp-Notebook .jp-Cell").filter(has_text=text).first


def _run(page, cell, timeout: int = CELL_TIMEOUT) -> None:
    """Select the cell, press Shift+Enter, wait until its prompt shows a new number."""
    before = cell.locator(".jp-InputPrompt").inner_text()
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(_PROMPT_DONE, arg=[cell.element_handle(), before], timeout=timeout)


def _type_into(page, cell, source: str) -> None:
    """Replace a code cell's text the way a learner does: select all, type."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def test_chapter2_in_the_browser(lab_server, browser_page):
    page = browser_page
    steps = Steps("chapter2", page)
    right = RIGHT[EXERCISE][0]
    wrong = next(w for w in WRONG[EXERCISE] if w.name == MISTAKE)
    n_cells = len(nbformat.read(lab_server.workspace / NOTEBOOK, as_version=4).cells)

    def open_chapter():
        page.goto(lab_server.page_url(NOTEBOOK))
        page.wait_for_function(
            f"document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {n_cells}",
            timeout=CELL_TIMEOUT)
        lab_server.wait_for_kernel(NOTEBOOK)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=CELL_TIMEOUT)
        _run(page, _cell(page, "from graders.checks.logistic import"))  # the setup cell

    steps.run("open-chapter-2", open_chapter)
    solution = _cell(page, "def compute_cost(A, Y):")
    test_cell = _cell(page, "check_compute_cost(compute_cost)")
    output = test_cell.locator(".jp-OutputArea")

    def correct_solution():
        _type_into(page, solution, right.source)
        _run(page, solution)
        _run(page, test_cell)
        return output.inner_text()

    text = steps.run("correct-solution-check-passes", correct_solution)
    assert re.match(r"✓ compute_cost: \d+ cases", text), text

    def typical_mistake():
        _type_into(page, solution, wrong.source)
        _run(page, solution)
        _run(page, test_cell)
        return output.inner_text()

    text = steps.run("mistake-diagnosed", typical_mistake)
    assert "✓" not in text
    assert re.search(wrong.diagnosis, text, re.I), text

    def validate():
        _type_into(page, solution, right.source)
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
        cell = _cell(page, "plt.subplots")
        _run(page, cell)
        image = cell.locator(".jp-OutputArea img")
        image.wait_for(timeout=CELL_TIMEOUT)
        cell.scroll_into_view_if_needed()
        return image.evaluate("img => [img.naturalWidth, img.naturalHeight]")

    width, height = steps.run("plot-image", plot)
    assert width > 100 and height > 100

    def self_check():
        page.keyboard.press("Control+s")
        cells = page.locator(".jp-Notebook .jp-Cell")
        last = cells.nth(cells.count() - 1)
        _run(page, last, timeout=GRADING_TIMEOUT)
        last.scroll_into_view_if_needed()
        return last.locator(".jp-OutputArea").inner_text()

    text = steps.run("last-cell-dlcourse-check", self_check)
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
