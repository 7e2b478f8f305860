"""The chapter notebooks under real nbgrader: release, autograde, and mutation tests.

One temporary course per chapter; every submission is a student of it (the untouched
release, the source notebook, and one student per catalogue implementation pasted into
its exercise's solution cell of a release copy whose other solution cells hold the
correct answers); one ``nbgrader autograde`` call grades them all; the scores are read
back from the gradebook with nbgrader's ``Gradebook`` API.
"""

from __future__ import annotations

import time

import pytest
from notebook_course import (
    cells_by_grade_id,
    make_course,
    max_scores,
    nbgrader,
    nbgrader_meta,
    notebook_file,
    read_notebook,
    release,
    scores,
    submit,
    with_solutions,
)

from graders.exercises import CHAPTERS, chapter_exercises


def solution_cells(nb) -> dict[str, str]:
    return {
        meta["grade_id"]: cell.source
        for cell in nb.cells
        if (meta := nbgrader_meta(cell)).get("solution")
    }


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_release_stubs_every_solution_and_drops_hidden_tests(chapter, tmp_path):
    source = read_notebook(notebook_file(chapter))
    released = release(make_course(tmp_path, chapter), chapter)
    assert sorted(p.name for p in (tmp_path / "release" / chapter).iterdir()) == [
        f"{chapter}.ipynb"
    ], "only the notebook is released"
    cells = cells_by_grade_id(released)
    for exercise in chapter_exercises(chapter):
        stub = cells[exercise.solution_id].source
        answer = solution_cells(source)[exercise.solution_id]
        body = answer.split("### BEGIN SOLUTION\n")[1].split("    ### END SOLUTION")[0]
        assert "raise NotImplementedError()" in stub and "SOLUTION" not in stub
        assert body.strip() not in stub
        assert stub.splitlines()[0] == answer.splitlines()[0], "the hint comment stays"
        assert f"def {exercise.function}(" in stub
        test = cells[exercise.test_id].source
        assert "HIDDEN" not in test and "hidden=True" not in test
        assert f"check_{exercise.function}({exercise.function})" in test
    for cell in released.cells:
        assert "### BEGIN SOLUTION" not in cell.source
        assert "hidden=True" not in cell.source


def submissions(chapter: str) -> dict[str, list]:
    """Student id -> the catalogue implementations pasted into that student's notebook.

    A wrong implementation gets a student of its own: another mistake in the same
    notebook could make its exercise fail for another reason. Right ones are grouped,
    the k-th right variant of every exercise in student ``right-k``: a notebook of correct
    answers must get full marks on every cell, so a group passes only if each member does
    (and the group is named when one does not); this halves the number of notebooks.
    """
    from graders.catalogue import RIGHT, WRONG

    out: dict[str, list] = {}
    for exercise in chapter_exercises(chapter):
        key = f"{exercise.module}.{exercise.function}"
        for index, impl in enumerate(WRONG.get(key, [])):
            out[f"wrong-{exercise.function}-{index:02d}"] = [impl]
        for index, impl in enumerate(RIGHT.get(key, [])):
            out.setdefault(f"right-{index:02d}", []).append(impl)
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_autograde_release_source_and_catalogue(chapter, tmp_path):
    root = make_course(tmp_path, chapter)
    source = read_notebook(notebook_file(chapter))
    released = release(root, chapter)
    answers = solution_cells(source)
    submit(root, chapter, "release", released)
    submit(root, chapter, "source", with_solutions(released, answers))
    entries = submissions(chapter)
    for student, impls in entries.items():
        mutated = with_solutions(released, {**answers, **{i.function: i.source for i in impls}})
        submit(root, chapter, student, mutated)
    start = time.perf_counter()
    nbgrader(root, "autograde", chapter)
    seconds = time.perf_counter() - start
    students = ["release", "source", *entries]
    got = scores(root, chapter, students)
    full = max_scores(chapter)

    assert got["release"] == {test_id: 0.0 for test_id in full}, got["release"]
    assert got["source"] == full, got["source"]

    failures, caught, tried, accepted, offered = [], 0, 0, 0, 0
    for student, impls in entries.items():
        if student.startswith("wrong"):
            (impl,) = impls
            tried += 1
            test_id = f"test_{impl.function}"
            if got[student][test_id] < full[test_id]:
                caught += 1
            else:
                failures.append(f"wrong {impl.key} {impl.name!r} kept full marks")
        else:
            offered += len(impls)
            if got[student] == full:
                accepted += len(impls)
            else:
                lost = {k: v for k, v in got[student].items() if v < full[k]}
                names = ", ".join(f"{i.key} {i.name!r}" for i in impls)
                failures.append(f"right variants [{names}] lost points: {lost}")
    print(
        f"{chapter}: {len(students)} notebooks autograded in {seconds:.0f} s; "
        f"mistakes caught {caught}/{tried}, correct variants accepted {accepted}/{offered}"
    )
    assert tried and offered, "the catalogue has no entries for this chapter"
    for exercise in chapter_exercises(chapter):
        assert f"wrong-{exercise.function}-00" in entries, f"no wrong {exercise.function}"
    assert not failures, "\n".join(failures)
