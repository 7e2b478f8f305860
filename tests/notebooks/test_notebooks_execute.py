"""Each source notebook runs top to bottom in a real kernel: no error, nothing on stderr,
under 20 s, and under 5 s when NBGRADER_EXECUTION is set (as nbgrader does while grading).

"Runs in" is the CPU time of the kernel process (user + system, start-up and imports
included), read by a cell the test appends to its copy: on a machine shared with other
jobs the wall clock measures the neighbours too. The wall-clock time from the first
cell's start to the last cell's end is printed and bounded loosely, which still catches
a notebook that waits or sleeps.
"""

from __future__ import annotations

import re
from datetime import datetime

import nbformat
import pytest
from nbclient import NotebookClient
from notebook_course import nbgrader_meta, notebook_file, read_notebook

from graders.exercises import CHAPTERS

LIMITS = {None: 20.0, "autograde": 5.0}
CPU_PROBE = "import os\nprint(sum(os.times()[:4]))  # CPU seconds of this kernel and its children"


def execute(chapter: str, cwd) -> tuple[object, float, float]:
    """The executed notebook (probe cell removed), its CPU seconds and its cells' wall time."""
    nb = read_notebook(notebook_file(chapter))
    nb.cells.append(nbformat.v4.new_code_cell(CPU_PROBE))
    client = NotebookClient(
        nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    probe = nb.cells.pop()
    cpu = float(probe.outputs[0].text)
    timings = [c.metadata["execution"] for c in nb.cells if c.cell_type == "code"]
    first = _timestamp(timings[0]["iopub.execute_input"])
    last = _timestamp(timings[-1]["shell.execute_reply"])
    return nb, cpu, (last - first).total_seconds()


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def problems(nb) -> list[str]:
    """Errors and stderr output of an executed notebook, one line per cell."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index} wrote to stderr: {output.text[:300]!r}")
    return found


@pytest.mark.parametrize("mode", LIMITS, ids=["normal", "NBGRADER_EXECUTION"])
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_source_notebook_runs_clean_and_fast(chapter, mode, tmp_path, monkeypatch):
    if mode is None:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    else:
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)  # the kernel inherits the environment
    nb, cpu, wall = execute(chapter, tmp_path)
    assert not problems(nb), problems(nb)
    print(f"{chapter} ({mode or 'normal'}): kernel CPU {cpu:.1f} s, cells' wall time {wall:.1f} s")
    assert cpu < LIMITS[mode], f"{chapter} used {cpu:.1f} s of CPU"
    assert wall < 3 * LIMITS[mode], f"{chapter}'s cells took {wall:.1f} s"
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade"):  # a passing check prints its one line
            assert any(o.get("name") == "stdout" for o in cell.outputs), cell.source
    if chapter == "05_application" and mode is None:
        assert_stated_accuracies_match_run(nb)


def assert_stated_accuracies_match_run(nb) -> None:
    """Chapter 5's text states the accuracies reached: they must be the ones printed."""
    printed = "".join(
        o.text for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"
    )
    text = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    runs = re.findall(r"(\d)-layer: train accuracy ([\d.]+%), test accuracy ([\d.]+%)", printed)
    assert len(runs) == 2, printed
    for layers, train, test in runs:
        row = rf"\| {layers}-layer [^|]*\| {re.escape(train)} \| {re.escape(test)} \|"
        assert re.search(row, text), f"the text does not state {layers}-layer {train} / {test}"
