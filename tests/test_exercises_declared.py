"""Every declared exercise has every piece it needs, and nothing repeats the declaration.

``graders.exercises.EXERCISES`` is the one place an exercise is declared. This test fails
when one lacks its reference, its check (whose spec grades that very reference), its
catalogue entries, its cells in the chapter notebook, its setup import, or the functions
its ``same_answer`` names; and when the README's table differs from the declaration.
"""

from __future__ import annotations

import inspect
import json

import pytest

from graders.catalogue import RIGHT, WRONG
from graders.checks import Spec, get_spec
from graders.exercises import CHAPTERS, EXERCISES, chapter_exercises, exercise, markdown_table
from graders.paths import NOTEBOOKS_DIR, REPO_ROOT

PARAMS = [pytest.param(e, id=e.key) for e in EXERCISES]


def _cells(chapter: str) -> dict[str, dict]:
    nb = json.loads((NOTEBOOKS_DIR / chapter / f"{chapter}.ipynb").read_text())
    return {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in nb["cells"]}


def test_keys_are_unique_and_chapters_in_order():
    keys = [e.key for e in EXERCISES]
    assert len(set(keys)) == len(keys)
    assert list(CHAPTERS) == sorted(CHAPTERS)
    assert all(e.points > 0 for e in EXERCISES)


@pytest.mark.parametrize("declared", PARAMS)
def test_reference_and_check(declared):
    reference = declared.reference()
    assert inspect.isfunction(reference) and reference.__name__ == declared.function
    check = declared.check()
    assert check.__name__ == f"check_{declared.function}"
    spec = get_spec(declared.module, declared.function)
    assert isinstance(spec, Spec) and spec is check.spec
    assert spec.reference is reference and (spec.module, spec.function) == (
        declared.module, declared.function)
    assert exercise(declared.key) is declared


@pytest.mark.parametrize("declared", PARAMS)
def test_catalogue_entries(declared):
    assert WRONG.get(declared.key), f"no wrong implementations of {declared.key}"
    assert RIGHT.get(declared.key), f"no right implementations of {declared.key}"


@pytest.mark.parametrize("declared", PARAMS)
def test_notebook_cells_and_setup_import(declared):
    cells = _cells(declared.chapter)
    assert declared.solution_id in cells, f"no solution cell {declared.solution_id}"
    test = cells.get(declared.test_id)
    assert test is not None, f"no test cell {declared.test_id}"
    assert test["metadata"]["nbgrader"]["points"] == declared.points
    assert f"check_{declared.function}({declared.function})" in "".join(test["source"])
    setup = "".join(cells["setup"]["source"])
    assert f"from {declared.check_module} import" in setup
    assert f"check_{declared.function}" in setup


@pytest.mark.parametrize("declared", PARAMS)
def test_same_answer_names_real_functions(declared):
    import importlib

    for key in declared.same_answer:
        module, function = key.split(".")
        found = getattr(importlib.import_module(f"dlnotes.{module}"), function, None)
        assert inspect.isfunction(found), f"{declared.key}: same_answer {key} does not exist"


def test_every_graded_notebook_cell_is_declared():
    for chapter in CHAPTERS:
        declared = {e.test_id for e in chapter_exercises(chapter)}
        graded = {gid for gid, cell in _cells(chapter).items()
                  if cell["metadata"].get("nbgrader", {}).get("grade")}
        assert graded == declared, chapter


def test_readme_table_is_the_declaration():
    readme = (REPO_ROOT / "README.md").read_text()
    table = markdown_table()
    assert table in readme, f"README's table of exercises is stale; it must read:\n{table}"
