"""Timed, screenshotted steps of a browser session (artifacts in ``test-artifacts/browser/``,
gitignored), and what a learner does in a notebook: open it, type into a cell, run it, save
and run the last cell."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from graders.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"


@dataclass
class Steps:
    """Times each step of a browser session and saves a screenshot after it."""

    name: str
    page: object
    times: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def run(self, step: str, action):
        start = time.perf_counter()
        try:
            return action()
        finally:  # a screenshot of a failed step is the most useful one
            self.times[step] = round(time.perf_counter() - start, 2)
            shot = ARTIFACTS / f"{self.name}-{len(self.times):02d}-{step}.png"
            self.page.screenshot(path=str(shot))

    def save(self, **extra) -> None:
        record = {"steps_seconds": self.times, **extra}
        (ARTIFACTS / f"{self.name}-times.json").write_text(json.dumps(record, indent=1))


# --- what a learner does in a notebook (shared by the browser tests) -----------------

CELL_TIMEOUT = 120_000  # ms; the machine may be busy with other test workers
GRADING_TIMEOUT = 600_000  # ms; the last cell runs the whole of `dlcourse check`

_PROMPT_DONE = """([el, before]) => {
    const prompt = el.querySelector('.jp-InputPrompt').textContent;
    return /\\[\\d+\\]/.test(prompt) && prompt !== before;
}"""


def cell(page, text: str):
    """The first cell of the open notebook whose text contains ``text``."""
    return page.locator(".jp-Notebook .jp-Cell").filter(has_text=text).first


def run_cell(page, cell, timeout: int = CELL_TIMEOUT) -> None:
    """Select the cell, press Shift+Enter, wait until its prompt shows a new number."""
    before = cell.locator(".jp-InputPrompt").inner_text()
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(_PROMPT_DONE, arg=[cell.element_handle(), before], timeout=timeout)


def type_into(page, cell, source: str) -> None:
    """Replace a code cell's text the way a learner does: select all, type."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def output_of(cell) -> str:
    return cell.locator(".jp-OutputArea").inner_text()


def open_notebook(page, lab_server, notebook: str, setup_text: str | None = None) -> None:
    """Open ``notebook`` (a path in the workspace), wait for every cell and an idle
    kernel, then run its setup cell (the cell containing ``setup_text``), if given."""
    import nbformat

    n_cells = len(nbformat.read(lab_server.workspace / notebook, as_version=4).cells)
    page.goto(lab_server.page_url(notebook))
    page.wait_for_function(
        f"document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {n_cells}",
        timeout=CELL_TIMEOUT)
    lab_server.wait_for_kernel(notebook)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=CELL_TIMEOUT)
    if setup_text is not None:
        run_cell(page, cell(page, setup_text))


def open_from_file_browser(page, lab_server, notebook: str) -> None:
    """Open ``notebook`` (a path in the workspace) as a learner does: from the workspace's
    top folder in Lab's file browser, double-clicking each folder and then the notebook;
    wait for its kernel to be idle."""
    page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click()
    for name in notebook.split("/"):
        item = page.locator(".jp-FileBrowser .jp-DirListing-item").filter(has_text=name)
        item.first.dblclick(timeout=CELL_TIMEOUT)
    lab_server.wait_for_kernel(notebook)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=CELL_TIMEOUT)


def solve_and_check(page, solution, test_cell, source: str) -> str:
    """Type ``source`` into the solution cell, run it and its test cell; the test's output."""
    type_into(page, solution, source)
    run_cell(page, solution)
    run_cell(page, test_cell)
    return output_of(test_cell)


def save_and_run_last_cell(page) -> str:
    """Save the notebook (Ctrl+S), run its last cell (``dlcourse check`` and the course
    overview); its output."""
    page.keyboard.press("Control+s")
    page.wait_for_function("!document.querySelector('.lm-TabBar-tab.jp-mod-dirty')",
                           timeout=CELL_TIMEOUT)  # saved: the tab's dot has gone
    cells = page.locator(".jp-Notebook .jp-Cell")
    last = cells.nth(cells.count() - 1)
    run_cell(page, last, timeout=GRADING_TIMEOUT)
    last.scroll_into_view_if_needed()
    return output_of(last)
