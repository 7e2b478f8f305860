"""Every graded exercise's check against its reference, its nbgrader stub and the whole
catalogue, driven by the exercises table.

The parameters come from ``graders.exercises.EXERCISES`` and ``graders.catalogue``: an
exercise added to the table and to the catalogue is tested here with nothing else to
register. Tests of one chapter's cases and diagnosis wording stay beside it
(``test_checks_seam.py`` for chapters 1-2, ``test_checks_shallow.py``,
``test_checks_deep.py``).
"""

from __future__ import annotations

import re

import pytest
from check_messages import failure_message
from exercise_params import exercises, free_names, stub

from graders.catalogue import RIGHT, WRONG, load
from graders.exercises import EXERCISES


def entries(kind: dict) -> list:
    """(exercise, implementation) for every catalogue entry of every exercise."""
    return [
        pytest.param(e, impl, id=f"{e.key}:{impl.name}")
        for e in EXERCISES
        for impl in kind.get(e.key, [])
    ]


@pytest.mark.parametrize("exercise", exercises())
def test_reference_passes_visible_and_hidden(exercise, capfd):
    exercise.check()(exercise.reference())
    exercise.check()(exercise.reference(), hidden=True)
    out, err = capfd.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"✓ {exercise.function}: ") for line in lines)
    assert err == ""


@pytest.mark.parametrize("exercise", exercises())
def test_nbgrader_stub_fails_clearly(exercise, capfd):
    message = failure_message(exercise.check(), stub(exercise))
    assert "raises NotImplementedError: replace `raise NotImplementedError()`" in message
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(("exercise", "impl"), entries(WRONG))
def test_wrong_implementation_fails_with_its_diagnosis(exercise, impl, capfd):
    message = failure_message(exercise.check(), load(impl, free_names(exercise)))
    assert re.search(impl.diagnosis, message, re.IGNORECASE), message
    assert "\n" not in message  # one line
    out, err = capfd.readouterr()
    assert err == "" and "✓" not in out


@pytest.mark.parametrize(("exercise", "impl"), entries(RIGHT))
def test_right_implementation_passes(exercise, impl, capfd):
    fn = load(impl, free_names(exercise))
    exercise.check()(fn)
    exercise.check()(fn, hidden=True)
    out, err = capfd.readouterr()
    assert out.count("✓") == 2 and err == ""


@pytest.mark.parametrize("exercise", exercises())
def test_catalogue_has_enough_variants_and_distinct_diagnoses(exercise):
    # The catalogue's "stub" entry (sigmoid) is the nbgrader stub: not a mistake variant.
    wrong = [i for i in WRONG.get(exercise.key, []) if i.name != "stub"]
    right = RIGHT.get(exercise.key, [])
    assert len(wrong) >= 8, f"only {len(wrong)} wrong implementations"
    assert len(right) >= 3, f"only {len(right)} right implementations"
    assert all(i.diagnosis for i in WRONG[exercise.key])
    assert all(i.diagnosis is None for i in right)
    distinct = {i.diagnosis for i in wrong}
    assert len(distinct) >= 5, sorted(distinct)


def test_every_catalogue_entry_belongs_to_an_exercise():
    """Entries of a function missing from the table would be tested by nothing above."""
    table = {e.key for e in EXERCISES}
    for kind in (WRONG, RIGHT):
        untested = sorted(k for k in kind if "." in k and k not in table)  # not the aliases
        assert not untested, f"{untested} are not in graders.exercises.EXERCISES"
