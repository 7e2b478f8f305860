"""The course overview inside JupyterLab: the last cell of a chapter ends with it, and the
workspace's ``course_overview.ipynb`` prints it; both from the learner's saved notebooks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from learner_helpers import dlcourse

from graders.catalogue import RIGHT, WRONG
from graders.exercises import CHAPTERS, chapter_exercises, max_score
from graders.learner import workspace as workspace_module
from graders.learner.incell import check_this_notebook, show_course_overview
from graders.learner.overview import find_workspace
from graders.learner.release import OVERVIEW_MARKER, OVERVIEW_NOTEBOOK
from graders.learner.workspace import prepare_workspace
from graders.paths import NOTEBOOKS_DIR

CH1, CH2 = "01_numpy", "02_logistic"
MISTAKE = "sum, not mean"  # chapter 1's row_means (1 point); nothing else calls it


def _solution_ids(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}


def _solve(path: Path, sources: dict[str, str]) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell.source = sources[grade_id]
    nbformat.write(nb, path)


def _overview_lines(text: str) -> dict[str, str]:
    block = text[text.index("course overview:"):].splitlines()[1:]
    return {line.split()[0]: line for line in block}


@dataclass(frozen=True)
class Solved:
    """A workspace whose chapters 1 and 2 the learner worked on, and what it scores."""

    root: Path
    points: dict[str, int]  # chapter: points expected
    passing: dict[str, int]  # chapter: exercises expected to pass

    def notebook(self, chapter: str) -> Path:
        return self.root / chapter / f"{chapter}.ipynb"


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> Solved:
    """A real workspace of chapters 1 and 2: in chapter 1 row_means has a typical
    mistake and the rest is right; in chapter 2 every exercise its notebook holds is right.
    """
    ws = tmp_path_factory.mktemp("ws")
    prepare_workspace(ws, NOTEBOOKS_DIR, tmp_path_factory.mktemp("no-data"),
                      chapters=(CH1, CH2))
    solved = Solved(ws, {}, {})
    for chapter in (CH1, CH2):
        present = [e for e in chapter_exercises(chapter)
                   if e.solution_id in _solution_ids(solved.notebook(chapter))]
        sources = {e.function: RIGHT[e.key][0].source for e in present}
        solved.points[chapter] = sum(e.points for e in present)
        solved.passing[chapter] = len(present)
        if chapter == CH1:
            sources["row_means"] = _mistake().source
            solved.points[chapter] -= 1
            solved.passing[chapter] -= 1
        _solve(solved.notebook(chapter), sources)
    assert solved.points[CH1] == max_score(CH1) - 1
    return solved


def _mistake():
    return next(w for w in WRONG["basics.row_means"] if w.name == MISTAKE)


def _assert_overview(text: str, solved: Solved) -> None:
    lines = _overview_lines(text)
    assert set(lines) == {*CHAPTERS, "total"}, text
    for chapter in (CH1, CH2):
        n = len(chapter_exercises(chapter))
        state = (["passes"] if solved.passing[chapter] == n
                 else [str(solved.passing[chapter]), "of", str(n), "exercises", "pass"])
        assert lines[chapter].split()[1:] == [
            f"{solved.points[chapter]}/{max_score(chapter)}", *state], text
    # the wrong row_means shows: a point and an exercise short
    assert lines[CH1].split()[1:] == [f"{max_score(CH1) - 1}/{max_score(CH1)}", "2", "of", "3",
                                      "exercises", "pass"], text
    for chapter in CHAPTERS[2:]:
        assert lines[chapter].split()[1:] == [f"0/{max_score(chapter)}", "not", "found"], text
    total = solved.points[CH1] + solved.points[CH2]
    course = sum(map(max_score, CHAPTERS))
    passing = int(solved.passing[CH2] == len(chapter_exercises(CH2)))
    assert lines["total"].split()[1:] == [f"{total}/{course}", str(passing), "of",
                                          f"{len(CHAPTERS)}", "chapters", "pass"], text


def test_last_cell_ends_with_the_course_overview(solved, monkeypatch, capsys):
    monkeypatch.setenv("JPY_SESSION_NAME", str(solved.notebook(CH1)))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    check_this_notebook(f"{CH1}.ipynb")
    out, err = capsys.readouterr()
    assert err == ""
    report = out[:out.index("course overview:")]
    # the chapter's own report first, diagnosis included; no other chapter's report
    assert f"{CH1}.ipynb (chapter {CH1}): {max_score(CH1) - 1}/{max_score(CH1)} points" in report
    line = next(ln for ln in report.splitlines() if "row_means" in ln)
    assert re.search(r"✗ row_means\s+0/1", line) and re.search(_mistake().diagnosis, line), line
    assert re.search(r"✓ sigmoid\s+2/2", report), report
    assert f"{CH2}.ipynb" not in report
    _assert_overview(out, solved)


def test_overview_notebook_in_a_kernel(solved):
    """``course_overview.ipynb`` run as JupyterLab runs it: a kernel in its folder."""
    from nbclient import NotebookClient

    nb = nbformat.read(solved.root / OVERVIEW_NOTEBOOK, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["code"]
    assert OVERVIEW_MARKER in nb.cells[0].metadata["tags"]
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(solved.root)}}).execute()
    outputs = nb.cells[0].outputs
    assert [(o.output_type, o.get("name")) for o in outputs] == [("stream", "stdout")] * len(
        outputs), "the overview cell wrote something other than stdout"
    text = "".join(o.text for o in outputs)
    assert "(chapter " not in text, "the overview notebook printed a chapter's full report"
    _assert_overview(text, solved)


def test_overview_found_from_inside_the_workspace(solved, monkeypatch, capsys):
    assert find_workspace(solved.notebook(CH2)) == solved.root.resolve()
    assert find_workspace(solved.root.parent) is None
    monkeypatch.chdir(solved.root / CH2)  # e.g. the cell copied into a chapter's notebook
    show_course_overview()
    out, err = capsys.readouterr()
    assert err == "" and f"saved in {solved.root.resolve()}" in out
    _assert_overview(out, solved)


def test_check_command_with_overview(solved):
    done = dlcourse("check", solved.notebook(CH2), "--overview", solved.root)
    assert done.returncode == 1, done.stdout + done.stderr  # chapter 1 does not pass
    assert done.stderr == ""
    assert f"(chapter {CH2}): {solved.points[CH2]}/{max_score(CH2)} points" in done.stdout
    assert f"(chapter {CH1})" not in done.stdout
    _assert_overview(done.stdout, solved)
    alone = dlcourse("check", "--overview", solved.root / CH1)  # a folder of one chapter
    assert alone.returncode == 1 and alone.stderr == "", alone.stdout + alone.stderr
    assert "(chapter " not in alone.stdout
    lines = _overview_lines(alone.stdout)
    assert lines[CH1].split()[1] == f"{max_score(CH1) - 1}/{max_score(CH1)}"
    assert lines[CH2].split()[1:] == [f"0/{max_score(CH2)}", "not", "found"]
    course = sum(map(max_score, CHAPTERS))
    assert lines["total"].split()[1:3] == [f"{max_score(CH1) - 1}/{course}", "0"]


def test_check_command_usage_errors(tmp_path):
    nothing = dlcourse("check")
    assert nothing.returncode == 2 and "--overview DIR" in nothing.stderr
    (tmp_path / "notes.txt").write_text("not a folder")
    not_a_folder = dlcourse("check", "--overview", tmp_path / "notes.txt")
    assert not_a_folder.returncode == 2 and "name a folder" in not_a_folder.stderr
    empty = dlcourse("check", "--overview", tmp_path)
    assert empty.returncode == 2 and "no chapter notebooks found" in empty.stderr


def test_overview_notebook_is_installed_like_the_chapters(tmp_path, toy_notebooks, monkeypatch):
    ws, no_data = tmp_path / "ws", tmp_path / "no-data"
    actions = prepare_workspace(ws, toy_notebooks, no_data)
    assert ("created", OVERVIEW_NOTEBOOK) in [(a.kind, a.path) for a in actions]
    nb = ws / OVERVIEW_NOTEBOOK
    assert "show_course_overview()" in nb.read_text()
    assert prepare_workspace(ws, toy_notebooks, no_data) == []

    # a newer course text: the unedited overview is updated, an edited one kept
    from graders.learner import release

    monkeypatch.setattr(release, "_OVERVIEW_CODE", "show_course_overview()  # v2")
    monkeypatch.setattr(workspace_module, "TEMPLATES", release.TEMPLATES + "v2")
    updated = {a.path: a.kind for a in prepare_workspace(ws, toy_notebooks, no_data)}
    assert updated[OVERVIEW_NOTEBOOK] == "updated" and "# v2" in nb.read_text()

    mine = nbformat.read(nb, as_version=4)
    mine.cells.append(nbformat.v4.new_markdown_cell("my study plan"))
    nbformat.write(mine, nb)
    monkeypatch.setattr(release, "_OVERVIEW_CODE", "show_course_overview()  # v3")
    monkeypatch.setattr(workspace_module, "TEMPLATES", release.TEMPLATES + "v3")
    kept = {a.path: a for a in prepare_workspace(ws, toy_notebooks, no_data)}
    assert kept[OVERVIEW_NOTEBOOK].kind == "beside"
    assert "my study plan" in nb.read_text()
    assert "# v3" in (ws / kept[OVERVIEW_NOTEBOOK].beside).read_text()


def test_overview_skipped_under_nbgrader(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    show_course_overview()
    assert "skipped while nbgrader runs this notebook" in capsys.readouterr().out
