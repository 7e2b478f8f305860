"""The workspace: student versions, and the learner's edits never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from learner_helpers import dlcourse
from toycourse import write_toy_chapter

from graders.learner.release import OVERVIEW_NOTEBOOK, SELF_CHECK_MARKER
from graders.learner.workspace import MANIFEST, fingerprint, prepare_workspace

NB = "02_logistic/02_logistic.ipynb"


def _edit_solution(path: Path, body: str) -> None:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double")
    cell.source = f"def double(x):\n    {body}"
    nbformat.write(nb, path)


def _sources(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)


def test_workspace_holds_student_versions(tmp_path, toy_notebooks):
    ws = tmp_path / "ws"
    actions = prepare_workspace(ws, toy_notebooks, tmp_path / "no-data")
    assert [(a.kind, a.path) for a in actions] == [("created", NB),
                                                   ("created", OVERVIEW_NOTEBOOK)]
    text = _sources(ws / NB)
    assert "raise NotImplementedError()" in text
    assert "return 2 * x" not in text, "the solution leaked into the student version"
    assert "double(-1)" not in text and "HIDDEN" not in text, "hidden tests leaked"
    last = nbformat.read(ws / NB, as_version=4).cells[-1]
    assert SELF_CHECK_MARKER in last.metadata["tags"]
    assert 'check_this_notebook("02_logistic.ipynb")' in last.source
    assert (ws / "nbgrader_config.py").is_file()
    assert json.loads((ws / MANIFEST).read_text())["files"][NB] == fingerprint(ws / NB)


def test_second_run_keeps_progress(tmp_path, toy_notebooks):
    ws = tmp_path / "ws"
    prepare_workspace(ws, toy_notebooks, tmp_path / "no-data")
    _edit_solution(ws / NB, "return x + x")
    assert prepare_workspace(ws, toy_notebooks, tmp_path / "no-data") == []
    assert "return x + x" in _sources(ws / NB)


def test_running_cells_is_not_an_edit(tmp_path):
    path = write_toy_chapter(tmp_path)
    before = fingerprint(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok\n")]
    nb.cells[1].execution_count = 3
    nbformat.write(nb, path)
    assert fingerprint(path) == before
    _edit_solution(path, "return 2 * x  # mine")
    assert fingerprint(path) != before


def test_newer_course_updates_only_unedited_notebooks(tmp_path):
    course = tmp_path / "notebooks"
    write_toy_chapter(course, "02_logistic")
    write_toy_chapter(course, "03_shallow")
    ws = tmp_path / "ws"
    prepare_workspace(ws, course, tmp_path / "no-data")
    edited = "03_shallow/03_shallow.ipynb"
    _edit_solution(ws / edited, "return x * 2  # my work")

    write_toy_chapter(course, "02_logistic", intro="Toy chapter, second edition")
    write_toy_chapter(course, "03_shallow", intro="Toy chapter, second edition")
    actions = {a.path: a for a in prepare_workspace(ws, course, tmp_path / "no-data")}

    assert actions[NB].kind == "updated"
    assert "second edition" in _sources(ws / NB)
    assert actions[edited].kind == "beside"
    assert "my work" in _sources(ws / edited), "the learner's edits were overwritten"
    beside = ws / actions[edited].beside
    assert beside.name.startswith("03_shallow.v") and beside.suffix == ".ipynb"
    assert "second edition" in _sources(beside)
    assert "has your edits" in actions[edited].message()

    # a third run with the same course changes nothing and says so again, idempotently
    again = {a.path: a for a in prepare_workspace(ws, course, tmp_path / "no-data")}
    assert again == {} or again[edited].beside == actions[edited].beside
    assert "my work" in _sources(ws / edited)


def test_data_is_copied_and_protected_too(tmp_path):
    no_chapters, data, ws = tmp_path / "notebooks", tmp_path / "data", tmp_path / "ws"
    no_chapters.mkdir()
    data.mkdir()
    (data / "set.npz").write_bytes(b"version 1")
    prepare_workspace(ws, no_chapters, data)
    assert (ws / "data" / "set.npz").read_bytes() == b"version 1"
    (data / "set.npz").write_bytes(b"version 2")
    prepare_workspace(ws, no_chapters, data)
    assert (ws / "data" / "set.npz").read_bytes() == b"version 2"
    (ws / "data" / "set.npz").write_bytes(b"my own copy")
    (data / "set.npz").write_bytes(b"version 3")
    actions = prepare_workspace(ws, no_chapters, data)
    assert (ws / "data" / "set.npz").read_bytes() == b"my own copy"
    assert [a.kind for a in actions if a.path.startswith("data/")] == ["beside"]


def test_lab_prepare_only_command(tmp_path, toy_notebooks):
    ws = tmp_path / "ws"
    first = dlcourse("lab", ws, "--notebooks", toy_notebooks, "--prepare-only")
    assert first.returncode == 0, first.stderr
    assert f"new: {NB}" in first.stdout
    assert (ws / NB).is_file()
    _edit_solution(ws / NB, "return 2 * x  # mine")
    write_toy_chapter(toy_notebooks, intro="Toy chapter, v2")
    second = dlcourse("lab", ws, "--notebooks", toy_notebooks, "--prepare-only")
    assert second.returncode == 0, second.stderr
    assert "has your edits, so it was left alone" in second.stdout
    assert "mine" in _sources(ws / NB)
