"""The chapter notebooks under real nbgrader: release, autograde, and mutation tests.

One temporary course per chapter; every submission is a student of it (the untouched
release, the source notebook, and students whose release copies hold catalogue
implementations in their exercises' solution cells and the correct answers in the others:
see ``submissions``); one ``nbgrader autograde`` call grades them all; the scores are
read back from the gradebook with nbgrader's ``Gradebook`` API. Every catalogue entry of
every exercise is graded by nbgrader.
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
from graders.trusted.notebook import calls_among


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


def submissions(chapter: str, answers: dict[str, str]) -> dict[str, list]:
    """Student id -> the catalogue implementations pasted into that student's notebook
    (whose other solution cells hold ``answers``, the source's).

    Wrong implementations share notebooks, a few exercises' mistakes in each: at most one
    per exercise, and none that calls (itself or through the notebook's answers) another
    exercise whose mistake is in the same notebook, so each test cell that fails there has
    only its own mistake to fail for. Right ones are grouped too, the k-th right variant of
    every exercise in student ``right-k``: a notebook of correct answers must get full
    marks on every cell, so a group passes only if each member does (and the group is
    named when one does not).
    """
    from graders.catalogue import RIGHT, WRONG

    wrong: list[list] = []  # notebooks, each a list of implementations
    entries = [(impl, calls_among({**answers, impl.function: impl.source})[impl.function]
                | {impl.function})
               for e in chapter_exercises(chapter) for impl in WRONG.get(e.key, [])]
    # the most entangled first (model calls everything), then the exercises with most entries
    entries.sort(key=lambda entry: (-len(entry[1]), -len(WRONG[entry[0].key])))
    for impl, needs in entries:
        for notebook in wrong:
            if not any(other.function in needs or impl.function in other_needs
                       for other, other_needs in notebook):
                notebook.append((impl, needs))
                break
        else:
            wrong.append([(impl, needs)])
    out = {f"wrong-{n:02d}": [impl for impl, _ in notebook] for n, notebook in enumerate(wrong)}
    for exercise in chapter_exercises(chapter):
        for index, impl in enumerate(RIGHT.get(exercise.key, [])):
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
    entries = submissions(chapter, answers)
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

    answer_calls = calls_among(answers)
    failures, caught, tried, accepted, offered = [], 0, 0, 0, 0
    for student, impls in entries.items():
        if student.startswith("wrong"):
            mistaken = {i.function for i in impls}
            for impl in impls:
                tried += 1
                if got[student][f"test_{impl.function}"] < full[f"test_{impl.function}"]:
                    caught += 1
                else:
                    failures.append(f"wrong {impl.key} {impl.name!r} kept full marks")
            for exercise in chapter_exercises(chapter):  # untouched by the mistakes
                test_id = exercise.test_id
                if exercise.function not in mistaken and not (
                    answer_calls[exercise.function] & mistaken
                ) and got[student][test_id] < full[test_id]:
                    failures.append(f"right {exercise.function} lost points beside "
                                    f"{sorted(i.name for i in impls)}")
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
    wrong = {i.function for s, impls in entries.items() if s.startswith("wrong") for i in impls}
    for exercise in chapter_exercises(chapter):
        assert exercise.function in wrong, f"no wrong {exercise.function}"
    assert not failures, "\n".join(failures)
