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
# Chapter 5 trains two networks on 4000 images of 200 pixels, 1500 steps each (about 10 s of
# CPU each on an idle core): its normal run may take longer; graded, it is as fast as the rest.
NORMAL_LIMITS = {"05_application": 40.0}
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
    limit = NORMAL_LIMITS.get(chapter, LIMITS[mode]) if mode is None else LIMITS[mode]
    assert cpu < limit, f"{chapter} used {cpu:.1f} s of CPU"
    assert wall < 3 * limit, f"{chapter}'s cells took {wall:.1f} s"
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade"):  # a passing check prints its one line
            assert any(o.get("name") == "stdout" for o in cell.outputs), cell.source
    if mode is None:
        assert_stated_numbers_match_run(chapter, nb)


def _printed(nb) -> str:
    return "".join(
        o.text for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"
    )


def _text(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def found(pattern: str, text: str, what: str) -> tuple[str, ...]:
    match = re.search(pattern, text)
    assert match, f"{what} does not match {pattern!r}"
    return match.groups()


def assert_stated_numbers_match_run(chapter: str, nb) -> None:
    """Every number the chapter's text states about its run is the one the run printed.

    A percentage in the text must be printed somewhere; the other claims, chapter by
    chapter, are read from the text and from the printout and compared.
    """
    text, printed = " ".join(_text(nb).split()), _printed(nb)  # text: one line
    for percentage in re.findall(r"\d+(?:\.\d+)?%", text):
        assert percentage in printed, f"{chapter}'s text states {percentage}, never printed"
    CLAIMS[chapter](text, printed)


def _claims_01(text, printed):
    found(r"broadcast together with shapes \(3,4\) \(3,\)", printed, "the rank-1 demo")


def _claims_02(text, printed):
    n_x, m = found(r"(\d+) measurements of .* for (\d+) tumours", text, "the text")
    assert (n_x, m) == found(r"n_x = (\d+) features, .*: (\d+) tumours", printed, "the run")
    rows = dict(
        (alpha, values) for alpha, *values in re.findall(
            r"α = ([\d.]+)\s*: cost ([\d.]+) at the start, ([\d.]+) after one step, "
            r"([\d.]+) after \d+; test accuracy ([\d.]+%)", printed)
    )
    assert sorted(rows) == ["0.005", "0.05", "0.5", "50.0"], printed
    assert found(r"rises\*, from ([\d.]+) to ([\d.]+)", text, "the text") == tuple(rows["50.0"][:2])
    assert found(r"the cost is\s+still ([\d.]+) after 200", text, "the text")[0] == rows["0.005"][2]
    (same,) = found(r"([\d.]+%) for every \$\\alpha\$ but the smallest", text, "the text")
    assert [rows[a][3] for a in ("0.05", "0.5", "50.0")] == [same] * 3
    assert rows["0.005"][3] != same


def _claims_03(text, printed):
    spread = found(r"zeros start, after \d+ steps: rows of W1 differ by at most (\S+)", printed,
                   "the symmetry demo")
    assert float(spread[0]) == 0.0, "the text says the hidden units stay identical"
    (logistic,) = found(r"logistic regression ([\d.]+)%", printed, "the run")
    (one_unit,) = found(r"n_h =  1: training accuracy ([\d.]+)%", printed, "the run")
    assert "it scores better than logistic regression did" in " ".join(text.split())
    assert float(one_unit) > float(logistic), "one hidden unit must beat logistic regression"


def _claims_04(text, printed):
    (yours,) = found(r"parameters, relative difference (\S+)", printed, "the gradient check")
    assert float(yours) < 1e-7, "the text calls this network's gradients correct"
    wrong = re.findall(r"^  d(\w+)\s+([\d.e+-]+)$", printed, re.M)
    assert wrong and all((float(v) > 1e-3) == name.startswith("b") for name, v in wrong), wrong
    (log2,) = found(r"log 2 = ([\d.]+)", printed, "the run")
    (small,) = found(r"weights x 0\.01, cost every 500 steps: \[([^]]+)\]", printed, "the run")
    small = [float(v) for v in small.split()]
    assert small[0] == float(log2), "the text says the 0.01 start's cost is log 2"
    plateau, total = found(r"within 0\.001 of log 2 for the first (\d+) of (\d+) steps", printed,
                           "the run")
    assert int(plateau) > int(total) / 2, "the text says the plateau lasts most of the run"
    (he,) = found(r"He initialization, cost every 500 steps: \[([^]]+)\]", printed, "the run")
    he = [float(v) for v in he.split()]
    assert abs(he[0] - float(log2)) > 0.01, "the text says the He start is not at log 2"
    assert he[1] < small[1] - 0.2, "the text says by step 500 He is far below the plateau"
    (rises,) = found(r"the recorded cost rose (\d+) times", printed, "the run")
    assert "went *up*" in " ".join(text.split()) and int(rises) > 0, "the text explains rises"


def _claims_05(text, printed):
    assert_stated_accuracies_match_run(text, printed)
    assert found(r"fraction of positive examples: train ([\d.]+), test ([\d.]+)", printed,
                 "the run")[1] == "0.50", "the text says half the images are positive"
    (m_train, m_test) = found(r"X_train: \(\d+, (\d+)\)  X_test: \(\d+, (\d+)\)", printed,
                              "the run")
    assert f"{m_test} test images" in text and f"the {m_train} training images" in text
    assert found(r"With (\d+) iterations each", text, "the text") == found(
        r"trained (\d+) iterations", printed, "the run")
    runs = dict(
        (layers, (float(train), float(test), int(wrong))) for layers, train, test, wrong in
        re.findall(r"(\d)-layer: train accuracy ([\d.]+)%, test accuracy ([\d.]+)% "
                   r"\((\d+) test images wrong\)", printed)
    )
    difference, two, four = found(
        r"gets (\d+)\s+more of the \d+ test images right than the 2-layer one\s+"
        r"\((\d+) wrong against (\d+)\)", text, "the text")
    assert (int(two), int(four)) == (runs["2"][2], runs["4"][2])
    assert int(difference) == int(two) - int(four) > 0, "the text says depth pays on this run"
    assert "almost perfectly" in text and runs["4"][0] > 99.0 > runs["4"][1] + 10, (
        "the text says the 4-layer network fits its training set almost perfectly and overfits"
    )


def assert_stated_accuracies_match_run(text: str, printed: str) -> None:
    """Chapter 5's table states the accuracies reached: they must be the ones printed."""
    runs = re.findall(r"(\d)-layer: train accuracy ([\d.]+%), test accuracy ([\d.]+%)", printed)
    assert len(runs) == 2, printed
    for layers, train, test in runs:
        row = rf"\| {layers}-layer [^|]*\| {re.escape(train)} \| {re.escape(test)} \|"
        assert re.search(row, text), f"the text does not state {layers}-layer {train} / {test}"
    assert "Here depth pays" in text  # the claim that _claims_05 checks against the run


CLAIMS = {
    "01_numpy": _claims_01,
    "02_logistic": _claims_02,
    "03_shallow": _claims_03,
    "04_deep": _claims_04,
    "05_application": _claims_05,
}
